// The degradation warnings (under 10 fps for 5 s, a freeze over 1 s, black or still for 5 s),
// once per peer, and the quality summary line.
#include "report/degradation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using Watch = rp::DegradationWatch;

struct Feeder {
    Watch watch;
    double t = 0;
    std::uint64_t frames = 0;
    std::vector<Watch::Warning> all;
    // One sample a second with `fps` new frames.
    std::vector<Watch::Warning> seconds(int n, int fps, rp::VideoFigures v = {},
                                        const std::string& peer = "p") {
        std::vector<Watch::Warning> out;
        for (int i = 0; i < n; ++i) {
            t += 1;
            frames += fps;
            auto w = watch.feed({peer, true, t, frames, v});
            out.insert(out.end(), w.begin(), w.end());
        }
        all.insert(all.end(), out.begin(), out.end());
        return out;
    }
};

TEST(DegradationWatch, AGoodCallSaysNothing) {
    Feeder f;
    rp::VideoFigures v;
    v.max_gap_ms = 60;
    v.black = 0;
    v.still = 0;
    EXPECT_TRUE(f.seconds(30, 30, v).empty());
}

TEST(DegradationWatch, UnderTenFpsForFiveSeconds) {
    Feeder f;
    f.seconds(3, 30);
    EXPECT_TRUE(f.seconds(4, 5).empty());  // 4 s of it
    auto w = f.seconds(1, 5);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_TRUE(w[0].first);
    EXPECT_EQ(w[0].text, "peer p: the call degraded: under 10 fps for 5 s (5 fps now)");
    EXPECT_TRUE(f.seconds(20, 5).empty());  // once
}

TEST(DegradationWatch, ShortDipsDoNotWarn) {
    Feeder f;
    f.seconds(3, 30);
    for (int i = 0; i < 5; ++i) {
        EXPECT_TRUE(f.seconds(4, 5).empty());
        EXPECT_TRUE(f.seconds(1, 30).empty());
    }
}

TEST(DegradationWatch, AFreezeOverOneSecondFromTheFigures) {
    Feeder f;
    rp::VideoFigures v;
    v.max_gap_ms = 900;
    EXPECT_TRUE(f.seconds(3, 30, v).empty());
    v.max_gap_ms = 1400;
    auto w = f.seconds(1, 30, v);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].text, "peer p: the call degraded: the picture froze for 1.4 s");
}

TEST(DegradationWatch, AFreezeWithoutFiguresFromTheFrameCount) {
    Feeder f;
    f.seconds(3, 30);
    auto w = f.seconds(2, 0);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_NE(w[0].text.find("froze for"), std::string::npos);
}

TEST(DegradationWatch, BlackForFiveSeconds) {
    Feeder f;
    rp::VideoFigures v;
    v.black = 0;
    f.seconds(10, 30, v);  // first frame at t=1; black share 0 until t=10
    // From t=10 black: share = (t - 10) / (t - 1).
    std::vector<Watch::Warning> w;
    for (int i = 1; i <= 4; ++i) {
        v.black = static_cast<double>(i) / (9 + i);
        auto got = f.seconds(1, 30, v);
        EXPECT_TRUE(got.empty()) << i;
    }
    v.black = 5.0 / 14;
    w = f.seconds(1, 30, v);
    ASSERT_EQ(w.size(), 1u);
    EXPECT_EQ(w[0].text, "peer p: the call degraded: the picture has been black for 5 s");
}

TEST(DegradationWatch, StillWarnsLikeBlackAndOnlyTheFirstIsAWarning) {
    Feeder f;
    f.seconds(3, 5);
    f.seconds(3, 5);
    ASSERT_EQ(f.all.size(), 1u);  // the low frame rate
    rp::VideoFigures v;
    v.still = 1.0;
    f.seconds(7, 5, v);
    ASSERT_EQ(f.all.size(), 2u);
    EXPECT_NE(f.all[1].text.find("still for"), std::string::npos);
    EXPECT_FALSE(f.all[1].first);  // later kinds go to debug
}

TEST(DegradationWatch, PeersAreWatchedApartAndOnlyWhileConnected) {
    Watch watch;
    for (int t = 1; t <= 20; ++t) {
        EXPECT_TRUE(watch.feed({"gone", false, double(t), std::uint64_t(t), {}}).empty());
    }
    std::vector<Watch::Warning> got;
    for (int t = 1; t <= 20; ++t) {
        auto w = watch.feed({"a", true, double(t), std::uint64_t(30 * t), {}});
        got.insert(got.end(), w.begin(), w.end());
        w = watch.feed({"b", true, double(t), std::uint64_t(2 * t), {}});
        got.insert(got.end(), w.begin(), w.end());
    }
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].peer, "b");
}

TEST(DegradationWatch, NoVideoNoWarnings) {
    Watch watch;
    for (int t = 1; t <= 20; ++t) EXPECT_TRUE(watch.feed({"a", true, double(t), 0, {}}).empty());
}

TEST(QualitySummary, WhatIsKnown) {
    rp::PeerRecord p;
    p.id = "p1";
    for (std::uint32_t ms = 1; ms <= 100; ++ms) p.counters->latency.add(ms);
    rp::PeerFigures f;
    f.video.fps = 29.81;
    f.video.freeze_count = 0;
    f.video.psnr_mean_db = 38.12;
    f.audio.tone_ok = true;
    EXPECT_EQ(rp::quality_summary(p, f),
              "quality peer p1: 29.8 fps, 0 freezes, latency p95 95 ms, psnr 38.1 dB, tone ok");
}

TEST(QualitySummary, NothingKnownButFrames) {
    rp::PeerRecord p;
    p.id = "p1";
    p.counters->video_frames = 42;
    EXPECT_EQ(rp::quality_summary(p, {}), "quality peer p1: 42 frames");
}

}  // namespace
