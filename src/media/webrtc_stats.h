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

// Our outbound video of one call, as the member's RTCP receiver reports tell it: what
// congestion control (media/adaptation.h) reads. Cumulative figures; `report_seq` changes with
// every new receiver report.
struct SendFeedback {
    std::uint64_t bytes_sent = 0;
    std::uint64_t packets_sent = 0;
    bool have_report = false;
    std::int64_t packets_lost = 0;        // cumulative, as the last report says
    std::uint64_t report_seq = 0;         // its extended highest sequence number
    std::optional<double> fraction_lost;  // of the last report's interval, 0..1
    std::optional<double> rtt_ms;
    std::optional<double> jitter_ms;
};

SendFeedback video_feedback_from_stats(const GstStructure* stats);

struct CallSample {
    RtpTotals totals;
    SendFeedback video;
    std::optional<SelectedPair> selected_pair;  // nullopt while nothing is selected
};

// Asks `webrtc` for its stats once; `done` runs on the main loop with the parsed sample, or with
// nothing when webrtcbin never answers (it is being torn down).
void request_call_sample(GstElement* webrtc, std::function<void(std::optional<CallSample>)> done);

}  // namespace rp::media
