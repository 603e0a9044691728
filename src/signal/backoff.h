// Reconnect delays of the official socket.io client: 1 s first, doubling, 0.5 jitter, 5 s cap.
#pragma once

#include <random>

namespace rp {

class Backoff {
  public:
    explicit Backoff(unsigned seed = std::random_device{}()) : rng_(seed) {}
    // Delay before the next attempt, in ms; grows with every call until reset().
    int next_ms();
    void reset() { attempts_ = 0; }
    int attempts() const { return attempts_; }

  private:
    std::mt19937 rng_;
    int attempts_ = 0;
};

}  // namespace rp
