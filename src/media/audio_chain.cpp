#include "media/audio_chain.h"

#include "media/audio_output.h"
#include "media/pipeline_parts.h"
#include "media/preset.h"
#include "media/tone_source.h"
#include "media/video_chain.h"
#include "util/gobj.h"

namespace rp::media {

namespace {

// What the encoder takes, from the live source and from the card alike.
constexpr const char* kRawCaps =
    "audio/x-raw,format=S16LE,rate=48000,channels=2,layout=interleaved";

}  // namespace

std::optional<AudioChain> build_audio_chain(GstBin* pipeline, const Options& cfg,
                                            const SourceSpec& src, const GuardHooks& hooks,
                                            std::string* error) {
    const std::string convert = std::string("audioconvert ! audioresample ! ") + kRawCaps;
    // issue 13 (audio): --echo-cancel cleans the microphone against what the mixed output
    // plays (its webrtcechoprobe, same pipeline, same rate), before anything else sees it.
    const std::string echo_cancel =
        cfg.echo_cancel ? std::string(
                              "audioconvert ! audio/x-raw,format=S16LE,layout=interleaved,"
                              "channels=1,rate=") +
                              std::to_string(kOutputRate) +
                              " ! webrtcdsp name=rp_echo_dsp probe=" + kEchoProbeName +
                              " echo-cancel=true noise-suppression=true gain-control=false "
                              "delay-agnostic=true ! audioconvert ! audioresample ! "
                              "audio/x-raw,rate=48000,channels=2 ! "
                        : std::string();
    // Opus at 32 kbit/s, as browsers send it (libwebrtc's default): 48 cost another 16 kbit/s
    // of every thin link, about 4 % of 400 kbit/s, that video then lacked.
    const std::string encode =
        echo_cancel +
        "queue max-size-time=100000000 leaky=downstream ! opusenc bitrate=32000 frame-size=20";
    const std::string device = pipeline_property("device", src.device);
    std::string source = src.kind == "test"
                             ? std::string("audiotestsrc name=") + kToneSourceName +
                                   " is-live=true wave=sine volume=0.2 samplesperbuffer=480 ! "
                                   "audio/x-raw,format=S16LE,channels=1,rate=" +
                                   std::to_string(kToneRate)
                             : "alsasrc" + (device.empty() ? std::string() : " " + device);
    bool raw = true;
    if (!cfg.audio_pipeline.empty()) {
        std::string why;
        if (!expand(cfg.audio_pipeline, {{"device", device}}, source, &why)) {
            if (error) *error = "--audio-pipeline: " + why;
            return std::nullopt;
        }
        // Raw audio is encoded here; Opus from the fragment goes out as it is.
        GstPtr<GstElement> probe = make_bin(source + " ! identity", error);
        if (!probe) return std::nullopt;
        source += " ! identity";
        raw = produces(probe.get(), "audio/x-raw");
        if (!raw && !produces(probe.get(), "audio/x-opus")) {
            if (error) *error = "--audio-pipeline ends in neither raw audio nor Opus";
            return std::nullopt;
        }
        if (!raw && cfg.echo_cancel) {
            if (error) *error = "--echo-cancel needs raw audio from --audio-pipeline, not Opus";
            return std::nullopt;
        }
    }
    AudioChain out;
    GstPtr<GstElement> bin = make_bin(raw ? encode : source + " ! opusparse", error);
    if (!bin) return std::nullopt;
    GstPtr<GstElement> tee = make_element("tee", "audio_tee", error);
    if (!tee) return std::nullopt;
    g_object_set(tee.get(), "allow-not-linked", TRUE, nullptr);
    gst_bin_add_many(pipeline, bin.get(), tee.get(), nullptr);
    if (raw) {
        // Raw audio: the microphone may go away and come back, silence meanwhile.
        SourceGuard::Setup setup{Kind::Audio,
                                 source + " ! " + convert,
                                 std::string("audiotestsrc is-live=true wave=silence "
                                             "samplesperbuffer=960 ! ") +
                                     kRawCaps,
                                 flaky_for(Kind::Audio),
                                 hooks.on_open,
                                 hooks.on_recovered};
        out.guard = SourceGuard::build(pipeline, std::move(setup), error);
        if (!out.guard) return std::nullopt;
        if (!gst_element_link(out.guard->output(), bin.get())) {
            if (error) *error = "cannot link the audio source to its encoder";
            return std::nullopt;
        }
    }
    if (!gst_element_link(bin.get(), tee.get())) {
        if (error) *error = "cannot link the audio encoder to its tee";
        return std::nullopt;
    }
    out.tee = tee.get();  // the pipeline holds it now
    return out;
}

}  // namespace rp::media
