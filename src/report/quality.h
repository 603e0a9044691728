// What a viewer would see of one received call: the figures the report, the --stats lines,
// /metrics and --expect read. Every field is empty (null in JSON) when it does not apply:
// no video, no --latency-probe stamps, no test tone, nothing measured yet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rp {

struct VideoFigures {
    std::optional<double> fps;                 // decoded frames/s, first frame to end of call
    std::optional<std::int64_t> freeze_count;  // W3C webrtc-stats freeze rule
    std::optional<double> total_freeze_ms;
    std::optional<std::int64_t> pause_count;  // gaps over 5 s
    std::optional<double> max_gap_ms;
    std::optional<double> black;  // share of the call (0..1) the picture was black
    std::optional<double> still;  // share of the call (0..1) the picture did not change
    // From --latency-probe stamps (frame number and sender tag in each stamp).
    std::optional<std::int64_t> frames_lost;
    std::optional<bool> from_expected_sender;
    std::optional<double> psnr_mean_db;
    std::optional<double> psnr_p5_db;
    // What we send to this member (congestion control): "full" | "low", and its target.
    std::optional<std::string> layer;
    std::optional<std::int64_t> target_kbps;
};

struct AudioFigures {
    std::optional<bool> tone_ok;           // the sender's test tone, at the frequency its id gives
    std::optional<std::int64_t> gaps;      // silences of 20 ms or more in that tone
    std::optional<double> av_sync_p50_ms;  // audio capture-to-play minus video's; > 0: audio late
    std::optional<double> av_sync_p95_ms;
};

}  // namespace rp
