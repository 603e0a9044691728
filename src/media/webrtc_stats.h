// One get-stats request per call per sample, parsed once: webrtcbin's reply (a structure of
// W3C-style stats structures) becomes the per-call totals the monitor reports and the selected
// candidate pair the report shows. Kept apart from PeerSession so the field names of one
// GStreamer version live in one place.
#pragma once

#include "report/peer_record.h"
#include "report/stats.h"

#include <gst/gst.h>

#include "media/rtcp_blocks.h"
#include "util/gobj.h"

#include <functional>
#include <memory>
#include <optional>

namespace rp::media {

RtpTotals rtp_totals_from_stats(const GstStructure* stats);

// Our outbound video of one call as get-stats knows it: which SSRC it is (the report blocks
// about it come from RtcpWatch) and the call's round-trip time.
struct SendFeedback {
    std::uint32_t video_ssrc = 0;  // 0: not known yet
    std::optional<double> rtt_ms;
};

SendFeedback video_feedback_from_stats(const GstStructure* stats);

struct CallSample {
    RtpTotals totals;
    SendFeedback video;
    std::optional<SelectedPair> selected_pair;  // nullopt while nothing is selected
};

// Our RTCP on `session` (an rtpsession element or rtpbin's internal RTPSession): receiver reports
// about once a second, and room for early feedback (NACKs, TWCC, keyframe requests) about every
// 0.1 s. Set it when webrtcbin adds its rtpsession, before the first RTCP interval is drawn.
void set_feedback_budget(GObject* session);

// Every RTCP report block the member sends on `webrtc`'s (bundled) session, kept per SSRC:
// the handler runs on the RTCP thread and only stores. Attach once the call is negotiated.
class RtcpWatch {
  public:
    explicit RtcpWatch(GstElement* webrtc);
    ~RtcpWatch();
    RtcpWatch(const RtcpWatch&) = delete;
    RtcpWatch& operator=(const RtcpWatch&) = delete;
    bool attached() const { return handler_ != 0; }
    ReportBlockStore& blocks() { return *store_; }
    // Main loop, about once a second: what we receive from the member's senders, for the
    // report blocks we add to our RTCP packets that have none (ReceiverReports).
    void sample_receive_counters();

  private:
    std::shared_ptr<ReportBlockStore> store_ = std::make_shared<ReportBlockStore>();
    std::shared_ptr<ReceiverReports> reports_ = std::make_shared<ReceiverReports>();
    GObjectPtr<GObject> session_;  // rtpbin's internal RTPSession 0
    gulong handler_ = 0;
    gulong sending_handler_ = 0;
};

// Asks `webrtc` for its stats once; `done` runs on the main loop with the parsed sample, or with
// nothing when webrtcbin never answers (it is being torn down).
void request_call_sample(GstElement* webrtc, std::function<void(std::optional<CallSample>)> done);

}  // namespace rp::media
