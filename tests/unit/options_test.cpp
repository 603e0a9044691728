// Command-line parsing into Config: defaults, validation and exit codes.
#include "cli/options.h"
#include "util/json.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace {

using rp::Config;
using rp::JsonPtr;
using rp::ParseResult;

constexpr const char* kEioPath = "/socket.io/?EIO=4&transport=websocket";

class OptionsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        save("DISPLAY", display_);
        save("WAYLAND_DISPLAY", wayland_);
        unsetenv("DISPLAY");
        unsetenv("WAYLAND_DISPLAY");
    }
    void TearDown() override {
        restore("DISPLAY", display_);
        restore("WAYLAND_DISPLAY", wayland_);
    }

    // Parses `roompeer ARGS...` into cfg.
    ParseResult parse(const std::vector<std::string>& args) {
        std::vector<const char*> argv{"roompeer"};
        for (const auto& a : args) argv.push_back(a.c_str());
        cfg = Config{};
        return rp::parse_options(static_cast<int>(argv.size()), argv.data(), cfg);
    }
    // With the two required options in front.
    ParseResult run(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"--server", "http://127.0.0.1:3000", "--room", "demo"};
        args.insert(args.end(), extra.begin(), extra.end());
        return parse(args);
    }
    // Asserts a usage error (exit 2) whose message mentions `needle`.
    void expect_usage_error(std::vector<std::string> extra, const std::string& needle) {
        ParseResult r = run(extra);
        std::string joined;
        for (const auto& e : extra) joined += e + " ";
        EXPECT_EQ(r.kind, ParseResult::Kind::Exit) << joined;
        EXPECT_EQ(r.exit_code, 2) << joined;
        EXPECT_NE(r.message.find(needle), std::string::npos)
            << joined << "-> message: " << r.message;
    }

    Config cfg;

  private:
    static void save(const char* name, std::optional<std::string>& slot) {
        const char* v = std::getenv(name);
        if (v) slot = v;
    }
    static void restore(const char* name, const std::optional<std::string>& slot) {
        if (slot)
            setenv(name, slot->c_str(), 1);
        else
            unsetenv(name);
    }
    std::optional<std::string> display_, wayland_;
};

void expect_runs(const ParseResult& r) {
    EXPECT_EQ(r.kind, ParseResult::Kind::Run) << r.message;
    EXPECT_EQ(r.exit_code, 0);
}

// ---- Defaults --------------------------------------------------------------------------------

TEST_F(OptionsTest, Defaults) {
    expect_runs(run());
    EXPECT_EQ(cfg.server, "http://127.0.0.1:3000");
    EXPECT_EQ(cfg.room, "demo");
    EXPECT_EQ(cfg.width, 640);
    EXPECT_EQ(cfg.height, 480);
    EXPECT_EQ(cfg.fps, 30);
    EXPECT_EQ(cfg.codec, rp::VideoCodec::VP8);
    EXPECT_EQ(cfg.video_bitrate_kbps, 800);
    EXPECT_EQ(cfg.video.kind, "test");
    EXPECT_EQ(cfg.video.device, "");
    EXPECT_EQ(cfg.audio.kind, "test");
    EXPECT_EQ(cfg.stun, (std::vector<std::string>{"stun:stun.l.google.com:19302",
                                                  "stun:stun.services.mozilla.com"}));
    EXPECT_TRUE(cfg.turn.empty());
    EXPECT_TRUE(cfg.ice_addresses.empty());
    EXPECT_EQ(cfg.latency_ms, 50);
    EXPECT_EQ(cfg.duration_s, 0);
    EXPECT_EQ(cfg.report_path, "");
    EXPECT_EQ(cfg.expect_peers, -1);
    EXPECT_EQ(cfg.expect_frames, -1);
    EXPECT_EQ(cfg.verbosity, 0);
    EXPECT_EQ(cfg.name, "roompeer");
    EXPECT_EQ(cfg.auth_json, "");
    EXPECT_FALSE(cfg.ice_relay_only);
    EXPECT_EQ(cfg.ca_file, "");
    EXPECT_FALSE(cfg.insecure);
}

TEST_F(OptionsTest, SinkDefaultsToFakeWithoutADisplay) {
    expect_runs(run());
    ASSERT_EQ(cfg.sinks.size(), 1u);
    EXPECT_EQ(cfg.sinks[0].kind, "fake");
}

TEST_F(OptionsTest, SinkDefaultsToWindowWithX11) {
    setenv("DISPLAY", ":0", 1);
    expect_runs(run());
    ASSERT_EQ(cfg.sinks.size(), 1u);
    EXPECT_EQ(cfg.sinks[0].kind, "window");
}

TEST_F(OptionsTest, SinkDefaultsToWindowWithWayland) {
    setenv("WAYLAND_DISPLAY", "wayland-0", 1);
    expect_runs(run());
    ASSERT_EQ(cfg.sinks.size(), 1u);
    EXPECT_EQ(cfg.sinks[0].kind, "window");
}

TEST_F(OptionsTest, EmptyDisplayVariableCountsAsNoDisplay) {
    setenv("DISPLAY", "", 1);
    expect_runs(run());
    ASSERT_EQ(cfg.sinks.size(), 1u);
    EXPECT_EQ(cfg.sinks[0].kind, "fake");
}

TEST_F(OptionsTest, DefaultUserInfoCarriesTheName) {
    expect_runs(run());
    EXPECT_EQ(cfg.user_json, R"({"name":"roompeer"})");
}

// ---- Server and room -------------------------------------------------------------------------

TEST_F(OptionsTest, ServerIsRequired) {
    ParseResult r = parse({"--room", "demo"});
    EXPECT_EQ(r.kind, ParseResult::Kind::Exit);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.message.find("--server"), std::string::npos) << r.message;
}

TEST_F(OptionsTest, RoomIsRequired) {
    ParseResult r = parse({"--server", "http://h"});
    EXPECT_EQ(r.kind, ParseResult::Kind::Exit);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.message.find("--room"), std::string::npos) << r.message;
}

TEST_F(OptionsTest, NoArgumentsIsAUsageError) {
    ParseResult r = parse({});
    EXPECT_EQ(r.kind, ParseResult::Kind::Exit);
    EXPECT_EQ(r.exit_code, 2);
}

TEST_F(OptionsTest, EmptyRoomIsAUsageError) {
    ParseResult r = parse({"--server", "http://h", "--room", ""});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.message.find("--room"), std::string::npos) << r.message;
}

TEST_F(OptionsTest, ShortServerAndRoomOptions) {
    expect_runs(parse({"-s", "ws://h:1", "-r", "r1"}));
    EXPECT_EQ(cfg.room, "r1");
    EXPECT_EQ(cfg.ws_url, std::string("ws://h:1") + kEioPath);
}

TEST_F(OptionsTest, HttpServerIsNormalizedToWebSocketUrl) {
    expect_runs(run());
    EXPECT_EQ(cfg.ws_url, std::string("ws://127.0.0.1:3000") + kEioPath);
}

TEST_F(OptionsTest, HttpsServerBecomesWss) {
    expect_runs(parse({"--server", "https://rooms.example.com/", "--room", "x"}));
    EXPECT_EQ(cfg.server, "https://rooms.example.com/");
    EXPECT_EQ(cfg.ws_url, std::string("wss://rooms.example.com") + kEioPath);
}

TEST_F(OptionsTest, OneServerIsAListOfOne) {
    expect_runs(run());
    EXPECT_EQ(cfg.servers, (std::vector<std::string>{"http://127.0.0.1:3000"}));
    EXPECT_EQ(cfg.ws_urls,
              (std::vector<std::string>{std::string("ws://127.0.0.1:3000") + kEioPath}));
}

TEST_F(OptionsTest, ServerIsRepeatableInOrder) {
    expect_runs(parse(
        {"--server", "http://a:1", "--room", "x", "-s", "wss://b", "--server", "http://c:3/"}));
    EXPECT_EQ(cfg.servers, (std::vector<std::string>{"http://a:1", "wss://b", "http://c:3/"}));
    EXPECT_EQ(cfg.ws_urls, (std::vector<std::string>{std::string("ws://a:1") + kEioPath,
                                                     std::string("wss://b") + kEioPath,
                                                     std::string("ws://c:3") + kEioPath}));
    // The first one is the one tried first.
    EXPECT_EQ(cfg.server, "http://a:1");
    EXPECT_EQ(cfg.ws_url, std::string("ws://a:1") + kEioPath);
}

TEST_F(OptionsTest, ServerTakesACommaSeparatedList) {
    expect_runs(parse({"--server", "http://a:1,http://b:2", "--room", "x"}));
    EXPECT_EQ(cfg.servers, (std::vector<std::string>{"http://a:1", "http://b:2"}));
    EXPECT_EQ(cfg.ws_urls[1], std::string("ws://b:2") + kEioPath);
}

TEST_F(OptionsTest, ServerListsAndRepeatsMix) {
    expect_runs(parse({"--server", "http://a:1,http://b:2", "--room", "x", "--server=http://c:3"}));
    EXPECT_EQ(cfg.servers, (std::vector<std::string>{"http://a:1", "http://b:2", "http://c:3"}));
}

TEST_F(OptionsTest, ABadServerInAListIsAUsageError) {
    for (const char* list : {"http://a:1,b:2", "ftp://a,http://b", ""}) {
        ParseResult r = parse({"--server", list, "--room", "x"});
        EXPECT_EQ(r.kind, ParseResult::Kind::Exit) << list;
        EXPECT_EQ(r.exit_code, 2) << list;
        EXPECT_NE(r.message.find("--server"), std::string::npos) << list << ": " << r.message;
    }
}

TEST_F(OptionsTest, EmptyItemsOfAServerListAreSkipped) {
    expect_runs(parse({"--server", "http://a:1,,http://b:2,", "--room", "x"}));
    EXPECT_EQ(cfg.servers, (std::vector<std::string>{"http://a:1", "http://b:2"}));
}

TEST_F(OptionsTest, TheSameServerTwiceIsAUsageError) {
    // Also when only the spelling differs: both reach the same endpoint.
    ParseResult r = parse({"--server", "http://a:1,ws://a:1/", "--room", "x"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.message.find("twice"), std::string::npos) << r.message;
}

TEST_F(OptionsTest, BadServerUrlsAreUsageErrors) {
    for (const char* url : {"127.0.0.1:3000", "ftp://h", "http://"}) {
        ParseResult r = parse({"--server", url, "--room", "x"});
        EXPECT_EQ(r.exit_code, 2) << url;
        EXPECT_NE(r.message.find("--server"), std::string::npos) << url << ": " << r.message;
    }
}

TEST_F(OptionsTest, UnknownOptionIsAUsageError) {
    ParseResult r = run({"--bogus"});
    EXPECT_EQ(r.kind, ParseResult::Kind::Exit);
    EXPECT_EQ(r.exit_code, 2);
}

// CLI11's own error text already ends with "Run with --help for more information."; the
// second hint parse_options appends repeats it.
TEST_F(OptionsTest, UsageErrorMentionsHelpOnce) {
    ParseResult r = parse({"--room", "demo"});
    ASSERT_EQ(r.exit_code, 2);
    size_t first = r.message.find("--help");
    ASSERT_NE(first, std::string::npos) << r.message;
    EXPECT_EQ(r.message.find("--help", first + 1), std::string::npos) << r.message;
}

// ---- User info and auth ----------------------------------------------------------------------

TEST_F(OptionsTest, UserJsonIsMergedWithTheName) {
    expect_runs(run({"--name", "bob", "--user-json", R"({"avatar":"cat","level":3})"}));
    JsonPtr user = rp::json::parse(cfg.user_json);
    JsonObject* obj = rp::json::as_object(user.get());
    ASSERT_TRUE(obj) << cfg.user_json;
    EXPECT_EQ(rp::json::get_string(obj, "name"), "bob");
    EXPECT_EQ(rp::json::get_string(obj, "avatar"), "cat");
    EXPECT_EQ(rp::json::get_int(obj, "level"), 3);
    EXPECT_EQ(json_object_get_size(obj), 3u);
}

TEST_F(OptionsTest, NameInUserJsonWins) {
    expect_runs(run({"--name", "bob", "--user-json", R"({"name":"alice"})"}));
    JsonPtr user = rp::json::parse(cfg.user_json);
    EXPECT_EQ(rp::json::get_string(rp::json::as_object(user.get()), "name"), "alice");
}

TEST_F(OptionsTest, ShortNameOption) {
    expect_runs(run({"-n", "carol"}));
    EXPECT_EQ(cfg.name, "carol");
    EXPECT_EQ(cfg.user_json, R"({"name":"carol"})");
}

TEST_F(OptionsTest, InvalidUserJsonIsAUsageError) {
    expect_usage_error({"--user-json", "{name:"}, "--user-json");
    expect_usage_error({"--user-json", ""}, "--user-json");
}

TEST_F(OptionsTest, UserJsonMustBeAnObject) {
    expect_usage_error({"--user-json", "[1,2]"}, "object");
    expect_usage_error({"--user-json", R"("bob")"}, "object");
}

TEST_F(OptionsTest, AuthJsonIsKept) {
    expect_runs(run({"--auth", R"({"token":"t0k"})"}));
    EXPECT_EQ(cfg.auth_json, R"({"token":"t0k"})");
}

TEST_F(OptionsTest, AuthMustBeAJsonObject) {
    expect_usage_error({"--auth", "token"}, "--auth");
    expect_usage_error({"--auth", "[]"}, "--auth");
}

// ---- Sources and codec -----------------------------------------------------------------------

TEST_F(OptionsTest, V4l2VideoWithDevice) {
    expect_runs(run({"--video", "v4l2:/dev/video2"}));
    EXPECT_EQ(cfg.video.kind, "v4l2");
    EXPECT_EQ(cfg.video.device, "/dev/video2");
}

TEST_F(OptionsTest, VideoKindsWithoutDevice) {
    for (const char* kind : {"test", "none", "auto", "v4l2"}) {
        expect_runs(run({"--video", kind}));
        EXPECT_EQ(cfg.video.kind, kind);
        EXPECT_EQ(cfg.video.device, "");
    }
}

TEST_F(OptionsTest, AlsaDeviceMayContainColons) {
    expect_runs(run({"--audio", "alsa:hw:1,0"}));
    EXPECT_EQ(cfg.audio.kind, "alsa");
    EXPECT_EQ(cfg.audio.device, "hw:1,0");
}

TEST_F(OptionsTest, AudioNone) {
    expect_runs(run({"--audio", "none"}));
    EXPECT_EQ(cfg.audio.kind, "none");
}

TEST_F(OptionsTest, BadVideoKindIsAUsageError) {
    expect_usage_error({"--video", "webcam"}, "--video");
    expect_usage_error({"--video", "alsa"}, "--video");
    expect_usage_error({"--video", ""}, "--video");
}

TEST_F(OptionsTest, OnlyTheDeviceKindTakesADevice) {
    expect_usage_error({"--video", "test:/dev/video0"}, "--video");
    expect_usage_error({"--audio", "none:hw:0"}, "--audio");
}

TEST_F(OptionsTest, BadAudioKindIsAUsageError) {
    expect_usage_error({"--audio", "v4l2"}, "--audio");
    expect_usage_error({"--audio", "pulse"}, "--audio");
}

TEST_F(OptionsTest, VideoCodecs) {
    expect_runs(run({"--video-codec", "h264"}));
    EXPECT_EQ(cfg.codec, rp::VideoCodec::H264);
    expect_runs(run({"--video-codec", "vp9"}));
    EXPECT_EQ(cfg.codec, rp::VideoCodec::VP9);
    expect_runs(run({"--video-codec", "vp8"}));
    EXPECT_EQ(cfg.codec, rp::VideoCodec::VP8);
}

TEST_F(OptionsTest, UnknownVideoCodecIsAUsageError) {
    expect_usage_error({"--video-codec", "av1"}, "--video-codec");
}

TEST_F(OptionsTest, CodecNames) {
    EXPECT_STREQ(rp::codec_name(rp::VideoCodec::VP8), "vp8");
    EXPECT_STREQ(rp::codec_name(rp::VideoCodec::VP9), "vp9");
    EXPECT_STREQ(rp::codec_name(rp::VideoCodec::H264), "h264");
}

// ---- Video size and rates --------------------------------------------------------------------

TEST_F(OptionsTest, VideoSize) {
    expect_runs(run({"--video-size", "1280x720"}));
    EXPECT_EQ(cfg.width, 1280);
    EXPECT_EQ(cfg.height, 720);
}

TEST_F(OptionsTest, VideoSizeWithCapitalX) {
    expect_runs(run({"--video-size", "320X240"}));
    EXPECT_EQ(cfg.width, 320);
    EXPECT_EQ(cfg.height, 240);
}

TEST_F(OptionsTest, VideoSizeLimits) {
    expect_runs(run({"--video-size", "16x16"}));
    EXPECT_EQ(cfg.width, 16);
    expect_runs(run({"--video-size", "7680x4320"}));
    EXPECT_EQ(cfg.height, 4320);
}

TEST_F(OptionsTest, BadVideoSizesAreUsageErrors) {
    for (const char* size :
         {"640", "0x0", "abcx480", "640xabc", "641x480", "640x481", "640x480x", "640x480 ", "14x14",
          "7682x4320", "7680x4322", "-640x480", "640*480", "", "x"}) {
        expect_usage_error({"--video-size", size}, "--video-size");
    }
}

TEST_F(OptionsTest, Fps) {
    expect_runs(run({"--fps", "60"}));
    EXPECT_EQ(cfg.fps, 60);
}

TEST_F(OptionsTest, WrongTypesAreUsageErrors) {
    expect_usage_error({"--fps", "abc"}, "--fps");
    expect_usage_error({"--fps", "2.5"}, "--fps");
    expect_usage_error({"--duration", "soon"}, "--duration");
    expect_usage_error({"--expect-peers", "two"}, "--expect-peers");
    expect_usage_error({"--latency", "1s"}, "--latency");
}

TEST_F(OptionsTest, OutOfRangeNumbersAreUsageErrors) {
    expect_usage_error({"--fps", "0"}, "--fps");
    expect_usage_error({"--fps", "121"}, "--fps");
    expect_usage_error({"--video-bitrate", "15"}, "--video-bitrate");
    expect_usage_error({"--latency", "-1"}, "--latency");
    expect_usage_error({"--duration", "-1"}, "--duration");
    expect_usage_error({"--expect-peers", "-1"}, "--expect-peers");
    expect_usage_error({"--expect-frames", "-5"}, "--expect-frames");
}

TEST_F(OptionsTest, MissingValueIsAUsageError) {
    ParseResult r = run({"--fps"});
    EXPECT_EQ(r.exit_code, 2);
}

TEST_F(OptionsTest, DurationAndReport) {
    expect_runs(run({"-d", "1.5", "--report", "-"}));
    EXPECT_DOUBLE_EQ(cfg.duration_s, 1.5);
    EXPECT_EQ(cfg.report_path, "-");
}

TEST_F(OptionsTest, BitrateAndLatency) {
    expect_runs(run({"--video-bitrate", "2500", "--latency", "0"}));
    EXPECT_EQ(cfg.video_bitrate_kbps, 2500);
    EXPECT_EQ(cfg.latency_ms, 0);
}

// cc: the floor of congestion control.
TEST_F(OptionsTest, MinVideoBitrate) {
    expect_runs(run());
    EXPECT_EQ(cfg.min_video_bitrate_kbps, 100);
    expect_runs(run({"--video-bitrate", "60"}));
    EXPECT_EQ(cfg.min_video_bitrate_kbps, 60);
    expect_runs(run({"--min-video-bitrate", "300", "--video-bitrate", "300"}));
    EXPECT_EQ(cfg.min_video_bitrate_kbps, 300);
    expect_usage_error({"--min-video-bitrate", "900"}, "--min-video-bitrate");
    expect_usage_error({"--min-video-bitrate", "10"}, "--min-video-bitrate");
}

// Without --video-bitrate the ceiling follows the picture's size, as browsers cap it: a
// 240x240 call has no use for 800 kbit/s, and each climb toward it over a thin link costs a
// queue. A given --video-bitrate wins, on the command line or in a config file.
TEST_F(OptionsTest, DefaultCeilingFollowsTheSize) {
    expect_runs(run({"--video-size", "240x240"}));
    EXPECT_EQ(cfg.video_bitrate_kbps, 600);
    expect_runs(run({"--video-size", "320x240"}));
    EXPECT_EQ(cfg.video_bitrate_kbps, 600);
    expect_runs(run({"--video-size", "320x242"}));
    EXPECT_EQ(cfg.video_bitrate_kbps, 800);
    expect_runs(run({"--video-size", "1280x720"}));
    EXPECT_EQ(cfg.video_bitrate_kbps, 800);
    expect_runs(run({"--video-size", "240x240", "--video-bitrate", "800"}));
    EXPECT_EQ(cfg.video_bitrate_kbps, 800);
    // A floor over the size's ceiling lifts it (not past the usual default: that stays an error).
    expect_runs(run({"--video-size", "240x240", "--min-video-bitrate", "700"}));
    EXPECT_EQ(cfg.video_bitrate_kbps, 700);
    EXPECT_EQ(cfg.min_video_bitrate_kbps, 700);
    expect_usage_error({"--video-size", "240x240", "--min-video-bitrate", "900"},
                       "--min-video-bitrate");
}

// ---- Sinks -----------------------------------------------------------------------------------

TEST_F(OptionsTest, SinkKinds) {
    expect_runs(run({"--sink", "fake"}));
    ASSERT_EQ(cfg.sinks.size(), 1u);
    EXPECT_EQ(cfg.sinks[0].kind, "fake");
    expect_runs(run({"--sink", "window"}));
    ASSERT_EQ(cfg.sinks.size(), 1u);
    EXPECT_EQ(cfg.sinks[0].kind, "window");
}

TEST_F(OptionsTest, FileSinkKeepsTheDirectory) {
    expect_runs(run({"--sink", "file:/tmp/rec dir"}));
    ASSERT_EQ(cfg.sinks.size(), 1u);
    EXPECT_EQ(cfg.sinks[0].kind, "file");
    EXPECT_EQ(cfg.sinks[0].dir, "/tmp/rec dir");
}

TEST_F(OptionsTest, SeveralSinks) {
    expect_runs(run({"--sink", "fake", "--sink", "file:/tmp/out"}));
    ASSERT_EQ(cfg.sinks.size(), 2u);
    EXPECT_EQ(cfg.sinks[0].kind, "fake");
    EXPECT_EQ(cfg.sinks[1].kind, "file");
    EXPECT_EQ(cfg.sinks[1].dir, "/tmp/out");
}

TEST_F(OptionsTest, ExplicitSinkOverridesTheDisplayDefault) {
    setenv("DISPLAY", ":0", 1);
    expect_runs(run({"--sink", "fake"}));
    ASSERT_EQ(cfg.sinks.size(), 1u);
    EXPECT_EQ(cfg.sinks[0].kind, "fake");
}

TEST_F(OptionsTest, BadSinksAreUsageErrors) {
    for (const char* sink : {"file:", "file", "speaker", "", "FAKE", "window:1"})
        expect_usage_error({"--sink", sink}, "--sink");
}

// grid: --sink window's one window.
TEST_F(OptionsTest, WindowSizeAndFullscreen) {
    expect_runs(run({"--sink", "window"}));
    EXPECT_EQ(cfg.window_width, 1280);
    EXPECT_EQ(cfg.window_height, 720);
    EXPECT_FALSE(cfg.fullscreen);
    expect_runs(run({"--sink", "window", "--window-size", "640x360", "--fullscreen"}));
    EXPECT_EQ(cfg.window_width, 640);
    EXPECT_EQ(cfg.window_height, 360);
    EXPECT_TRUE(cfg.fullscreen);
    for (const char* bad : {"640", "640x", "0x0", "641x480", "huge", "99999x99999"})
        expect_usage_error({"--window-size", bad}, "--window-size");
}

// ---- ICE -------------------------------------------------------------------------------------

TEST_F(OptionsTest, StunNoneGivesAnEmptyList) {
    expect_runs(run({"--stun", "none"}));
    EXPECT_TRUE(cfg.stun.empty());
}

TEST_F(OptionsTest, StunServersReplaceTheDefaults) {
    expect_runs(run({"--stun", "stun:stun.example.org:3478", "--stun", "none", "--stun",
                     "stun://other.example.org"}));
    EXPECT_EQ(cfg.stun,
              (std::vector<std::string>{"stun:stun.example.org:3478", "stun://other.example.org"}));
}

TEST_F(OptionsTest, StunMustStartWithStun) {
    expect_usage_error({"--stun", "stun.l.google.com:19302"}, "--stun");
    expect_usage_error({"--stun", "turn:h:3478"}, "--stun");
}

TEST_F(OptionsTest, TurnServers) {
    expect_runs(run({"--turn", "turn://user:secret@turn.example.org:3478", "--turn",
                     "turns://u:p@10.0.0.1:5349"}));
    EXPECT_EQ(cfg.turn, (std::vector<std::string>{"turn://user:secret@turn.example.org:3478",
                                                  "turns://u:p@10.0.0.1:5349"}));
}

TEST_F(OptionsTest, TurnFormatIsChecked) {
    expect_usage_error({"--turn", "turn:turn.example.org:3478"}, "--turn");       // no //
    expect_usage_error({"--turn", "stun://u:p@h:3478"}, "--turn");                // scheme
    expect_usage_error({"--turn", "turn://turn.example.org:3478"}, "user:pass");  // no credentials
    expect_usage_error({"--turn", "turn://user@h:3478"}, "user:pass");            // no password
    expect_usage_error({"--turn", "turn://u:p@turn.example.org"}, "port");        // no port
    expect_usage_error({"--turn", ""}, "--turn");
}

TEST_F(OptionsTest, BadTurnUrlMessageHidesThePassword) {
    ParseResult r = run({"--turn", "turx://user:topsecret@h:3478"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.message.find("topsecret"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("turx://user:***@h:3478"), std::string::npos) << r.message;
}

TEST_F(OptionsTest, IceTransportPolicy) {
    expect_runs(run({"--ice-transport-policy", "all"}));
    EXPECT_FALSE(cfg.ice_relay_only);
    expect_runs(run({"--turn", "turn://u:p@127.0.0.1:3478", "--ice-transport-policy", "relay"}));
    EXPECT_TRUE(cfg.ice_relay_only);
    expect_usage_error({"--ice-transport-policy", "none"}, "--ice-transport-policy");
    expect_usage_error({"--ice-transport-policy", "relay"}, "needs a TURN server (--turn)");
}

class TempFile {
  public:
    explicit TempFile(const std::string& text) {
        char tmpl[] = "/tmp/roompeer-unit-XXXXXX";
        int fd = mkstemp(tmpl);
        path_ = tmpl;
        if (fd >= 0) {
            [[maybe_unused]] auto n = write(fd, text.data(), text.size());
            close(fd);
        }
    }
    ~TempFile() { unlink(path_.c_str()); }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

// A self-signed CA made for this test (EC P-256, valid until 2126).
constexpr const char* kTestCaPem = R"(-----BEGIN CERTIFICATE-----
MIIBmDCCAT2gAwIBAgIUX302m28nAuTj7c63oEhpcXePgTUwCgYIKoZIzj0EAwIw
IDEeMBwGA1UEAwwVcm9vbXBlZXItdW5pdC10ZXN0LWNhMCAXDTI2MTEyNjAxMzgw
OFoYDzIxMjYxMTAyMDEzODA4WjAgMR4wHAYDVQQDDBVyb29tcGVlci11bml0LXRl
c3QtY2EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQ5GWxDgEg86cfT0fD2sy5t
YoxvJdz2MaJjdwjMlfzQ1HZr4/zV2Nca0a2yqASv1UyQB6n4z73rmoUJH/ghQU6Q
o1MwUTAdBgNVHQ4EFgQUuxyFlrWCoT2kVIBVmq/clvvmkoowHwYDVR0jBBgwFoAU
uxyFlrWCoT2kVIBVmq/clvvmkoowDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQD
AgNJADBGAiEA+H8h7P/eYc/PUBXUkPX0aULLmLVVvyXyjGGwztk6ELQCIQCZgky1
j5A5+YUps6hT4msf7u+fmAWNINcH18pjbkbLSw==
-----END CERTIFICATE-----
)";

TEST_F(OptionsTest, CaFileIsLoadedAtParseTime) {
    TempFile ca(kTestCaPem);
    expect_runs(
        parse({"--server", "https://rooms.example.org", "--room", "r", "--ca-file", ca.path()}));
    EXPECT_EQ(cfg.ca_file, ca.path());
    EXPECT_FALSE(cfg.insecure);
    TempFile garbage("not a certificate\n");
    expect_usage_error({"--ca-file", garbage.path()},
                       "--ca-file: cannot load '" + garbage.path() + "': no PEM certificate");
    expect_usage_error({"--ca-file", "/nonexistent/ca.pem"},
                       "--ca-file: cannot load '/nonexistent/ca.pem': no such file");
    expect_usage_error({"--ca-file", "/tmp"}, "--ca-file: cannot load '/tmp': it is a directory");
}

TEST_F(OptionsTest, InsecureAndCaFileExcludeEachOther) {
    expect_runs(run({"--insecure"}));
    EXPECT_TRUE(cfg.insecure);
    TempFile ca(kTestCaPem);
    expect_usage_error({"--insecure", "--ca-file", ca.path()}, "exclude each other");
}

// ---- Paths -----------------------------------------------------------------------------------

// A fresh directory under /tmp, the working directory while the object lives.
class TempCwd {
  public:
    TempCwd() {
        char tmpl[] = "/tmp/roompeer-unit-cwd-XXXXXX";
        if (!mkdtemp(tmpl)) std::abort();
        old_ = std::filesystem::current_path();
        std::filesystem::current_path(tmpl);
        dir_ = std::filesystem::current_path().string();  // as getcwd() spells it
    }
    ~TempCwd() {
        std::filesystem::current_path(old_);
        std::filesystem::remove_all(dir_);
    }
    const std::string& dir() const { return dir_; }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(dir_ + "/" + name) << text;
    }

  private:
    std::filesystem::path old_;
    std::string dir_;
};

// Every path option is made absolute against the working directory as it is read: GLib's
// GTlsFileDatabase trusts nothing from a relative --ca-file, and nothing kept for later may
// depend on the working directory at the time it is used.
TEST_F(OptionsTest, RelativePathsBecomeAbsolute) {
    TempCwd cwd;
    cwd.write("ca.pem", kTestCaPem);
    cwd.write("mine.preset", "encode = \"{encoder}\"\n");
    std::filesystem::create_directory(cwd.dir() + "/sub");
    expect_runs(
        parse({"--server", "https://rooms.example.org", "--room", "r", "--ca-file", "ca.pem",
               "--report", "r.json", "--stats", "./sub/s.jsonl", "--sink", "file:rec",
               "--dtls-key-cache", "cache/key.pem", "--preset", "./mine.preset"}));
    const std::string& d = cwd.dir();
    EXPECT_EQ(cfg.ca_file, d + "/ca.pem");
    EXPECT_EQ(cfg.report_path, d + "/r.json");
    EXPECT_EQ(cfg.stats_path, d + "/sub/s.jsonl");
    ASSERT_EQ(cfg.sinks.size(), 1u);
    EXPECT_EQ(cfg.sinks[0].dir, d + "/rec");
    EXPECT_EQ(cfg.dtls_key_cache, d + "/cache/key.pem");
    ASSERT_TRUE(cfg.video_chain);
    EXPECT_EQ(cfg.video_chain->path, d + "/mine.preset");
    EXPECT_EQ(cfg.video_chain->name, "mine");
    // Checked, not created: the report is written at exit, the recordings when a call starts.
    EXPECT_FALSE(std::filesystem::exists(d + "/r.json"));
    EXPECT_FALSE(std::filesystem::exists(d + "/rec"));
    // What does not become a path: '-' (stdout), 'none', a preset name.
    expect_runs(run({"--report", "-", "--stats", "-", "--dtls-key-cache", "none"}));
    EXPECT_EQ(cfg.report_path, "-");
    EXPECT_EQ(cfg.stats_path, "-");
    EXPECT_EQ(cfg.dtls_key_cache, "none");
    // A relative path that fails is named absolute in the message.
    expect_usage_error({"--report", "missing/r.json"},
                       "--report: cannot write '" + d + "/missing/r.json': there is no directory " +
                           d + "/missing");
}

// Output paths are checked when the options are read (exit 2), not found out at exit.
TEST_F(OptionsTest, OutputPathsAreCheckedAtParseTime) {
    expect_usage_error({"--report", "/no/such/dir/r.json"},
                       "--report: cannot write '/no/such/dir/r.json': there is no directory "
                       "/no/such/dir");
    expect_usage_error({"--stats", "/no/such/dir/s.jsonl"},
                       "--stats: cannot write '/no/such/dir/s.jsonl'");
    expect_usage_error({"--sink", "file:/no/such/dir"},
                       "--sink file: cannot record into '/no/such/dir': there is no directory "
                       "/no/such");
    expect_usage_error({"--report", "/tmp"}, "--report: cannot write '/tmp': it is a directory");
    TempFile file("x");
    expect_usage_error({"--sink", "file:" + file.path()}, "it is not a directory");
    // An existing file is fine (replaced at exit), and so is a directory roompeer will make.
    expect_runs(run({"--report", file.path(), "--stats", file.path()}));
    TempCwd cwd;
    expect_runs(run({"--sink", "file:recordings", "--sink", "file:" + cwd.dir()}));
    if (geteuid() != 0) {  // root may write anywhere
        std::filesystem::create_directory(cwd.dir() + "/ro");
        chmod((cwd.dir() + "/ro").c_str(), 0500);
        expect_usage_error({"--report", "ro/r.json"},
                           "cannot create a file in " + cwd.dir() + "/ro");
        expect_usage_error({"--sink", "file:ro"}, "--sink file: cannot record into");
        chmod((cwd.dir() + "/ro").c_str(), 0700);
    }
}

TEST_F(OptionsTest, IceAddresses) {
    expect_runs(run(
        {"--ice-address", "127.0.0.1", "--ice-address", "::1", "--ice-address", "192.168.1.20"}));
    EXPECT_EQ(cfg.ice_addresses, (std::vector<std::string>{"127.0.0.1", "::1", "192.168.1.20"}));
}

TEST_F(OptionsTest, IceAddressMustBeAnIpAddress) {
    for (const char* addr : {"localhost", "999.1.1.1", "10.0.0", "", "1.2.3.4/24"})
        expect_usage_error({"--ice-address", addr}, "--ice-address");
}

// ---- Help, version, verbosity, expectations --------------------------------------------------

TEST_F(OptionsTest, HelpExitsZeroAndListsEveryLongOption) {
    ParseResult r = parse({"--help"});
    EXPECT_EQ(r.kind, ParseResult::Kind::Exit);
    EXPECT_EQ(r.exit_code, 0);
    for (const char* opt : {"--help",          "--version",     "--server",
                            "--room",          "--name",        "--user-json",
                            "--auth",          "--video",       "--audio",
                            "--video-codec",   "--video-size",  "--fps",
                            "--video-bitrate", "--sink",        "--stun",
                            "--turn",          "--ice-address", "--latency",
                            "--duration",      "--report",      "--expect-peers",
                            "--expect-frames", "--verbose",     "--quiet",
                            "--ca-file",       "--insecure",    "--ice-transport-policy"}) {
        EXPECT_NE(r.message.find(opt), std::string::npos) << opt;
    }
}

TEST_F(OptionsTest, HelpWinsOverMissingRequiredOptions) {
    ParseResult r = parse({"-h"});
    EXPECT_EQ(r.kind, ParseResult::Kind::Exit);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.message.find("--server"), std::string::npos);
}

TEST_F(OptionsTest, VersionExitsZero) {
    ParseResult r = parse({"--version"});
    EXPECT_EQ(r.kind, ParseResult::Kind::Exit);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.message.find("roompeer"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find(ROOMPEER_VERSION), std::string::npos) << r.message;
}

TEST_F(OptionsTest, Verbosity) {
    expect_runs(run({"-q"}));
    EXPECT_EQ(cfg.verbosity, -1);
    expect_runs(run({"-v"}));
    EXPECT_EQ(cfg.verbosity, 1);
    expect_runs(run({"-vv"}));
    EXPECT_EQ(cfg.verbosity, 2);
    expect_runs(run({"--verbose", "--verbose", "--verbose"}));
    EXPECT_EQ(cfg.verbosity, 3);
    expect_runs(run({"--quiet"}));
    EXPECT_EQ(cfg.verbosity, -1);
}

TEST_F(OptionsTest, QuietWinsOverVerbose) {
    expect_runs(run({"-v", "-q"}));
    EXPECT_EQ(cfg.verbosity, -1);
}

TEST_F(OptionsTest, ExpectationValues) {
    expect_runs(run({"--expect-peers", "2", "--expect-frames", "30"}));
    EXPECT_EQ(cfg.expect_peers, 2);
    EXPECT_EQ(cfg.expect_frames, 30);
}

TEST_F(OptionsTest, ExpectPeersAloneLeavesFramesDerived) {
    expect_runs(run({"--expect-peers", "0"}));
    EXPECT_EQ(cfg.expect_peers, 0);
    EXPECT_EQ(cfg.expect_frames, -1);
}

}  // namespace

namespace {

TEST_F(OptionsTest, WatchingDefaultsAndValues) {
    ASSERT_EQ(run().kind, ParseResult::Kind::Run);
    EXPECT_TRUE(cfg.stats_path.empty());
    EXPECT_DOUBLE_EQ(cfg.stats_interval_s, 1.0);
    EXPECT_EQ(cfg.metrics_port, -1);
    EXPECT_EQ(cfg.metrics_address, "127.0.0.1");
    EXPECT_TRUE(cfg.status_line);
    ASSERT_EQ(run({"--stats", "-", "--stats-interval", "0.5", "--metrics-port", "0",
                   "--metrics-address", "::1", "--quiet"})
                  .kind,
              ParseResult::Kind::Run);
    EXPECT_EQ(cfg.stats_path, "-");
    EXPECT_DOUBLE_EQ(cfg.stats_interval_s, 0.5);
    EXPECT_EQ(cfg.metrics_port, 0);
    EXPECT_EQ(cfg.metrics_address, "::1");
    EXPECT_FALSE(cfg.status_line);
}

TEST_F(OptionsTest, WatchingBadValuesAreUsageErrors) {
    expect_usage_error({"--stats-interval", "0"}, "--stats-interval");
    expect_usage_error({"--stats-interval", "nan"}, "--stats-interval");
    expect_usage_error({"--metrics-port", "70000"}, "--metrics-port");
    expect_usage_error({"--metrics-address", "localhost"}, "--metrics-address");
}

// ---- --expect and --junit (issue 12) ---------------------------------------------------------

TEST_F(OptionsTest, ExpectIsRepeatableAndKeptAsWritten) {
    expect_runs(run());
    EXPECT_TRUE(cfg.expect.empty());
    EXPECT_EQ(cfg.junit_path, "");
    expect_runs(run({"--expect", "video.fps>=24", "--expect", "video.latency_ms.p95 <= 200",
                     "--expect", "audio.tone_ok==1", "--junit", "-"}));
    EXPECT_EQ(cfg.expect, (std::vector<std::string>{"video.fps>=24", "video.latency_ms.p95 <= 200",
                                                    "audio.tone_ok==1"}));
    EXPECT_EQ(cfg.junit_path, "-");
}

TEST_F(OptionsTest, ExpectMalformedOrUnknownIsAUsageError) {
    expect_usage_error({"--expect", "video.fps>>5"},
                       "--expect 'video.fps>>5': '>5' is not a number");
    expect_usage_error({"--expect", "video.fps"}, "no comparison operator");
    expect_usage_error({"--expect", "video.fps>=24", "--expect", "nope>=1"},
                       "unknown field 'nope'; the numeric fields of a peer are: ");
    expect_usage_error({"--expect", "video.layer==1"}, "video.fps");  // a string: not numeric
}

TEST_F(OptionsTest, JunitPathIsAbsoluteAndCheckedAtParseTime) {
    expect_usage_error({"--junit", "/no/such/dir/j.xml"},
                       "--junit: cannot write '/no/such/dir/j.xml': there is no directory");
    TempCwd cwd;
    expect_runs(run({"--junit", "j.xml"}));
    EXPECT_EQ(cfg.junit_path, cwd.dir() + "/j.xml");
}

}  // namespace
