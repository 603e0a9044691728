// Per received audio stream from a test-tone sender (report/test_tone.h): is the tone the one
// its id gives, how many gaps it had, and audio/video sync from the once-a-second marks. Fed
// from the streaming thread; read by the main loop. Pure: no GStreamer.
//
// - tone_ok: in 40 ms windows with sound, the share of the power at the expected frequency
//   (Goertzel); true when more than half of those windows carry it. Null: no sound yet.
// - gaps: runs of silence (5 ms blocks under -34 dBFS RMS) of 20 ms or more, counted when the
//   sound comes back; a forward jump of the buffers' timestamps counts as silence of its
//   length: a player leaves that hole in its timeline even when no sample is missing (the
//   jitter buffer re-times packets that arrive late: a stalled sender or receiver). 15 ms of
//   wholly silent blocks is the test: any hole of 20 ms covers that much of them, a hole of
//   10 ms never does. The first second of sound is the call's start-up (a new call's first
//   packets come in bursts with holes between) and counts none.
// - marks: a mark's onset is the first sample at or above 0.4 after 500 ms without one, in a
//   stream whose last window carried the expected tone. Its audio latency is its arrival
//   modulo one second (the mark left on a whole second), taken in [-200, 800) ms; minus the
//   video latency at that moment it is one av_sync sample.
#pragma once

#include "report/quality.h"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace rp {

// One decoded block of a received stream, mixed to mono.
struct AudioBlock {
    const float* samples = nullptr;  // -1..1
    std::size_t count = 0;
    int rate = 48000;
    double arrival_ms = 0;                   // stamp clock (wall ms) when samples[0] arrived
    std::optional<std::int64_t> pts_ns;      // the block's timestamp: a jump forward is a hole
    double expected_hz = 0;                  // the tone the sender's id gives
    std::optional<double> video_latency_ms;  // the same call's video latency now, if stamped
};

// Goertzel: the share (about 0..1) of the power of x[0, n) that is at `hz`.
double tone_share(const float* x, std::size_t n, double hz, int rate);
// The q-quantile (0..1) of `v`, interpolated between ranks; empty for no values.
std::optional<double> percentile(std::vector<double> v, double q);

class AudioQuality {
  public:
    static constexpr int kWindowMs = 40;
    static constexpr int kBlockMs = 5;
    static constexpr int kGapMs = 20;
    static constexpr double kSettleMs = 1000;
    static constexpr double kSilenceRms = 0.02;
    static constexpr double kToneShare = 0.8;
    static constexpr double kMarkLevel = 0.4;
    static constexpr int kMarkQuietMs = 500;
    static constexpr std::size_t kMaxSyncSamples = 10000;

    // Streaming thread: the next block of the stream.
    void feed(const AudioBlock& b);
    // Main loop: the figures so far.
    AudioFigures figures() const;

  private:
    void restart_rate(int rate);
    void hole(double ms);
    void end_block();
    void end_window(double expected_hz);

    mutable std::mutex mutex_;
    int rate_ = 0;
    std::optional<std::int64_t> next_pts_ns_;
    std::int64_t pos_ = 0;  // samples so far, holes included
    // 5 ms silence blocks
    double block_sumsq_ = 0;
    int block_n_ = 0;
    bool sound_seen_ = false;
    double sound_ms_ = 0;   // sound so far; gaps count from kSettleMs on
    double silent_ms_ = 0;  // the current run of silence
    std::int64_t gaps_ = 0;
    // 40 ms tone windows
    std::vector<float> window_;
    std::int64_t loud_windows_ = 0;
    std::int64_t matched_windows_ = 0;
    bool last_window_matched_ = false;
    // marks
    std::int64_t last_hot_pos_ = 0;
    std::vector<double> av_sync_ms_;
};

}  // namespace rp
