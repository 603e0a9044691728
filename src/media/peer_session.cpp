#include "media/peer_session.h"

#include "media/ice_stats.h"
#include "media/live_add.h"
#include "media/sdp_info.h"
#include "media/send_gate.h"
#include "media/webrtc_stats.h"
#include "util/gobj.h"
#include "util/log.h"
#include "util/redact.h"

#include <agent.h>
#include <gst/video/video.h>
#include <gst/webrtc/nice/nice.h>

#include <algorithm>

namespace rp::media {

namespace {

CapsPtr rtp_caps(const SendCodec& codec, int pt) {
    std::string text = std::string("application/x-rtp,media=") + kind_name(codec.kind) +
                       ",encoding-name=" + codec.encoding_name +
                       ",clock-rate=" + std::to_string(codec.clock_rate) +
                       ",payload=" + std::to_string(pt);
    if (codec.kind == Kind::Audio) text += ",encoding-params=(string)2";
    // Receivers may ask for keyframes (PLI, FIR): browsers expect both offered for video.
    if (codec.kind == Kind::Video)
        text += ",rtcp-fb-nack-pli=(boolean)true,rtcp-fb-ccm-fir=(boolean)true";
    if (!codec.extra_fmtp.empty()) text += "," + codec.extra_fmtp;
    return CapsPtr(gst_caps_from_string(text.c_str()));
}

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

// libnice leaves loopback out of host candidates unless asked; restricting the agent to
// the given addresses also keeps tests on 127.0.0.1 only.
void restrict_ice_addresses(GstElement* webrtc, const std::vector<std::string>& addresses) {
    GstWebRTCICE* ice = nullptr;
    g_object_get(webrtc, "ice-agent", &ice, nullptr);
    if (!ice) return;
    NiceAgent* agent = nullptr;
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent"))
        g_object_get(ice, "agent", &agent, nullptr);
    if (agent) {
        for (const auto& a : addresses) {
            NiceAddress addr;
            nice_address_init(&addr);
            if (nice_address_set_from_string(&addr, a.c_str()))
                nice_agent_add_local_address(agent, &addr);
        }
        g_object_set(agent, "ice-tcp", FALSE, nullptr);
        g_object_unref(agent);
    }
    gst_object_unref(ice);
}

}  // namespace

// A PLI or FIR from this member arrives as an upstream force-key-unit event. The encoder is
// shared by every member, so the request goes through LocalMedia's rate limit instead.
void PeerSession::forward_keyframe_requests(GstElement* payloader) {
    GstPad* sink = gst_element_get_static_pad(payloader, "sink");
    gst_pad_add_probe(
        sink, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
        [](GstPad*, GstPadProbeInfo* info, gpointer p) -> GstPadProbeReturn {
            GstEvent* ev = GST_PAD_PROBE_INFO_EVENT(info);
            if (!gst_video_event_is_force_key_unit(ev)) return GST_PAD_PROBE_OK;
            static_cast<LocalMedia*>(p)->request_keyframe();
            return GST_PAD_PROBE_DROP;
        },
        &local_, nullptr);
    gst_object_unref(sink);
}

PeerSession::PeerSession(std::string peer, GstElement* pipeline, LocalMedia& local,
                         const Options& cfg, std::shared_ptr<MediaCounters> counters,
                         SessionCallbacks cb)
    : peer_(std::move(peer)),
      pipeline_(pipeline),
      local_(local),
      cfg_(cfg),
      cb_(std::move(cb)),
      remote_(peer_, pipeline, cfg.sinks, std::move(counters)) {}

PeerSession::~PeerSession() {
    for (auto& s : senders_)
        if (s.gate && s.gate->dropped())
            log::debug("peer %s: %llu buffers dropped before sending", peer_.c_str(),
                       static_cast<unsigned long long>(s.gate->dropped()));
    for (auto& s : senders_) {
        if (s.tee_pad) {
            GstPad* peer = gst_pad_get_peer(s.tee_pad);
            if (peer) {
                gst_pad_unlink(s.tee_pad, peer);
                gst_object_unref(peer);
            }
            gst_element_release_request_pad(s.tee, s.tee_pad);
        }
    }
    if (caps_timer_) g_source_remove(caps_timer_);
    if (webrtc_) {
        g_signal_handlers_disconnect_by_data(webrtc_, this);
        gst_element_set_state(webrtc_, GST_STATE_NULL);
    }
    for (auto& s : senders_) {
        for (GstElement* e : s.elements) {
            gst_element_set_state(e, GST_STATE_NULL);
            gst_bin_remove(GST_BIN(pipeline_), e);
        }
        if (s.webrtc_pad && webrtc_) gst_element_release_request_pad(webrtc_, s.webrtc_pad);
        if (s.webrtc_pad) gst_object_unref(s.webrtc_pad);
        if (s.tee_pad) gst_object_unref(s.tee_pad);
    }
    remote_.teardown();
    if (webrtc_) gst_bin_remove(GST_BIN(pipeline_), webrtc_);
}

void PeerSession::post(std::function<void(PeerSession&)> fn) {
    LifetimeRef alive = alive_;
    invoke_on_main([this, alive, fn = std::move(fn)] {
        if (alive.lock()) fn(*this);
    });
}

bool PeerSession::create_webrtcbin(std::string* error) {
    std::string name = "webrtc_" + peer_;
    webrtc_ = gst_element_factory_make("webrtcbin", nullptr);
    if (!webrtc_) {
        if (error)
            *error = "GStreamer element 'webrtcbin' is missing: install gstreamer1.0-plugins-bad";
        return false;
    }
    g_object_set(webrtc_, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, "latency",
                 static_cast<guint>(cfg_.latency_ms), nullptr);
    if (!cfg_.stun.empty()) {
        std::string stun = cfg_.stun.front();
        if (stun.rfind("stun://", 0) != 0) stun = "stun://" + stun.substr(5);
        g_object_set(webrtc_, "stun-server", stun.c_str(), nullptr);
    }
    for (const auto& turn : cfg_.turn) {
        gboolean ok = FALSE;
        g_signal_emit_by_name(webrtc_, "add-turn-server", turn.c_str(), &ok);
        if (!ok)
            log::warn("peer %s: webrtcbin rejected the TURN server %s", peer_.c_str(),
                      redact_url(turn).c_str());
    }
    if (cfg_.ice_relay_only)
        g_object_set(webrtc_, "ice-transport-policy", GST_WEBRTC_ICE_TRANSPORT_POLICY_RELAY,
                     nullptr);
    if (!cfg_.ice_addresses.empty()) restrict_ice_addresses(webrtc_, cfg_.ice_addresses);
    // A call's first keyframe arrives as a burst of packets: a jitter buffer that has seen a
    // run of them in order lets them through at once instead of after --latency.
    g_signal_connect(
        webrtc_, "deep-element-added",
        G_CALLBACK(+[](GstBin*, GstBin*, GstElement* element, gpointer) {
            GstElementFactory* f = gst_element_get_factory(element);
            if (f && g_str_equal(GST_OBJECT_NAME(f), "rtpjitterbuffer") &&
                g_object_class_find_property(G_OBJECT_GET_CLASS(element), "faststart-min-packets"))
                g_object_set(element, "faststart-min-packets", 4u, nullptr);
        }),
        nullptr);
    // Connected before the element leaves NULL, or the first negotiation-needed is missed.
    g_signal_connect(webrtc_, "on-negotiation-needed",
                     G_CALLBACK(&PeerSession::on_negotiation_needed), this);
    g_signal_connect(webrtc_, "on-ice-candidate", G_CALLBACK(&PeerSession::on_ice_candidate), this);
    g_signal_connect(webrtc_, "pad-added", G_CALLBACK(&PeerSession::on_pad_added), this);
    g_signal_connect(webrtc_, "on-new-transceiver", G_CALLBACK(&PeerSession::on_new_transceiver),
                     nullptr);
    g_signal_connect(webrtc_, "notify::connection-state",
                     G_CALLBACK(&PeerSession::on_connection_state), this);
    never_lose_state(webrtc_);
    gst_bin_add(GST_BIN(pipeline_), webrtc_);
    return true;
}

bool PeerSession::add_sender(Kind kind, int pt) {
    const SendCodec& codec = local_.codec(kind);
    GstElement* tee = local_.tee(kind);
    Sender s;
    s.tee = tee;
    GstElement* q = gst_element_factory_make("queue", nullptr);
    GstElement* pay = gst_element_factory_make(codec.payloader.c_str(), nullptr);
    GstElement* filter = gst_element_factory_make("capsfilter", nullptr);
    if (!q || !pay || !filter) {
        for (GstElement* e : {q, pay, filter})
            if (e) gst_object_unref(gst_object_ref_sink(e));
        return false;
    }
    // Unbounded: the gate in front of it bounds it and drops on its own terms.
    g_object_set(q, "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time",
                 static_cast<guint64>(0), nullptr);
    unsigned limit =
        kind == Kind::Video ? static_cast<unsigned>(std::max(cfg_.fps, 10)) : 50u;  // about 1 s
    s.gate = std::make_unique<SendGate>(kind == Kind::Video, limit);
    LocalMedia* local = &local_;
    s.gate->install(q, [local] { local->request_keyframe(); });
    g_object_set(pay, "pt", static_cast<guint>(pt), nullptr);
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(pay), "picture-id-mode"))
        g_object_set(pay, "picture-id-mode", 2 /* 15-bit */, nullptr);
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(pay), "config-interval"))
        g_object_set(pay, "config-interval", -1, nullptr);
    CapsPtr caps = rtp_caps(codec, pt);
    g_object_set(filter, "caps", caps.get(), nullptr);
    if (kind == Kind::Video) forward_keyframe_requests(pay);
    gst_bin_add_many(GST_BIN(pipeline_), q, pay, filter, nullptr);
    s.elements = {q, pay, filter};
    if (!gst_element_link_many(q, pay, filter, nullptr)) return false;

    GstPadTemplate* templ = gst_element_get_pad_template(webrtc_, "sink_%u");
    s.webrtc_pad = gst_element_request_pad(webrtc_, templ, nullptr, caps.get());
    GstPad* src = gst_element_get_static_pad(filter, "src");
    bool ok = s.webrtc_pad && gst_pad_link(src, s.webrtc_pad) == GST_PAD_LINK_OK;
    gst_object_unref(src);
    if (ok) {
        GstWebRTCRTPTransceiver* trans = nullptr;
        g_object_get(s.webrtc_pad, "transceiver", &trans, nullptr);
        if (trans) {
            g_object_set(trans, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV,
                         nullptr);
            gst_object_unref(trans);
        }
    }
    // The SDP must carry our SSRCs (a=ssrc) or the far end cannot map bundled packets to
    // their m-line; payloaders only know the SSRC once caps flow, so negotiation waits.
    GstPad* out = gst_element_get_static_pad(filter, "src");
    gst_pad_add_probe(
        out, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        [](GstPad*, GstPadProbeInfo* info, gpointer data) -> GstPadProbeReturn {
            if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) != GST_EVENT_CAPS)
                return GST_PAD_PROBE_OK;
            static_cast<PeerSession*>(data)->post([](PeerSession& self) {
                ++self.senders_with_caps_;
                log::debug("peer %s: %zu of %zu senders have caps", self.peer_.c_str(),
                           self.senders_with_caps_, self.senders_.size());
                self.maybe_negotiate();
            });
            return GST_PAD_PROBE_REMOVE;
        },
        this, nullptr);
    gst_object_unref(out);
    senders_.push_back(std::move(s));
    return ok;
}

// Only once webrtcbin and the branch are PLAYING may the branch meet the shared tee: a
// branch that is still flushing answers the tee with FLUSHING, which pauses the encoder's
// streaming thread for every peer, for good.
bool PeerSession::start_senders() {
    gst_element_sync_state_with_parent(webrtc_);
    bool ok = true;
    for (auto& s : senders_) {
        for (GstElement* e : s.elements) gst_element_sync_state_with_parent(e);
        ok = attach_to_tee(s) && ok;
    }
    return ok;
}

bool PeerSession::attach_to_tee(Sender& s) {
    GstElement* q = s.elements.front();
    s.tee_pad = gst_element_request_pad_simple(s.tee, "src_%u");
    GstPad* qsink = gst_element_get_static_pad(q, "sink");
    // webrtcbin holds its sink pads until negotiated. A serialized query (ALLOCATION after
    // the encoder renegotiates for a new tee branch) would wait in this branch's queue for
    // that, and block the shared encoder for every peer. This branch never answers them.
    gst_pad_add_probe(
        qsink, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
        [](GstPad*, GstPadProbeInfo* info, gpointer) -> GstPadProbeReturn {
            GstQuery* q = GST_PAD_PROBE_INFO_QUERY(info);
            bool serialized =
                (static_cast<unsigned>(GST_QUERY_TYPE(q)) & GST_QUERY_TYPE_SERIALIZED) != 0;
            return serialized ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
        },
        nullptr, nullptr);
    bool ok = gst_pad_link(s.tee_pad, qsink) == GST_PAD_LINK_OK;
    gst_object_unref(qsink);
    return ok;
}

void PeerSession::add_receiver(Kind kind, int pt) {
    SendCodec codec = kind == Kind::Audio ? audio_send_codec() : video_send_codec(cfg_.codec);
    CapsPtr caps = rtp_caps(codec, pt);
    GstWebRTCRTPTransceiver* trans = nullptr;
    g_signal_emit_by_name(webrtc_, "add-transceiver", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY,
                          caps.get(), &trans);
    if (trans) gst_object_unref(trans);
}

bool PeerSession::start_offer(std::string* error) {
    caller_ = true;
    if (!create_webrtcbin(error)) return false;
    // Audio first, then video, like a browser's getUserMedia stream; both always receive.
    for (Kind k : {Kind::Audio, Kind::Video}) {
        const SendCodec& codec = local_.codec(k);
        if (local_.sends(k)) {
            if (!add_sender(k, codec.default_pt)) {
                if (error)
                    *error = std::string("cannot link the local ") + kind_name(k) + " to webrtcbin";
                return false;
            }
        } else {
            add_receiver(k, codec.default_pt);
        }
    }
    if (!start_senders()) {
        if (error) *error = "cannot link the local media to this peer";
        return false;
    }
    return true;
}

void PeerSession::maybe_negotiate() {
    if (local_started_) return;
    bool ready = senders_with_caps_ >= senders_.size() || caps_wait_expired_;
    if (!ready) {
        if (!caps_timer_) {
            caps_timer_ = g_timeout_add(
                2000,
                [](gpointer p) -> gboolean {
                    auto* self = static_cast<PeerSession*>(p);
                    self->caps_timer_ = 0;
                    log::warn("peer %s: local media did not start in 2 s; negotiating anyway",
                              self->peer_.c_str());
                    self->caps_wait_expired_ = true;
                    self->maybe_negotiate();
                    return G_SOURCE_REMOVE;
                },
                this);
        }
        return;
    }
    if (caller_ && negotiation_needed_) {
        local_started_ = true;
        create_offer();
    } else if (!caller_ && remote_offer_set_) {
        local_started_ = true;
        create_answer();
    }
    if (local_started_ && caps_timer_) {
        g_source_remove(caps_timer_);
        caps_timer_ = 0;
    }
}

// The reply of create-offer / create-answer, on webrtcbin's thread.
void PeerSession::deliver_description(GstPromise* promise, const char* field) {
    PromisePtr owner(promise);
    const GstStructure* reply = gst_promise_get_reply(promise);
    GstWebRTCSessionDescription* desc = nullptr;
    if (reply) gst_structure_get(reply, field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &desc, nullptr);
    WebRTCDescPtr owned(desc);
    on_local_description(owned.get());
}

void PeerSession::create_answer() {
    GstPromise* answer = gst_promise_new_with_change_func(
        [](GstPromise* p, gpointer self) {
            static_cast<PeerSession*>(self)->deliver_description(p, "answer");
        },
        this, nullptr);
    g_signal_emit_by_name(webrtc_, "create-answer", nullptr, answer);
}

void PeerSession::create_offer() {
    GstPromise* promise = gst_promise_new_with_change_func(
        [](GstPromise* p, gpointer self) {
            static_cast<PeerSession*>(self)->deliver_description(p, "offer");
        },
        this, nullptr);
    GstStructure* opts =
        gst_structure_new("options", "offer-to-receive-audio", G_TYPE_BOOLEAN, TRUE,
                          "offer-to-receive-video", G_TYPE_BOOLEAN, TRUE, nullptr);
    g_signal_emit_by_name(webrtc_, "create-offer", opts, promise);
    gst_structure_free(opts);
}

// webrtcbin thread: set the local description, then hand the text to the main loop.
void PeerSession::on_local_description(GstWebRTCSessionDescription* desc) {
    if (!desc) {
        post(
            [](PeerSession& s) { s.cb_.failed("webrtcbin could not create a local description"); });
        return;
    }
    g_signal_emit_by_name(webrtc_, "set-local-description", desc, nullptr);
    SessionDescription out;
    out.type = desc->type == GST_WEBRTC_SDP_TYPE_OFFER ? "offer" : "answer";
    out.sdp = take_string(gst_sdp_message_as_text(desc->sdp));
    post([out](PeerSession& s) {
        if (auto info = parse_sdp(out.sdp, nullptr)) {
            s.local_mids_.clear();
            for (const auto& m : info->media) s.local_mids_.push_back(m.mid);
        }
        log::debug("peer %s: sending %s", s.peer_.c_str(), out.type.c_str());
        s.cb_.send_description(out);
    });
}

bool PeerSession::apply_remote(const SessionDescription& desc, std::string* error) {
    auto info = parse_sdp(desc.sdp, error);
    if (!info) return false;
    bool offer = desc.type == "offer";
    if (offer == caller_ || (!offer && has_remote_)) {
        if (error) *error = offer ? "an offer while we are calling" : "a second answer";
        return false;
    }
    for (const auto& m : info->media) {
        if (!m.kind || m.rejected) continue;
        (*m.kind == Kind::Video ? remote_video_ : remote_audio_) |= m.sends;
    }
    remote_bundled_ = info->bundled;

    if (offer) {
        // It sends on an m-line where we decode none of its codecs: no call, and the reason
        // names the codec and what we lack for it.
        if (std::string why = undecodable(*info, decoders()); !why.empty()) {
            if (error) *error = why;
            return false;
        }
        if (!create_webrtcbin(error)) return false;
        // Send on the first m-line of each kind, with the offerer's payload type for our codec.
        bool used[2] = {false, false};
        for (const auto& m : info->media) {
            if (!m.kind || m.rejected) continue;
            int slot = *m.kind == Kind::Video ? 1 : 0;
            if (used[slot] || !local_.sends(*m.kind) || !m.receives) continue;
            int pt = find_payload(m, local_.codec(*m.kind));
            if (pt < 0) {
                log::warn("peer %s: its offer has no %s for our %s; receiving only", peer_.c_str(),
                          local_.codec(*m.kind).encoding_name.c_str(), kind_name(*m.kind));
                continue;
            }
            used[slot] = true;
            if (!add_sender(*m.kind, pt)) {
                if (error) *error = "cannot link local media to webrtcbin";
                return false;
            }
        }
        if (!start_senders()) {
            if (error) *error = "cannot link the local media to this peer";
            return false;
        }
    }

    GstSDPMessage* sdp = nullptr;
    gst_sdp_message_new_from_text(desc.sdp.c_str(), &sdp);
    GstWebRTCSessionDescription* remote = gst_webrtc_session_description_new(
        offer ? GST_WEBRTC_SDP_TYPE_OFFER : GST_WEBRTC_SDP_TYPE_ANSWER, sdp);
    WebRTCDescPtr owner(remote);
    GstPromise* promise = nullptr;
    if (offer) {
        promise = gst_promise_new_with_change_func(
            [](GstPromise* p, gpointer data) {
                PromisePtr done(p);
                static_cast<PeerSession*>(data)->post([](PeerSession& self) {
                    self.remote_offer_set_ = true;
                    self.maybe_negotiate();
                });
            },
            this, nullptr);
    }
    g_signal_emit_by_name(webrtc_, "set-remote-description", remote, promise);
    has_remote_ = true;
    remote_.expect(remote_video_, remote_audio_);
    apply_pending_candidates();
    return true;
}

void PeerSession::add_candidate(const IceCandidate& cand) {
    // A browser sends a handful per interface; thousands are a flood, not a network.
    constexpr size_t kMaxCandidates = 256;
    if (candidates_seen_ >= kMaxCandidates) {
        if (candidates_seen_++ == kMaxCandidates)
            log::warn("peer %s: more than %zu ICE candidates; dropping the rest", peer_.c_str(),
                      kMaxCandidates);
        return;
    }
    ++candidates_seen_;
    if (!has_remote_) {
        pending_.push_back(cand);
        return;
    }
    // With max-bundle every m-line shares the first transport.
    guint mline = remote_bundled_ ? 0 : static_cast<guint>(cand.mline_index);
    g_signal_emit_by_name(webrtc_, "add-ice-candidate", mline, cand.candidate.c_str());
}

void PeerSession::apply_pending_candidates() {
    auto pending = std::move(pending_);
    pending_.clear();
    candidates_seen_ = 0;
    for (const auto& c : pending) add_candidate(c);
}

std::uint64_t PeerSession::video_frames_sent() const {
    std::uint64_t n = 0;
    for (const auto& s : senders_)
        if (s.gate && s.tee == local_.tee(Kind::Video)) n += s.gate->passed();
    return n;
}

void PeerSession::sample_stats(std::function<void(std::optional<RtpTotals>)> done) {
    if (!webrtc_) {
        if (done) done(std::nullopt);
        return;
    }
    last_sample_us_ = g_get_monotonic_time();
    LifetimeRef alive = alive_;
    request_call_sample(
        webrtc_, [this, alive, done = std::move(done)](std::optional<CallSample> sample) {
            if (!alive.expired() && sample && sample->selected_pair && cb_.selected_pair)
                cb_.selected_pair(*sample->selected_pair);
            if (done) done(sample ? std::optional<RtpTotals>(sample->totals) : std::nullopt);
        });
}

void PeerSession::finish(std::function<void()> done) {
    remote_.finish(3000, std::move(done));
}

void PeerSession::on_negotiation_needed(GstElement*, gpointer data) {
    auto* self = static_cast<PeerSession*>(data);
    self->post([](PeerSession& s) {
        s.negotiation_needed_ = true;
        s.maybe_negotiate();
    });
}

void PeerSession::on_ice_candidate(GstElement*, guint mline, gchar* cand, gpointer data) {
    auto* self = static_cast<PeerSession*>(data);
    IceCandidate c;
    c.candidate = cand ? cand : "";
    c.mline_index = static_cast<int>(mline);
    if (c.candidate.empty()) return;
    self->post([c](PeerSession& s) mutable {
        if (static_cast<size_t>(c.mline_index) < s.local_mids_.size())
            c.sdp_mid = s.local_mids_[c.mline_index];
        s.cb_.send_candidate(c);
    });
}

// webrtcbin's streaming thread, with data about to flow: a blocking probe holds that data back
// while the main loop builds the branch (never this thread), then lets it through.
void PeerSession::on_pad_added(GstElement*, GstPad* pad, gpointer data) {
    if (GST_PAD_DIRECTION(pad) != GST_PAD_SRC) return;
    gulong block = gst_pad_add_probe(
        pad, GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM,
        [](GstPad*, GstPadProbeInfo*, gpointer) -> GstPadProbeReturn { return GST_PAD_PROBE_OK; },
        nullptr, nullptr);
    // Dropped unused when the session is gone first; webrtcbin's teardown unblocks the pad.
    std::shared_ptr<GstPad> held(GST_PAD(gst_object_ref(pad)), GstObjectUnref());
    static_cast<PeerSession*>(data)->post(
        [held, block](PeerSession& s) { s.receive(held.get(), block); });
}

void PeerSession::receive(GstPad* pad, gulong block) {
    std::string why;
    bool ok = remote_.attach(pad, &why);
    gst_pad_remove_probe(pad, block);
    if (!ok) {
        cb_.failed(why);
        return;
    }
    // A new receiver (ours or theirs) decodes nothing until the next keyframe: ask for one now.
    local_.request_keyframe();
}

// webrtcbin's own transceiver for an offered m-line we do not send on (it knows its m-line from
// the start; ours get one only once negotiated, and carry their codec already). It may receive
// only what we decode, so our answer names nothing else, and an m-line left with no codec is
// rejected. Runs on webrtcbin's thread; decoders() is read-only.
void PeerSession::on_new_transceiver(GstElement*, GstWebRTCRTPTransceiver* trans, gpointer) {
    guint mline = G_MAXUINT;
    GstWebRTCKind kind = GST_WEBRTC_KIND_UNKNOWN;
    GstCaps* prefs = nullptr;
    g_object_get(trans, "mlineindex", &mline, "kind", &kind, "codec-preferences", &prefs, nullptr);
    CapsPtr owned(prefs);
    if (prefs || mline == G_MAXUINT || kind == GST_WEBRTC_KIND_UNKNOWN) return;
    CapsPtr caps =
        decodable_caps(kind == GST_WEBRTC_KIND_AUDIO ? Kind::Audio : Kind::Video, decoders());
    g_object_set(trans, "codec-preferences", caps.get(), nullptr);
}

void PeerSession::on_connection_state(GObject* obj, GParamSpec*, gpointer data) {
    auto* self = static_cast<PeerSession*>(data);
    GstWebRTCPeerConnectionState state;
    g_object_get(obj, "connection-state", &state, nullptr);
    PeerState next = peer_state(state);
    self->post([next](PeerSession& s) {
        if (next == PeerState::Connected) {
            for (auto& sender : s.senders_)
                if (sender.gate) sender.gate->open();
            s.local_.request_keyframe();
        }
        s.cb_.state_changed(next);
    });
}

}  // namespace rp::media
