#include "media/frame_stamp.h"

#include <glib.h>

namespace rp::media {

namespace {

constexpr int kAmbiguous = 48;

std::uint64_t payload_of(const Stamp& s) {
    return (static_cast<std::uint64_t>(s.ms) << 32) | (static_cast<std::uint64_t>(s.frame) << 16) |
           s.sender;
}

// A 64-bit mix (splitmix64's finalizer) folded to 16 bits; never matches an all-black or
// all-white strip.
std::uint16_t check_of(std::uint64_t payload) {
    std::uint64_t z = payload + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return static_cast<std::uint16_t>((z ^ (z >> 16) ^ (z >> 32) ^ (z >> 48)) ^ 0x5a5a);
}

// Block geometry: kStampColumns blocks span the width, kStampRows rows of them from the top;
// blocks at least 4 px wide, 8-aligned rows where the picture allows (codec blocks are 8 or
// 16 px, so a row of ours blurs into fewer neighbours).
struct Grid {
    int block_w;
    int block_h;
};

std::optional<Grid> grid_for(int width, int height) {
    int bw = width / kStampColumns;
    if (bw < 4) return std::nullopt;
    int bh = bw / 2 / 8 * 8;
    if (bh < 8) bh = 8;
    if (bh * kStampRows > height / 4) bh = height / 4 / kStampRows;
    if (bh < 4) return std::nullopt;
    return Grid{bw, bh};
}

std::uint8_t* block_at(const LumaPlane& p, const Grid& g, int bit, int y) {
    int row = bit / kStampColumns, col = bit % kStampColumns;
    return p.data + static_cast<std::ptrdiff_t>(row * g.block_h + y) * p.stride + col * g.block_w;
}

}  // namespace

int stamp_height(int width, int height) {
    auto g = grid_for(width, height);
    return g ? g->block_h * kStampRows : 0;
}

void paint_stamp(LumaPlane p, const Stamp& stamp) {
    auto g = grid_for(p.width, p.height);
    if (!g) return;
    std::uint64_t payload = payload_of(stamp);
    std::uint16_t check = check_of(payload);
    for (int bit = 0; bit < kStampBits; ++bit) {
        bool one = bit < 64 ? (payload >> (63 - bit)) & 1 : (check >> (kStampBits - 1 - bit)) & 1;
        std::uint8_t value = one ? 235 : 16;
        for (int y = 0; y < g->block_h; ++y) {
            std::uint8_t* row = block_at(p, *g, bit, y);
            for (int x = 0; x < g->block_w; ++x) row[x] = value;
        }
    }
}

std::optional<Stamp> read_stamp(const LumaPlane& p) {
    auto g = grid_for(p.width, p.height);
    if (!g) return std::nullopt;
    std::uint64_t payload = 0;
    std::uint16_t check = 0;
    for (int bit = 0; bit < kStampBits; ++bit) {
        // The middle half of the block: edges blur under compression.
        int sum = 0, n = 0;
        for (int y = g->block_h / 4; y < g->block_h * 3 / 4; ++y) {
            const std::uint8_t* row = block_at(p, *g, bit, y);
            for (int x = g->block_w / 4; x < g->block_w * 3 / 4; ++x, ++n) sum += row[x];
        }
        // Painted 16 or 235; even 50 kbit/s leaves it within 35 of that. A block in between
        // is no stamp (natural pictures rarely have 80 such blocks in a row *and* the check).
        int mean = n ? sum / n : 128;
        if (mean > 128 - kAmbiguous && mean < 128 + kAmbiguous) return std::nullopt;
        unsigned one = mean >= 128 ? 1u : 0u;
        if (bit < 64)
            payload = (payload << 1) | one;
        else
            check = static_cast<std::uint16_t>((check << 1) | one);
    }
    if (check != check_of(payload)) return std::nullopt;
    return Stamp{static_cast<std::uint32_t>(payload >> 32),
                 static_cast<std::uint16_t>((payload >> 16) & 0xffff),
                 static_cast<std::uint16_t>(payload & 0xffff)};
}

std::uint16_t sender_tag(const char* id, std::size_t len) {
    std::uint32_t h = 2166136261u;  // FNV-1a
    for (std::size_t i = 0; i < len; ++i) h = (h ^ static_cast<unsigned char>(id[i])) * 16777619u;
    std::uint16_t tag = static_cast<std::uint16_t>(h ^ (h >> 16));
    return tag ? tag : 1;
}

std::uint32_t stamp_clock_ms() {
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(g_get_real_time() / 1000));
}

}  // namespace rp::media
