#include "report/test_tone.h"

#include <cmath>
#include <numbers>

namespace rp::tone {

double frequency_hz(std::uint16_t tag) {
    return 312.5 + 25.0 * (tag % 48);
}

void Generator::fill(std::int16_t* out, std::size_t n, int rate, std::int64_t first_us,
                     std::uint16_t tag) {
    if (rate <= 0) return;
    const double step = 2 * std::numbers::pi * frequency_hz(tag) / rate;
    for (std::size_t i = 0; i < n; ++i) {
        std::int64_t t_us = first_us + static_cast<std::int64_t>(i) * 1000000 / rate;
        std::int64_t in_second_ms = ((t_us / 1000) % 1000 + 1000) % 1000;
        double amp = in_second_ms < kMarkMs ? kMarkAmplitude : kAmplitude;
        out[i] = static_cast<std::int16_t>(std::lround(amp * std::sin(phase_) * 32767.0));
        phase_ += step;
        if (phase_ >= 2 * std::numbers::pi) phase_ -= 2 * std::numbers::pi;
    }
}

}  // namespace rp::tone
