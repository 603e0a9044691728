#include "media/audio_output.h"

#include "media/codecs.h"
#include "util/log.h"
#include "util/main_thread.h"

#include <cstdlib>

namespace rp::media {

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Test-only (integration tests): a copy of the mixed output, delayed, into the interaudiosink
// channel this names, so that an --audio-pipeline with interaudiosrc hears our own output as
// a microphone in front of a loudspeaker would.
constexpr const char* kEchoLoopEnv = "ROOMPEER_TEST_ECHO_LOOP";
constexpr guint64 kEchoLoopDelay = 40 * GST_MSECOND;

}  // namespace

std::string parse_audio_out(const std::string& text, AudioOutSpec* out) {
    AudioOutSpec spec;
    auto colon = text.find(':');
    spec.kind = text.substr(0, colon);
    std::string rest = colon == std::string::npos ? std::string() : text.substr(colon + 1);
    const std::string usage =
        "--audio-out: '" + text + "' must be auto, alsa[:DEVICE], pulse, none or file:PATH.wav";
    if (spec.kind == "auto" || spec.kind == "pulse" || spec.kind == "none") {
        if (colon != std::string::npos) return usage;
    } else if (spec.kind == "alsa") {
        if (colon != std::string::npos && rest.empty()) return usage;
        spec.device = rest;
    } else if (spec.kind == "file") {
        if (rest.empty()) return usage;
        if (!ends_with(rest, ".wav") && !ends_with(rest, ".WAV"))
            return "--audio-out file: '" + rest + "' must name a .wav file";
        spec.path = rest;
    } else {
        return usage;
    }
    if (out) *out = spec;
    return {};
}

AudioOutSpec effective_audio_out(const Options& cfg) {
    AudioOutSpec spec{"none", "", ""};
    if (!cfg.audio_out.empty()) {
        parse_audio_out(cfg.audio_out, &spec);  // checked by check_audio_out
        return spec;
    }
    for (const auto& s : cfg.sinks)
        if (s.kind == "window") spec.kind = "auto";
    return spec;
}

std::string check_audio_out(Options& cfg) {
    AudioOutSpec spec;
    if (!cfg.audio_out.empty()) {
        if (auto e = parse_audio_out(cfg.audio_out, &spec); !e.empty()) return e;
        if (spec.kind == "file") {
            GCharPtr abs(g_canonicalize_filename(spec.path.c_str(), nullptr));
            GCharPtr dir(g_path_get_dirname(abs.get()));
            if (!g_file_test(dir.get(), G_FILE_TEST_IS_DIR))
                return "--audio-out file: the directory " + std::string(dir.get()) +
                       " does not exist";
            cfg.audio_out = "file:" + std::string(abs.get());
        }
    }
    if (cfg.echo_cancel) {
        if (effective_audio_out(cfg).kind == "none")
            return "--echo-cancel needs an audio output to cancel: --sink window or --audio-out "
                   "(not none)";
        if (cfg.audio.kind == "none")
            return "--echo-cancel needs a microphone: --audio must not be none";
    }
    return {};
}

std::vector<ElementSpec> audio_out_chain(const AudioOutSpec& spec, bool echo_cancel) {
    if (spec.kind == "none") return {};
    const std::string rate = std::to_string(kOutputRate);
    std::vector<ElementSpec> chain = {
        // Late members' audio waits this much longer than the measured latency before the
        // mixer gives up on it for one output buffer (100 ms lost 160 ms of a member on a
        // loaded 2-core machine as another joined); 10 ms buffers, as webrtcdsp reads them.
        {"audiomixer",
         {{"name", "rp_audio_mixer"},
          {"latency", std::to_string(250 * GST_MSECOND)},
          {"output-buffer-duration", std::to_string(10 * GST_MSECOND)},
          {"start-time-selection", "first"}}},
        {"capsfilter",
         {{"caps", "audio/x-raw,format=S16LE,layout=interleaved,channels=2,rate=" + rate}}},
    };
    if (echo_cancel) chain.push_back({"webrtcechoprobe", {{"name", kEchoProbeName}}});
    chain.push_back({"queue",
                     {{"name", "rp_audio_out_queue"},
                      {"max-size-time", std::to_string(200 * GST_MSECOND)},
                      {"max-size-buffers", "0"},
                      {"max-size-bytes", "0"},
                      {"leaky", "downstream"}}});
    if (spec.kind == "auto") {
        chain.push_back({"autoaudiosink", {{"name", "audio_out_auto"}}});
    } else if (spec.kind == "alsa") {
        ElementSpec alsa{"alsasink", {{"name", "audio_out_alsa"}}};
        if (!spec.device.empty()) alsa.props.emplace_back("device", spec.device);
        chain.push_back(alsa);
    } else if (spec.kind == "pulse") {
        chain.push_back({"pulsesink", {{"name", "audio_out_pulse"}}});
    } else if (spec.kind == "file") {
        chain.push_back({"wavenc", {}});
        chain.push_back(
            {"filesink",
             {{"name", "audio_out_file"}, {"location", spec.path}, {"async", "false"}}});
    }
    return chain;
}

AudioOutput::AudioOutput(GstElement* pipeline, const Options& cfg)
    : pipeline_(pipeline), spec_(effective_audio_out(cfg)), echo_cancel_(cfg.echo_cancel) {}

AudioOutput::~AudioOutput() {
    drop_.reset();
    eos_.reset();
    for (auto it = elements_.rbegin(); it != elements_.rend(); ++it) it->reset();
}

std::vector<std::string> AudioOutput::required_elements() const {
    std::vector<std::string> names;
    if (!enabled()) return names;
    names = {"audiotestsrc", "capsfilter"};
    for (const auto& e : audio_out_chain(spec_, echo_cancel_)) names.push_back(e.factory);
    if (echo_cancel_) names.push_back("webrtcdsp");
    if (std::getenv(kEchoLoopEnv)) names.insert(names.end(), {"tee", "interaudiosink"});
    return names;
}

bool AudioOutput::build(std::string* error) {
    if (!enabled()) return true;
    std::vector<ElementSpec> chain = {
        {"audiotestsrc", {{"wave", "silence"}, {"is-live", "true"}, {"samplesperbuffer", "480"}}},
        {"capsfilter", {{"caps", "audio/x-raw,channels=2,rate=" + std::to_string(kOutputRate)}}},
    };
    for (auto& e : audio_out_chain(spec_, echo_cancel_)) chain.push_back(std::move(e));
    const char* loop = std::getenv(kEchoLoopEnv);
    if (loop && *loop) {
        // After the probe and the caps, before the sink's queue: tee, then the delayed copy.
        auto at = chain.end() - 1;
        while (at->factory != "queue") --at;
        chain.insert(at, {"tee", {{"name", "rp_echo_loop_tee"}, {"allow-not-linked", "true"}}});
    }
    std::vector<GstElement*> made;
    for (const auto& e : chain) {
        GstPtr<GstElement> el = make_element(e.factory.c_str());
        if (!el) {
            if (error)
                *error = "--audio-out: GStreamer element '" + e.factory + "' is missing: install " +
                         package_for_element(e.factory);
            return false;
        }
        for (const auto& [k, v] : e.props)
            gst_util_set_object_arg(G_OBJECT(el.get()), k.c_str(), v.c_str());
        elements_.emplace_back(GST_BIN(pipeline_), std::move(el));
        made.push_back(elements_.back().get());
        if (e.factory == "audiomixer") mixer_ = made.back();
        if (e.factory == "queue") out_queue_ = made.back();
    }
    sink_ = made.back();
    for (size_t i = 0; i + 1 < made.size(); ++i) {
        if (!gst_element_link(made[i], made[i + 1])) {
            if (error)
                *error = std::string("--audio-out: cannot link ") + GST_ELEMENT_NAME(made[i]) +
                         " to " + GST_ELEMENT_NAME(made[i + 1]);
            return false;
        }
    }
    if (loop && *loop) {
        GstElement* tee = nullptr;
        for (auto* e : made)
            if (g_str_equal(GST_ELEMENT_NAME(e), "rp_echo_loop_tee")) tee = e;
        GstPtr<GstElement> q = make_element("queue"), sink = make_element("interaudiosink");
        if (!tee || !q || !sink) {
            if (error) *error = std::string(kEchoLoopEnv) + ": interaudiosink is missing";
            return false;
        }
        // The queue always holds the delay: it lets nothing out below its threshold.
        g_object_set(q.get(), "min-threshold-time", kEchoLoopDelay, "max-size-time",
                     static_cast<guint64>(GST_SECOND), "max-size-buffers", 0u, "max-size-bytes", 0u,
                     nullptr);
        g_object_set(sink.get(), "channel", loop, "sync", FALSE, nullptr);
        elements_.emplace_back(GST_BIN(pipeline_), std::move(q));
        GstElement* qe = elements_.back().get();
        elements_.emplace_back(GST_BIN(pipeline_), std::move(sink));
        if (!gst_element_link_many(tee, qe, elements_.back().get(), nullptr)) {
            if (error) *error = std::string(kEchoLoopEnv) + ": cannot link the echo loop";
            return false;
        }
        log::info("audio out: test echo loop into interaudio channel %s, %d ms late", loop,
                  static_cast<int>(kEchoLoopDelay / GST_MSECOND));
    }
    log::info("audio out: every member mixed into %s%s%s",
              spec_.kind == "file" ? spec_.path.c_str() : spec_.kind.c_str(),
              spec_.device.empty() ? "" : (":" + spec_.device).c_str(),
              echo_cancel_ ? ", echo cancellation on" : "");
    return true;
}

RequestPad AudioOutput::add_input() {
    if (!mixer_) return {};
    return RequestPad(mixer_, gst_element_request_pad_simple(mixer_, "sink_%u"));
}

void AudioOutput::finish(int timeout_ms, std::function<void()> done) {
    if (!out_queue_ || finished_) {
        done();
        return;
    }
    waiters_.push_back(std::move(done));
    if (timeout_) return;  // already finishing
    // Nothing follows the EOS: the queue drops what the mixer still makes.
    GstPtr<GstPad> qsink(gst_element_get_static_pad(out_queue_, "sink"));
    drop_ = PadProbe(qsink.get(), gst_pad_add_probe(
                                      qsink.get(), GST_PAD_PROBE_TYPE_BUFFER,
                                      [](GstPad*, GstPadProbeInfo*, gpointer) -> GstPadProbeReturn {
                                          return GST_PAD_PROBE_DROP;
                                      },
                                      nullptr, nullptr));
    GstPtr<GstPad> last(gst_element_get_static_pad(sink_, "sink"));
    struct Eos {
        AudioOutput* self;
        LifetimeRef alive;
    };
    eos_ = PadProbe(last.get(),
                    gst_pad_add_probe(
                        last.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                        [](GstPad*, GstPadProbeInfo* info, gpointer p) -> GstPadProbeReturn {
                            if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) != GST_EVENT_EOS)
                                return GST_PAD_PROBE_OK;
                            auto* eos = static_cast<Eos*>(p);
                            invoke_on_main([self = eos->self, alive = eos->alive] {
                                if (alive.lock()) self->finished();
                            });
                            return GST_PAD_PROBE_OK;
                        },
                        new Eos{this, alive_}, [](gpointer p) { delete static_cast<Eos*>(p); }));
    gst_pad_send_event(qsink.get(), gst_event_new_eos());
    timeout_.reset(g_timeout_add(
        static_cast<guint>(timeout_ms),
        [](gpointer p) -> gboolean {
            auto* self = static_cast<AudioOutput*>(p);
            self->timeout_.release();
            if (!self->finished_) log::warn("audio out: not finalized in time");
            self->finished();
            return G_SOURCE_REMOVE;
        },
        this));
}

void AudioOutput::finished() {
    if (finished_) return;
    finished_ = true;
    timeout_.reset();
    if (spec_.kind == "file") log::info("audio out: %s finalized", spec_.path.c_str());
    auto waiters = std::move(waiters_);
    for (auto& w : waiters) w();
}

}  // namespace rp::media
