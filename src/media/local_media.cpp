#include "media/local_media.h"

#include "media/frame_stamp.h"
#include "media/hw_encoder.h"
#include "media/preset.h"
#include "util/gobj.h"
#include "util/log.h"

#include <gst/video/video.h>

#include <algorithm>

namespace rp::media {

namespace {

// Parses a gst-launch fragment into a bin with ghost pads; nullptr and *error on failure.
GstElement* make_bin(const std::string& description, std::string* error) {
    GError* err = nullptr;
    GstElement* bin = gst_parse_bin_from_description(description.c_str(), TRUE, &err);
    GErrorPtr owner(err);
    // A bin may come back with an error set: without an element it lacks it would never run.
    if (bin && err && g_error_matches(err, GST_PARSE_ERROR, GST_PARSE_ERROR_NO_SUCH_ELEMENT)) {
        gst_object_unref(gst_object_ref_sink(bin));
        bin = nullptr;
    }
    if (bin && err) log::debug("'%s': %s", description.c_str(), err->message);
    if (!bin) {
        if (error)
            *error =
                std::string("cannot build '") + description + "': " + (err ? err->message : "?");
        return nullptr;
    }
    return bin;
}

// The level browsers accept for the size and rate we send: 3.1 (42e01f, what our SDP says) up
// to 720p30, 4 above.
std::string h264_level(const Options& cfg) {
    return static_cast<long>(cfg.width) * cfg.height * cfg.fps <= 1280L * 720 * 30 ? "3.1" : "4";
}

std::string hardware_h264_fragment(const Options& cfg) {
    // repeat_sequence_header: SPS/PPS in front of every IDR, so a member that joins late (or
    // lost the first keyframe) can start decoding; h264parse makes sure of it either way.
    return "v4l2h264enc name=venc extra-controls=\"controls,repeat_sequence_header=1,"
           "video_bitrate=" +
           std::to_string(cfg.video_bitrate_kbps * 1000) +
           ",h264_i_frame_period=" + std::to_string(cfg.fps * 2) +
           "\" ! video/x-h264,profile=constrained-baseline,level=(string)" + h264_level(cfg) +
           " ! h264parse config-interval=-1 ! "
           "video/x-h264,stream-format=byte-stream,alignment=au";
}

std::string video_encoder_fragment(const Options& cfg) {
    int kbps = cfg.video_bitrate_kbps;
    int gop = cfg.fps * 2;  // a keyframe at least every 2 s even if nobody asks
    switch (cfg.codec) {
        case VideoCodec::VP9:
            return "vp9enc name=venc deadline=1 cpu-used=8 lag-in-frames=0 end-usage=cbr threads=1 "
                   "keyframe-max-dist=" +
                   std::to_string(gop) + " target-bitrate=" + std::to_string(kbps * 1000);
        case VideoCodec::H264:
            if (!hardware_h264_encoder().empty())
                return "videoconvert ! video/x-raw,format=I420 ! " + hardware_h264_fragment(cfg);
            // Constrained baseline with SPS/PPS before every keyframe: what browsers decode.
            return "x264enc name=venc tune=zerolatency speed-preset=ultrafast threads=2 bitrate=" +
                   std::to_string(kbps) + " key-int-max=" + std::to_string(gop) +
                   " ! video/x-h264,profile=constrained-baseline ! h264parse config-interval=-1 "
                   "! capsfilter caps=\"video/x-h264,stream-format=byte-stream,alignment=au\"";
        case VideoCodec::VP8:
            break;
    }
    // One thread: libvpx's VP8 threads spin-wait on each other, and with two such encoders
    // on two cores (or a busy Pi) they starve each other down to a few frames per second.
    return "vp8enc name=venc deadline=1 cpu-used=8 lag-in-frames=0 end-usage=cbr threads=1 "
           "error-resilient=partitions keyframe-max-dist=" +
           std::to_string(gop) + " target-bitrate=" + std::to_string(kbps * 1000);
}

std::string first_device(const char* klass) {
    GstDeviceMonitor* mon = gst_device_monitor_new();
    gst_device_monitor_add_filter(mon, klass, nullptr);
    std::string found;
    if (gst_device_monitor_start(mon)) {
        GList* devices = gst_device_monitor_get_devices(mon);
        if (devices) {
            GstDevice* dev = GST_DEVICE(devices->data);
            GstStructure* props = gst_device_get_properties(dev);
            const char* path = props ? gst_structure_get_string(props, "device.path") : nullptr;
            if (!path && props) path = gst_structure_get_string(props, "api.v4l2.path");
            if (!path && props) path = gst_structure_get_string(props, "alsa.card_name");
            found = path ? path : take_string(gst_device_get_display_name(dev));
            if (props) gst_structure_free(props);
        }
        g_list_free_full(devices, gst_object_unref);
        gst_device_monitor_stop(mon);
    }
    gst_object_unref(mon);
    return found;
}

}  // namespace

LocalMedia::LocalMedia(GstElement* pipeline, const Options& cfg)
    : pipeline_(pipeline),
      cfg_(cfg),
      video_codec_(video_send_codec(cfg.codec)),
      audio_codec_(audio_send_codec()) {}

std::vector<std::string> LocalMedia::required_elements() const {
    std::vector<std::string> names = {"webrtcbin",    "nicesrc",      "nicesink",     "dtlsenc",
                                      "srtpenc",      "queue",        "tee",          "fakesink",
                                      "videoconvert", "audioconvert", "audioresample"};
    // We offer to receive what we send: our --video-codec must decode here too, and Opus.
    for (const SendCodec& c : {video_codec_, audio_codec_})
        if (const ReceiveCodec* r = receive_codec(c.encoding_name)) {
            auto decode = receive_elements(*r);
            names.insert(names.end(), decode.begin(), decode.end());
        }
    if (cfg_.video.kind != "none") {
        names.push_back(video_codec_.payloader);
        if (cfg_.video_chain)
            names.insert(names.end(), cfg_.video_chain->required.begin(),
                         cfg_.video_chain->required.end());
        else
            names.push_back(cfg_.codec == VideoCodec::VP8     ? "vp8enc"
                            : cfg_.codec == VideoCodec::VP9   ? "vp9enc"
                            : hardware_h264_encoder().empty() ? "x264enc"
                                                              : "v4l2h264enc");
        if (cfg_.video.kind == "v4l2") names.push_back("v4l2src");
        if (cfg_.video.kind == "test") names.push_back("videotestsrc");
    }
    if (cfg_.audio.kind != "none") {
        names.insert(names.end(), {"opusenc", "rtpopuspay", "audioresample"});
        if (cfg_.audio.kind == "alsa") names.push_back("alsasrc");
        if (cfg_.audio.kind == "test") names.push_back("audiotestsrc");
    }
    for (const auto& s : cfg_.sinks) {
        if (s.kind == "file") names.push_back("matroskamux");
        if (s.kind == "window") names.insert(names.end(), {"autovideosink", "autoaudiosink"});
    }
    return names;
}

std::optional<SourceSpec> LocalMedia::resolve_auto(Kind k, const SourceSpec& spec) {
    if (spec.kind != "auto") return spec;
    const char* klass = k == Kind::Video ? "Video/Source" : "Audio/Source";
    std::string dev = first_device(klass);
    if (dev.empty()) {
        log::warn("--%s auto: no capture device found, sending no %s", kind_name(k), kind_name(k));
        return std::nullopt;
    }
    log::info("--%s auto: using %s", kind_name(k), dev.c_str());
    return SourceSpec{k == Kind::Video ? "v4l2" : "alsa", dev};
}

bool LocalMedia::build(std::string* error) {
    if (auto v = resolve_auto(Kind::Video, cfg_.video); v && v->kind != "none") {
        video_tee_ = build_video(*v, error);
        if (!video_tee_) return false;
    }
    if (auto a = resolve_auto(Kind::Audio, cfg_.audio); a && a->kind != "none") {
        audio_tee_ = build_audio(*a, error);
        if (!audio_tee_) return false;
    }
    return true;
}

std::map<std::string, std::string> LocalMedia::video_vars(const SourceSpec& src) const {
    std::string caps = "video/x-raw,width=" + std::to_string(cfg_.width) +
                       ",height=" + std::to_string(cfg_.height) +
                       ",framerate=" + std::to_string(cfg_.fps) + "/1";
    std::string device = src.device.empty() ? std::string() : "device=" + src.device;
    return {
        {"width", std::to_string(cfg_.width)},
        {"height", std::to_string(cfg_.height)},
        {"fps", std::to_string(cfg_.fps)},
        {"bitrate", std::to_string(cfg_.video_bitrate_kbps)},
        {"bitrate_bps", std::to_string(cfg_.video_bitrate_kbps * 1000)},
        {"gop", std::to_string(cfg_.fps * 2)},
        {"h264_level", h264_level(cfg_)},
        {"device", device},
        {"test",
         "videotestsrc name=vtest is-live=true pattern=ball motion=sweep "
         "background-color=0xff204080 ! " +
             caps + ",format=I420"},
        {"camera",
         "v4l2src " + device + " ! videoconvert ! videoscale ! videorate drop-only=true ! " + caps},
        {"encoder", "queue max-size-buffers=2 leaky=downstream ! " + video_encoder_fragment(cfg_)},
        {"hw_h264_encoder", hardware_h264_fragment(cfg_)},
    };
}

// What turns a --video-pipeline's output into what the payloader takes: raw video is encoded,
// video already in the codec we send only framed; anything else is the user's mistake.
std::string LocalMedia::auto_encode(GstElement* source, std::string* error) const {
    GstPad* pad = gst_element_get_static_pad(source, "src");
    CapsPtr caps(pad ? gst_pad_query_caps(pad, nullptr) : nullptr);
    if (pad) gst_object_unref(pad);
    auto can = [&](const char* what) {
        CapsPtr want(gst_caps_from_string(what));
        return caps && gst_caps_can_intersect(caps.get(), want.get());
    };
    if (can("video/x-raw")) return "videoconvert ! {encoder}";
    switch (cfg_.codec) {
        case VideoCodec::H264:
            if (can("video/x-h264"))
                return "h264parse config-interval=-1 ! "
                       "video/x-h264,stream-format=byte-stream,alignment=au";
            break;
        case VideoCodec::VP9:
            if (can("video/x-vp9")) return "identity";
            break;
        case VideoCodec::VP8:
            if (can("video/x-vp8")) return "identity";
            break;
    }
    if (error) {
        GCharPtr text(caps ? gst_caps_to_string(caps.get()) : g_strdup("nothing"));
        *error = std::string("--video-pipeline ends in ") + text.get() +
                 ": neither raw video nor " + codec_name(cfg_.codec) + " (--video-codec)";
    }
    return {};
}

GstElement* LocalMedia::build_video(const SourceSpec& src, std::string* error) {
    VideoPreset chain = cfg_.video_chain.value_or(
        VideoPreset{"", "", "", "{camera}", "{test}", "videoconvert ! {encoder}", {}});
    auto vars = video_vars(src);
    std::string source, encode, why;
    const std::string& source_text = src.kind == "test" ? chain.test_source : chain.source;
    std::string what = chain.name.empty() ? "video" : chain.name;
    if (!expand(source_text, vars, source, &why)) {
        if (error) *error = what + ": " + why;
        return nullptr;
    }
    // gst-launch syntax cannot end a bin in caps ("... ! image/jpeg"): give it an element.
    GstElement* source_bin = make_bin(source + " ! identity", error);
    if (!source_bin) return nullptr;
    gst_bin_add(GST_BIN(pipeline_), source_bin);
    std::string encode_text = chain.encode;
    if (encode_text == "{auto}") {
        encode_text = auto_encode(source_bin, error);
        if (encode_text.empty()) return nullptr;
    }
    if (!expand(encode_text, vars, encode, &why)) {
        if (error) *error = what + ": " + why;
        return nullptr;
    }
    if (!chain.name.empty())
        log::debug("video chain %s: %s ! %s", chain.name.c_str(), source.c_str(), encode.c_str());
    else if (cfg_.codec == VideoCodec::H264)
        log::debug("h264: %s", hardware_h264_encoder().empty()
                                   ? "x264 (no hardware encoder on this machine)"
                                   : ("hardware encoder " + hardware_h264_encoder()).c_str());
    GstElement* bin = make_bin(encode + " ! identity", error);
    if (!bin) return nullptr;
    GstElement* tee = gst_element_factory_make("tee", "video_tee");
    if (!tee) {
        gst_object_unref(gst_object_ref_sink(bin));
        if (error) *error = "GStreamer element 'tee' is missing";
        return nullptr;
    }
    g_object_set(tee, "allow-not-linked", TRUE, nullptr);
    gst_bin_add_many(GST_BIN(pipeline_), bin, tee, nullptr);
    if (!gst_element_link(source_bin, bin)) {
        if (error) *error = what + ": its source does not link to its encoder (caps differ)";
        return nullptr;
    }
    if (!gst_element_link(bin, tee)) {
        if (error) *error = "cannot link the video encoder to its tee";
        return nullptr;
    }
    video_encoder_ = gst_bin_get_by_name(GST_BIN(bin), "venc");
    if (video_encoder_) gst_object_unref(video_encoder_);  // the bin keeps it alive
    // Without an encoder of ours (a camera's own H.264), keyframe requests go upstream from
    // the chain's end: a source that can make one will.
    if (!video_encoder_) video_encoder_ = bin;
    if (cfg_.latency_probe) {
        if (GstElement* test = gst_bin_get_by_name(GST_BIN(source_bin), "vtest")) {
            GstPad* pad = gst_element_get_static_pad(test, "src");
            gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, &LocalMedia::stamp_frame, this,
                              nullptr);
            gst_object_unref(pad);
            gst_object_unref(test);
        }
    }
    if (GstPad* in = gst_element_get_static_pad(video_encoder_, "sink")) {
        gst_pad_add_probe(
            in, GST_PAD_PROBE_TYPE_BUFFER,
            [](GstPad*, GstPadProbeInfo*, gpointer p) -> GstPadProbeReturn {
                static_cast<LocalMedia*>(p)->video_frames_captured_.fetch_add(1);
                return GST_PAD_PROBE_OK;
            },
            this, nullptr);
        gst_object_unref(in);
    }
    GstPad* out = gst_element_get_static_pad(tee, "sink");
    gst_pad_add_probe(
        out, GST_PAD_PROBE_TYPE_BUFFER,
        [](GstPad*, GstPadProbeInfo* info, gpointer p) -> GstPadProbeReturn {
            auto* self = static_cast<LocalMedia*>(p);
            self->video_frames_encoded_.fetch_add(1);
            if (!GST_BUFFER_FLAG_IS_SET(GST_PAD_PROBE_INFO_BUFFER(info),
                                        GST_BUFFER_FLAG_DELTA_UNIT))
                self->keyframes_encoded_.fetch_add(1);
            return GST_PAD_PROBE_OK;
        },
        this, nullptr);
    gst_object_unref(out);
    return tee;
}

GstElement* LocalMedia::build_audio(const SourceSpec& src, std::string* error) {
    const std::string encode =
        "audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 ! "
        "queue max-size-time=100000000 leaky=downstream ! opusenc bitrate=48000 frame-size=20";
    std::string source =
        src.kind == "test"
            ? "audiotestsrc is-live=true wave=sine freq=440 volume=0.2"
            : "alsasrc" + (src.device.empty() ? std::string() : " device=" + src.device);
    std::string desc = source + " ! " + encode;
    if (!cfg_.audio_pipeline.empty()) {
        std::string why;
        if (!expand(cfg_.audio_pipeline,
                    {{"device", src.device.empty() ? "" : "device=" + src.device}}, source, &why)) {
            if (error) *error = "--audio-pipeline: " + why;
            return nullptr;
        }
        // Raw audio is encoded here; Opus from the fragment goes out as it is.
        GstElement* probe = make_bin(source + " ! identity", error);
        if (!probe) return nullptr;
        gst_object_ref_sink(probe);
        GstPad* pad = gst_element_get_static_pad(probe, "src");
        CapsPtr caps(pad ? gst_pad_query_caps(pad, nullptr) : nullptr);
        if (pad) gst_object_unref(pad);
        gst_object_unref(probe);
        CapsPtr raw(gst_caps_from_string("audio/x-raw")),
            opus(gst_caps_from_string("audio/x-opus"));
        source += " ! identity";
        if (caps && gst_caps_can_intersect(caps.get(), raw.get())) {
            desc = source + " ! " + encode;
        } else if (caps && gst_caps_can_intersect(caps.get(), opus.get())) {
            desc = source + " ! opusparse";
        } else {
            if (error) *error = "--audio-pipeline ends in neither raw audio nor Opus";
            return nullptr;
        }
    }
    GstElement* bin = make_bin(desc, error);
    if (!bin) return nullptr;
    GstElement* tee = gst_element_factory_make("tee", "audio_tee");
    if (!tee) {
        gst_object_unref(gst_object_ref_sink(bin));
        if (error) *error = "GStreamer element 'tee' is missing";
        return nullptr;
    }
    g_object_set(tee, "allow-not-linked", TRUE, nullptr);
    gst_bin_add_many(GST_BIN(pipeline_), bin, tee, nullptr);
    if (!gst_element_link(bin, tee)) {
        if (error) *error = "cannot link the audio encoder to its tee";
        return nullptr;
    }
    return tee;
}

GstPadProbeReturn LocalMedia::stamp_frame(GstPad* pad, GstPadProbeInfo* info, gpointer) {
    CapsPtr caps(gst_pad_get_current_caps(pad));
    GstVideoInfo vinfo;
    if (!caps || !gst_video_info_from_caps(&vinfo, caps.get())) return GST_PAD_PROBE_OK;
    GstBuffer* buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buf;
    GstVideoFrame frame;
    if (!gst_video_frame_map(&frame, &vinfo, buf, GST_MAP_WRITE)) return GST_PAD_PROBE_OK;
    paint_stamp({static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)),
                 GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0), GST_VIDEO_FRAME_WIDTH(&frame),
                 GST_VIDEO_FRAME_HEIGHT(&frame)},
                stamp_clock_ms());
    gst_video_frame_unmap(&frame);
    return GST_PAD_PROBE_OK;
}

void LocalMedia::request_keyframe() {
    if (!video_encoder_) return;
    constexpr gint64 kMinGapUs = 500 * 1000;
    gint64 now = g_get_monotonic_time();
    gint64 last = last_keyframe_us_.load();
    if (now - last >= kMinGapUs && last_keyframe_us_.compare_exchange_strong(last, now)) {
        force_keyframe();
        return;
    }
    // Too soon after the last one: coalesce into one keyframe when the gap has passed, never
    // drop it (a member that just connected must not wait for the next periodic keyframe).
    if (keyframe_pending_.exchange(true)) return;
    gint64 wait_us = std::max<gint64>(0, last + kMinGapUs - now);
    keyframe_timer_ = g_timeout_add(
        static_cast<guint>(wait_us / 1000 + 1),
        [](gpointer p) -> gboolean {
            auto* self = static_cast<LocalMedia*>(p);
            self->keyframe_timer_ = 0;
            self->keyframe_pending_ = false;
            self->last_keyframe_us_ = g_get_monotonic_time();
            self->force_keyframe();
            return G_SOURCE_REMOVE;
        },
        this);
}

LocalMedia::~LocalMedia() {
    // The id may be stale when the timer fired on the main loop before a streaming thread
    // stored it: look it up rather than remove blindly.
    if (guint id = keyframe_timer_.exchange(0))
        if (GSource* src = g_main_context_find_source_by_id(nullptr, id)) g_source_destroy(src);
}

void LocalMedia::force_keyframe() {
    GstPad* pad = gst_element_get_static_pad(video_encoder_, "src");
    gst_pad_send_event(pad,
                       gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
    gst_object_unref(pad);
}

}  // namespace rp::media
