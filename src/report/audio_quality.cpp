#include "report/audio_quality.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace rp {

double tone_share(const float* x, std::size_t n, double hz, int rate) {
    if (n == 0 || rate <= 0) return 0;
    const double coeff = 2 * std::cos(2 * std::numbers::pi * hz / rate);
    double s1 = 0, s2 = 0, energy = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double s0 = x[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
        energy += static_cast<double>(x[i]) * x[i];
    }
    if (energy <= 0) return 0;
    double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;  // |X(hz)|^2
    // A sine of amplitude A: |X|^2 = (N A / 2)^2 and energy = N A^2 / 2.
    return power / (energy * static_cast<double>(n) / 2);
}

std::optional<double> percentile(std::vector<double> v, double q) {
    if (v.empty()) return std::nullopt;
    std::sort(v.begin(), v.end());
    double at = std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1);
    auto lo = static_cast<std::size_t>(at);
    std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (at - static_cast<double>(lo));
}

void AudioQuality::restart_rate(int rate) {
    rate_ = rate;
    block_sumsq_ = 0;
    block_n_ = 0;
    window_.clear();
    next_pts_ns_.reset();
}

void AudioQuality::hole(double ms) {
    if (sound_ms_ >= kSettleMs) silent_ms_ += ms;
    block_sumsq_ = 0;
    block_n_ = 0;
    window_.clear();
    pos_ += static_cast<std::int64_t>(ms * rate_ / 1000);
    last_hot_pos_ = pos_;  // the stream may come back in the middle of a mark
}

void AudioQuality::end_block() {
    double rms = std::sqrt(block_sumsq_ / block_n_);
    double ms = 1000.0 * block_n_ / rate_;
    block_sumsq_ = 0;
    block_n_ = 0;
    if (rms < kSilenceRms) {
        if (sound_ms_ >= kSettleMs) silent_ms_ += ms;
        return;
    }
    sound_seen_ = true;
    sound_ms_ += ms;
    if (silent_ms_ >= kGapMs - kBlockMs) ++gaps_;
    silent_ms_ = 0;
}

void AudioQuality::end_window(double expected_hz) {
    double sumsq = 0;
    for (float x : window_) sumsq += static_cast<double>(x) * x;
    bool loud = std::sqrt(sumsq / window_.size()) >= kSilenceRms;
    last_window_matched_ =
        loud && tone_share(window_.data(), window_.size(), expected_hz, rate_) >= kToneShare;
    if (loud) ++loud_windows_;
    if (last_window_matched_) ++matched_windows_;
    window_.clear();
}

void AudioQuality::feed(const AudioBlock& b) {
    if (b.rate <= 0 || !b.samples) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (b.rate != rate_) restart_rate(b.rate);
    if (b.pts_ns) {
        constexpr std::int64_t kSlackNs = 2000000;
        if (next_pts_ns_ && *b.pts_ns > *next_pts_ns_ + kSlackNs)
            hole(static_cast<double>(*b.pts_ns - *next_pts_ns_) / 1e6);
        next_pts_ns_ = *b.pts_ns + static_cast<std::int64_t>(b.count) * 1000000000 / rate_;
    }
    const int block = rate_ * kBlockMs / 1000, window = rate_ * kWindowMs / 1000;
    const std::int64_t quiet = static_cast<std::int64_t>(rate_) * kMarkQuietMs / 1000;
    for (std::size_t i = 0; i < b.count; ++i, ++pos_) {
        float x = b.samples[i];
        block_sumsq_ += static_cast<double>(x) * x;
        if (++block_n_ >= block) end_block();
        window_.push_back(x);
        if (static_cast<int>(window_.size()) >= window) end_window(b.expected_hz);
        if (std::fabs(x) < kMarkLevel) continue;
        if (pos_ - last_hot_pos_ >= quiet && last_window_matched_ && b.video_latency_ms &&
            av_sync_ms_.size() < kMaxSyncSamples) {
            double arrival = b.arrival_ms + 1000.0 * static_cast<double>(i) / rate_;
            double audio_latency = std::fmod(std::fmod(arrival, 1000.0) + 1200.0, 1000.0) - 200;
            av_sync_ms_.push_back(audio_latency - *b.video_latency_ms);
        }
        last_hot_pos_ = pos_;
    }
}

AudioFigures AudioQuality::figures() const {
    std::lock_guard<std::mutex> lock(mutex_);
    AudioFigures f;
    if (loud_windows_ > 0) f.tone_ok = matched_windows_ * 2 > loud_windows_;
    if (sound_seen_) f.gaps = gaps_;
    f.av_sync_p50_ms = percentile(av_sync_ms_, 0.5);
    f.av_sync_p95_ms = percentile(av_sync_ms_, 0.95);
    return f;
}

}  // namespace rp
