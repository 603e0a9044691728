#include "media/video_analysis.h"

#include "media/frame_stamp.h"
#include "media/test_pattern.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using rp::media::LumaPlane;
using rp::media::Stamp;

namespace {

// What a --latency-probe sender sends: the pattern below, the stamp on top.
std::vector<std::uint8_t> sent(int w, int h, std::uint16_t frame, std::uint16_t tag) {
    std::vector<std::uint8_t> y(static_cast<size_t>(w * h));
    LumaPlane p{y.data(), w, w, h};
    rp::media::paint_test_pattern(p, rp::media::stamp_height(w, h), frame, tag);
    rp::media::paint_stamp(p, Stamp{rp::media::stamp_clock_ms(), frame, tag});
    return y;
}

void feed(rp::MediaCounters& c, std::vector<std::uint8_t>& y, int w, int h, std::int64_t us,
          const std::string& peer) {
    rp::media::analyze_luma({y.data(), w, w, h}, us, c, peer);
}

}  // namespace

TEST(VideoAnalysis, StampedFramesFromTheExpectedSender) {
    const std::string peer = "member-1";
    std::uint16_t tag = rp::media::sender_tag(peer.data(), peer.size());
    rp::MediaCounters c;
    for (int i = 0; i < 40; ++i) {
        if (i == 20 || i == 21) continue;  // two frames lost on the way
        auto y = sent(320, 240, static_cast<std::uint16_t>(1000 + i), tag);
        feed(c, y, 320, 240, i * 33'333, peer);
    }
    auto v = c.video_quality.figures(0);
    EXPECT_EQ(v.frames_lost, 2);
    EXPECT_EQ(v.from_expected_sender, true);
    ASSERT_TRUE(v.psnr_mean_db);
    EXPECT_EQ(*v.psnr_mean_db, 100) << "decoded exactly as sent";
    EXPECT_EQ(v.still, 0) << "the pattern moves";
    EXPECT_EQ(v.black, 0);
    EXPECT_EQ(c.latency.snapshot().size(), 38u);
}

TEST(VideoAnalysis, SomeoneElsesFramesAndNoisyPictures) {
    rp::MediaCounters c;
    std::mt19937 rng(3);
    std::normal_distribution<double> noise(0, 8);
    for (int i = 0; i < 8; ++i) {
        auto y = sent(640, 480, static_cast<std::uint16_t>(i), rp::media::sender_tag("other", 5));
        for (auto& v : y) v = static_cast<std::uint8_t>(std::clamp<double>(v + noise(rng), 0, 255));
        feed(c, y, 640, 480, i * 33'333, "member-1");
    }
    auto v = c.video_quality.figures(0);
    EXPECT_EQ(v.from_expected_sender, false);
    EXPECT_EQ(v.frames_lost, 0);
    ASSERT_TRUE(v.psnr_mean_db);
    EXPECT_NEAR(*v.psnr_mean_db, 30, 1.5);  // 20 log10(255 / 8)
}

TEST(VideoAnalysis, UnstampedBlackAndStillPictures) {
    rp::MediaCounters black, still;
    std::vector<std::uint8_t> dark(320 * 240, 16);
    auto frozen = sent(320, 240, 7, 1);
    for (int i = 0; i < 30; ++i) {
        feed(black, dark, 320, 240, i * 33'333, "p");
        // One stamped frame over and over: the stamp is read, the picture does not change.
        feed(still, frozen, 320, 240, i * 33'333, "p");
    }
    auto b = black.video_quality.figures(0);
    EXPECT_EQ(b.black, 1);
    EXPECT_EQ(b.still, 1);
    EXPECT_FALSE(b.frames_lost) << "no stamps";
    EXPECT_FALSE(b.psnr_mean_db);
    EXPECT_TRUE(black.latency.snapshot().empty());
    auto s = still.video_quality.figures(0);
    EXPECT_EQ(s.still, 1);
    EXPECT_EQ(s.black, 0);
}
