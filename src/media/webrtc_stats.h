// One get-stats request per call per sample, parsed once: webrtcbin's reply (a structure of
// W3C-style stats structures) becomes the per-call totals the monitor reports and the selected
// candidate pair the report shows. Kept apart from PeerSession so the field names of one
// GStreamer version live in one place.
#pragma once

#include "report/peer_record.h"
#include "report/stats.h"

#include <gst/gst.h>

#include <functional>
#include <optional>

namespace rp::media {

RtpTotals rtp_totals_from_stats(const GstStructure* stats);

struct CallSample {
    RtpTotals totals;
    std::optional<SelectedPair> selected_pair;  // nullopt while nothing is selected
};

// Asks `webrtc` for its stats once; `done` runs on the main loop with the parsed sample, or with
// nothing when webrtcbin never answers (it is being torn down).
void request_call_sample(GstElement* webrtc, std::function<void(std::optional<CallSample>)> done);

}  // namespace rp::media
