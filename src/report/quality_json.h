// The quality figures as JSON members, written the same way into the report's peers[] entries
// and the --stats lines: every field of the contract, null when empty. Pure.
#pragma once

#include "report/peer_record.h"
#include "report/quality.h"
#include "util/json.h"

#include <cstdint>

namespace rp {

// A call's figures now: its quality owners', plus what congestion control sends it (the
// counters' target_kbps and layer), which win over the owners' own when set. While the owner
// has no frame rate, `since_start_ms` (the clock of first_video_frame_ms; none: no fallback)
// gives one from the frame counter: frames after the first over the time since it.
struct PeerFigures {
    VideoFigures video;
    AudioFigures audio;
};
PeerFigures peer_figures(const MediaCounters& c, std::int64_t now_us,
                         std::optional<double> since_start_ms = std::nullopt);

// Inside an open object: fps, freeze_count, total_freeze_ms, pause_count, max_gap_ms, black,
// still, frames_lost, from_expected_sender, psnr_db {mean, p5}, layer, target_kbps.
void add_video_figures(json::Writer& w, const VideoFigures& v);
// Inside an open object: tone_ok, gaps, av_sync_ms {p50, p95}.
void add_audio_figures(json::Writer& w, const AudioFigures& a);

}  // namespace rp
