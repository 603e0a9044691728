// Without --expect, the log tells when a call degrades badly (under 10 fps for 5 s, a freeze
// over 1 s, a black or still picture for 5 s), once per peer, and sums each call up at exit.
// Pure: the app feeds one sample per peer about once a second.
#pragma once

#include "report/quality_json.h"
#include "report/report.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rp {

class DegradationWatch {
  public:
    static constexpr double kLowFps = 10;
    static constexpr double kLowFpsFor_s = 5;
    static constexpr double kFreeze_ms = 1000;
    static constexpr double kBlackOrStillFor_s = 5;

    struct Sample {
        std::string peer;
        bool connected = false;
        double t_s = 0;            // monotonic seconds
        std::uint64_t frames = 0;  // video frames decoded so far
        VideoFigures video;
    };
    struct Warning {
        std::string peer;
        std::string text;    // "peer X: under 10 fps for 5 s (4.2 fps)"
        bool first = false;  // the peer's first: log::warn; later ones go to debug
    };

    // What this sample shows that was not shown before (each kind of degradation once).
    std::vector<Warning> feed(const Sample& s);

  private:
    struct State {
        bool seen = false;
        double t_s = 0;
        std::uint64_t frames = 0;
        std::optional<double> first_frame_s;  // when the first decoded frame was seen
        double last_new_frame_s = 0;
        std::optional<double> low_fps_since;
        double black_run_s = 0, still_run_s = 0;
        std::optional<double> black, still;  // the previous sample's shares
        bool warned_any = false;
        bool warned_fps = false, warned_freeze = false, warned_black = false, warned_still = false;
    };
    std::map<std::string, State> peers_;
};

// One line for the log at exit: "quality peer X: 29.8 fps, 0 freezes, latency p95 45 ms,
// psnr 38.1 dB, tone ok" with what is known of the call.
std::string quality_summary(const PeerRecord& p, const PeerFigures& f);

}  // namespace rp
