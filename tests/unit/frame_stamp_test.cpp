#include "media/frame_stamp.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

using rp::media::LumaPlane;
using rp::media::Stamp;

namespace {

struct Frame {
    int w, h, stride;
    std::vector<std::uint8_t> y;
    Frame(int w_, int h_, int pad = 0) : w(w_), h(h_), stride(w_ + pad), y(stride * h, 90) {}
    LumaPlane plane() { return {y.data(), stride, w, h}; }
};

}  // namespace

TEST(FrameStamp, RoundTripsAtTheSizesWeSend) {
    for (auto [w, h] : {std::pair{640, 480}, {320, 240}, {240, 240}, {1280, 720}, {160, 120}}) {
        Frame f(w, h, 32);
        Stamp s{0xdeadbeefu, 0xfffe, 0x1234};
        rp::media::paint_stamp(f.plane(), s);
        auto got = rp::media::read_stamp(f.plane());
        ASSERT_TRUE(got) << w << "x" << h;
        EXPECT_EQ(*got, s);
    }
}

TEST(FrameStamp, CoversTheTopRowsOnly) {
    Frame f(640, 480);
    rp::media::paint_stamp(f.plane(), Stamp{1, 2, 3});
    int rows = rp::media::stamp_height(640, 480);
    EXPECT_GT(rows, 0);
    EXPECT_LE(rows, 480 / 4);
    for (int y = rows; y < 480; ++y)
        for (int x = 0; x < 640; ++x) ASSERT_EQ(f.y[y * 640 + x], 90) << x << "," << y;
    // Blocks of at least 12 x 8 px at 240x240: they survive 100 kbit/s.
    EXPECT_GE(rp::media::stamp_height(240, 240), 4 * 8);
}

TEST(FrameStamp, SurvivesNoiseLikeCompressionLeaves) {
    Frame f(640, 480);
    Stamp s{123456789u, 4242, 777};
    rp::media::paint_stamp(f.plane(), s);
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> noise(-40, 40);
    for (auto& v : f.y) v = static_cast<std::uint8_t>(std::clamp(v + noise(rng), 0, 255));
    auto got = rp::media::read_stamp(f.plane());
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, s);
}

TEST(FrameStamp, EveryFieldChangesTheCheck) {
    Frame f(320, 240);
    rp::media::paint_stamp(f.plane(), Stamp{5, 6, 7});
    // Flip one block of each field in turn (ms, frame, sender): the check rejects the frame.
    int rows = rp::media::stamp_height(320, 240) / rp::media::kStampRows;
    int cols = 320 / rp::media::kStampColumns;
    for (int bit : {10, 40, 60, 70}) {
        Frame g = f;
        int r = bit / rp::media::kStampColumns, c = bit % rp::media::kStampColumns;
        for (int y = r * rows; y < (r + 1) * rows; ++y)
            for (int x = c * cols; x < (c + 1) * cols; ++x)
                g.y[y * 320 + x] = static_cast<std::uint8_t>(251 - g.y[y * 320 + x]);
        EXPECT_FALSE(rp::media::read_stamp(g.plane())) << bit;
    }
}

TEST(FrameStamp, AFrameWithoutAStampIsRejected) {
    Frame f(640, 480);
    EXPECT_FALSE(rp::media::read_stamp(f.plane()));
    for (auto& v : f.y) v = 16;
    EXPECT_FALSE(rp::media::read_stamp(f.plane()));
    for (auto& v : f.y) v = 235;
    EXPECT_FALSE(rp::media::read_stamp(f.plane()));
    std::mt19937 rng(11);
    int accepted = 0;
    for (int i = 0; i < 200; ++i) {
        for (auto& v : f.y) v = static_cast<std::uint8_t>(rng());
        accepted += rp::media::read_stamp(f.plane()) ? 1 : 0;
    }
    EXPECT_EQ(accepted, 0);
}

TEST(FrameStamp, TooSmallFramesAreLeftAlone) {
    Frame f(64, 48);
    rp::media::paint_stamp(f.plane(), Stamp{42, 1, 1});
    for (auto v : f.y) ASSERT_EQ(v, 90);
    EXPECT_FALSE(rp::media::read_stamp(f.plane()));
    EXPECT_EQ(rp::media::stamp_height(64, 48), 0);
}

TEST(FrameStamp, SenderTagIsNeverZero) {
    EXPECT_NE(rp::media::sender_tag("", 0), 0);
    EXPECT_NE(rp::media::sender_tag("abc", 3), rp::media::sender_tag("abd", 3));
}

TEST(FrameStamp, AGreyBlockIsNoStamp) {
    // A picture that happens to carry the right bits and check, but in mid-grey blocks, is
    // natural content: rejected.
    Frame f(320, 240);
    rp::media::paint_stamp(f.plane(), Stamp{9, 8, 7});
    ASSERT_TRUE(rp::media::read_stamp(f.plane()));
    for (auto& v : f.y) v = static_cast<std::uint8_t>(v == 235 ? 160 : v == 16 ? 100 : v);
    EXPECT_FALSE(rp::media::read_stamp(f.plane()));
}
