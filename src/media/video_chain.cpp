#include "media/video_chain.h"

#include "media/encoder_fragments.h"
#include "media/hw_encoder.h"
#include "media/pipeline_parts.h"
#include "media/preset.h"
#include "util/gobj.h"
#include "util/log.h"

namespace rp::media {

namespace {

// What turns a --video-pipeline's output into what the payloader takes: raw video is encoded,
// video already in the codec we send only framed; anything else is the user's mistake.
std::string auto_encode(GstElement* source, VideoCodec codec, std::string* error) {
    GstPtr<GstPad> pad(gst_element_get_static_pad(source, "src"));
    CapsPtr caps(pad ? gst_pad_query_caps(pad.get(), nullptr) : nullptr);
    auto can = [&](const char* what) {
        CapsPtr want(gst_caps_from_string(what));
        return caps && gst_caps_can_intersect(caps.get(), want.get());
    };
    if (can("video/x-raw")) return "videoconvert ! {encoder}";
    switch (codec) {
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
                 ": neither raw video nor " + codec_name(codec) + " (--video-codec)";
    }
    return {};
}

}  // namespace

std::string camera_card(const std::string& caps) {
    // textoverlay (gstreamer1.0-x) is not needed for a headless node: black without it.
    if (GstPluginFeature* f = gst_registry_lookup_feature(gst_registry_get(), "textoverlay"))
        gst_object_unref(f);
    else
        return "videotestsrc is-live=true pattern=black ! " + caps;
    // textoverlay scales its font with the picture (auto-resize: sizes are for 640 wide).
    return "videotestsrc is-live=true pattern=black ! " + caps +
           " ! textoverlay text=\"camera unavailable\" valignment=center halignment=center "
           "font-desc=\"Sans Bold 24\" ! " +
           caps;
}

// The caps the live source and the card share: the source's own size and rate when it fixes
// them (a --video-pipeline at a size of its own), else --video-size and --fps; I420.
std::string live_caps(GstElement* source, const Options& cfg) {
    int width = cfg.width, height = cfg.height, num = cfg.fps, den = 1;
    GstPtr<GstPad> pad(gst_element_get_static_pad(source, "src"));
    CapsPtr caps(pad ? gst_pad_query_caps(pad.get(), nullptr) : nullptr);
    CapsPtr raw(gst_caps_from_string("video/x-raw"));
    CapsPtr ours(caps ? gst_caps_intersect(caps.get(), raw.get()) : nullptr);
    if (ours && !gst_caps_is_empty(ours.get())) {
        const GstStructure* s = gst_caps_get_structure(ours.get(), 0);
        int w = 0, h = 0, n = 0, d = 0;
        if (gst_structure_get_int(s, "width", &w) && gst_structure_get_int(s, "height", &h)) {
            width = w;
            height = h;
        }
        if (gst_structure_get_fraction(s, "framerate", &n, &d) && n > 0 && d > 0) {
            num = n;
            den = d;
        }
    }
    return "video/x-raw,format=I420,width=" + std::to_string(width) +
           ",height=" + std::to_string(height) + ",framerate=" + std::to_string(num) + "/" +
           std::to_string(den) + ",pixel-aspect-ratio=1/1";
}

bool produces(GstElement* element, const char* caps_text) {
    GstPtr<GstPad> pad(gst_element_get_static_pad(element, "src"));
    CapsPtr caps(pad ? gst_pad_query_caps(pad.get(), nullptr) : nullptr);
    CapsPtr want(gst_caps_from_string(caps_text));
    return caps && gst_caps_can_intersect(caps.get(), want.get());
}

std::optional<FlakySpec> flaky_for(Kind k) {
    static const std::optional<FlakySpec> spec = flaky_spec_from_env();
    if (!spec || !(k == Kind::Video ? spec->video : spec->audio)) return std::nullopt;
    return spec;
}

std::optional<VideoChain> build_video_chain(GstBin* pipeline, const Options& cfg,
                                            const SourceSpec& src, const GuardHooks& hooks,
                                            std::string* error) {
    VideoPreset chain = cfg.video_chain.value_or(
        VideoPreset{"", "", "", "{camera}", "{test}", "videoconvert ! {encoder}", {}});
    auto vars = video_placeholders(cfg, src);
    std::string source, encode, why;
    const std::string& source_text = src.kind == "test" ? chain.test_source : chain.source;
    std::string what = chain.name.empty() ? "video" : chain.name;
    if (!expand(source_text, vars, source, &why)) {
        if (error) *error = what + ": " + why;
        return std::nullopt;
    }
    // gst-launch syntax cannot end a bin in caps ("... ! image/jpeg"): give it an element.
    GstPtr<GstElement> source_bin = make_bin(source + " ! identity", error);
    if (!source_bin) return std::nullopt;
    VideoChain out;
    GstElement* upstream = source_bin.get();
    std::string encode_text = chain.encode;
    if (produces(source_bin.get(), "video/x-raw")) {
        // Raw video: the source may come and go behind a selector (media/source_guard.h).
        std::string caps = live_caps(source_bin.get(), cfg);
        SourceGuard::Setup setup{
            Kind::Video,       source + " ! videoconvert ! videoscale ! videorate ! " + caps,
            camera_card(caps), flaky_for(Kind::Video),
            hooks.on_open,     hooks.on_recovered};
        out.guard = SourceGuard::build(pipeline, std::move(setup), error);
        if (!out.guard) return std::nullopt;
        upstream = out.guard->output();
        if (encode_text == "{auto}") encode_text = "videoconvert ! {encoder}";
    } else {
        gst_bin_add(pipeline, source_bin.get());
    }
    if (encode_text == "{auto}") {
        encode_text = auto_encode(upstream, cfg.codec, error);
        if (encode_text.empty()) return std::nullopt;
    }
    if (!expand(encode_text, vars, encode, &why)) {
        if (error) *error = what + ": " + why;
        return std::nullopt;
    }
    if (!chain.name.empty())
        log::debug("video chain %s: %s ! %s", chain.name.c_str(), source.c_str(), encode.c_str());
    else if (cfg.codec == VideoCodec::H264)
        log::debug("h264: %s", hardware_h264_encoder().empty()
                                   ? "x264 (no hardware encoder on this machine)"
                                   : ("hardware encoder " + hardware_h264_encoder()).c_str());
    GstPtr<GstElement> bin = make_bin(encode + " ! identity", error);
    if (!bin) return std::nullopt;
    GstPtr<GstElement> tee = make_element("tee", "video_tee", error);
    if (!tee) return std::nullopt;
    g_object_set(tee.get(), "allow-not-linked", TRUE, nullptr);
    gst_bin_add_many(pipeline, bin.get(), tee.get(), nullptr);
    if (!gst_element_link(upstream, bin.get())) {
        if (error) *error = what + ": its source does not link to its encoder (caps differ)";
        return std::nullopt;
    }
    if (!gst_element_link(bin.get(), tee.get())) {
        if (error) *error = "cannot link the video encoder to its tee";
        return std::nullopt;
    }
    // Our references go with this scope; the pipeline (and the bins in it) hold theirs.
    out.tee = tee.get();
    GstPtr<GstElement> venc(gst_bin_get_by_name(GST_BIN(bin.get()), "venc"));
    out.encoder = venc ? venc.get() : bin.get();
    out.named_encoder = venc != nullptr;
    out.encode_bin = bin.get();
    GstPtr<GstElement> vraw(gst_bin_get_by_name(GST_BIN(bin.get()), "vraw"));
    out.raw_tee = vraw.get();
    if (!out.guard) {
        GstPtr<GstElement> vtest(gst_bin_get_by_name(GST_BIN(source_bin.get()), "vtest"));
        out.test_source = vtest.get();
    }
    return out;
}

}  // namespace rp::media
