#include "media/webrtc_stats.h"

#include "media/ice_stats.h"
#include "util/gobj.h"
#include "util/log.h"
#include "util/main_thread.h"

#include <gst/webrtc/webrtc.h>

#include <algorithm>
#include <string_view>

namespace rp::media {

namespace {

// Counters change type between GStreamer versions (guint64, gint, gint64): read any number.
std::optional<double> number_field(const GstStructure* s, const char* name) {
    const GValue* v = gst_structure_get_value(s, name);
    if (!v) return std::nullopt;
    switch (G_VALUE_TYPE(v)) {
        case G_TYPE_DOUBLE:
            return g_value_get_double(v);
        case G_TYPE_FLOAT:
            return g_value_get_float(v);
        case G_TYPE_INT:
            return g_value_get_int(v);
        case G_TYPE_UINT:
            return g_value_get_uint(v);
        case G_TYPE_INT64:
            return static_cast<double>(g_value_get_int64(v));
        case G_TYPE_UINT64:
            return static_cast<double>(g_value_get_uint64(v));
        default:
            return std::nullopt;
    }
}

std::uint64_t counter(const GstStructure* s, const char* name) {
    auto v = number_field(s, name);
    return v && *v > 0 ? static_cast<std::uint64_t>(*v) : 0;
}

void keep_max(std::optional<double>& into, std::optional<double> v) {
    if (v && (!into || *v > *into)) into = v;
}

struct Walk {
    RtpTotals* out;
};

// One entry of webrtcbin's get-stats structure, and its type; null when it is not one.
const GstStructure* stats_entry(const GValue* value, GstWebRTCStatsType* type) {
    if (!GST_VALUE_HOLDS_STRUCTURE(value)) return nullptr;
    const GstStructure* s = gst_value_get_structure(value);
    if (!gst_structure_get_enum(s, "type", GST_TYPE_WEBRTC_STATS_TYPE,
                                reinterpret_cast<gint*>(type)))
        return nullptr;
    return s;
}

gboolean visit(GQuark, const GValue* value, gpointer data) {
    RtpTotals& t = *static_cast<Walk*>(data)->out;
    GstWebRTCStatsType type;
    const GstStructure* s = stats_entry(value, &type);
    if (!s) return TRUE;
    auto ms = [](std::optional<double> seconds) {
        return seconds ? std::optional<double>(*seconds * 1000) : std::nullopt;
    };
    switch (type) {
        case GST_WEBRTC_STATS_INBOUND_RTP:
            t.bytes_received += counter(s, "bytes-received");
            t.packets_received += counter(s, "packets-received");
            if (auto lost = number_field(s, "packets-lost"))
                t.packets_lost += static_cast<std::int64_t>(*lost);
            keep_max(t.jitter_ms, ms(number_field(s, "jitter")));
            t.nack_count += counter(s, "nack-count");  // rx: NACKs we sent
            break;
        case GST_WEBRTC_STATS_OUTBOUND_RTP:
            t.bytes_sent += counter(s, "bytes-sent");
            t.packets_sent += counter(s, "packets-sent");
            t.nacks_received += counter(s, "nack-count");  // rx: NACKs the member sent
            break;
        case GST_WEBRTC_STATS_REMOTE_INBOUND_RTP:
            // Absent, or 0, until the member's first RTCP receiver report carries LSR/DLSR.
            if (auto rtt = number_field(s, "round-trip-time"); rtt && *rtt > 0)
                keep_max(t.rtt_ms, ms(rtt));
            // RTCP's cumulative loss goes negative with duplicates (GStreamer 1.22 reports -1
            // on a clean loopback call): no loss, for a user.
            if (auto lost = number_field(s, "packets-lost"); lost && *lost > 0)
                t.remote_packets_lost += static_cast<std::int64_t>(*lost);
            break;
        default:
            break;
    }
    return TRUE;
}

// Retransmitted packets that came in time, from the jitter buffers themselves: webrtcbin 1.22's
// get-stats does not find them behind a bundled session (its packets-repaired stays 0).
std::uint64_t packets_repaired(GstElement* webrtc) {
    std::uint64_t n = 0;
    IteratorPtr it(gst_bin_iterate_recurse(GST_BIN(webrtc)));
    GValue item = G_VALUE_INIT;
    while (gst_iterator_next(it.get(), &item) == GST_ITERATOR_OK) {
        auto* e = GST_ELEMENT(g_value_get_object(&item));
        GstElementFactory* f = gst_element_get_factory(e);
        if (f && g_str_equal(GST_OBJECT_NAME(f), "rtpjitterbuffer")) {
            GstStructure* raw = nullptr;
            g_object_get(e, "stats", &raw, nullptr);
            StructurePtr st(raw);
            if (st) n += counter(st.get(), "rtx-success-count");
        }
        g_value_reset(&item);
    }
    g_value_unset(&item);
    return n;
}

gboolean visit_feedback(GQuark, const GValue* value, gpointer data) {
    SendFeedback& f = *static_cast<SendFeedback*>(data);
    GstWebRTCStatsType type;
    const GstStructure* s = stats_entry(value, &type);
    if (!s) return TRUE;
    // The codec entries name the SSRC of each of our streams (the "kind" of the RTP entries
    // is not reliable with bundling in 1.22).
    const char* codec_type = gst_structure_get_string(s, "codec-type");
    const char* mime = gst_structure_get_string(s, "mime-type");
    guint ssrc = 0;
    if (type == GST_WEBRTC_STATS_CODEC && codec_type && std::string_view(codec_type) == "encode" &&
        mime && g_str_has_prefix(mime, "video/") && gst_structure_get_uint(s, "ssrc", &ssrc))
        f.video_ssrc = ssrc;
    if (type == GST_WEBRTC_STATS_REMOTE_INBOUND_RTP)
        if (auto rtt = number_field(s, "round-trip-time"); rtt && *rtt > 0)
            keep_max(f.rtt_ms, *rtt * 1000);
    return TRUE;
}

}  // namespace

RtpTotals rtp_totals_from_stats(const GstStructure* stats) {
    RtpTotals t;
    Walk w{&t};
    if (stats) gst_structure_foreach(stats, &visit, &w);
    return t;
}

SendFeedback video_feedback_from_stats(const GstStructure* stats) {
    SendFeedback f;
    if (stats) gst_structure_foreach(stats, &visit_feedback, &f);
    return f;
}

namespace {

// Our outgoing RTCP packet gets an RR with `reports`' blocks about the sources it does not
// report on appended,
// within the memory the session allocated for it (its MTU).
gboolean add_report_blocks(GObject*, GstBuffer* buf, gboolean, gpointer data) {
    auto blocks = (*static_cast<std::shared_ptr<ReceiverReports>*>(data))
                      ->blocks(ntp_compact(g_get_real_time()));
    if (blocks.empty() || !gst_buffer_is_writable(buf)) return FALSE;
    GstMapInfo map;
    if (!gst_buffer_map(buf, &map, GST_MAP_READ)) return FALSE;
    // GStreamer's own packets report on one source at most: add the others.
    for (const auto& b : parse_report_blocks(map.data, map.size))
        std::erase_if(blocks, [&](const ReportBlock& x) { return x.ssrc == b.ssrc; });
    bool has = map.size < 8 || blocks.empty();
    std::uint32_t own = map.size >= 8 ? (std::uint32_t{map.data[4]} << 24) |
                                            (std::uint32_t{map.data[5]} << 16) |
                                            (std::uint32_t{map.data[6]} << 8) | map.data[7]
                                      : 0;
    gst_buffer_unmap(buf, &map);
    if (has) return FALSE;
    std::vector<std::uint8_t> rr = receiver_report(own, blocks);
    gsize offset = 0, maxsize = 0;
    gsize size = gst_buffer_get_sizes(buf, &offset, &maxsize);
    if (gst_buffer_n_memory(buf) != 1 || size + rr.size() > maxsize - offset) return FALSE;
    gst_buffer_set_size(buf, static_cast<gssize>(size + rr.size()));
    gst_buffer_fill(buf, size, rr.data(), rr.size());
    return FALSE;
}

}  // namespace

// rtcp-fraction's unit at or over 1: bits per second (rtpstats.c divides 8 x the average
// RTCP packet size by it).
constexpr double kRtcpBitsPerS = 30000;
// Transport-wide feedback once per this, as libwebrtc's default; 0 (GStreamer's default) sends
// one with every frame's last packet.
constexpr guint64 kTwccFeedbackInterval = 100 * GST_MSECOND;

void set_feedback_budget(GObject* session) {
    GObjectClass* klass = G_OBJECT_GET_CLASS(session);
    // Our reports as a receiver about once a second, not the 5 s of RTP's default minimum:
    // the member's congestion control hears from us that often (browsers report as often).
    if (g_object_class_find_property(klass, "rtcp-min-interval"))
        g_object_set(session, "rtcp-min-interval", static_cast<guint64>(GST_SECOND), nullptr);
    // Feedback (NACKs, keyframe requests, and the report blocks RtcpWatch adds) goes in early
    // RTCP packets, at most one per regular interval (RFC 4585 3.5.2), and under AVPF
    // rtpsession derives that interval from the RTCP budget alone (no minimum). The default
    // budget, 5 % of the RTP rate, makes it 1-2 s on a thin link: most NACKs waited for the
    // next report, the retransmission came after the jitter buffer gave up, and the sender
    // heard of a full queue a second late. kRtcpBitsPerS makes it about 0.04-0.1 s. Set once
    // the call had started, the first interval (0.5-0.9 s) was drawn from the default budget
    // and most NACKs of the call's first second were not sent early. (A trial at 10 kbit/s
    // froze more often on the same link: not kept.)
    // Measured on a 500 kbit/s link (2026-11-30): with transport-wide feedback per frame,
    // each side sent 75 kbit/s of RTCP, 15 % of the link, in 60 packets a second; with one
    // per kTwccFeedbackInterval, about 42 kbit/s.
    if (g_object_class_find_property(klass, "rtcp-fraction"))
        g_object_set(session, "rtcp-fraction", kRtcpBitsPerS, nullptr);
    GObject* internal = nullptr;
    if (g_object_class_find_property(klass, "internal-session"))
        g_object_get(session, "internal-session", &internal, nullptr);
    GObjectPtr<GObject> owned(internal);
    if (internal &&
        g_object_class_find_property(G_OBJECT_GET_CLASS(internal), "twcc-feedback-interval"))
        g_object_set(internal, "twcc-feedback-interval", kTwccFeedbackInterval, nullptr);
}

RtcpWatch::RtcpWatch(GstElement* webrtc) {
    GstPtr<GstElement> rtpbin(gst_bin_get_by_name(GST_BIN(webrtc), "rtpbin"));
    GObject* session = nullptr;
    if (rtpbin) g_signal_emit_by_name(rtpbin.get(), "get-internal-session", 0u, &session);
    session_.reset(session);
    if (!session_) return;
    // What the member's RTCP tells: its report blocks about us (loss, round trip), and the
    // time of its sender reports, which our own blocks answer with LSR and DLSR.
    struct Receiving {
        std::shared_ptr<ReportBlockStore> store;
        std::shared_ptr<ReceiverReports> reports;
    };
    handler_ = g_signal_connect_data(
        session_.get(), "on-receiving-rtcp",
        G_CALLBACK(+[](GObject*, GstBuffer* buf, gpointer data) {
            auto* r = static_cast<Receiving*>(data);
            std::uint32_t arrival = ntp_compact(g_get_real_time());
            GstMapInfo map;
            if (!gst_buffer_map(buf, &map, GST_MAP_READ)) return;
            auto blocks = parse_report_blocks(map.data, map.size);
            auto srs = parse_sender_reports(map.data, map.size);
            gst_buffer_unmap(buf, &map);
            if (!blocks.empty()) r->store->add(blocks, arrival);
            for (const auto& sr : srs) r->reports->sender_report(sr.ssrc, sr.ntp_middle, arrival);
        }),
        new Receiving{store_, reports_},
        [](gpointer data, GClosure*) { delete static_cast<Receiving*>(data); }, GConnectFlags(0));
    sending_handler_ = g_signal_connect_data(
        session_.get(), "on-sending-rtcp", G_CALLBACK(&add_report_blocks),
        new std::shared_ptr<ReceiverReports>(reports_),
        [](gpointer data, GClosure*) {
            delete static_cast<std::shared_ptr<ReceiverReports>*>(data);
        },
        GConnectFlags(0));
}

RtcpWatch::~RtcpWatch() {
    if (!session_) return;
    if (handler_) g_signal_handler_disconnect(session_.get(), handler_);
    if (sending_handler_) g_signal_handler_disconnect(session_.get(), sending_handler_);
}

void RtcpWatch::sample_receive_counters() {
    if (!session_) return;
    GValueArray* sources = nullptr;
    G_GNUC_BEGIN_IGNORE_DEPRECATIONS
    g_object_get(session_.get(), "sources", &sources, nullptr);
    std::vector<ReceiverReports::Counters> now;
    for (guint i = 0; sources && i < sources->n_values; ++i) {
        GObject* src = static_cast<GObject*>(g_value_get_object(g_value_array_get_nth(sources, i)));
        GstStructure* st = nullptr;
        if (src) g_object_get(src, "stats", &st, nullptr);
        if (!st) continue;
        gboolean internal = TRUE, sender = FALSE;
        gst_structure_get_boolean(st, "internal", &internal);
        gst_structure_get_boolean(st, "is-sender", &sender);
        ReceiverReports::Counters c;
        guint ssrc = 0, jitter = 0;
        gint lost = 0;
        guint64 received = 0;
        if (!internal && sender && gst_structure_get_uint(st, "ssrc", &ssrc) &&
            gst_structure_get_uint64(st, "packets-received", &received)) {
            gst_structure_get_int(st, "packets-lost", &lost);
            gst_structure_get_uint(st, "jitter", &jitter);
            now.push_back({ssrc, received, lost, jitter});
        }
        gst_structure_free(st);
    }
    if (sources) g_value_array_free(sources);
    G_GNUC_END_IGNORE_DEPRECATIONS
    reports_->update(now);
}

void request_call_sample(GstElement* webrtc, std::function<void(std::optional<CallSample>)> done) {
    // Owned by the promise: freed with it whether or not webrtcbin ever replies.
    struct Pending {
        std::function<void(std::optional<CallSample>)> done;
        std::uint64_t repaired = 0;  // read here, on the main loop
        bool delivered = false;
        ~Pending() {
            if (!delivered) invoke_on_main([d = std::move(done)] { d(std::nullopt); });
        }
    };
    auto* pending = new Pending{std::move(done), packets_repaired(webrtc)};
    PromisePtr promise(gst_promise_new_with_change_func(
        [](GstPromise* p, gpointer data) {
            auto* pend = static_cast<Pending*>(data);
            if (gst_promise_wait(p) != GST_PROMISE_RESULT_REPLIED) return;
            const GstStructure* reply = gst_promise_get_reply(p);
            // Parsed here, on webrtcbin's thread; only plain values travel to the main loop.
            CallSample sample{rtp_totals_from_stats(reply), video_feedback_from_stats(reply),
                              reply ? selected_pair_from_stats(reply) : std::nullopt};
            sample.totals.packets_repaired = pend->repaired;
            pend->delivered = true;
            invoke_on_main([d = std::move(pend->done), sample] { d(sample); });
        },
        pending, [](gpointer data) { delete static_cast<Pending*>(data); }));
    g_signal_emit_by_name(webrtc, "get-stats", nullptr, promise.get());
}

}  // namespace rp::media
