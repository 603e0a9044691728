#include "media/peer_senders.h"

#include "util/log.h"

#include <gst/video/video.h>

#include <algorithm>

namespace rp::media {

CapsPtr rtp_caps(const SendCodec& codec, int pt, int twcc_ext_id) {
    std::string text = std::string("application/x-rtp,media=") + kind_name(codec.kind) +
                       ",encoding-name=" + codec.encoding_name +
                       ",clock-rate=" + std::to_string(codec.clock_rate) +
                       ",payload=" + std::to_string(pt);
    if (codec.kind == Kind::Audio) text += ",encoding-params=(string)2";
    // Receivers may ask for keyframes (PLI, FIR): browsers expect both offered for video.
    if (codec.kind == Kind::Video)
        text += ",rtcp-fb-nack-pli=(boolean)true,rtcp-fb-ccm-fir=(boolean)true";
    if (!codec.extra_fmtp.empty()) text += "," + codec.extra_fmtp;
    text += feedback_caps_fields(codec.kind, twcc_ext_id);  // rx (issue #12): NACK, TWCC
    return CapsPtr(gst_caps_from_string(text.c_str()));
}

PeerSenders::PeerSenders(std::string peer, GstElement* pipeline, LocalMedia& local,
                         const Options& cfg)
    : peer_(std::move(peer)), pipeline_(pipeline), local_(local), cfg_(cfg) {}

PeerSenders::~PeerSenders() {
    detach_from_tees();
    remove();
}

// A PLI or FIR from this member arrives as an upstream force-key-unit event. The encoder is
// shared by every member, so the request goes through LocalMedia's rate limit instead.
// LocalMedia outlives every session, and so this probe.
void PeerSenders::forward_keyframe_requests(GstElement* payloader) {
    GstPtr<GstPad> sink(gst_element_get_static_pad(payloader, "sink"));
    gst_pad_add_probe(
        sink.get(), GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
        [](GstPad*, GstPadProbeInfo* info, gpointer p) -> GstPadProbeReturn {
            GstEvent* ev = GST_PAD_PROBE_INFO_EVENT(info);
            if (!gst_video_event_is_force_key_unit(ev)) return GST_PAD_PROBE_OK;
            static_cast<LocalMedia*>(p)->request_keyframe();
            return GST_PAD_PROBE_DROP;
        },
        &local_, nullptr);
}

bool PeerSenders::add(Kind kind, int pt, GstElement* webrtc, std::function<void()> caps_seen,
                      int twcc_ext_id) {
    const SendCodec& codec = local_.codec(kind);
    GstPtr<GstElement> q = make_element("queue");
    GstPtr<GstElement> pay = make_element(codec.payloader.c_str());
    GstPtr<GstElement> filter = make_element("capsfilter");
    if (!q || !pay || !filter) return false;
    Sender s;
    s.kind = kind;
    // Unbounded: the gate in front of it bounds it and drops on its own terms.
    g_object_set(q.get(), "max-size-buffers", 0u, "max-size-bytes", 0u, "max-size-time",
                 static_cast<guint64>(0), nullptr);
    unsigned limit =
        kind == Kind::Video ? static_cast<unsigned>(std::max(cfg_.fps, 10)) : 50u;  // about 1 s
    s.gate = std::make_unique<SendGate>(kind == Kind::Video, limit);
    LocalMedia* local = &local_;
    s.gate->install(q.get(), [local] { local->request_keyframe(); });
    g_object_set(pay.get(), "pt", static_cast<guint>(pt), nullptr);
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(pay.get()), "picture-id-mode"))
        g_object_set(pay.get(), "picture-id-mode", 2 /* 15-bit */, nullptr);
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(pay.get()), "config-interval"))
        g_object_set(pay.get(), "config-interval", -1, nullptr);
    CapsPtr caps = rtp_caps(codec, pt, twcc_ext_id);
    g_object_set(filter.get(), "caps", caps.get(), nullptr);
    if (kind == Kind::Video) forward_keyframe_requests(pay.get());
    GstElement* qe = q.get();
    GstElement* paye = pay.get();
    GstElement* fe = filter.get();
    s.elements.emplace_back(GST_BIN(pipeline_), std::move(q));
    s.elements.emplace_back(GST_BIN(pipeline_), std::move(pay));
    s.elements.emplace_back(GST_BIN(pipeline_), std::move(filter));
    if (!gst_element_link_many(qe, paye, fe, nullptr)) {
        senders_.push_back(std::move(s));  // removed with the others
        return false;
    }

    GstPadTemplate* templ = gst_element_get_pad_template(webrtc, "sink_%u");
    s.webrtc_pad = RequestPad(webrtc, gst_element_request_pad(webrtc, templ, nullptr, caps.get()));
    GstPtr<GstPad> src(gst_element_get_static_pad(fe, "src"));
    bool ok = s.webrtc_pad && gst_pad_link(src.get(), s.webrtc_pad.get()) == GST_PAD_LINK_OK;
    if (ok) {
        GstWebRTCRTPTransceiver* trans = nullptr;
        g_object_get(s.webrtc_pad.get(), "transceiver", &trans, nullptr);
        GstPtr<GstWebRTCRTPTransceiver> owned(trans);
        if (trans)
            g_object_set(trans, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV,
                         nullptr);
    }
    // The SDP must carry our SSRCs (a=ssrc) or the far end cannot map bundled packets to
    // their m-line; payloaders only know the SSRC once caps flow, so negotiation waits.
    gst_pad_add_probe(
        src.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        [](GstPad*, GstPadProbeInfo* info, gpointer data) -> GstPadProbeReturn {
            if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) != GST_EVENT_CAPS)
                return GST_PAD_PROBE_OK;
            (*static_cast<std::function<void()>*>(data))();
            return GST_PAD_PROBE_REMOVE;
        },
        new std::function<void()>(std::move(caps_seen)),
        [](gpointer data) { delete static_cast<std::function<void()>*>(data); });
    senders_.push_back(std::move(s));
    return ok;
}

// Only once webrtcbin and the branch are PLAYING may the branch meet the shared tee: a
// branch that is still flushing answers the tee with FLUSHING, which pauses the encoder's
// streaming thread for every peer, for good.
bool PeerSenders::start(GstElement* webrtc) {
    gst_element_sync_state_with_parent(webrtc);
    bool ok = true;
    for (auto& s : senders_) {
        for (auto& e : s.elements) gst_element_sync_state_with_parent(e.get());
        ok = attach_to_tee(s) && ok;
    }
    return ok;
}

GstElement* PeerSenders::tee_for(Kind kind) const {
    return kind == Kind::Video && video_tee_ ? video_tee_ : local_.tee(kind);
}

GstElement* PeerSenders::video_tee() const {
    return tee_for(Kind::Video);
}

namespace {

// What the new tee pad's probe knows: on a streaming thread it only posts the swap.
struct SwitchProbe {
    LifetimeRef alive;
    std::function<void()> swap;  // runs on the main loop if `alive`
    bool posted = false;         // the streaming thread's own
};

GstPadProbeReturn on_next_buffer(GstPad*, GstPadProbeInfo* info, gpointer p) {
    auto* d = static_cast<SwitchProbe*>(p);
    if (GST_BUFFER_FLAG_IS_SET(GST_PAD_PROBE_INFO_BUFFER(info), GST_BUFFER_FLAG_DELTA_UNIT))
        return GST_PAD_PROBE_DROP;  // mid-GOP: the member still gets the old encoding
    if (!d->posted) {
        d->posted = true;
        invoke_on_main([alive = d->alive, swap = d->swap] {
            if (alive.lock()) swap();
        });
    }
    return GST_PAD_PROBE_OK;  // blocks with the keyframe until the swap removes the probe
}

}  // namespace

void PeerSenders::unlink_from_tee(Sender& s) {
    if (!s.tee_pad) return;
    GstPtr<GstPad> peer(gst_pad_get_peer(s.tee_pad.get()));
    if (peer) gst_pad_unlink(s.tee_pad.get(), peer.get());
}

void PeerSenders::cancel_switch(Sender& s) {
    s.next_probe.reset();  // a keyframe it held goes to the unlinked pad: dropped
    s.next_pad.reset();
}

void PeerSenders::switch_video_tee(GstElement* tee) {
    if (!tee) return;
    video_tee_ = tee == local_.tee(Kind::Video) ? nullptr : tee;
    bool asked = false;
    for (std::size_t i = 0; i < senders_.size(); ++i) {
        Sender& s = senders_[i];
        if (s.kind != Kind::Video || !s.tee_pad) continue;
        cancel_switch(s);
        // Back to the tee it still feeds from (the keyframe had not come): nothing to do.
        if (GST_OBJECT_PARENT(s.tee_pad.get()) == GST_OBJECT(tee)) continue;
        s.next_pad = RequestPad(tee, gst_element_request_pad_simple(tee, "src_%u"));
        if (!s.next_pad) {
            log::warn("peer %s: cannot switch its video to another encoding", peer_.c_str());
            continue;
        }
        unsigned generation = ++s.next_generation;
        auto* d =
            new SwitchProbe{lifetime_, [this, i, generation] { finish_switch(i, generation); }};
        gulong id = gst_pad_add_probe(
            s.next_pad.get(),
            static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_BLOCK | GST_PAD_PROBE_TYPE_BUFFER),
            &on_next_buffer, d, [](gpointer p) { delete static_cast<SwitchProbe*>(p); });
        s.next_probe = PadProbe(s.next_pad.get(), id);
        asked = true;
    }
    if (asked) local_.request_keyframe();
}

bool PeerSenders::switching() const {
    return std::any_of(senders_.begin(), senders_.end(),
                       [](const Sender& s) { return static_cast<bool>(s.next_pad); });
}

void PeerSenders::finish_switch(std::size_t index, unsigned generation) {
    if (index >= senders_.size()) return;
    Sender& s = senders_[index];
    if (!s.next_pad || s.next_generation != generation || s.elements.empty()) return;
    GstPtr<GstPad> qsink(gst_element_get_static_pad(s.elements.front().get(), "sink"));
    unlink_from_tee(s);
    s.tee_pad = std::move(s.next_pad);  // the old one goes back to its tee
    if (!qsink || gst_pad_link(s.tee_pad.get(), qsink.get()) != GST_PAD_LINK_OK)
        log::warn("peer %s: cannot switch its video to another encoding", peer_.c_str());
    s.next_probe.reset();  // the held keyframe goes out first
}

bool PeerSenders::attach_to_tee(Sender& s) {
    GstElement* tee = tee_for(s.kind);
    s.tee_pad = RequestPad(tee, gst_element_request_pad_simple(tee, "src_%u"));
    GstPtr<GstPad> qsink(gst_element_get_static_pad(s.elements.front().get(), "sink"));
    // webrtcbin holds its sink pads until negotiated. A serialized query (ALLOCATION after
    // the encoder renegotiates for a new tee branch) would wait in this branch's queue for
    // that, and block the shared encoder for every peer. This branch never answers them.
    gst_pad_add_probe(
        qsink.get(), GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
        [](GstPad*, GstPadProbeInfo* info, gpointer) -> GstPadProbeReturn {
            GstQuery* q = GST_PAD_PROBE_INFO_QUERY(info);
            bool serialized =
                (static_cast<unsigned>(GST_QUERY_TYPE(q)) & GST_QUERY_TYPE_SERIALIZED) != 0;
            return serialized ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
        },
        nullptr, nullptr);
    if (!s.tee_pad || gst_pad_link(s.tee_pad.get(), qsink.get()) != GST_PAD_LINK_OK) return false;
    // The tee gives a new pad the stream's sticky events (stream-start, caps) only with the
    // next buffer, up to a frame later; the payloader needs the caps before the offer or the
    // answer can go out (a=ssrc). Pushing the caps again sends them on now (a serialized event:
    // the queue orders it before any buffer the streaming thread pushes meanwhile).
    if (GstEvent* caps = gst_pad_get_sticky_event(s.tee_pad.get(), GST_EVENT_CAPS, 0))
        gst_pad_push_event(s.tee_pad.get(), caps);
    return true;
}

void PeerSenders::open() {
    for (auto& s : senders_)
        if (s.gate) s.gate->open();
}

std::uint64_t PeerSenders::video_frames_sent() const {
    std::uint64_t n = 0;
    for (const auto& s : senders_)
        if (s.gate && s.kind == Kind::Video) n += s.gate->passed();
    return n;
}

void PeerSenders::detach_from_tees() {
    for (auto& s : senders_) {
        cancel_switch(s);
        unlink_from_tee(s);
        s.tee_pad.reset();  // released from the tee
    }
}

void PeerSenders::remove() {
    for (auto& s : senders_) {
        if (s.gate && s.gate->dropped())
            log::debug("peer %s: %llu buffers dropped before sending", peer_.c_str(),
                       static_cast<unsigned long long>(s.gate->dropped()));
        for (auto& e : s.elements) e.reset();
        s.webrtc_pad.reset();
    }
    senders_.clear();
}

}  // namespace rp::media
