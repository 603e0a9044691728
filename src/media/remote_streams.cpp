#include "media/remote_streams.h"

#include "util/gobj.h"
#include "util/log.h"
#include "util/main_thread.h"

#include <glib/gstdio.h>
#include <gst/video/video.h>

#include "media/frame_stamp.h"
#include "media/live_add.h"

namespace rp::media {

struct RemoteStreams::Recording {
    std::string path;
    GstElement* mux = nullptr;
    GstElement* sink = nullptr;
    std::map<Kind, GstPad*> mux_pads;    // requested up front, owned refs
    std::map<Kind, GstPad*> tee_pads;    // tee src pads feeding the recording queues
    std::map<Kind, GstPad*> queue_pads;  // recording queue sink pads
    bool finished = false;
    std::vector<std::function<void()>> waiters;
    guint timeout = 0;
};

namespace {

std::string safe_file_name(const std::string& peer) {
    std::string out;
    for (char c : peer) out += (g_ascii_isalnum(c) || c == '-' || c == '_') ? c : '_';
    return out.empty() ? "peer" : out;
}

// A --latency-probe sender painted its capture time into the frame: latency = now - then.
void read_latency_stamp(GstPad* pad, GstBuffer* buf, MediaCounters& c) {
    CapsPtr caps(gst_pad_get_current_caps(pad));
    GstVideoInfo info;
    if (!buf || !caps || !gst_video_info_from_caps(&info, caps.get()) ||
        !GST_VIDEO_FORMAT_INFO_IS_YUV(info.finfo))
        return;
    GstVideoFrame frame;
    if (!gst_video_frame_map(&frame, &info, buf, GST_MAP_READ)) return;
    LumaPlane plane{static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)),
                    GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0), GST_VIDEO_FRAME_WIDTH(&frame),
                    GST_VIDEO_FRAME_HEIGHT(&frame)};
    auto stamp = read_stamp(plane);
    gst_video_frame_unmap(&frame);
    if (!stamp) return;
    std::uint32_t latency = stamp_clock_ms() - *stamp;  // modulo 2^32
    if (latency < 60000) c.latency.add(latency);
}

// Drops everything that reaches the pad, so that an unlinked stream never stops webrtcbin's
// streaming thread with not-linked.
void discard(GstPad* pad) {
    gst_pad_add_probe(
        pad, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM,
        [](GstPad*, GstPadProbeInfo*, gpointer) -> GstPadProbeReturn { return GST_PAD_PROBE_DROP; },
        nullptr, nullptr);
}

}  // namespace

RemoteStreams::RemoteStreams(std::string peer, GstElement* pipeline,
                             const std::vector<SinkSpec>& sinks,
                             std::shared_ptr<MediaCounters> counters)
    : peer_(std::move(peer)), pipeline_(pipeline), counters_(std::move(counters)) {
    for (const auto& s : sinks) {
        if (s.kind == "window") window_ = true;
        if (s.kind == "file") record_dir_ = s.dir;
    }
}

RemoteStreams::~RemoteStreams() {
    teardown();
}

GstElement* RemoteStreams::add(const char* factory) {
    GstElement* e = gst_element_factory_make(factory, nullptr);
    if (!e) {
        log::error("peer %s: GStreamer element '%s' is missing: install %s", peer_.c_str(), factory,
                   package_for_element(factory).c_str());
        return nullptr;
    }
    gst_bin_add(GST_BIN(pipeline_), e);
    elements_.push_back(e);
    return e;
}

bool RemoteStreams::link_chain(const std::vector<GstElement*>& chain) {
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
        if (!gst_element_link(chain[i], chain[i + 1])) {
            log::warn("peer %s: cannot link %s to %s", peer_.c_str(), GST_ELEMENT_NAME(chain[i]),
                      GST_ELEMENT_NAME(chain[i + 1]));
            return false;
        }
    }
    return true;
}

void RemoteStreams::expect(bool video, bool audio) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (record_dir_.empty() || rec_ || (!video && !audio)) return;
    g_mkdir_with_parents(record_dir_.c_str(), 0755);
    auto rec = std::make_unique<Recording>();
    rec->path = record_dir_ + "/" + safe_file_name(peer_) + ".mkv";
    rec->mux = add("matroskamux");
    rec->sink = add("filesink");
    if (!rec->mux || !rec->sink) return;
    // Unbuffered: after SIGKILL or power loss the file ends where the muxer was, not 64 KiB
    // earlier.
    g_object_set(rec->sink, "location", rec->path.c_str(), "async", FALSE, "buffer-mode", 2,
                 nullptr);
    if (!gst_element_link(rec->mux, rec->sink)) return;
    GstPad* vpad = video ? gst_element_request_pad_simple(rec->mux, "video_%u") : nullptr;
    GstPad* apad = audio ? gst_element_request_pad_simple(rec->mux, "audio_%u") : nullptr;
    if (vpad) rec->mux_pads[Kind::Video] = vpad;
    if (apad) rec->mux_pads[Kind::Audio] = apad;
    GstPad* sinkpad = gst_element_get_static_pad(rec->sink, "sink");
    gst_pad_add_probe(
        sinkpad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        [](GstPad*, GstPadProbeInfo* info, gpointer p) -> GstPadProbeReturn {
            if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) != GST_EVENT_EOS)
                return GST_PAD_PROBE_OK;
            auto* self = static_cast<RemoteStreams*>(p);
            LifetimeRef alive = self->alive_;
            invoke_on_main([self, alive] {
                if (!alive.lock()) return;
                self->finished_recording();
            });
            return GST_PAD_PROBE_OK;
        },
        this, nullptr);
    gst_object_unref(sinkpad);
    gst_element_sync_state_with_parent(rec->sink);
    gst_element_sync_state_with_parent(rec->mux);
    log::info("peer %s: recording into %s", peer_.c_str(), rec->path.c_str());
    rec_ = std::move(rec);
}

void RemoteStreams::drop_since(size_t mark) {
    while (elements_.size() > mark) {
        GstElement* e = elements_.back();
        elements_.pop_back();
        gst_element_set_state(e, GST_STATE_NULL);
        gst_bin_remove(GST_BIN(pipeline_), e);
    }
}

bool RemoteStreams::attach(GstPad* rtp_pad, std::string* error) {
    CapsPtr caps(gst_pad_get_current_caps(rtp_pad));
    if (!caps) caps.reset(gst_pad_query_caps(rtp_pad, nullptr));
    const GstStructure* s =
        caps && !gst_caps_is_empty(caps.get()) ? gst_caps_get_structure(caps.get(), 0) : nullptr;
    const char* enc = s ? gst_structure_get_string(s, "encoding-name") : nullptr;

    std::lock_guard<std::mutex> lock(mutex_);
    if (!enc) {
        log::warn("peer %s: a stream without an encoding name, discarding it", peer_.c_str());
        discard(rtp_pad);
        return true;
    }
    // Our answers name only what decoders() decodes; a member may send something else anyway.
    const ReceiveCodec* codec = receive_codec(enc);
    if (!codec || !decoders().can_decode(enc)) {
        if (error) *error = decoders().why_not(enc);
        discard(rtp_pad);
        return false;
    }
    Kind kind = codec->kind;
    const size_t mark = elements_.size();
    auto fail = [&](const std::string& why) {
        drop_since(mark);
        discard(rtp_pad);
        if (error) *error = "cannot decode " + codec->encoding_name + ": " + why;
        return false;
    };
    // Every element of the branch, or the first one this machine lacks.
    std::vector<std::string> names = receive_elements(*codec);
    names.insert(names.end(),
                 {"tee", "queue", kind == Kind::Video ? "videoconvert" : "audioconvert"});
    if (kind == Kind::Audio) names.push_back("audioresample");
    names.push_back(window_ ? (kind == Kind::Video ? "autovideosink" : "autoaudiosink")
                            : "fakesink");
    std::map<std::string, GstElement*> made;
    for (const auto& n : names) {
        GstElement* e = add(n.c_str());
        if (!e) return fail(n + " missing (Debian package " + package_for_element(n) + ")");
        made[n] = e;
    }
    std::vector<GstElement*> head;
    head.push_back(made[codec->depayloader]);
    if (!codec->parser.empty()) head.push_back(made[codec->parser]);
    GstElement* tee = made["tee"];
    head.push_back(tee);
    GstElement* dec = made[codec->decoder];
    std::vector<GstElement*> decode = {tee, made["queue"], dec,
                                       made[kind == Kind::Video ? "videoconvert" : "audioconvert"]};
    if (kind == Kind::Audio) decode.push_back(made["audioresample"]);
    GstElement* sink = made[names.back()];
    decode.push_back(sink);
    g_object_set(tee, "allow-not-linked", TRUE, nullptr);
    g_object_set(sink, "sync", FALSE, nullptr);
    // libvpx decoder threads spin-wait too; one per stream scales better across many peers.
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(dec), "threads"))
        g_object_set(dec, "threads", 1u, nullptr);
    never_lose_state(sink);
    if (GObjectClass* klass = G_OBJECT_GET_CLASS(head.front());
        g_object_class_find_property(klass, "request-keyframe"))
        g_object_set(head.front(), "request-keyframe", TRUE, nullptr);
    if (!link_chain(head) || !link_chain(decode)) return fail("its elements do not link");

    GstPad* decoded = gst_element_get_static_pad(dec, "src");
    gst_pad_add_probe(
        decoded, GST_PAD_PROBE_TYPE_BUFFER,
        kind == Kind::Video ? &RemoteStreams::count_video : &RemoteStreams::count_audio, this,
        nullptr);
    gst_object_unref(decoded);

    record(kind, tee);
    for (auto it = decode.rbegin(); it != decode.rend(); ++it)
        gst_element_sync_state_with_parent(*it);
    for (auto it = head.rbegin(); it != head.rend(); ++it) gst_element_sync_state_with_parent(*it);

    GstPad* depay_sink = gst_element_get_static_pad(head.front(), "sink");
    GstPadLinkReturn r = gst_pad_link(rtp_pad, depay_sink);
    gst_object_unref(depay_sink);
    if (r != GST_PAD_LINK_OK) {
        log::warn("peer %s: cannot link incoming %s (%d)", peer_.c_str(), kind_name(kind),
                  static_cast<int>(r));
        discard(rtp_pad);
    } else {
        log::debug("peer %s: receiving %s %s", peer_.c_str(), kind_name(kind), enc);
    }
    return true;
}

// Called with mutex_ held.
void RemoteStreams::record(Kind kind, GstElement* tee) {
    if (!rec_ || rec_->finished) return;
    auto it = rec_->mux_pads.find(kind);
    if (it == rec_->mux_pads.end() || rec_->queue_pads.count(kind)) return;
    GstElement* q = add("queue");
    if (!q) return;
    g_object_set(q, "max-size-time", static_cast<guint64>(3 * GST_SECOND), "max-size-buffers", 0u,
                 "max-size-bytes", 0u, nullptr);
    GstPad* tee_src = gst_element_request_pad_simple(tee, "src_%u");
    if (!tee_src) return;
    GstPad* q_sink = gst_element_get_static_pad(q, "sink");
    GstPad* q_src = gst_element_get_static_pad(q, "src");
    gst_pad_link(q_src, it->second);
    gst_object_unref(q_src);
    gst_element_sync_state_with_parent(q);
    gst_pad_link(tee_src, q_sink);
    rec_->tee_pads[kind] = tee_src;
    rec_->queue_pads[kind] = q_sink;
}

GstPadProbeReturn RemoteStreams::count_video(GstPad* pad, GstPadProbeInfo* info, gpointer p) {
    auto* self = static_cast<RemoteStreams*>(p);
    MediaCounters& c = *self->counters_;
    read_latency_stamp(pad, GST_PAD_PROBE_INFO_BUFFER(info), c);
    if (c.video_frames.fetch_add(1) == 0) {
        c.first_video_frame_ms = log::since_start_ms();
        log::info("peer %s: first video frame", self->peer_.c_str());
    }
    if (c.width.load() == 0) {
        CapsPtr caps(gst_pad_get_current_caps(pad));
        GstVideoInfo info;
        if (caps && gst_video_info_from_caps(&info, caps.get())) {
            c.width = GST_VIDEO_INFO_WIDTH(&info);
            c.height = GST_VIDEO_INFO_HEIGHT(&info);
        }
    }
    return GST_PAD_PROBE_OK;
}

GstPadProbeReturn RemoteStreams::count_audio(GstPad*, GstPadProbeInfo*, gpointer p) {
    static_cast<RemoteStreams*>(p)->counters_->audio_buffers.fetch_add(1);
    return GST_PAD_PROBE_OK;
}

void RemoteStreams::finish(int timeout_ms, std::function<void()> done) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!rec_ || rec_->finished) {
        lock.unlock();
        done();
        return;
    }
    rec_->waiters.push_back(std::move(done));
    if (rec_->timeout) return;  // already finishing
    // Unlink from the tees first so no buffer can follow the EOS, then EOS every muxer input.
    for (auto& [kind, pad] : rec_->mux_pads) {
        auto q = rec_->queue_pads.find(kind);
        if (q == rec_->queue_pads.end()) {
            gst_pad_send_event(pad, gst_event_new_eos());
            continue;
        }
        GstPad* tee_src = rec_->tee_pads[kind];
        gst_pad_unlink(tee_src, q->second);
        gst_pad_send_event(q->second, gst_event_new_eos());
    }
    rec_->timeout = g_timeout_add(
        static_cast<guint>(timeout_ms),
        [](gpointer p) -> gboolean {
            auto* self = static_cast<RemoteStreams*>(p);
            self->rec_->timeout = 0;
            if (!self->rec_->finished)
                log::warn("peer %s: recording %s not finalized in time", self->peer_.c_str(),
                          self->rec_->path.c_str());
            self->finished_recording();
            return G_SOURCE_REMOVE;
        },
        this);
}

void RemoteStreams::finished_recording() {
    std::vector<std::function<void()>> waiters;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!rec_ || rec_->finished) return;
        rec_->finished = true;
        if (rec_->timeout) g_source_remove(rec_->timeout);
        rec_->timeout = 0;
        waiters = std::move(rec_->waiters);
    }
    for (auto& w : waiters) w();
}

void RemoteStreams::teardown() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (rec_) {
        if (rec_->timeout) g_source_remove(rec_->timeout);
        rec_->timeout = 0;
        for (auto& [kind, pad] : rec_->mux_pads) {
            gst_element_release_request_pad(rec_->mux, pad);
            gst_object_unref(pad);
        }
        for (auto& [kind, pad] : rec_->queue_pads) gst_object_unref(pad);
        for (auto& [kind, pad] : rec_->tee_pads) gst_object_unref(pad);  // released with the tee
        rec_.reset();
    }
    for (GstElement* e : elements_) {
        if (!e) continue;
        gst_element_set_state(e, GST_STATE_NULL);
        gst_bin_remove(GST_BIN(pipeline_), e);
    }
    elements_.clear();
}

}  // namespace rp::media
