#include "media/remote_streams.h"

#include "util/gobj.h"
#include "util/log.h"
#include "util/main_thread.h"

#include <glib/gstdio.h>
#include <gst/video/video.h>

#include "media/audio_analysis.h"
#include "media/frame_stamp.h"
#include "media/live_add.h"
#include "media/video_analysis.h"

namespace rp::media {

struct RemoteStreams::Recording {
    std::string path;
    GstElement* mux = nullptr;                  // borrowed: elements_ owns it
    GstElement* sink = nullptr;                 // borrowed: elements_ owns it
    std::map<Kind, RequestPad> mux_pads;        // requested up front
    std::map<Kind, GstPtr<GstPad>> tee_pads;    // tee src pads feeding the recording queues
    std::map<Kind, GstPtr<GstPad>> queue_pads;  // recording queue sink pads
    bool finished = false;
    std::vector<std::function<void()>> waiters;
    SourceId timeout;
};

void no_audio_retransmission(GstElement* ptdemux) {
    g_signal_connect(
        ptdemux, "new-payload-type",
        G_CALLBACK(+[](GstElement* demux, guint, GstPad* pad, gpointer) {
            CapsPtr caps(gst_pad_get_current_caps(pad));
            const GstStructure* s = caps && gst_caps_get_size(caps.get()) > 0
                                        ? gst_caps_get_structure(caps.get(), 0)
                                        : nullptr;
            const char* media = s ? gst_structure_get_string(s, "media") : nullptr;
            if (!media || !g_str_equal(media, "audio")) return;
            GstPtr<GstPad> sink(gst_element_get_static_pad(demux, "sink"));
            GstPtr<GstPad> peer(sink ? gst_pad_get_peer(sink.get()) : nullptr);
            GstPtr<GstElement> jb(peer ? gst_pad_get_parent_element(peer.get()) : nullptr);
            GstElementFactory* f = jb ? gst_element_get_factory(jb.get()) : nullptr;
            if (f && g_str_equal(GST_OBJECT_NAME(f), "rtpjitterbuffer"))
                g_object_set(jb.get(), "do-retransmission", FALSE, nullptr);
        }),
        nullptr);
}

namespace {

std::string safe_file_name(const std::string& peer) {
    std::string out;
    for (char c : peer) out += (g_ascii_isalnum(c) || c == '-' || c == '_') ? c : '_';
    return out.empty() ? "peer" : out;
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
                             std::shared_ptr<MediaCounters> counters, AudioOutput* audio_out,
                             std::shared_ptr<VideoWall> wall)
    : peer_(std::move(peer)),
      pipeline_(pipeline),
      counters_(std::move(counters)),
      wall_(wall),
      audio_out_(audio_out && audio_out->enabled() ? audio_out : nullptr) {
    for (const auto& s : sinks) {
        if (s.kind == "window") window_ = true;
        if (s.kind == "file") record_dir_ = s.dir;
    }
}

RemoteStreams::~RemoteStreams() {
    teardown();
}

GstElement* RemoteStreams::add(const char* factory) {
    GstPtr<GstElement> e = make_element(factory);
    if (!e) {
        log::error("peer %s: GStreamer element '%s' is missing: install %s", peer_.c_str(), factory,
                   package_for_element(factory).c_str());
        return nullptr;
    }
    elements_.emplace_back(GST_BIN(pipeline_), std::move(e));
    return elements_.back().get();
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
    RequestPad vpad(rec->mux,
                    video ? gst_element_request_pad_simple(rec->mux, "video_%u") : nullptr);
    RequestPad apad(rec->mux,
                    audio ? gst_element_request_pad_simple(rec->mux, "audio_%u") : nullptr);
    if (vpad) rec->mux_pads[Kind::Video] = std::move(vpad);
    if (apad) rec->mux_pads[Kind::Audio] = std::move(apad);
    // Only hands off: the main loop checks that we still exist.
    GstPtr<GstPad> sinkpad(gst_element_get_static_pad(rec->sink, "sink"));
    struct Eos {
        RemoteStreams* self;
        LifetimeRef alive;
    };
    gst_pad_add_probe(
        sinkpad.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        [](GstPad*, GstPadProbeInfo* info, gpointer p) -> GstPadProbeReturn {
            if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) != GST_EVENT_EOS)
                return GST_PAD_PROBE_OK;
            auto* eos = static_cast<Eos*>(p);
            invoke_on_main([self = eos->self, alive = eos->alive] {
                if (!alive.lock()) return;
                self->finished_recording();
            });
            return GST_PAD_PROBE_OK;
        },
        new Eos{this, alive_}, [](gpointer p) { delete static_cast<Eos*>(p); });
    gst_element_sync_state_with_parent(rec->sink);
    gst_element_sync_state_with_parent(rec->mux);
    log::info("peer %s: recording into %s", peer_.c_str(), rec->path.c_str());
    rec_ = std::move(rec);
}

void RemoteStreams::drop_since(size_t mark) {
    while (elements_.size() > mark) elements_.pop_back();  // NULL and out of the bin
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
    // issue 13: decoded audio goes into the one mixed output, when there is one, and with the
    // video wall (grid) decoded video ends in its compositor, not in a sink.
    const bool to_mixer = kind == Kind::Audio && audio_out_;
    std::shared_ptr<VideoWall> wall = kind == Kind::Video && window_ ? wall_.lock() : nullptr;
    if (!to_mixer && !wall)
        names.push_back(window_ ? (kind == Kind::Video ? "autovideosink" : "fakesink")
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
    GstElement* sink = to_mixer || wall ? nullptr : made[names.back()];
    if (sink) decode.push_back(sink);
    g_object_set(tee, "allow-not-linked", TRUE, nullptr);
    if (sink) g_object_set(sink, "sync", FALSE, nullptr);
    // libvpx decoder threads spin-wait too; one per stream scales better across many peers.
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(dec), "threads"))
        g_object_set(dec, "threads", 1u, nullptr);
    if (sink) never_lose_state(sink);
    if (GObjectClass* klass = G_OBJECT_GET_CLASS(head.front());
        g_object_class_find_property(klass, "request-keyframe"))
        g_object_set(head.front(), "request-keyframe", TRUE, nullptr);
    if (!link_chain(head) || !link_chain(decode)) return fail("its elements do not link");
    if (to_mixer) {  // issue 13 (audio): released in teardown(), after the branch stopped
        RequestPad in = audio_out_->add_input();
        GstPtr<GstPad> out(gst_element_get_static_pad(decode.back(), "src"));
        if (!in || gst_pad_link(out.get(), in.get()) != GST_PAD_LINK_OK)
            return fail("cannot link it to the audio output's mixer");
        mixer_pads_.push_back(std::move(in));
    }
    if (wall) {  // grid
        GstPtr<GstPad> raw(gst_element_get_static_pad(decode.back(), "src"));
        std::string why;
        if (!wall->attach_video(peer_, raw.get(), &why, &wall_token_))
            return fail("video wall: " + why);
    }

    // `this` outlives the probe: teardown() stops the decoder before we go.
    GstPtr<GstPad> decoded(gst_element_get_static_pad(dec, "src"));
    gst_pad_add_probe(
        decoded.get(), GST_PAD_PROBE_TYPE_BUFFER,
        kind == Kind::Video ? &RemoteStreams::count_video : &RemoteStreams::count_audio, this,
        nullptr);

    record(kind, tee);
    for (auto it = decode.rbegin(); it != decode.rend(); ++it)
        gst_element_sync_state_with_parent(*it);
    for (auto it = head.rbegin(); it != head.rend(); ++it) gst_element_sync_state_with_parent(*it);

    GstPtr<GstPad> depay_sink(gst_element_get_static_pad(head.front(), "sink"));
    GstPadLinkReturn r = gst_pad_link(rtp_pad, depay_sink.get());
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
    // Released with the tee, which this branch's elements_ own.
    GstPtr<GstPad> tee_src(gst_element_request_pad_simple(tee, "src_%u"));
    if (!tee_src) return;
    GstPtr<GstPad> q_sink(gst_element_get_static_pad(q, "sink"));
    GstPtr<GstPad> q_src(gst_element_get_static_pad(q, "src"));
    gst_pad_link(q_src.get(), it->second.get());
    gst_element_sync_state_with_parent(q);
    gst_pad_link(tee_src.get(), q_sink.get());
    rec_->tee_pads[kind] = std::move(tee_src);
    rec_->queue_pads[kind] = std::move(q_sink);
}

GstPadProbeReturn RemoteStreams::count_video(GstPad* pad, GstPadProbeInfo* info, gpointer p) {
    auto* self = static_cast<RemoteStreams*>(p);
    MediaCounters& c = *self->counters_;
    analyze_video_frame(pad, GST_PAD_PROBE_INFO_BUFFER(info), c, self->peer_);  // video quality
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

GstPadProbeReturn RemoteStreams::count_audio(GstPad* pad, GstPadProbeInfo* info, gpointer p) {
    static_cast<RemoteStreams*>(p)->counters_->audio_buffers.fetch_add(1);
    analyse_audio(pad, GST_PAD_PROBE_INFO_BUFFER(info), *static_cast<RemoteStreams*>(p)->counters_,
                  static_cast<RemoteStreams*>(p)->peer_);  // aq: test tone
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
            gst_pad_send_event(pad.get(), gst_event_new_eos());
            continue;
        }
        gst_pad_unlink(rec_->tee_pads[kind].get(), q->second.get());
        gst_pad_send_event(q->second.get(), gst_event_new_eos());
    }
    // `this` is safe: the source goes with rec_.
    rec_->timeout.reset(g_timeout_add(
        static_cast<guint>(timeout_ms),
        [](gpointer p) -> gboolean {
            auto* self = static_cast<RemoteStreams*>(p);
            self->rec_->timeout.release();
            if (!self->rec_->finished)
                log::warn("peer %s: recording %s not finalized in time", self->peer_.c_str(),
                          self->rec_->path.c_str());
            self->finished_recording();
            return G_SOURCE_REMOVE;
        },
        this));
}

void RemoteStreams::finished_recording() {
    std::vector<std::function<void()>> waiters;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!rec_ || rec_->finished) return;
        rec_->finished = true;
        rec_->timeout.reset();
        waiters = std::move(rec_->waiters);
    }
    for (auto& w : waiters) w();
}

void RemoteStreams::teardown() {
    std::lock_guard<std::mutex> lock(mutex_);
    // The muxer's pads go back to it before the muxer leaves the pipeline.
    rec_.reset();
    for (auto& e : elements_) e.reset();  // in the order added
    elements_.clear();
    mixer_pads_.clear();  // issue 13: nothing feeds them now; the mixer keeps playing
    // grid: our elements are stopped, so nothing pushes into the wall any more.
    if (auto wall = wall_.lock(); wall && wall_token_) wall->detach_video(peer_, wall_token_);
    wall_token_ = 0;
}

}  // namespace rp::media
