#include "media/frame_stamp.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

using rp::media::LumaPlane;

namespace {

struct Frame {
    int w, h, stride;
    std::vector<std::uint8_t> y;
    Frame(int w_, int h_, int pad = 0) : w(w_), h(h_), stride(w_ + pad), y(stride * h, 90) {}
    LumaPlane plane() { return {y.data(), stride, w, h}; }
};

}  // namespace

TEST(FrameStamp, RoundTripsAtTheSizesWeSend) {
    for (auto [w, h] : {std::pair{640, 480}, {320, 240}, {240, 240}, {1280, 720}}) {
        Frame f(w, h, 32);
        rp::media::paint_stamp(f.plane(), 0xdeadbeefu);
        auto got = rp::media::read_stamp(f.plane());
        ASSERT_TRUE(got) << w << "x" << h;
        EXPECT_EQ(*got, 0xdeadbeefu);
    }
}

TEST(FrameStamp, SurvivesNoiseLikeCompressionLeaves) {
    Frame f(640, 480);
    rp::media::paint_stamp(f.plane(), 123456789u);
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> noise(-40, 40);
    for (auto& v : f.y) v = static_cast<std::uint8_t>(std::clamp(v + noise(rng), 0, 255));
    auto got = rp::media::read_stamp(f.plane());
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, 123456789u);
}

TEST(FrameStamp, AFrameWithoutAStampIsRejected) {
    Frame f(640, 480);
    EXPECT_FALSE(rp::media::read_stamp(f.plane()));
    for (int i = 0; i < 640 * 16; ++i) f.y[i] = static_cast<std::uint8_t>(i * 37);
    EXPECT_FALSE(rp::media::read_stamp(f.plane()));
}

TEST(FrameStamp, TooSmallFramesAreLeftAlone) {
    Frame f(64, 48);
    rp::media::paint_stamp(f.plane(), 42);
    for (auto v : f.y) ASSERT_EQ(v, 90);
    EXPECT_FALSE(rp::media::read_stamp(f.plane()));
}
