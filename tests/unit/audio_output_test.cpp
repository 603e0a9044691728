// Issue 13, section 2: --audio-out and --echo-cancel, and the mixed output's chain.
#include "media/audio_output.h"
#include "cli/options.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace {

using rp::media::audio_out_chain;
using rp::media::AudioOutSpec;
using rp::media::check_audio_out;
using rp::media::effective_audio_out;
using rp::media::parse_audio_out;

std::vector<std::string> factories(const std::vector<rp::media::ElementSpec>& chain) {
    std::vector<std::string> out;
    for (const auto& e : chain) out.push_back(e.factory);
    return out;
}

std::string prop(const rp::media::ElementSpec& e, const std::string& name) {
    for (const auto& [k, v] : e.props)
        if (k == name) return v;
    return "(unset)";
}

TEST(AudioOut, ParsesEveryKind) {
    AudioOutSpec s;
    EXPECT_EQ(parse_audio_out("auto", &s), "");
    EXPECT_EQ(s.kind, "auto");
    EXPECT_EQ(parse_audio_out("pulse", &s), "");
    EXPECT_EQ(s.kind, "pulse");
    EXPECT_EQ(parse_audio_out("none", &s), "");
    EXPECT_EQ(s.kind, "none");
    EXPECT_EQ(parse_audio_out("alsa", &s), "");
    EXPECT_EQ(s.kind, "alsa");
    EXPECT_EQ(s.device, "");
    EXPECT_EQ(parse_audio_out("alsa:hw:1,0", &s), "");
    EXPECT_EQ(s.kind, "alsa");
    EXPECT_EQ(s.device, "hw:1,0");
    EXPECT_EQ(parse_audio_out("file:/tmp/out.wav", &s), "");
    EXPECT_EQ(s.kind, "file");
    EXPECT_EQ(s.path, "/tmp/out.wav");
}

TEST(AudioOut, RefusesWhatIsNotAnOutput) {
    for (const char* bad : {"", "speaker", "alsa:", "pulse:x", "none:1",
                            "auto:", "file:", "file:/tmp/out.mp3", "window"}) {
        AudioOutSpec s{"untouched", "", ""};
        EXPECT_NE(parse_audio_out(bad, &s), "") << bad;
        EXPECT_EQ(s.kind, "untouched") << bad;
    }
}

TEST(AudioOut, DefaultFollowsTheWindowSink) {
    rp::media::Options o;
    o.sinks = {{"fake", ""}};
    EXPECT_EQ(effective_audio_out(o).kind, "none");
    o.sinks = {{"window", ""}};
    EXPECT_EQ(effective_audio_out(o).kind, "auto");
    o.audio_out = "none";
    EXPECT_EQ(effective_audio_out(o).kind, "none");
    o.sinks = {{"fake", ""}};
    o.audio_out = "alsa:plughw:0";
    EXPECT_EQ(effective_audio_out(o).kind, "alsa");
    EXPECT_EQ(effective_audio_out(o).device, "plughw:0");
}

TEST(AudioOut, EchoCancelNeedsAnOutputAndAMicrophone) {
    rp::media::Options o;
    o.sinks = {{"fake", ""}};
    o.echo_cancel = true;
    EXPECT_NE(check_audio_out(o).find("--echo-cancel needs an audio output"), std::string::npos);
    o.audio_out = "pulse";
    EXPECT_EQ(check_audio_out(o), "");
    o.audio.kind = "none";
    EXPECT_NE(check_audio_out(o).find("--echo-cancel needs a microphone"), std::string::npos);
}

TEST(AudioOut, FilePathIsMadeAbsoluteAndItsDirectoryMustExist) {
    rp::media::Options o;
    o.audio_out = "file:out.wav";
    ASSERT_EQ(check_audio_out(o), "");
    EXPECT_EQ(o.audio_out.rfind("file:/", 0), 0u) << o.audio_out;
    o.audio_out = "file:/nonexistent-dir-of-roompeer/out.wav";
    EXPECT_NE(check_audio_out(o).find("does not exist"), std::string::npos);
}

TEST(AudioOut, ChainIsOneMixerIntoOneSink) {
    EXPECT_TRUE(audio_out_chain({"none", "", ""}, false).empty());
    EXPECT_EQ(factories(audio_out_chain({"auto", "", ""}, false)),
              (std::vector<std::string>{"audiomixer", "capsfilter", "queue", "autoaudiosink"}));
    EXPECT_EQ(factories(audio_out_chain({"pulse", "", ""}, false)).back(), "pulsesink");
    auto alsa = audio_out_chain({"alsa", "hw:1,0", ""}, false);
    EXPECT_EQ(alsa.back().factory, "alsasink");
    EXPECT_EQ(prop(alsa.back(), "device"), "hw:1,0");
    EXPECT_EQ(prop(audio_out_chain({"alsa", "", ""}, false).back(), "device"), "(unset)");
    auto file = audio_out_chain({"file", "", "/tmp/x.wav"}, false);
    EXPECT_EQ(factories(file), (std::vector<std::string>{"audiomixer", "capsfilter", "queue",
                                                         "wavenc", "filesink"}));
    EXPECT_EQ(prop(file.back(), "location"), "/tmp/x.wav");
    // The mixer is live and starts with its first input; 10 ms buffers, as webrtcdsp reads.
    EXPECT_EQ(prop(file[0], "start-time-selection"), "first");
    EXPECT_EQ(prop(file[0], "output-buffer-duration"), "10000000");
}

TEST(AudioOut, EchoProbeSitsOnTheMixedOutputAt48kHz) {
    auto chain = audio_out_chain({"auto", "", ""}, true);
    EXPECT_EQ(factories(chain),
              (std::vector<std::string>{"audiomixer", "capsfilter", "webrtcechoprobe", "queue",
                                        "autoaudiosink"}));
    EXPECT_NE(prop(chain[1], "caps").find("rate=48000"), std::string::npos);
    EXPECT_NE(prop(chain[1], "caps").find("format=S16LE"), std::string::npos);
    EXPECT_EQ(prop(chain[2], "name"), rp::media::kEchoProbeName);
}

// Through the command line: usage errors exit 2 with the option named.
rp::ParseResult parse(std::vector<std::string> extra, rp::Config& cfg) {
    std::vector<std::string> args{"roompeer", "--server", "http://127.0.0.1:3000", "--room", "r"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    return rp::parse_options(static_cast<int>(argv.size()), argv.data(), cfg);
}

TEST(AudioOut, CommandLine) {
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    rp::Config cfg;
    auto r = parse({"--audio-out", "alsa:hw:0", "--echo-cancel"}, cfg);
    EXPECT_EQ(r.kind, rp::ParseResult::Kind::Run) << r.message;
    EXPECT_EQ(cfg.audio_out, "alsa:hw:0");
    EXPECT_TRUE(cfg.echo_cancel);
    rp::Config bad;
    r = parse({"--audio-out", "speaker"}, bad);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.message.find("--audio-out"), std::string::npos) << r.message;
    rp::Config lonely;
    r = parse({"--echo-cancel"}, lonely);  // no display: --sink fake, no output
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.message.find("--echo-cancel"), std::string::npos) << r.message;
}

}  // namespace
