#include "report/video_quality.h"

#include <gtest/gtest.h>

#include <vector>

using rp::FrameFacts;
using rp::VideoQuality;

namespace {

constexpr std::int64_t kFrameUs = 33'333;  // 30 fps

// A grid whose content is a function of `phase`: different phases differ everywhere.
std::vector<std::uint8_t> picture(int phase, std::uint8_t base = 100) {
    std::vector<std::uint8_t> g(80 * 60);
    for (size_t i = 0; i < g.size(); ++i)
        g[i] = static_cast<std::uint8_t>(base + ((static_cast<int>(i) + phase * 7) % 50));
    return g;
}

FrameFacts frame_at(std::int64_t us, std::vector<std::uint8_t> grid = picture(0)) {
    FrameFacts f;
    f.arrival_us = us;
    f.grid = std::move(grid);
    f.grid_w = 80;
    f.grid_h = 60;
    return f;
}

FrameFacts stamped(std::int64_t us, std::uint16_t number, std::uint16_t tag = 5,
                   std::uint16_t expected = 5) {
    FrameFacts f = frame_at(us, picture(number));
    f.stamped = true;
    f.frame_number = number;
    f.sender_tag = tag;
    f.expected_tag = expected;
    return f;
}

}  // namespace

TEST(VideoQuality, NothingMeasuredWithoutFrames) {
    VideoQuality q;
    auto v = q.figures(1'000'000);
    EXPECT_FALSE(v.fps);
    EXPECT_FALSE(v.freeze_count);
    EXPECT_FALSE(v.total_freeze_ms);
    EXPECT_FALSE(v.pause_count);
    EXPECT_FALSE(v.max_gap_ms);
    EXPECT_FALSE(v.black);
    EXPECT_FALSE(v.still);
    EXPECT_FALSE(v.frames_lost);
    EXPECT_FALSE(v.from_expected_sender);
    EXPECT_FALSE(v.psnr_mean_db);
    EXPECT_FALSE(v.psnr_p5_db);
}

TEST(VideoQuality, OneFrameHasNoRateButAPicture) {
    VideoQuality q;
    q.on_frame(frame_at(5'000'000, std::vector<std::uint8_t>(4800, 16)));
    auto v = q.figures(9'000'000);
    EXPECT_FALSE(v.fps);
    EXPECT_EQ(v.freeze_count, 0);
    EXPECT_EQ(v.black, 1.0);
    EXPECT_EQ(v.still, 1.0);
    EXPECT_FALSE(v.frames_lost) << "no stamps";
}

TEST(VideoQuality, SteadyThirtyFramesASecond) {
    VideoQuality q;
    for (int i = 0; i < 301; ++i) q.on_frame(frame_at(1'000'000 + i * kFrameUs, picture(i)));
    auto v = q.figures(0);
    ASSERT_TRUE(v.fps);
    EXPECT_NEAR(*v.fps, 30, 0.01);
    EXPECT_EQ(v.freeze_count, 0);
    EXPECT_EQ(v.total_freeze_ms, 0);
    EXPECT_EQ(v.pause_count, 0);
    EXPECT_NEAR(*v.max_gap_ms, 33.3, 0.1);
    EXPECT_EQ(v.black, 0);
    EXPECT_EQ(v.still, 0);
}

TEST(VideoQuality, OneGapOfOneAndAHalfSecondsIsOneFreeze) {
    VideoQuality q;
    std::int64_t t = 0;
    for (int i = 0; i < 90; ++i, t += kFrameUs) q.on_frame(frame_at(t, picture(i)));
    t += 1'500'000 - kFrameUs;  // the next frame 1.5 s after the last
    for (int i = 90; i < 180; ++i, t += kFrameUs) q.on_frame(frame_at(t, picture(i)));
    auto v = q.figures(0);
    EXPECT_EQ(v.freeze_count, 1);
    EXPECT_NEAR(*v.total_freeze_ms, 1500, 1);
    EXPECT_NEAR(*v.max_gap_ms, 1500, 1);
    EXPECT_EQ(v.pause_count, 0);
    // 179 intervals over 178 x 33.3 ms + 1.5 s.
    EXPECT_NEAR(*v.fps, 179 / (178 * 0.033333 + 1.5), 0.05);
}

TEST(VideoQuality, TheFreezeRuleFollowsTheMeanOfTheLastThirtyFrames) {
    // At 30 fps the threshold is mean + 150 ms (183 ms): 180 ms is no freeze, 190 ms is.
    VideoQuality q;
    std::int64_t t = 0;
    for (int i = 0; i < 40; ++i, t += kFrameUs) q.on_frame(frame_at(t, picture(i)));
    t += 180'000 - kFrameUs;
    q.on_frame(frame_at(t, picture(100)));
    EXPECT_EQ(q.figures(0).freeze_count, 0);
    for (int i = 0; i < 40; ++i) q.on_frame(frame_at(t += kFrameUs, picture(i)));
    q.on_frame(frame_at(t += 190'000, picture(101)));
    EXPECT_EQ(q.figures(0).freeze_count, 1);
    // At 5 fps (200 ms) the threshold is 3 x mean (600 ms): 500 ms is no freeze, 650 ms is.
    VideoQuality slow;
    t = 0;
    for (int i = 0; i < 40; ++i, t += 200'000) slow.on_frame(frame_at(t, picture(i)));
    slow.on_frame(frame_at(t += 300'000, picture(100)));  // 500 ms after the last
    EXPECT_EQ(slow.figures(0).freeze_count, 0);
    for (int i = 0; i < 40; ++i) slow.on_frame(frame_at(t += 200'000, picture(i)));
    slow.on_frame(frame_at(t += 650'000, picture(101)));
    EXPECT_EQ(slow.figures(0).freeze_count, 1);
    EXPECT_NEAR(*slow.figures(0).total_freeze_ms, 650, 1);
}

TEST(VideoQuality, GapsOverFiveSecondsArePausesNotFreezes) {
    VideoQuality q;
    std::int64_t t = 0;
    for (int i = 0; i < 60; ++i, t += kFrameUs) q.on_frame(frame_at(t, picture(i)));
    t += 6'000'000;
    for (int i = 0; i < 60; ++i, t += kFrameUs) q.on_frame(frame_at(t, picture(i)));
    auto v = q.figures(0);
    EXPECT_EQ(v.pause_count, 1);
    EXPECT_EQ(v.freeze_count, 0);
    EXPECT_NEAR(*v.max_gap_ms, 6033, 1);
}

TEST(VideoQuality, BlackAndStillShareOfTheCall) {
    // 2 s moving, then 1 s black (and unchanging), then 1 s of one frozen picture.
    VideoQuality q;
    std::int64_t t = 0;
    int i = 0;
    for (; i < 60; ++i, t += kFrameUs) q.on_frame(frame_at(t, picture(i)));
    for (; i < 90; ++i, t += kFrameUs) q.on_frame(frame_at(t, std::vector<std::uint8_t>(4800, 17)));
    for (; i < 121; ++i, t += kFrameUs) q.on_frame(frame_at(t, picture(7)));
    auto v = q.figures(0);
    ASSERT_TRUE(v.black && v.still);
    EXPECT_NEAR(*v.black, 0.25, 0.02);
    EXPECT_NEAR(*v.still, 0.5, 0.03);  // the black second is still, too
}

TEST(VideoQuality, StillToleratesCodecNoiseButNotMotion) {
    auto a = picture(3);
    auto noisy = a;
    for (size_t i = 0; i < noisy.size(); ++i)
        noisy[i] = static_cast<std::uint8_t>(noisy[i] + (i % 7) - 3);
    EXPECT_TRUE(rp::nearly_same(a, noisy));
    // A small moving object: 2 % of the picture changes.
    auto moved = a;
    for (size_t i = 0; i < moved.size() / 50; ++i)
        moved[i * 50] = static_cast<std::uint8_t>(moved[i * 50] + 60);
    EXPECT_FALSE(rp::nearly_same(a, moved));
    EXPECT_FALSE(rp::nearly_same(a, std::vector<std::uint8_t>(a.size() / 2, 100)))
        << "sizes differ";
    EXPECT_NEAR(rp::mean_luma(std::vector<std::uint8_t>{10, 20, 30}), 20, 1e-9);
}

TEST(VideoQuality, FramesLostFromFrameNumbersWithWrap) {
    VideoQuality q;
    std::int64_t t = 0;
    std::uint16_t n = 65530;
    for (int i = 0; i < 10; ++i) q.on_frame(stamped(t += kFrameUs, n++));  // crosses 65535 -> 0
    n += 3;                                                                // 3 lost
    for (int i = 0; i < 10; ++i) q.on_frame(stamped(t += kFrameUs, n++));
    q.on_frame(stamped(t += kFrameUs, static_cast<std::uint16_t>(n - 1)));  // a repeat: no loss
    q.on_frame(frame_at(t += kFrameUs, picture(1)));  // an unstamped frame in between
    n += 1;                                           // 1 lost
    q.on_frame(stamped(t += kFrameUs, n++));
    auto v = q.figures(0);
    EXPECT_EQ(v.frames_lost, 4);
    EXPECT_EQ(v.from_expected_sender, true);
}

TEST(VideoQuality, SomeoneElsesFramesAreNotFromTheExpectedSender) {
    VideoQuality ours, theirs, early;
    for (int i = 0; i < 100; ++i) {
        ours.on_frame(stamped(i * kFrameUs, static_cast<std::uint16_t>(i), 5, 5));
        theirs.on_frame(stamped(i * kFrameUs, static_cast<std::uint16_t>(i), i < 50 ? 5 : 6, 5));
        early.on_frame(stamped(i * kFrameUs, static_cast<std::uint16_t>(i), 0, 5));
    }
    EXPECT_EQ(ours.figures(0).from_expected_sender, true);
    EXPECT_EQ(theirs.figures(0).from_expected_sender, false);
    // The switch to another sender's numbering is no loss.
    EXPECT_EQ(theirs.figures(0).frames_lost, 0);
    // Tag 0: stamped before the sender joined; nothing to check.
    EXPECT_FALSE(early.figures(0).from_expected_sender);
    EXPECT_EQ(early.figures(0).frames_lost, 0);
}

TEST(VideoQuality, PsnrMeanAndFifthPercentile) {
    VideoQuality q;
    for (int i = 0; i < 100; ++i) {
        FrameFacts f = stamped(i * kFrameUs, static_cast<std::uint16_t>(i));
        f.psnr_db = i < 10 ? 20.0 : 40.0;  // 10 % bad frames
        q.on_frame(f);
    }
    auto v = q.figures(0);
    ASSERT_TRUE(v.psnr_mean_db && v.psnr_p5_db);
    EXPECT_NEAR(*v.psnr_mean_db, 38, 1e-9);
    EXPECT_NEAR(*v.psnr_p5_db, 20, 0.1);
    // Stamps without a score (too small a picture): frames_lost, but no PSNR.
    VideoQuality none;
    none.on_frame(stamped(0, 1));
    EXPECT_FALSE(none.figures(0).psnr_mean_db);
    EXPECT_EQ(none.figures(0).frames_lost, 0);
}
