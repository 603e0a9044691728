#include "signal/backoff.h"

#include <algorithm>
#include <cmath>

namespace rp {

int Backoff::next_ms() {
    constexpr double kMin = 1000, kMax = 5000, kFactor = 2, kJitter = 0.5;
    double ms = kMin * std::pow(kFactor, std::min(attempts_, 16));
    ++attempts_;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    double deviation = unit(rng_) * kJitter * ms;
    ms = (static_cast<int>(std::floor(unit(rng_) * 10)) & 1) ? ms + deviation : ms - deviation;
    return static_cast<int>(std::clamp(ms, 0.0, kMax));
}

}  // namespace rp
