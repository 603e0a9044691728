// --latency-probe: the sender paints its capture time into each test frame as a strip of
// large black and white blocks along the top; the receiver reads it back after its decoder.
// Blocks this size survive any bitrate a call uses. Works on the luma plane only, so it is
// independent of the colour format's chroma layout. Both ends need one clock (one host, or
// hosts synchronized with NTP/PTP).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace rp::media {

struct LumaPlane {
    std::uint8_t* data;
    int stride;
    int width;
    int height;
};

// 32 bits of milliseconds (wraps after 49 days; differences are taken modulo 2^32) and a
// 16-bit check that rejects frames without a stamp.
inline constexpr int kStampBits = 48;

void paint_stamp(LumaPlane plane, std::uint32_t ms);
std::optional<std::uint32_t> read_stamp(const LumaPlane& plane);
// A member's id folded into 16 bits: the sender tag a stamp and a test tone carry (0 never:
// it means "before we joined").
std::uint16_t sender_tag(const char* id, std::size_t len);
// ms now on the stamp clock (wall clock, so two processes on one host agree).
std::uint32_t stamp_clock_ms();

}  // namespace rp::media
