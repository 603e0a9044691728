#include "media/peer_session.h"

#include "media/live_add.h"
#include "media/webrtc_stats.h"
#include "util/log.h"

namespace rp::media {

namespace {

PeerState peer_state(GstWebRTCPeerConnectionState s) {
    switch (s) {
        case GST_WEBRTC_PEER_CONNECTION_STATE_NEW:
            return PeerState::New;
        case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTING:
            return PeerState::Connecting;
        case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED:
            return PeerState::Connected;
        case GST_WEBRTC_PEER_CONNECTION_STATE_DISCONNECTED:
            return PeerState::Disconnected;
        case GST_WEBRTC_PEER_CONNECTION_STATE_FAILED:
            return PeerState::Failed;
        case GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED:
            return PeerState::Closed;
    }
    return PeerState::New;
}

}  // namespace

void PeerSession::Ref::post(std::function<void(PeerSession&)> fn) const {
    invoke_on_main([self = self, alive = alive, fn = std::move(fn)] {
        if (alive.lock()) fn(*self);
    });
}

PeerSession::PeerSession(std::string peer, GstElement* pipeline, LocalMedia& local,
                         const Options& cfg, std::shared_ptr<MediaCounters> counters,
                         SessionCallbacks cb, std::shared_ptr<VideoWall> wall)
    : peer_(std::move(peer)),
      pipeline_(pipeline),
      local_(local),
      cfg_(cfg),
      cb_(std::move(cb)),
      senders_(peer_, pipeline, local, cfg),
      remote_(peer_, pipeline, cfg.sinks, std::move(counters), local.audio_output(),
              std::move(wall)),
      candidates_(peer_) {}

// The order matters: the senders leave the shared tees first, webrtcbin stops (NULL, which
// also closes its sockets) before the branches go, its request pads are given back, and only
// then does it leave the pipeline.
PeerSession::~PeerSession() {
    senders_.detach_from_tees();
    caps_timer_.reset();
    if (webrtc_) {
        for (gulong id : handlers_) g_signal_handler_disconnect(webrtc_.get(), id);
        gst_element_set_state(webrtc_.get(), GST_STATE_NULL);
    }
    handlers_.clear();
    senders_.remove();
    remote_.teardown();
    webrtc_.reset();
}

void PeerSession::connect(const char* signal, GCallback handler) {
    handlers_.push_back(g_signal_connect_data(
        webrtc_.get(), signal, handler, new_ref(), [](gpointer ref, GClosure*) { delete_ref(ref); },
        GConnectFlags(0)));
}

bool PeerSession::create_webrtcbin(std::string* error) {
    GstPtr<GstElement> webrtc = make_webrtcbin(peer_, cfg_, error);
    if (!webrtc) return false;
    webrtc_ = BinElement(GST_BIN(pipeline_), std::move(webrtc));
    // Connected before the element leaves NULL, or the first negotiation-needed is missed.
    connect("on-negotiation-needed", G_CALLBACK(&PeerSession::on_negotiation_needed));
    connect("on-ice-candidate", G_CALLBACK(&PeerSession::on_ice_candidate));
    connect("pad-added", G_CALLBACK(&PeerSession::on_pad_added));
    connect("notify::connection-state", G_CALLBACK(&PeerSession::on_connection_state));
    g_signal_connect(webrtc_.get(), "on-new-transceiver",
                     G_CALLBACK(&PeerSession::on_new_transceiver), nullptr);
    never_lose_state(webrtc_.get());
    return true;
}

bool PeerSession::add_sender(Kind kind, int pt, int twcc_ext_id) {
    Ref ref{this, alive_};
    return senders_.add(
        kind, pt, webrtc_.get(),
        [ref] {
            ref.post([](PeerSession& self) {
                ++self.senders_with_caps_;
                log::debug("peer %s: %zu of %zu senders have caps", self.peer_.c_str(),
                           self.senders_with_caps_, self.senders_.size());
                self.maybe_negotiate();
            });
        },
        twcc_ext_id);
}

bool PeerSession::start_senders() {
    return senders_.start(webrtc_.get());
}

void PeerSession::add_candidate(const IceCandidate& cand) {
    candidates_.add(cand, has_remote() ? webrtc_.get() : nullptr, remote_bundled_);
}

void PeerSession::sample_stats(std::function<void(std::optional<RtpTotals>)> done) {
    if (!webrtc_) {
        if (done) done(std::nullopt);
        return;
    }
    last_sample_us_ = g_get_monotonic_time();
    LifetimeRef alive = alive_;
    request_call_sample(
        webrtc_.get(), [this, alive, done = std::move(done)](std::optional<CallSample> sample) {
            if (!alive.expired() && sample && sample->selected_pair && cb_.selected_pair)
                cb_.selected_pair(*sample->selected_pair);
            if (done) done(sample ? std::optional<RtpTotals>(sample->totals) : std::nullopt);
        });
}

void PeerSession::finish(std::function<void()> done) {
    remote_.finish(3000, std::move(done));
}

void PeerSession::on_ice_candidate(GstElement*, guint mline, gchar* cand, gpointer ref) {
    IceCandidate c;
    c.candidate = cand ? cand : "";
    c.mline_index = static_cast<int>(mline);
    if (c.candidate.empty()) return;
    static_cast<Ref*>(ref)->post([c](PeerSession& s) mutable {
        if (static_cast<size_t>(c.mline_index) < s.local_mids_.size())
            c.sdp_mid = s.local_mids_[c.mline_index];
        s.cb_.send_candidate(c);
    });
}

// webrtcbin's streaming thread, with data about to flow: a blocking probe holds that data back
// while the main loop builds the branch (never this thread), then lets it through.
void PeerSession::on_pad_added(GstElement*, GstPad* pad, gpointer ref) {
    if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) return;
    gulong id = gst_pad_add_probe(
        pad, GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM,
        [](GstPad*, GstPadProbeInfo*, gpointer) -> GstPadProbeReturn { return GST_PAD_PROBE_OK; },
        nullptr, nullptr);
    // Removed unused when the session is gone first: its webrtcbin is NULL by then.
    auto block = std::make_shared<PadProbe>(pad, id);
    static_cast<Ref*>(ref)->post([block](PeerSession& s) { s.receive(*block); });
}

void PeerSession::receive(PadProbe& block) {
    std::string why;
    bool ok = remote_.attach(block.pad(), &why);
    block.reset();
    if (!ok) {
        cb_.failed(why);
        return;
    }
    // A new receiver (ours or theirs) decodes nothing until the next keyframe: ask for one now.
    local_.request_keyframe();
}

void PeerSession::on_connection_state(GObject* obj, GParamSpec*, gpointer ref) {
    GstWebRTCPeerConnectionState state;
    g_object_get(obj, "connection-state", &state, nullptr);
    PeerState next = peer_state(state);
    static_cast<Ref*>(ref)->post([next](PeerSession& s) {
        if (next == PeerState::Connected) {
            s.senders_.open();
            s.local_.request_keyframe_now();
        }
        s.cb_.state_changed(next);
    });
}

}  // namespace rp::media
