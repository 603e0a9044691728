// Congestion control of the shared encoder, on the main loop: once a second every connected
// call's get-stats feeds its RateController (loss and RTT of our video, from the member's RTCP
// receiver reports), and every 0.1 s the round trips of the reports that came meanwhile (a
// queue cuts at once). LayerPlanner turns the estimates into the full encoder's bitrate and
// frame rate, the low encoding and each call's layer, and LocalMedia and PeerSenders apply it.
// Every call's MediaCounters get its target_kbps, layer and estimate_kbps.
#pragma once

#include "media/layer_plan.h"
#include "media/local_media.h"
#include "media/options.h"
#include "media/rate_controller.h"
#include "media/webrtc_stats.h"
#include "report/peer_record.h"
#include "util/gobj.h"
#include "util/main_thread.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rp::media {

class PeerSenders;

class Adaptation {
  public:
    // A call, as the session manager has it at this moment (all borrowed).
    struct Call {
        std::string id;
        bool connected = false;  // only connected calls are sampled and planned
        GstElement* webrtc = nullptr;
        PeerSenders* senders = nullptr;
        MediaCounters* counters = nullptr;
    };
    using Calls = std::function<std::vector<Call>()>;

    Adaptation(LocalMedia& local, const Options& cfg, Calls calls);
    ~Adaptation();
    Adaptation(const Adaptation&) = delete;
    Adaptation& operator=(const Adaptation&) = delete;

  private:
    struct State {
        explicit State(RateController r) : rc(r) {}
        RateController rc;
        std::unique_ptr<RtcpWatch> rtcp;
        gint64 last_feed_us = 0;
    };
    void tick();
    void check_queues();
    void on_sample(const std::string& id, const SendFeedback& f);
    void apply();

    LocalMedia& local_;
    const Options& cfg_;
    Calls calls_;
    LayerPlanner planner_;
    std::map<std::string, State> state_;
    int applied_full_kbps_ = -1, applied_fps_ = -1;
    int pending_ = 0;  // get-stats requests not answered yet
    SourceId timer_;
    SourceId queue_timer_;
    Lifetime alive_ = make_lifetime();
};

}  // namespace rp::media
