// Per received video stream: frame-rate, freezes (W3C webrtc-stats rule), pauses, black and
// still picture, and the --latency-probe figures (frames lost, sender, PSNR). Fed once per
// decoded frame from the streaming thread; read by the main loop. Pure: no GStreamer.
#pragma once

#include "report/quality.h"

#include <cstdint>
#include <mutex>

namespace rp {

class VideoQuality {
  public:
    // Streaming thread API: see the implementation (helper-owned).
    // Main loop: the figures so far; `now_us` is g_get_monotonic_time()'s clock.
    VideoFigures figures(std::int64_t now_us) const;

  private:
    mutable std::mutex mutex_;
};

}  // namespace rp
