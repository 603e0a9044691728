// Reading webrtcbin's get-stats reply (a structure of W3C-style stats structures) into the
// per-call totals the monitor reports. Kept apart from PeerSession so the field names of one
// GStreamer version live in one place.
#pragma once

#include "report/stats.h"

#include <gst/gst.h>

#include <functional>

namespace rp::media {

RtpTotals rtp_totals_from_stats(const GstStructure* stats);

// Asks `webrtc` for its stats; `done` runs on the main loop with the totals, or with nothing
// when webrtcbin never answers (it is being torn down).
void request_rtp_totals(GstElement* webrtc, std::function<void(std::optional<RtpTotals>)> done);

}  // namespace rp::media
