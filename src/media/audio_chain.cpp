#include "media/audio_chain.h"

#include "media/audio_output.h"
#include "media/pipeline_parts.h"
#include "media/preset.h"
#include "media/tone_source.h"
#include "util/gobj.h"

namespace rp::media {

GstElement* build_audio_chain(GstBin* pipeline, const Options& cfg, const SourceSpec& src,
                              std::string* error) {
    // issue 13 (audio): --echo-cancel cleans the microphone against what the mixed output
    // plays (its webrtcechoprobe, same pipeline, same rate), before anything else sees it.
    const std::string echo_cancel =
        cfg.echo_cancel ? std::string(
                              "audio/x-raw,format=S16LE,layout=interleaved,channels=1,"
                              "rate=") +
                              std::to_string(kOutputRate) +
                              " ! webrtcdsp name=rp_echo_dsp probe=" + kEchoProbeName +
                              " echo-cancel=true noise-suppression=true gain-control=false "
                              "delay-agnostic=true ! audioconvert ! audioresample ! "
                        : std::string();
    const std::string encode =
        "audioconvert ! audioresample ! " + echo_cancel +
        "audio/x-raw,rate=48000,channels=2 ! "
        "queue max-size-time=100000000 leaky=downstream ! opusenc bitrate=48000 frame-size=20";
    const std::string device = pipeline_property("device", src.device);
    std::string source = src.kind == "test"
                             ? std::string("audiotestsrc name=") + kToneSourceName +
                                   " is-live=true wave=sine volume=0.2 samplesperbuffer=480 ! "
                                   "audio/x-raw,format=S16LE,channels=1,rate=" +
                                   std::to_string(kToneRate)
                             : "alsasrc" + (device.empty() ? std::string() : " " + device);
    std::string desc = source + " ! " + encode;
    if (!cfg.audio_pipeline.empty()) {
        std::string why;
        if (!expand(cfg.audio_pipeline, {{"device", device}}, source, &why)) {
            if (error) *error = "--audio-pipeline: " + why;
            return nullptr;
        }
        // Raw audio is encoded here; Opus from the fragment goes out as it is.
        GstPtr<GstElement> probe = make_bin(source + " ! identity", error);
        if (!probe) return nullptr;
        GstPtr<GstPad> pad(gst_element_get_static_pad(probe.get(), "src"));
        CapsPtr caps(pad ? gst_pad_query_caps(pad.get(), nullptr) : nullptr);
        CapsPtr raw(gst_caps_from_string("audio/x-raw")),
            opus(gst_caps_from_string("audio/x-opus"));
        source += " ! identity";
        if (caps && gst_caps_can_intersect(caps.get(), raw.get())) {
            desc = source + " ! " + encode;
        } else if (caps && gst_caps_can_intersect(caps.get(), opus.get())) {
            if (cfg.echo_cancel) {
                if (error) *error = "--echo-cancel needs raw audio from --audio-pipeline, not Opus";
                return nullptr;
            }
            desc = source + " ! opusparse";
        } else {
            if (error) *error = "--audio-pipeline ends in neither raw audio nor Opus";
            return nullptr;
        }
    }
    GstPtr<GstElement> bin = make_bin(desc, error);
    if (!bin) return nullptr;
    GstPtr<GstElement> tee = make_element("tee", "audio_tee", error);
    if (!tee) return nullptr;
    g_object_set(tee.get(), "allow-not-linked", TRUE, nullptr);
    gst_bin_add_many(pipeline, bin.get(), tee.get(), nullptr);
    if (!gst_element_link(bin.get(), tee.get())) {
        if (error) *error = "cannot link the audio encoder to its tee";
        return nullptr;
    }
    return tee.get();  // the pipeline holds it now
}

}  // namespace rp::media
