// When to try a lost capture device again: 1 s, doubling, at most 30 s (issue #13 section 4).
// Pure and deterministic (no jitter: one local device, nobody to stampede).
#pragma once

namespace rp {

class RetryBackoff {
  public:
    static constexpr int kFirstMs = 1000;
    static constexpr int kMaxMs = 30000;

    // The delay before the next attempt, in ms; doubles with every call until reset().
    int next_ms() {
        int ms = delay_ms_;
        delay_ms_ = delay_ms_ >= kMaxMs / 2 ? kMaxMs : delay_ms_ * 2;
        ++attempts_;
        return ms;
    }
    void reset() {
        delay_ms_ = kFirstMs;
        attempts_ = 0;
    }
    int attempts() const { return attempts_; }

  private:
    int delay_ms_ = kFirstMs;
    int attempts_ = 0;
};

}  // namespace rp
