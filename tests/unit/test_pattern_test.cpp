#include "media/test_pattern.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using rp::media::LumaPlane;

namespace {

struct Frame {
    int w, h;
    std::vector<std::uint8_t> y;
    Frame(int w_, int h_) : w(w_), h(h_), y(static_cast<size_t>(w_ * h_), 0) {}
    LumaPlane plane() { return {y.data(), w, w, h}; }
};

Frame painted(int w, int h, std::uint16_t frame, std::uint16_t tag, int top = 0) {
    Frame f(w, h);
    rp::media::paint_test_pattern(f.plane(), top, frame, tag);
    return f;
}

}  // namespace

TEST(TestPattern, RegeneratesExactly) {
    Frame f = painted(640, 480, 1234, 0xbeef, 64);
    EXPECT_EQ(rp::media::test_pattern_psnr(f.plane(), 64, 1234, 0xbeef, 1), 100);
    for (int y = 0; y < 64; ++y) ASSERT_EQ(f.y[y * 640], 0) << "rows above `top` are left alone";
}

TEST(TestPattern, MovesEveryFrameAndDependsOnTheSender) {
    Frame a = painted(320, 240, 10, 7), b = painted(320, 240, 11, 7), c = painted(320, 240, 10, 8);
    EXPECT_LT(rp::media::test_pattern_psnr(b.plane(), 0, 10, 7, 1), 25);
    EXPECT_LT(rp::media::test_pattern_psnr(c.plane(), 0, 10, 7, 1), 25);
    // Textured: not flat, and limited-range luma.
    int lo = 255, hi = 0;
    for (auto v : a.y) lo = std::min<int>(lo, v), hi = std::max<int>(hi, v);
    EXPECT_GE(lo, 16);
    EXPECT_LE(hi, 235);
    EXPECT_GT(hi - lo, 100);
}

TEST(TestPattern, WrapsSmoothlyAtTheEndOfTheFrameNumbers) {
    // Frame 65535 to frame 0 is one step of motion like any other.
    Frame last = painted(320, 240, 65535, 3), first = painted(320, 240, 0, 3);
    Frame prev = painted(320, 240, 65534, 3);
    double wrap = rp::media::test_pattern_psnr(first.plane(), 0, 65535, 3, 1);
    double step = rp::media::test_pattern_psnr(last.plane(), 0, 65534, 3, 1);
    EXPECT_NEAR(wrap, step, 3);
}

TEST(TestPattern, PsnrFallsWithNoise) {
    Frame f = painted(320, 240, 5, 9);
    std::mt19937 rng(1);
    std::normal_distribution<double> small(0, 2), large(0, 20);
    Frame g = f;
    for (auto& v : f.y) v = static_cast<std::uint8_t>(std::clamp<double>(v + small(rng), 0, 255));
    for (auto& v : g.y) v = static_cast<std::uint8_t>(std::clamp<double>(v + large(rng), 0, 255));
    double good = rp::media::test_pattern_psnr(f.plane(), 0, 5, 9);
    double bad = rp::media::test_pattern_psnr(g.plane(), 0, 5, 9);
    EXPECT_NEAR(good, 20 * std::log10(255 / 2.0), 1.5);
    EXPECT_NEAR(bad, 20 * std::log10(255 / 20.0), 1.5);
    EXPECT_EQ(rp::media::test_pattern_psnr(f.plane(), 240, 5, 9), 0) << "no rows: no score";
}
