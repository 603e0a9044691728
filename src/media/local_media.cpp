#include "media/local_media.h"

#include "media/audio_chain.h"
#include "media/audio_output.h"
#include "media/devices.h"
#include "media/encoder_fragments.h"
#include "media/frame_stamp.h"
#include "media/pi_camera.h"
#include "media/rate_controller.h"
#include "media/test_pattern.h"
#include "media/tone_source.h"
#include "media/video_chain.h"
#include "util/log.h"

#include <gst/video/video.h>

#include <algorithm>
#include <cstring>

namespace rp::media {

LocalMedia::LocalMedia(GstElement* pipeline, const Options& cfg)
    : pipeline_(pipeline),
      cfg_(cfg),
      video_codec_(video_send_codec(cfg.codec)),
      audio_codec_(audio_send_codec()),
      audio_out_(std::make_unique<AudioOutput>(pipeline, cfg)) {}

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
            names.push_back(video_encoder_element(cfg_));
        if (cfg_.video.kind == "v4l2") names.push_back("v4l2src");
        if (cfg_.video.kind == "libcamera") names.push_back("libcamerasrc");  // issue 13: Pi
        if (cfg_.video.kind == "test") names.push_back("videotestsrc");
    }
    if (cfg_.audio.kind != "none") {
        names.insert(names.end(), {"opusenc", "rtpopuspay", "audioresample"});
        if (cfg_.audio.kind == "alsa") names.push_back("alsasrc");
        if (cfg_.audio.kind == "test") names.push_back("audiotestsrc");
    }
    for (const auto& s : cfg_.sinks) {
        if (s.kind == "file") names.push_back("matroskamux");
        if (s.kind == "window") names.push_back("autovideosink");
    }
    auto out = audio_out_->required_elements();  // issue 13 (audio)
    names.insert(names.end(), out.begin(), out.end());
    return names;
}

std::optional<SourceSpec> LocalMedia::resolve_auto(Kind k, const SourceSpec& spec) {
    if (spec.kind != "auto") return spec;
    bool video = k == Kind::Video;
    auto devices = capture_devices(video ? "Video/Source" : "Audio/Source");
    // Issue 13 (Pi): a camera module through libcamera first, then a USB camera.
    auto found = video ? auto_video_source(devices) : auto_source("alsa", devices);
    if (!found) {
        log::warn("--%s auto: no capture device found, sending no %s", kind_name(k), kind_name(k));
        return std::nullopt;
    }
    if (found->device.empty())
        log::info("--%s auto: using \"%s\" as the default device", kind_name(k),
                  devices.front().name.c_str());
    else
        log::info("--%s auto: using %s:%s", kind_name(k), found->kind.c_str(),
                  found->device.c_str());
    return found;
}

bool LocalMedia::build(std::string* error) {
    GstBin* pipeline = GST_BIN(pipeline_);
    if (cfg_.video.kind == "libcamera")  // issue 13 (Pi): no camera is exit 4, said plainly
        if (std::string why = check_libcamera_camera(cfg_.video.device); !why.empty()) {
            if (error) *error = why;
            return false;
        }
    if (!audio_out_->build(error)) return false;  // issue 13: before webrtcdsp looks for its probe
    if (auto v = resolve_auto(Kind::Video, cfg_.video); v && v->kind != "none") {
        GuardHooks hooks{[this](GstElement* live) { on_video_open(live); },
                         [this] { request_keyframe(); }};
        auto chain = build_video_chain(pipeline, cfg_, *v, hooks, error);
        if (!chain) return false;
        video_tee_ = chain->tee;
        video_encoder_ = chain->encoder;
        video_guard_ = std::move(chain->guard);
        target_fps_ = cfg_.fps;
        full_kbps_ = cfg_.video_bitrate_kbps;
        if (chain->named_encoder) {
            // Calls start at congestion control's start rate (media/adaptation.h): the first
            // second of a call, before its first estimate, must not fill a thin link's queue.
            set_full_target(
                RateController::start_kbps(cfg_.min_video_bitrate_kbps, cfg_.video_bitrate_kbps),
                cfg_.fps);
            GstPtr<GstPad> in(gst_element_get_static_pad(video_encoder_, "sink"));
            gst_pad_add_probe(in.get(), GST_PAD_PROBE_TYPE_BUFFER, &LocalMedia::decimate, this,
                              nullptr);
        }
        if (chain->raw_tee && video_encoder_element(cfg_) != "v4l2h264enc")
            low_ =
                std::make_unique<LowEncoding>(pipeline_, chain->encode_bin, chain->raw_tee, cfg_);
        if (chain->test_source) {
            test_source_.reset(GST_ELEMENT(gst_object_ref(chain->test_source)));  // grid
            stamp_frames_of(chain->test_source);
        }
        add_counters(video_encoder_, video_tee_);
    }
    if (auto a = resolve_auto(Kind::Audio, cfg_.audio); a && a->kind != "none") {
        // The test tone lives in the live bin: a new bin gets a new tone probe.
        GuardHooks hooks{[this](GstElement* live) {
                             tone_ = ToneSource::attach(
                                 live, static_cast<std::uint16_t>(sender_tag_.load()));
                         },
                         {}};
        auto chain = build_audio_chain(pipeline, cfg_, *a, hooks, error);
        if (!chain) return false;
        audio_tee_ = chain->tee;
        audio_guard_ = std::move(chain->guard);
        if (!audio_guard_)
            tone_ = ToneSource::attach(pipeline_, static_cast<std::uint16_t>(sender_tag_.load()));
    }
    return true;
}

void LocalMedia::on_video_open(GstElement* live_bin) {
    GstPtr<GstElement> vtest(gst_bin_get_by_name(GST_BIN(live_bin), "vtest"));
    if (!vtest) return;
    stamp_frames_of(vtest.get());
    test_source_ = std::move(vtest);  // grid: a reopened test source gets the colour again
    if (!pattern_key_.empty()) set_pattern_key(pattern_key_);
}

void LocalMedia::stamp_frames_of(GstElement* test_source) {
    if (!cfg_.latency_probe) return;
    GstPtr<GstPad> pad(gst_element_get_static_pad(test_source, "src"));
    gst_pad_add_probe(pad.get(), GST_PAD_PROBE_TYPE_BUFFER, &LocalMedia::stamp_frame, this,
                      nullptr);
}

LocalMedia::CaptureError LocalMedia::on_capture_error(GstObject* src, const std::string& why) {
    for (SourceGuard* g : {video_guard_.get(), audio_guard_.get()}) {
        if (!g) continue;
        switch (g->on_error(src, why)) {
            case SourceGuard::Verdict::Handled:
                return CaptureError::Handled;
            case SourceGuard::Verdict::Fatal:
                return CaptureError::Fatal;
            case SourceGuard::Verdict::NotOurs:
                break;
        }
    }
    return CaptureError::NotOurs;
}

std::uint64_t LocalMedia::source_restarts() const {
    std::uint64_t n = 0;
    for (const SourceGuard* g : {video_guard_.get(), audio_guard_.get()})
        if (g) n += g->restarts();
    return n;
}

std::uint64_t LocalMedia::source_restarts(Kind k) const {
    const SourceGuard* g = k == Kind::Video ? video_guard_.get() : audio_guard_.get();
    return g ? g->restarts() : 0;
}

// Frames into the encoder, and frames and keyframes out of it.
void LocalMedia::add_counters(GstElement* encoder, GstElement* tee) {
    if (GstPtr<GstPad> in{gst_element_get_static_pad(encoder, "sink")})
        gst_pad_add_probe(
            in.get(), GST_PAD_PROBE_TYPE_BUFFER,
            [](GstPad*, GstPadProbeInfo*, gpointer p) -> GstPadProbeReturn {
                static_cast<LocalMedia*>(p)->video_frames_captured_.fetch_add(1);
                return GST_PAD_PROBE_OK;
            },
            this, nullptr);
    GstPtr<GstPad> out(gst_element_get_static_pad(tee, "sink"));
    gst_pad_add_probe(
        out.get(), GST_PAD_PROBE_TYPE_BUFFER,
        [](GstPad*, GstPadProbeInfo* info, gpointer p) -> GstPadProbeReturn {
            auto* self = static_cast<LocalMedia*>(p);
            self->video_frames_encoded_.fetch_add(1);
            if (!GST_BUFFER_FLAG_IS_SET(GST_PAD_PROBE_INFO_BUFFER(info),
                                        GST_BUFFER_FLAG_DELTA_UNIT))
                self->keyframes_encoded_.fetch_add(1);
            return GST_PAD_PROBE_OK;
        },
        this, nullptr);
}

// --latency-probe: the whole picture is ours, a function of the stamp alone: the test pattern
// below the stamp, grey (neutral chroma), so that the receiver can regenerate it.
GstPadProbeReturn LocalMedia::stamp_frame(GstPad* pad, GstPadProbeInfo* info, gpointer p) {
    auto* self = static_cast<LocalMedia*>(p);
    CapsPtr caps(gst_pad_get_current_caps(pad));
    GstVideoInfo vinfo;
    if (!caps || !gst_video_info_from_caps(&vinfo, caps.get()) ||
        !GST_VIDEO_FORMAT_INFO_IS_YUV(vinfo.finfo))
        return GST_PAD_PROBE_OK;
    GstBuffer* buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buf;
    GstVideoFrame frame;
    if (!gst_video_frame_map(&frame, &vinfo, buf, GST_MAP_WRITE)) return GST_PAD_PROBE_OK;
    LumaPlane luma{static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)),
                   GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0), GST_VIDEO_FRAME_WIDTH(&frame),
                   GST_VIDEO_FRAME_HEIGHT(&frame)};
    Stamp stamp{stamp_clock_ms(), static_cast<std::uint16_t>(self->stamp_frames_.fetch_add(1)),
                static_cast<std::uint16_t>(self->sender_tag())};
    paint_test_pattern(luma, stamp_height(luma.width, luma.height), stamp.frame, stamp.sender);
    paint_stamp(luma, stamp);
    if (GST_VIDEO_FRAME_N_PLANES(&frame) == 3)  // planar chroma (I420, the test source's)
        for (guint c = 1; c < 3; ++c)
            for (int y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT(&frame, c); ++y)
                memset(static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, c)) +
                           static_cast<std::ptrdiff_t>(y) * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, c),
                       128, static_cast<size_t>(GST_VIDEO_FRAME_COMP_WIDTH(&frame, c)));
    gst_video_frame_unmap(&frame);
    return GST_PAD_PROBE_OK;
}

GstPadProbeReturn LocalMedia::decimate(GstPad*, GstPadProbeInfo* info, gpointer p) {
    auto* self = static_cast<LocalMedia*>(p);
    int want = self->target_fps_.load();
    if (want <= 0 || want >= self->cfg_.fps) return GST_PAD_PROBE_OK;
    self->frame_credit_ += static_cast<double>(want) / self->cfg_.fps;
    if (self->frame_credit_ < 1.0) return GST_PAD_PROBE_DROP;
    self->frame_credit_ -= 1.0;
    // The frame now stands for 1/want s: libvpx budgets bits per frame by its duration, and
    // with the capture's duration it would overshoot its target by the share dropped.
    GstBuffer* buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buf;
    GST_BUFFER_DURATION(buf) = GST_SECOND / want;
    return GST_PAD_PROBE_OK;
}

void LocalMedia::set_full_target(int kbps, int fps) {
    target_fps_ = std::clamp(fps, 1, cfg_.fps);
    if (!video_encoder_ || kbps == full_kbps_ || !encoder_takes_bitrate_) return;
    full_kbps_ = kbps;
    encoder_takes_bitrate_ = set_encoder_kbps(video_encoder_, kbps);
    if (!encoder_takes_bitrate_)
        log::debug("video: the encoder's bitrate is fixed; adapting its frame rate only");
}

bool LocalMedia::set_low(bool on, int kbps) {
    if (!low_) return false;
    if (!on) {
        low_->stop();
        return true;
    }
    if (low_->running()) {
        low_->set_kbps(kbps);
        return true;
    }
    std::string why;
    if (!low_->start(kbps, &why)) {
        log::warn("video: no low encoding: %s", why.c_str());
        low_.reset();  // not again
        return false;
    }
    return true;
}

void LocalMedia::set_sender_id(const std::string& id) {
    sender_tag_.store(media::sender_tag(id.data(), id.size()));
    if (tone_) tone_->set_tag(static_cast<std::uint16_t>(sender_tag_.load()));
}

void LocalMedia::set_pattern_key(const std::string& key) {
    pattern_key_ = key;
    if (!test_source_) return;
    std::uint32_t rgb = pattern_colour(key);
    g_object_set(test_source_.get(), "background-color", 0xff000000u | rgb, nullptr);
    log::info("video: test picture colour #%06x (from '%s')", rgb, key.c_str());
}

void LocalMedia::request_keyframe(gint64 min_gap_us) {
    if (!video_encoder_) return;
    gint64 now = g_get_monotonic_time();
    gint64 last = last_keyframe_us_.load();
    if (now - last >= min_gap_us && last_keyframe_us_.compare_exchange_strong(last, now)) {
        force_keyframe();
        return;
    }
    // Too soon after the last one: coalesce into one keyframe when the gap has passed, never
    // drop it (a member that just connected must not wait for the next periodic keyframe).
    if (keyframe_pending_.exchange(true)) return;
    gint64 wait_us = std::max<gint64>(0, last + min_gap_us - now);
    std::lock_guard<std::mutex> lock(keyframe_mutex_);
    // Replaces the last one, which has fired: keyframe_pending_ was false.
    keyframe_timer_.reset(g_timeout_source_new(static_cast<guint>(wait_us / 1000 + 1)));
    g_source_set_callback(
        keyframe_timer_.get(),
        [](gpointer p) -> gboolean {
            auto* self = static_cast<LocalMedia*>(p);
            self->keyframe_pending_ = false;
            self->last_keyframe_us_ = g_get_monotonic_time();
            self->force_keyframe();
            return G_SOURCE_REMOVE;
        },
        this, nullptr);
    g_source_attach(keyframe_timer_.get(), nullptr);
}

LocalMedia::~LocalMedia() {
    std::lock_guard<std::mutex> lock(keyframe_mutex_);
    keyframe_timer_.reset();
}  // the guards' timers go with them; the pipeline owns their elements

void LocalMedia::force_keyframe() {
    if (low_) low_->force_keyframe();
    GstPtr<GstPad> pad(gst_element_get_static_pad(video_encoder_, "src"));
    if (!pad) return;
    gst_pad_send_event(pad.get(),
                       gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
}

}  // namespace rp::media
