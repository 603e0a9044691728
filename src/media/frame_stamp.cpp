#include "media/frame_stamp.h"

#include <glib.h>

namespace rp::media {

namespace {

std::uint16_t check_of(std::uint32_t ms) {
    return static_cast<std::uint16_t>(~((ms >> 16) ^ (ms & 0xffff)) ^ 0x5a5a);
}

std::uint64_t word_of(std::uint32_t ms) {
    return (static_cast<std::uint64_t>(ms) << 16) | check_of(ms);
}

// Block geometry: the strip spans the width; blocks are square-ish, at least 4 px.
struct Strip {
    int block_w;
    int block_h;
};

std::optional<Strip> strip_for(int width, int height) {
    int bw = width / kStampBits;
    if (bw < 4 || height < 16) return std::nullopt;
    int bh = bw < 16 ? 16 : bw;
    if (bh > height / 4) bh = height / 4;
    return Strip{bw, bh};
}

}  // namespace

void paint_stamp(LumaPlane p, std::uint32_t ms) {
    auto s = strip_for(p.width, p.height);
    if (!s) return;
    std::uint64_t word = word_of(ms);
    for (int bit = 0; bit < kStampBits; ++bit) {
        bool one = (word >> (kStampBits - 1 - bit)) & 1;
        std::uint8_t value = one ? 235 : 16;
        for (int y = 0; y < s->block_h; ++y) {
            std::uint8_t* row =
                p.data + static_cast<std::ptrdiff_t>(y) * p.stride + bit * s->block_w;
            for (int x = 0; x < s->block_w; ++x) row[x] = value;
        }
    }
}

std::optional<std::uint32_t> read_stamp(const LumaPlane& p) {
    auto s = strip_for(p.width, p.height);
    if (!s) return std::nullopt;
    std::uint64_t word = 0;
    for (int bit = 0; bit < kStampBits; ++bit) {
        // The middle half of the block: edges blur under compression.
        int sum = 0, n = 0;
        for (int y = s->block_h / 4; y < s->block_h * 3 / 4; ++y) {
            const std::uint8_t* row =
                p.data + static_cast<std::ptrdiff_t>(y) * p.stride + bit * s->block_w;
            for (int x = s->block_w / 4; x < s->block_w * 3 / 4; ++x, ++n) sum += row[x];
        }
        word = (word << 1) | (n && sum / n >= 128 ? 1u : 0u);
    }
    auto ms = static_cast<std::uint32_t>(word >> 16);
    if (static_cast<std::uint16_t>(word & 0xffff) != check_of(ms)) return std::nullopt;
    return ms;
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
