// --latency-probe: the sender paints its capture time, a frame number and its sender tag into
// each test frame as a grid of large black and white blocks along the top; the receiver reads
// it back after its decoder. Blocks this size survive any bitrate a call uses (100 kbit/s at
// 240x240 and at 640x480). Works on the luma plane only, so it is independent of the colour
// format's chroma layout. Latency needs one clock at both ends (one host, or hosts
// synchronized with NTP/PTP); frame numbers and sender tags do not.
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

struct Stamp {
    std::uint32_t ms = 0;      // stamp_clock_ms() at capture; wraps after 49 days
    std::uint16_t frame = 0;   // the sender's frame number; wraps (differences modulo 2^16)
    std::uint16_t sender = 0;  // sender_tag() of the sender's id; 0: not joined yet
    bool operator==(const Stamp&) const = default;
};

// 32 bits of ms, 16 of frame number, 16 of sender tag and a 16-bit check that rejects frames
// without a stamp: kStampColumns x kStampRows blocks.
inline constexpr int kStampColumns = 20;
inline constexpr int kStampRows = 4;
inline constexpr int kStampBits = kStampColumns * kStampRows;

void paint_stamp(LumaPlane plane, const Stamp& stamp);
std::optional<Stamp> read_stamp(const LumaPlane& plane);
// How many rows from the top the stamp covers in a picture this size; 0: too small to carry
// one (nothing is painted or read).
int stamp_height(int width, int height);
// A member's id folded into 16 bits: the sender tag a stamp and a test tone carry (0 never:
// it means "before we joined").
std::uint16_t sender_tag(const char* id, std::size_t len);
// ms now on the stamp clock (wall clock, so two processes on one host agree).
std::uint32_t stamp_clock_ms();

}  // namespace rp::media
