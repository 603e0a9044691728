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

bool is_video(const GstStructure* s) {
    const char* kind = gst_structure_get_string(s, "kind");
    return kind && std::string_view(kind) == "video";
}

gboolean visit_feedback(GQuark, const GValue* value, gpointer data) {
    SendFeedback& f = *static_cast<SendFeedback*>(data);
    if (!GST_VALUE_HOLDS_STRUCTURE(value)) return TRUE;
    const GstStructure* s = gst_value_get_structure(value);
    GstWebRTCStatsType type;
    if (!gst_structure_get_enum(s, "type", GST_TYPE_WEBRTC_STATS_TYPE,
                                reinterpret_cast<gint*>(&type)) ||
        !is_video(s))
        return TRUE;
    if (type == GST_WEBRTC_STATS_OUTBOUND_RTP) {
        f.bytes_sent += counter(s, "bytes-sent");
        f.packets_sent += counter(s, "packets-sent");
    } else if (type == GST_WEBRTC_STATS_REMOTE_INBOUND_RTP) {
        f.have_report = true;
        f.fraction_lost = number_field(s, "fraction-lost");
        if (auto rtt = number_field(s, "round-trip-time"); rtt && *rtt > 0) f.rtt_ms = *rtt * 1000;
        if (auto j = number_field(s, "jitter")) f.jitter_ms = *j * 1000;
        if (auto lost = number_field(s, "packets-lost"))
            f.packets_lost = std::max<std::int64_t>(0, static_cast<std::int64_t>(*lost));
        const GValue* raw = gst_structure_get_value(s, "gst-rtpsource-stats");
        if (raw && GST_VALUE_HOLDS_STRUCTURE(raw))
            f.report_seq = counter(gst_value_get_structure(raw), "rb-exthighestseq");
    }
    return TRUE;
}

gboolean visit(GQuark, const GValue* value, gpointer data) {
    RtpTotals& t = *static_cast<Walk*>(data)->out;
    if (!GST_VALUE_HOLDS_STRUCTURE(value)) return TRUE;
    const GstStructure* s = gst_value_get_structure(value);
    GstWebRTCStatsType type;
    if (!gst_structure_get_enum(s, "type", GST_TYPE_WEBRTC_STATS_TYPE,
                                reinterpret_cast<gint*>(&type)))
        return TRUE;
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
            break;
        case GST_WEBRTC_STATS_OUTBOUND_RTP:
            t.bytes_sent += counter(s, "bytes-sent");
            t.packets_sent += counter(s, "packets-sent");
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

void request_call_sample(GstElement* webrtc, std::function<void(std::optional<CallSample>)> done) {
    // Owned by the promise: freed with it whether or not webrtcbin ever replies.
    struct Pending {
        std::function<void(std::optional<CallSample>)> done;
        bool delivered = false;
        ~Pending() {
            if (!delivered) invoke_on_main([d = std::move(done)] { d(std::nullopt); });
        }
    };
    auto* pending = new Pending{std::move(done)};
    PromisePtr promise(gst_promise_new_with_change_func(
        [](GstPromise* p, gpointer data) {
            auto* pend = static_cast<Pending*>(data);
            if (gst_promise_wait(p) != GST_PROMISE_RESULT_REPLIED) return;
            const GstStructure* reply = gst_promise_get_reply(p);
            // Parsed here, on webrtcbin's thread; only plain values travel to the main loop.
            CallSample sample{rtp_totals_from_stats(reply), video_feedback_from_stats(reply),
                              reply ? selected_pair_from_stats(reply) : std::nullopt};
            pend->delivered = true;
            invoke_on_main([d = std::move(pend->done), sample] { d(sample); });
        },
        pending, [](gpointer data) { delete static_cast<Pending*>(data); }));
    g_signal_emit_by_name(webrtc, "get-stats", nullptr, promise.get());
}

}  // namespace rp::media
