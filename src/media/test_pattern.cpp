#include "media/test_pattern.h"

#include <cmath>
#include <memory>
#include <vector>

namespace rp::media {

namespace {

constexpr int kTile = 256;  // tiles repeat every 256 px both ways

using Tile = std::vector<std::uint8_t>;  // kTile x kTile, row-major

struct Rng {
    std::uint32_t s;
    std::uint32_t next() {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        return s;
    }
};

// Value noise: a random lattice every `cell` px, bilinearly interpolated, wrapping at kTile.
void add_noise(std::vector<int>& acc, Rng& rng, int cell, int amplitude) {
    int n = kTile / cell;
    std::vector<int> lattice(static_cast<size_t>(n * n));
    for (int i = 0; i < n * n; ++i)
        lattice[i] = static_cast<int>(rng.next() % (2 * amplitude + 1)) - amplitude;
    for (int y = 0; y < kTile; ++y) {
        int gy = y / cell, fy = y % cell;
        for (int x = 0; x < kTile; ++x) {
            int gx = x / cell, fx = x % cell;
            auto at = [&](int i, int j) { return lattice[((j % n) * n) + (i % n)]; };
            int top = at(gx, gy) * (cell - fx) + at(gx + 1, gy) * fx;
            int bottom = at(gx, gy + 1) * (cell - fx) + at(gx + 1, gy + 1) * fx;
            acc[y * kTile + x] += (top * (cell - fy) + bottom * fy) / (cell * cell);
        }
    }
}

Tile make_tile(std::uint32_t seed, std::initializer_list<std::pair<int, int>> octaves) {
    Rng rng{seed * 2654435761u + 0x9e3779b9u};
    if (rng.s == 0) rng.s = 1;
    std::vector<int> acc(kTile * kTile, 0);
    for (auto [cell, amplitude] : octaves) add_noise(acc, rng, cell, amplitude);
    Tile t(kTile * kTile);
    for (int i = 0; i < kTile * kTile; ++i) {
        int v = 126 + acc[i];
        t[i] = static_cast<std::uint8_t>(v < 16 ? 16 : v > 235 ? 235 : v);
    }
    return t;
}

struct Pattern {
    std::uint16_t tag;
    Tile shapes;  // coarse: slides 2 px a frame to the right
    Tile grain;   // fine: slides 1 px a frame down
};

// The last tag's tiles, per thread (a sender's stamping thread, a receiver's decoder thread).
const Pattern& pattern_for(std::uint16_t tag) {
    thread_local std::unique_ptr<Pattern> cached;
    if (!cached || cached->tag != tag) {
        auto p = std::make_unique<Pattern>();
        p->tag = tag;
        p->shapes = make_tile(tag * 2u + 1, {{64, 70}, {16, 40}});
        p->grain = make_tile(tag * 2u + 2, {{8, 60}, {2, 50}, {1, 30}});
        cached = std::move(p);
    }
    return *cached;
}

// One row of the pattern into `out` (width px).
void pattern_row(const Pattern& p, int y, std::uint16_t frame, int width, std::uint8_t* out) {
    const std::uint8_t* shapes = p.shapes.data() + (y % kTile) * kTile;
    // Frame numbers wrap at 2^16, a multiple of kTile: the motion goes on smoothly.
    const std::uint8_t* grain = p.grain.data() + ((y - frame) & (kTile - 1)) * kTile;
    int shift = -2 * frame;
    for (int x = 0; x < width; ++x)
        out[x] = static_cast<std::uint8_t>(
            (shapes[(x + shift) & (kTile - 1)] + grain[x & (kTile - 1)] + 1) >> 1);
}

}  // namespace

void paint_test_pattern(LumaPlane plane, int top, std::uint16_t frame, std::uint16_t tag) {
    const Pattern& p = pattern_for(tag);
    for (int y = top < 0 ? 0 : top; y < plane.height; ++y)
        pattern_row(p, y, frame, plane.width,
                    plane.data + static_cast<std::ptrdiff_t>(y) * plane.stride);
}

double test_pattern_psnr(const LumaPlane& plane, int top, std::uint16_t frame, std::uint16_t tag,
                         int row_step) {
    const Pattern& p = pattern_for(tag);
    if (row_step < 1) row_step = 1;
    std::unique_ptr<std::uint8_t[]> want(new std::uint8_t[plane.width > 0 ? plane.width : 1]);
    std::uint64_t sq = 0, n = 0;
    for (int y = top < 0 ? 0 : top; y < plane.height; y += row_step) {
        pattern_row(p, y, frame, plane.width, want.get());
        const std::uint8_t* got = plane.data + static_cast<std::ptrdiff_t>(y) * plane.stride;
        for (int x = 0; x < plane.width; ++x) {
            int d = static_cast<int>(got[x]) - static_cast<int>(want[x]);
            sq += static_cast<std::uint64_t>(d * d);
        }
        n += static_cast<std::uint64_t>(plane.width);
    }
    if (n == 0) return 0;
    if (sq == 0) return 100;
    double mse = static_cast<double>(sq) / static_cast<double>(n);
    double db = 10 * std::log10(255.0 * 255.0 / mse);
    return db > 100 ? 100 : db;
}

std::uint32_t pattern_colour(const std::string& key) {
    static constexpr std::uint32_t kColours[] = {0xd03030, 0x30b040, 0x3050d0, 0xd0c020,
                                                 0xc040c0, 0x20b8c0, 0xe07818, 0x7040c0};
    std::uint32_t h = 2166136261u;  // FNV-1a
    for (unsigned char c : key) h = (h ^ c) * 16777619u;
    return kColours[h % (sizeof kColours / sizeof kColours[0])];
}

}  // namespace rp::media
