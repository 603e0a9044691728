// The test source's call-quality tone, shared by the sender that makes it and the receiver
// that checks it (report/audio_quality.h). Pure: no GStreamer.
//
// A sine at a frequency the sender's 16-bit tag gives (312.5 + 25 * (tag % 48) Hz: never a
// multiple of 25 Hz, so a plain 440 or 1000 Hz test tone is never taken for one), at
// amplitude 0.2, and once a second a mark: the 100 ms from each whole second of the stamp
// clock (wall clock) at amplitude 0.6, same frequency and phase. The receiver measures the
// mark's onset against the whole second it started on.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rp::tone {

inline constexpr double kAmplitude = 0.2;
inline constexpr double kMarkAmplitude = 0.6;
inline constexpr int kMarkMs = 100;

double frequency_hz(std::uint16_t tag);

// Continuous-phase generator: one per source, called with consecutive blocks of samples.
class Generator {
  public:
    // Writes `n` mono samples at `rate` Hz, the first captured at `first_us` on the wall
    // clock (g_get_real_time()), at the frequency `tag` gives. A new tag changes the
    // frequency without a phase jump.
    void fill(std::int16_t* out, std::size_t n, int rate, std::int64_t first_us, std::uint16_t tag);

  private:
    double phase_ = 0;  // radians, in [0, 2 pi)
};

}  // namespace rp::tone
