#include "media/webrtc_stats.h"

#include "media/ice_stats.h"
#include "util/gobj.h"
#include "util/log.h"
#include "util/main_thread.h"

#include <gst/webrtc/webrtc.h>

#include <algorithm>

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

}  // namespace

RtpTotals rtp_totals_from_stats(const GstStructure* stats) {
    RtpTotals t;
    Walk w{&t};
    if (stats) gst_structure_foreach(stats, &visit, &w);
    return t;
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
            CallSample sample{rtp_totals_from_stats(reply),
                              reply ? selected_pair_from_stats(reply) : std::nullopt};
            sample.totals.packets_repaired = pend->repaired;
            pend->delivered = true;
            invoke_on_main([d = std::move(pend->done), sample] { d(sample); });
        },
        pending, [](gpointer data) { delete static_cast<Pending*>(data); }));
    g_signal_emit_by_name(webrtc, "get-stats", nullptr, promise.get());
}

}  // namespace rp::media
