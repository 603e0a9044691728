#include "media/send_gate.h"

#include <gtest/gtest.h>

using rp::media::SendGate;
using V = SendGate::Verdict;

TEST(SendGate, BeforeTheCallIsConnectedOnlyOneKeyframeWaits) {
    SendGate gate(true, 4);
    // A keyframe is asked for once, so that the payloader can produce its caps.
    EXPECT_EQ(gate.admit(false, 0), V::DropAndRequestKeyframe);
    EXPECT_EQ(gate.admit(false, 0), V::Drop);
    EXPECT_EQ(gate.admit(true, 0), V::Pass);
    // It still waits (webrtcbin holds it until negotiated): nothing more joins it.
    EXPECT_EQ(gate.admit(true, 1), V::Drop);
    EXPECT_EQ(gate.admit(false, 1), V::Drop);
    gate.open();
    // The session asks for a keyframe when it connects; the gate waits for it.
    EXPECT_EQ(gate.admit(false, 0), V::Drop);
    EXPECT_EQ(gate.admit(true, 0), V::Pass);
    SendGate audio(false, 4);
    EXPECT_EQ(audio.admit(false, 0), V::Drop);
    audio.open();
    EXPECT_EQ(audio.admit(false, 0), V::Pass);
}

TEST(SendGate, VideoWaitsForTheFirstKeyframeAndAsksForItOnce) {
    SendGate gate(true, 4);
    gate.open();
    EXPECT_EQ(gate.admit(false, 0), V::DropAndRequestKeyframe);
    EXPECT_EQ(gate.admit(false, 0), V::Drop);
    EXPECT_EQ(gate.admit(true, 0), V::Pass);
    EXPECT_EQ(gate.admit(false, 0), V::Pass);
    EXPECT_EQ(gate.dropped(), 2u);
}

TEST(SendGate, AFullQueueDropsThenDeltaFramesWaitForTheNextKeyframe) {
    SendGate gate(true, 4);
    gate.open();
    ASSERT_EQ(gate.admit(true, 0), V::Pass);
    EXPECT_EQ(gate.admit(false, 3), V::Pass);
    EXPECT_EQ(gate.admit(false, 4), V::DropAndRequestKeyframe);
    // The queue drained, but a delta frame after a hole cannot be decoded.
    EXPECT_EQ(gate.admit(false, 0), V::Drop);
    // A keyframe into a queue that is still full is dropped too.
    EXPECT_EQ(gate.admit(true, 4), V::Drop);
    EXPECT_EQ(gate.admit(true, 1), V::Pass);
    EXPECT_EQ(gate.admit(false, 1), V::Pass);
    EXPECT_EQ(gate.dropped(), 3u);
}

TEST(SendGate, ASecondHoleAsksForAnotherKeyframe) {
    SendGate gate(true, 2);
    gate.open();
    ASSERT_EQ(gate.admit(true, 0), V::Pass);
    EXPECT_EQ(gate.admit(false, 2), V::DropAndRequestKeyframe);
    EXPECT_EQ(gate.admit(true, 0), V::Pass);
    EXPECT_EQ(gate.admit(false, 2), V::DropAndRequestKeyframe);
}

TEST(SendGate, AudioOnlyDropsWhatDoesNotFit) {
    SendGate gate(false, 3);
    gate.open();
    EXPECT_EQ(gate.admit(false, 0), V::Pass);
    EXPECT_EQ(gate.admit(false, 3), V::Drop);
    EXPECT_EQ(gate.admit(false, 2), V::Pass);
    EXPECT_EQ(gate.dropped(), 1u);
}
