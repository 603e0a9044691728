// PeerSession's offer/answer exchange (see Negotiation in peer_session.h) and the codecs it
// names: what we send on, what we may receive.
#include "media/peer_session.h"

#include "media/sdp_info.h"
#include "util/log.h"

namespace rp::media {

bool PeerSession::has_remote() const {
    switch (negotiation_) {
        case Negotiation::Answered:
        case Negotiation::OfferReceived:
        case Negotiation::AnswerWanted:
        case Negotiation::Answering:
            return true;
        case Negotiation::Idle:
        case Negotiation::Calling:
        case Negotiation::OfferWanted:
        case Negotiation::Offering:
            return false;
    }
    return false;
}

bool PeerSession::is_caller() const {
    switch (negotiation_) {
        case Negotiation::Calling:
        case Negotiation::OfferWanted:
        case Negotiation::Offering:
        case Negotiation::Answered:
            return true;
        case Negotiation::Idle:
        case Negotiation::OfferReceived:
        case Negotiation::AnswerWanted:
        case Negotiation::Answering:
            return false;
    }
    return false;
}

// Our offer or answer has been asked of webrtcbin.
bool PeerSession::local_started() const {
    return negotiation_ == Negotiation::Offering || negotiation_ == Negotiation::Answered ||
           negotiation_ == Negotiation::Answering;
}

void PeerSession::add_receiver(Kind kind, int pt) {
    SendCodec codec = kind == Kind::Audio ? audio_send_codec() : video_send_codec(cfg_.codec);
    CapsPtr caps = rtp_caps(codec, pt);
    GstWebRTCRTPTransceiver* trans = nullptr;
    g_signal_emit_by_name(webrtc_.get(), "add-transceiver",
                          GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps.get(), &trans);
    GstPtr<GstWebRTCRTPTransceiver> owned(trans);
}

bool PeerSession::start_offer(std::string* error) {
    negotiation_ = Negotiation::Calling;
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

// Send on the first m-line of each kind, with the offerer's payload type for our codec.
bool PeerSession::add_answer_senders(const SdpInfo& offer, std::string* error) {
    bool used[2] = {false, false};
    for (const auto& m : offer.media) {
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
        if (!add_sender(*m.kind, pt, m.twcc_ext_id)) {
            if (error) *error = "cannot link local media to webrtcbin";
            return false;
        }
    }
    if (!start_senders()) {
        if (error) *error = "cannot link the local media to this peer";
        return false;
    }
    return true;
}

bool PeerSession::apply_remote(const SessionDescription& desc, std::string* error) {
    auto info = parse_sdp(desc.sdp, error);
    if (!info) return false;
    bool offer = desc.type == "offer";
    if (offer && negotiation_ != Negotiation::Idle) {
        if (error) *error = is_caller() ? "an offer while we are calling" : "a second offer";
        return false;
    }
    if (!offer && negotiation_ != Negotiation::Offering) {
        if (error)
            *error =
                is_caller() && !has_remote() ? "an answer before our offer" : "a second answer";
        return false;
    }
    for (const auto& m : info->media) {
        if (!m.kind || m.rejected) continue;
        (*m.kind == Kind::Video ? remote_video_ : remote_audio_) |= m.sends;
    }
    remote_bundled_ = info->bundled;

    PromisePtr promise;
    if (offer) {
        // It sends on an m-line where we decode none of its codecs: no call, and the reason
        // names the codec and what we lack for it.
        if (std::string why = undecodable(*info, decoders()); !why.empty()) {
            if (error) *error = why;
            return false;
        }
        if (!create_webrtcbin(error)) return false;
        // For on_new_transceiver, on webrtcbin's thread: each m-line's TWCC extension id.
        auto* ids = new std::vector<int>;
        for (const auto& m : info->media) ids->push_back(m.twcc_ext_id);
        g_object_set_data_full(G_OBJECT(webrtc_.get()), "rp-twcc-ids", ids,
                               [](gpointer p) { delete static_cast<std::vector<int>*>(p); });
        if (!add_answer_senders(*info, error)) return false;
        promise.reset(gst_promise_new_with_change_func(
            [](GstPromise*, gpointer ref) {
                static_cast<Ref*>(ref)->post([](PeerSession& self) {
                    if (self.negotiation_ == Negotiation::OfferReceived)
                        self.negotiation_ = Negotiation::AnswerWanted;
                    self.maybe_negotiate();
                });
            },
            new_ref(), &PeerSession::delete_ref));
    }

    GstSDPMessage* sdp = nullptr;
    gst_sdp_message_new_from_text(desc.sdp.c_str(), &sdp);
    WebRTCDescPtr remote(gst_webrtc_session_description_new(
        offer ? GST_WEBRTC_SDP_TYPE_OFFER : GST_WEBRTC_SDP_TYPE_ANSWER, sdp));
    g_signal_emit_by_name(webrtc_.get(), "set-remote-description", remote.get(), promise.get());
    negotiation_ = offer ? Negotiation::OfferReceived : Negotiation::Answered;
    remote_.expect(remote_video_, remote_audio_);
    candidates_.flush(webrtc_.get(), remote_bundled_);
    return true;
}

// Called whenever something it waits for may have changed: webrtcbin asked for an offer,
// their offer is set, a sender got caps, or the caps wait ran out.
void PeerSession::maybe_negotiate() {
    if (local_started()) return;
    bool ready = senders_with_caps_ >= senders_.size() || caps_wait_expired_;
    if (!ready) {
        if (!caps_timer_) {
            // `this` is safe: the source goes with caps_timer_.
            caps_timer_.reset(g_timeout_add(
                2000,
                [](gpointer p) -> gboolean {
                    auto* self = static_cast<PeerSession*>(p);
                    self->caps_timer_.release();
                    log::warn("peer %s: local media did not start in 2 s; negotiating anyway",
                              self->peer_.c_str());
                    self->caps_wait_expired_ = true;
                    self->maybe_negotiate();
                    return G_SOURCE_REMOVE;
                },
                this));
        }
        return;
    }
    if (negotiation_ == Negotiation::OfferWanted) {
        negotiation_ = Negotiation::Offering;
        create_offer();
    } else if (negotiation_ == Negotiation::AnswerWanted) {
        negotiation_ = Negotiation::Answering;
        create_answer();
    }
    if (local_started()) caps_timer_.reset();
}

// A promise for create-offer / create-answer. Its reply comes on webrtcbin's thread, which
// only takes the description out and hands it to the main loop.
PromisePtr PeerSession::description_promise(const char* field) {
    struct Pending {
        Ref ref;
        const char* field;
    };
    return PromisePtr(gst_promise_new_with_change_func(
        [](GstPromise* p, gpointer data) {
            auto* pending = static_cast<Pending*>(data);
            GstWebRTCSessionDescription* desc = nullptr;
            if (gst_promise_wait(p) == GST_PROMISE_RESULT_REPLIED) {
                const GstStructure* reply = gst_promise_get_reply(p);
                if (reply)
                    gst_structure_get(reply, pending->field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION,
                                      &desc, nullptr);
            }
            std::shared_ptr<GstWebRTCSessionDescription> owned(desc, WebRTCDescFree());
            pending->ref.post([owned](PeerSession& s) { s.on_local_description(owned.get()); });
        },
        new Pending{Ref{this, alive_}, field},
        [](gpointer data) { delete static_cast<Pending*>(data); }));
}

void PeerSession::create_answer() {
    PromisePtr promise = description_promise("answer");
    g_signal_emit_by_name(webrtc_.get(), "create-answer", nullptr, promise.get());
}

void PeerSession::create_offer() {
    PromisePtr promise = description_promise("offer");
    StructurePtr opts(gst_structure_new("options", "offer-to-receive-audio", G_TYPE_BOOLEAN, TRUE,
                                        "offer-to-receive-video", G_TYPE_BOOLEAN, TRUE, nullptr));
    g_signal_emit_by_name(webrtc_.get(), "create-offer", opts.get(), promise.get());
}

// Main loop: set our description, then send it.
void PeerSession::on_local_description(GstWebRTCSessionDescription* desc) {
    if (!desc) {
        cb_.failed("webrtcbin could not create a local description");
        return;
    }
    g_signal_emit_by_name(webrtc_.get(), "set-local-description", desc, nullptr);
    SessionDescription out;
    out.type = desc->type == GST_WEBRTC_SDP_TYPE_OFFER ? "offer" : "answer";
    out.sdp = take_string(gst_sdp_message_as_text(desc->sdp));
    if (auto info = parse_sdp(out.sdp, nullptr)) {
        local_mids_.clear();
        for (const auto& m : info->media) local_mids_.push_back(m.mid);
    }
    log::debug("peer %s: sending %s", peer_.c_str(), out.type.c_str());
    cb_.send_description(out);
}

void PeerSession::on_negotiation_needed(GstElement*, gpointer ref) {
    static_cast<Ref*>(ref)->post([](PeerSession& s) {
        if (s.negotiation_ == Negotiation::Calling) s.negotiation_ = Negotiation::OfferWanted;
        s.maybe_negotiate();
    });
}

// webrtcbin's own transceiver for an offered m-line we do not send on (it knows its m-line from
// the start; ours get one only once negotiated, and carry their codec already). It may receive
// only what we decode, so our answer names nothing else, and an m-line left with no codec is
// rejected. Runs on webrtcbin's thread, inside set-remote-description, so it cannot wait for
// the main loop; it builds nothing, and decoders() is read-only.
//
// Every video transceiver, ours too (webrtcbin announces those made for our sink pads and
// add-transceiver here as well, with their kind), gets do-nack: webrtcbin then offers and answers
// nack and an rtx payload, keeps sent packets for retransmission, and its jitter buffers ask for
// lost ones. Not audio: browsers do not retransmit it, and Chromium refuses audio rtx offers.
void PeerSession::on_new_transceiver(GstElement* webrtc, GstWebRTCRTPTransceiver* trans, gpointer) {
    guint mline = G_MAXUINT;
    GstWebRTCKind kind = GST_WEBRTC_KIND_UNKNOWN;
    GstCaps* prefs = nullptr;
    g_object_get(trans, "mlineindex", &mline, "kind", &kind, "codec-preferences", &prefs, nullptr);
    CapsPtr owned(prefs);
    if (kind == GST_WEBRTC_KIND_VIDEO) g_object_set(trans, "do-nack", TRUE, nullptr);
    if (prefs || mline == G_MAXUINT || kind == GST_WEBRTC_KIND_UNKNOWN) return;
    // The offer's id for the TWCC extension on this m-line (it is an offer's m-line).
    int twcc = 0;
    auto* ids = static_cast<std::vector<int>*>(g_object_get_data(G_OBJECT(webrtc), "rp-twcc-ids"));
    if (ids && mline < ids->size()) twcc = (*ids)[mline];
    CapsPtr caps =
        decodable_caps(kind == GST_WEBRTC_KIND_AUDIO ? Kind::Audio : Kind::Video, decoders(), twcc);
    g_object_set(trans, "codec-preferences", caps.get(), nullptr);
}

}  // namespace rp::media
