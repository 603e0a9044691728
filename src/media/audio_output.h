// One audio output per run (issue 13, section 2): every member's decoded audio goes into one
// live audiomixer, kept running by a silent source when nobody is there, then (with
// --echo-cancel) through webrtcechoprobe, which the microphone's webrtcdsp reads, into one sink
// chosen by --audio-out: auto | alsa[:DEVICE] | pulse | none | file:PATH.wav.
//
// Members come and go through request pads of the mixer, given and released on the main loop;
// the mixer never changes state, so one member leaving or joining never interrupts the others.
#pragma once

#include "media/options.h"
#include "util/gobj.h"
#include "util/main_thread.h"

#include <gst/gst.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rp::media {

// What --audio-out says, parsed.
struct AudioOutSpec {
    std::string kind;    // "auto", "alsa", "pulse", "none", "file"
    std::string device;  // alsa: the ALSA device name; may be empty (the default device)
    std::string path;    // file: the .wav file
};

// Parses --audio-out TEXT into *out; "" when it is valid, else why not (a usage error).
std::string parse_audio_out(const std::string& text, AudioOutSpec* out);
// The output a run uses: --audio-out when given; else auto when a --sink window shows the
// members, none otherwise.
AudioOutSpec effective_audio_out(const Options& cfg);
// Checks --audio-out and --echo-cancel together with the sinks and the microphone, after the
// sinks are read; makes a file: path absolute. "" when usable, else why not (exit 2).
std::string check_audio_out(Options& cfg);

// One element of the output chain, as made by AudioOutput: a factory and its properties (as
// gst-launch text, set with gst_util_set_object_arg).
struct ElementSpec {
    std::string factory;
    std::vector<std::pair<std::string, std::string>> props;
};
inline constexpr int kOutputRate = 48000;  // the mixer's, the echo probe's and webrtcdsp's
inline constexpr const char* kEchoProbeName = "rp_echo_probe";
// The mixer's output chain, in link order: audiomixer, its caps, [webrtcechoprobe], queue,
// then the sink's elements. Empty for "none".
std::vector<ElementSpec> audio_out_chain(const AudioOutSpec& spec, bool echo_cancel);

class AudioOutput {
  public:
    // Borrows both: the App owns the pipeline and the options, and both outlive us.
    AudioOutput(GstElement* pipeline, const Options& cfg);
    ~AudioOutput();
    AudioOutput(const AudioOutput&) = delete;
    AudioOutput& operator=(const AudioOutput&) = delete;

    bool enabled() const { return spec_.kind != "none"; }
    // Elements the output needs, for the up-front check that names missing packages.
    std::vector<std::string> required_elements() const;
    // Before the pipeline plays, and before the microphone's webrtcdsp (which looks for the
    // echo probe when it starts); false and *error when an element is missing or will not link.
    bool build(std::string* error);
    // Main loop: a new mixer input for one member's decoded audio (raw audio, any rate); the
    // caller links to it, and releases it (RequestPad) after stopping what feeds it. Null when
    // there is no output.
    RequestPad add_input();
    // Main loop: EOS into the sink, so that a file is finalized; `done` runs on the main loop
    // when the sink has it, or after `timeout_ms`. Repeatable.
    void finish(int timeout_ms, std::function<void()> done);

  private:
    void finished();

    GstElement* pipeline_;
    AudioOutSpec spec_;
    bool echo_cancel_;
    std::vector<BinElement> elements_;  // silence source, its caps, then the chain
    GstElement* mixer_ = nullptr;       // borrowed: elements_ owns it
    GstElement* out_queue_ = nullptr;   // borrowed: the queue in front of the sink
    GstElement* sink_ = nullptr;        // borrowed: the last element
    bool finished_ = false;
    std::vector<std::function<void()>> waiters_;
    SourceId timeout_;
    PadProbe drop_, eos_;
    Lifetime alive_ = make_lifetime();
};

}  // namespace rp::media
