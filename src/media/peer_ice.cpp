#include "media/peer_ice.h"

#include "media/remote_streams.h"
#include "media/webrtc_stats.h"

#include "util/log.h"
#include "util/redact.h"

#include <agent.h>
#include <gst/webrtc/nice/nice.h>
#include <gst/webrtc/webrtc.h>

namespace rp::media {

namespace {

// libnice leaves loopback out of host candidates unless asked; restricting the agent to
// the given addresses also keeps tests on 127.0.0.1 only.
void restrict_ice_addresses(GstElement* webrtc, const std::vector<std::string>& addresses) {
    GstWebRTCICE* ice = nullptr;
    g_object_get(webrtc, "ice-agent", &ice, nullptr);
    GstPtr<GstWebRTCICE> ice_owner(ice);
    if (!ice) return;
    NiceAgent* agent = nullptr;
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(ice), "agent"))
        g_object_get(ice, "agent", &agent, nullptr);
    GObjectPtr<NiceAgent> agent_owner(agent);
    if (!agent) return;
    for (const auto& a : addresses) {
        NiceAddress addr;
        nice_address_init(&addr);
        if (nice_address_set_from_string(&addr, a.c_str()))
            nice_agent_add_local_address(agent, &addr);
    }
    g_object_set(agent, "ice-tcp", FALSE, nullptr);
}

}  // namespace

GstPtr<GstElement> make_webrtcbin(const std::string& peer, const Options& cfg, std::string* error) {
    GstPtr<GstElement> owned = make_element("webrtcbin");
    GstElement* webrtc = owned.get();
    if (!webrtc) {
        if (error)
            *error = "GStreamer element 'webrtcbin' is missing: install gstreamer1.0-plugins-bad";
        return owned;
    }
    g_object_set(webrtc, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, "latency",
                 static_cast<guint>(cfg.latency_ms), nullptr);
    if (!cfg.stun.empty()) {
        std::string stun = cfg.stun.front();
        if (stun.rfind("stun://", 0) != 0) stun = "stun://" + stun.substr(5);
        g_object_set(webrtc, "stun-server", stun.c_str(), nullptr);
    }
    for (const auto& turn : cfg.turn) {
        gboolean ok = FALSE;
        g_signal_emit_by_name(webrtc, "add-turn-server", turn.c_str(), &ok);
        if (!ok)
            log::warn("peer %s: webrtcbin rejected the TURN server %s", peer.c_str(),
                      redact_url(turn).c_str());
    }
    if (cfg.ice_relay_only)
        g_object_set(webrtc, "ice-transport-policy", GST_WEBRTC_ICE_TRANSPORT_POLICY_RELAY,
                     nullptr);
    if (!cfg.ice_addresses.empty()) restrict_ice_addresses(webrtc, cfg.ice_addresses);
    // A call's first keyframe arrives as a burst of packets: a jitter buffer that has seen a
    // run of them in order lets them through at once instead of after --latency. Two, not 4:
    // a call starts at 300 kbit/s and keyframes are capped (max-intra-bitrate), so the first
    // one is a few kB, a handful of packets or fewer, and a run of 4 may wait for the next.
    // Runs where webrtcbin adds it; it only sets a property.
    g_signal_connect(
        webrtc, "deep-element-added",
        G_CALLBACK(+[](GstBin*, GstBin*, GstElement* element, gpointer) {
            GstElementFactory* f = gst_element_get_factory(element);
            if (f && g_str_equal(GST_OBJECT_NAME(f), "rtpjitterbuffer") &&
                g_object_class_find_property(G_OBJECT_GET_CLASS(element), "faststart-min-packets"))
                g_object_set(element, "faststart-min-packets", 2u, nullptr);
            if (f && g_str_equal(GST_OBJECT_NAME(f), "rtpptdemux"))
                no_audio_retransmission(element);  // rx (issue #12)
            if (f && g_str_equal(GST_OBJECT_NAME(f), "rtpsession"))
                set_feedback_budget(G_OBJECT(element));  // before its first RTCP interval
        }),
        nullptr);
    return owned;
}

void RemoteCandidates::add(const IceCandidate& cand, GstElement* webrtc, bool bundled) {
    // A browser sends a handful per interface; thousands are a flood, not a network.
    constexpr size_t kMaxCandidates = 256;
    if (seen_ >= kMaxCandidates) {
        if (seen_++ == kMaxCandidates)
            log::warn("peer %s: more than %zu ICE candidates; dropping the rest", peer_.c_str(),
                      kMaxCandidates);
        return;
    }
    ++seen_;
    if (!webrtc) {
        pending_.push_back(cand);
        return;
    }
    guint mline = bundled ? 0 : static_cast<guint>(cand.mline_index);
    g_signal_emit_by_name(webrtc, "add-ice-candidate", mline, cand.candidate.c_str());
}

void RemoteCandidates::flush(GstElement* webrtc, bool bundled) {
    auto pending = std::move(pending_);
    pending_.clear();
    seen_ = 0;
    for (const auto& c : pending) add(c, webrtc, bundled);
}

}  // namespace rp::media
