#include "media/adaptation.h"

#include "media/peer_senders.h"
#include "util/log.h"

#include <algorithm>

namespace rp::media {

namespace {
int floor_of(const Options& cfg) {
    return cfg.min_video_bitrate_kbps > 0 ? cfg.min_video_bitrate_kbps
                                          : std::min(100, cfg.video_bitrate_kbps);
}

// Where a call's estimate, and the encoder before any call, start.
int start_of(const Options& cfg) {
    return RateController::start_kbps(floor_of(cfg), cfg.video_bitrate_kbps);
}
// A main-loop timer that calls `Method` of `self` every `ms` until its source is removed.
template <void (Adaptation::*Method)()>
guint every(guint ms, Adaptation* self) {
    return g_timeout_add(
        ms,
        [](gpointer p) -> gboolean {
            (static_cast<Adaptation*>(p)->*Method)();
            return G_SOURCE_CONTINUE;
        },
        self);
}
}  // namespace

Adaptation::Adaptation(LocalMedia& local, const Options& cfg, Calls calls)
    : local_(local),
      cfg_(cfg),
      calls_(std::move(calls)),
      planner_(floor_of(cfg), cfg.video_bitrate_kbps, cfg.fps, local.low_possible(),
               start_of(cfg)) {
    planner_.set_size(cfg.width, cfg.height);
    // `this` is safe: the sources go with timer_ and queue_timer_.
    timer_.reset(every<&Adaptation::tick>(1000, this));
    queue_timer_.reset(every<&Adaptation::check_queues>(100, this));
}

Adaptation::~Adaptation() {
    queue_timer_.reset();
    timer_.reset();
}

void Adaptation::tick() {
    auto calls = calls_();
    // Forget calls that ended or are not connected.
    for (auto it = state_.begin(); it != state_.end();)
        it = std::any_of(calls.begin(), calls.end(),
                         [&](const Call& c) { return c.id == it->first && c.connected; })
                 ? std::next(it)
                 : state_.erase(it);
    bool sends = local_.sends(Kind::Video);  // false also before LocalMedia is built
    // A webrtcbin busy renegotiating has not answered the last tick: go on without it.
    if (sends && pending_ > 0) apply();
    planner_.set_low_possible(local_.low_possible());
    for (const auto& c : calls) {
        if (!c.webrtc || !c.connected) continue;
        auto st = state_.find(c.id);
        if (st == state_.end())
            st = state_
                     .emplace(c.id, State(RateController(floor_of(cfg_), cfg_.video_bitrate_kbps,
                                                         start_of(cfg_))))
                     .first;
        if (!st->second.rtcp || !st->second.rtcp->attached())
            st->second.rtcp = std::make_unique<RtcpWatch>(c.webrtc);
        // As a receiver: the report blocks our own RTCP carries (whether or not we send).
        st->second.rtcp->sample_receive_counters();
        if (auto rtt = st->second.rtcp->blocks().rtt_ms(); rtt && c.counters)
            c.counters->rtt_ms = *rtt;
        if (!sends) continue;
        ++pending_;
        std::weak_ptr<int> alive = alive_;
        request_call_sample(c.webrtc, [this, alive, id = c.id](std::optional<CallSample> s) {
            if (!alive.lock()) return;
            if (s) on_sample(id, s->video);
            // Once every call answered: the new estimates go out now, not a tick later.
            if (--pending_ == 0) apply();
        });
    }
    if (sends && pending_ == 0) apply();
}

void Adaptation::check_queues() {
    if (!local_.sends(Kind::Video)) return;
    double now = g_get_monotonic_time() / 1e6;
    bool cut = false;
    for (auto& [id, st] : state_) {
        auto rtt = st.rtcp ? st.rtcp->blocks().take_max_rtt_ms() : std::nullopt;
        int before = st.rc.estimate_kbps();
        if (!rtt || !st.rc.on_round_trip(*rtt, now)) continue;
        cut = true;
        log::debug("peer %s: estimate %d -> %d kbit/s (queue; rtt %.0f ms)", id.c_str(), before,
                   st.rc.estimate_kbps(), *rtt);
    }
    // A tick waiting for get-stats applies it when the answers are in.
    if (cut && pending_ == 0) apply();
}

void Adaptation::on_sample(const std::string& id, const SendFeedback& f) {
    auto it = state_.find(id);
    if (it == state_.end()) return;
    State& st = it->second;
    // The blocks about our video since the last tick; none: nothing to learn yet (the time
    // still counts towards the next update).
    auto lost =
        st.rtcp && f.video_ssrc ? st.rtcp->blocks().take_fraction_lost(f.video_ssrc) : std::nullopt;
    if (!lost) return;
    gint64 now = g_get_monotonic_time();
    RateInput in;
    in.dt_s = st.last_feed_us ? (now - st.last_feed_us) / 1e6 : 1.0;
    st.last_feed_us = now;
    // webrtcbin 1.22's get-stats keeps one report block per member source (audio's hides
    // video's, and blocks without LSR hide both): the round trip we compute ourselves fills in.
    in.rtt_ms = f.rtt_ms ? f.rtt_ms : st.rtcp->blocks().rtt_ms();
    in.fraction_lost = lost;
    int before = st.rc.estimate_kbps();
    int after = st.rc.update(in);
    if (after != before)
        log::debug("peer %s: estimate %d -> %d kbit/s (%s; lost %.3f, rtt %.0f ms)", id.c_str(),
                   before, after, st.rc.last_action(), in.fraction_lost.value_or(-1),
                   in.rtt_ms.value_or(-1));
}

void Adaptation::apply() {
    auto calls = calls_();
    std::vector<PeerEstimate> estimates;
    for (const auto& c : calls)
        if (auto it = state_.find(c.id); it != state_.end())
            estimates.push_back({c.id, it->second.rc.estimate_kbps()});
    LayerPlan plan = planner_.plan(estimates, g_get_monotonic_time() / 1e6);
    if (plan.full_kbps != applied_full_kbps_ || plan.full_fps != applied_fps_) {
        log::debug("video: full encoding %d kbit/s at %d fps", plan.full_kbps, plan.full_fps);
        applied_full_kbps_ = plan.full_kbps;
        applied_fps_ = plan.full_fps;
    }
    local_.set_full_target(plan.full_kbps, plan.full_fps);
    bool low_on = plan.low_runs && local_.set_low(true, plan.low_kbps);
    GstElement* full_tee = local_.tee(Kind::Video);
    GstElement* low_tee = low_on ? local_.low_tee() : nullptr;
    for (const auto& c : calls) {
        auto layer = plan.layers.find(c.id);
        // Not planned (not connected): the full encoding, which always runs.
        bool low = layer != plan.layers.end() && layer->second == Layer::Low && low_tee;
        if (c.senders) {
            GstElement* want = low ? low_tee : full_tee;
            if (c.senders->video_tee() != want) {
                log::info("peer %s: video layer %s", c.id.c_str(), low ? "low" : "full");
                c.senders->switch_video_tee(want);
            }
        }
        if (c.counters && layer != plan.layers.end()) {
            c.counters->layer = low ? 1 : 0;
            c.counters->target_kbps = low ? plan.low_kbps : plan.full_kbps;
            c.counters->estimate_kbps = state_.at(c.id).rc.estimate_kbps();
        }
    }
    // Nobody on it any more, and every branch has left its tee (a branch leaving it feeds from
    // it until the full encoding's keyframe is at hand): the low encoding goes.
    bool leaving = std::any_of(calls.begin(), calls.end(),
                               [](const Call& c) { return c.senders && c.senders->switching(); });
    if (!plan.low_runs && !leaving && local_.low_tee()) local_.set_low(false, 0);
}

}  // namespace rp::media
