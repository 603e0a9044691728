// Per received video stream: frame-rate, freezes (W3C webrtc-stats rule), pauses, black and
// still picture, and the --latency-probe figures (frames lost, sender, PSNR). Fed once per
// decoded frame from the streaming thread; read by the main loop. Pure: no GStreamer.
#pragma once

#include "report/quality.h"

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

namespace rp {

// What the sink saw of one decoded frame (media/video_analysis fills it).
struct FrameFacts {
    std::int64_t arrival_us = 0;  // g_get_monotonic_time() when it left the decoder
    // Luma sampled on a regular grid (row-major, grid_w x grid_h), the stamp rows left out.
    std::vector<std::uint8_t> grid;
    int grid_w = 0;
    int grid_h = 0;
    // From a --latency-probe stamp, when the frame carries one.
    bool stamped = false;
    std::uint16_t frame_number = 0;
    std::uint16_t sender_tag = 0;    // 0: the sender had not joined yet (not checked)
    std::uint16_t expected_tag = 0;  // the tag of the member this stream is from
    std::optional<double> psnr_db;   // against the regenerated test pattern
};

class VideoQuality {
  public:
    // The W3C rule's window, and the gap that makes a pause instead of a freeze.
    static constexpr int kFreezeWindow = 30;
    static constexpr std::int64_t kPauseUs = 5'000'000;
    // Black: mean luma at most this. Still: at most this share of the grid changed by more
    // than kStillDelta since the previous frame.
    static constexpr double kBlackLuma = 20;
    static constexpr int kStillDelta = 12;
    static constexpr double kStillShare = 0.0025;

    // Streaming thread: one decoded frame. Returns the gap before it when that gap was a
    // freeze (microseconds), else 0.
    std::int64_t on_frame(const FrameFacts& f);
    // Main loop: the figures so far; `now_us` is g_get_monotonic_time()'s clock. Time-based
    // figures run from the first frame to the last one (the end of the call's video).
    VideoFigures figures(std::int64_t now_us) const;

  private:
    mutable std::mutex mutex_;
    std::uint64_t frames_ = 0;
    std::int64_t first_us_ = 0;
    std::int64_t last_us_ = 0;
    // The last kFreezeWindow inter-frame gaps (a ring) and their sum.
    std::array<std::int64_t, kFreezeWindow> gaps_{};
    int gap_count_ = 0;
    int gap_next_ = 0;
    std::int64_t gap_sum_ = 0;
    std::int64_t freezes_ = 0;
    std::int64_t freeze_us_ = 0;
    std::int64_t pauses_ = 0;
    std::int64_t max_gap_us_ = 0;
    // Black and still time: each interval between two frames is black when the picture shown
    // through it was, still when the frame that ends it is nearly the one before.
    bool last_black_ = false;
    std::vector<std::uint8_t> last_grid_;
    int last_grid_w_ = 0;
    int last_grid_h_ = 0;
    std::int64_t black_us_ = 0;
    std::int64_t still_us_ = 0;
    // --latency-probe stamps.
    std::uint64_t stamped_ = 0;
    std::optional<std::uint16_t> last_number_;
    std::uint16_t last_tag_ = 0;
    std::int64_t lost_ = 0;
    std::uint64_t tagged_ = 0;
    std::uint64_t foreign_ = 0;
    // PSNR: a histogram in 0.1 dB bins (0..100 dB) for the 5th percentile, and the sum.
    std::vector<std::uint32_t> psnr_bins_;
    std::uint64_t psnr_n_ = 0;
    double psnr_sum_ = 0;
};

// Helpers of on_frame, exposed for their tests: the grid's mean, and whether `b` is nearly `a`.
double mean_luma(const std::vector<std::uint8_t>& grid);
bool nearly_same(const std::vector<std::uint8_t>& a, const std::vector<std::uint8_t>& b);

}  // namespace rp
