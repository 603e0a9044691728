// parse_options with --config files, --print-config, --preset, --video-pipeline, --list-devices.
#include "cli/options.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using rp::Config;
using rp::ParseResult;

class ConfigFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("roompeer-cfg-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
        setenv("ROOMPEER_PIPELINES",
               (std::string(ROOMPEER_SOURCE_ROOT) + "/pipelines/presets").c_str(), 1);
        unsetenv("DISPLAY");
        unsetenv("WAYLAND_DISPLAY");
    }
    void TearDown() override {
        std::filesystem::remove_all(dir_);
        unsetenv("ROOMPEER_PIPELINES");
    }
    std::string write(const std::string& name, const std::string& text) {
        std::string path = (dir_ / name).string();
        std::ofstream(path) << text;
        return path;
    }
    ParseResult parse(const std::vector<std::string>& args) {
        std::vector<const char*> argv{"roompeer"};
        for (const auto& a : args) argv.push_back(a.c_str());
        cfg = Config{};
        return rp::parse_options(static_cast<int>(argv.size()), argv.data(), cfg);
    }
    void expect_error(const std::vector<std::string>& args, const std::string& needle) {
        ParseResult r = parse(args);
        EXPECT_EQ(r.kind, ParseResult::Kind::Exit);
        EXPECT_EQ(r.exit_code, 2);
        EXPECT_NE(r.message.find(needle), std::string::npos) << r.message;
    }
    Config cfg;
    std::filesystem::path dir_;
};

const std::string kBase = "server = \"http://127.0.0.1:3000\"\nroom = \"demo\"\n";

TEST_F(ConfigFileTest, FileSetsOptionsAndFlagsOverride) {
    std::string f =
        write("a.toml", kBase +
                            "name = \"cam\"\nfps = 15\nsink = [\"fake\", \"file:/tmp/rec\"]\n"
                            "user-json = '{\"role\":\"x\",\"n\":1}'\nlatency-probe = true\n");
    ParseResult r = parse({"--config", f, "--fps", "25"});
    ASSERT_EQ(r.kind, ParseResult::Kind::Run) << r.message;
    EXPECT_EQ(cfg.room, "demo");
    EXPECT_EQ(cfg.name, "cam");
    EXPECT_EQ(cfg.fps, 25);
    ASSERT_EQ(cfg.sinks.size(), 2u);
    EXPECT_EQ(cfg.sinks[1].dir, "/tmp/rec");
    EXPECT_EQ(cfg.user_json, R"({"role":"x","n":1,"name":"cam"})");
    EXPECT_TRUE(cfg.latency_probe);
}

TEST_F(ConfigFileTest, PrintConfigReadsBackTheSame) {
    ParseResult first = parse({"--server", "http://h:1", "--room", "r", "--name", "a \"b\" # c",
                               "--video-pipeline", "videotestsrc ! video/x-raw,width=320", "--stun",
                               "none", "-v", "-v", "--duration", "1.5", "--print-config"});
    ASSERT_EQ(first.kind, ParseResult::Kind::Exit);
    ASSERT_EQ(first.exit_code, 0) << first.message;
    EXPECT_NE(first.message.find("verbose = 2\n"), std::string::npos) << first.message;
    EXPECT_NE(first.message.find("stun = [\"none\"]\n"), std::string::npos) << first.message;
    EXPECT_NE(first.message.find("# report = (not set)\n"), std::string::npos) << first.message;
    std::string f = write("printed.toml", first.message);
    ParseResult again = parse({"--config", f, "--print-config"});
    EXPECT_EQ(again.message, first.message);
    ParseResult run = parse({"--config", f});
    ASSERT_EQ(run.kind, ParseResult::Kind::Run) << run.message;
    EXPECT_EQ(cfg.name, "a \"b\" # c");
    EXPECT_EQ(cfg.verbosity, 2);
    EXPECT_TRUE(cfg.stun.empty());
    ASSERT_TRUE(cfg.video_chain);
    EXPECT_EQ(cfg.video_chain->source, "videotestsrc ! video/x-raw,width=320");
}

TEST_F(ConfigFileTest, DefaultsReadBackTheSame) {
    ParseResult first =
        parse({"--server", "http://h:1,http://h:2", "--room", "r", "--print-config"});
    ASSERT_EQ(first.exit_code, 0) << first.message;
    EXPECT_NE(first.message.find("verbose = 0\n"), std::string::npos) << first.message;
    std::string f = write("defaults.toml", first.message);
    EXPECT_EQ(parse({"--config", f, "--print-config"}).message, first.message);
    ParseResult run = parse({"--config", f});
    ASSERT_EQ(run.kind, ParseResult::Kind::Run) << run.message;
    EXPECT_EQ(cfg.verbosity, 0);
    EXPECT_EQ(cfg.servers.size(), 2u);
}

TEST_F(ConfigFileTest, PrintConfigMasksSecrets) {
    ParseResult r =
        parse({"--server", "http://h:1", "--room", "r", "--turn", "turn://u:hunter22@h:3478",
               "--auth", R"({"token":"tok-abc"})", "--print-config"});
    ASSERT_EQ(r.exit_code, 0) << r.message;
    EXPECT_EQ(r.message.find("hunter22"), std::string::npos) << r.message;
    EXPECT_EQ(r.message.find("tok-abc"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("turn://u:***@h:3478"), std::string::npos) << r.message;
}

TEST_F(ConfigFileTest, BadFilesNameFileAndKey) {
    expect_error({"--config", write("u.toml", kBase + "colour = 1\n")},
                 "u.toml: line 3: unknown key 'colour'");
    expect_error({"--config", write("v.toml", kBase + "fps = 0\n")}, "v.toml: line 3: --fps");
    expect_error({"--config", write("s.toml", kBase + "video-size = \"1x1\"\n")},
                 "s.toml: line 3: --video-size");
    expect_error({"--config", write("c.toml", kBase + "video-codec = \"av1\"\n")},
                 "c.toml: line 3: --video-codec");
    expect_error({"--config", write("t.toml", "room = 'a'\nserver = nope\n")}, "t.toml: line 2:");
    expect_error({"--config", write("n.toml", "list-devices = true\n")},
                 "cannot be set in a config file");
    expect_error({"--config", (dir_ / "missing.toml").string()},
                 "missing.toml: cannot read the file");
}

TEST_F(ConfigFileTest, ServerAndRoomMayComeFromTheFile) {
    expect_error({"--config", write("r.toml", "room = \"x\"\n")}, "--server is required");
    ParseResult r = parse({"--config", write("s.toml", kBase)});
    EXPECT_EQ(r.kind, ParseResult::Kind::Run) << r.message;
}

TEST_F(ConfigFileTest, ListDevicesNeedsNoServer) {
    ParseResult r = parse({"--list-devices", "--json"});
    EXPECT_EQ(r.kind, ParseResult::Kind::ListDevices) << r.message;
    EXPECT_TRUE(r.json);
    r = parse({"--list-devices"});
    EXPECT_EQ(r.kind, ParseResult::Kind::ListDevices);
    EXPECT_FALSE(r.json);
    expect_error({"--json"}, "--list-devices");
}

TEST_F(ConfigFileTest, PresetSetsTheChainAndCodec) {
    ParseResult r = parse({"--server", "http://h", "--room", "r", "--preset", "x264-lowlatency"});
    ASSERT_EQ(r.kind, ParseResult::Kind::Run) << r.message;
    ASSERT_TRUE(cfg.video_chain);
    EXPECT_EQ(cfg.video_chain->name, "x264-lowlatency");
    EXPECT_EQ(cfg.codec, rp::VideoCodec::H264);
    r = parse(
        {"--server", "http://h", "--room", "r", "--preset", "usb-mjpeg", "--video-codec", "vp9"});
    ASSERT_EQ(r.kind, ParseResult::Kind::Run) << r.message;
    EXPECT_EQ(cfg.codec, rp::VideoCodec::VP9);
    expect_error({"--server", "http://h", "--room", "r", "--preset", "vp8-realtime",
                  "--video-codec", "h264"},
                 "sends vp8, not --video-codec h264");
    expect_error({"--server", "http://h", "--room", "r", "--preset", "nope"},
                 "available: camera-h264");
    expect_error(
        {"--server", "http://h", "--room", "r", "--preset", "usb-mjpeg", "--video-pipeline", "x"},
        "excludes");
    expect_error(
        {"--server", "http://h", "--room", "r", "--preset", "usb-mjpeg", "--video", "none"},
        "needs a video source");
}

TEST_F(ConfigFileTest, VideoPipelineIsAChainOfItsOwn) {
    ParseResult r = parse({"--server", "http://h", "--room", "r", "--video-pipeline",
                           "videotestsrc", "--audio-pipeline", "audiotestsrc"});
    ASSERT_EQ(r.kind, ParseResult::Kind::Run) << r.message;
    ASSERT_TRUE(cfg.video_chain);
    EXPECT_EQ(cfg.video_chain->source, "videotestsrc");
    EXPECT_EQ(cfg.video_chain->test_source, "videotestsrc");
    EXPECT_EQ(cfg.video_chain->encode, "{auto}");
    EXPECT_EQ(cfg.audio_pipeline, "audiotestsrc");
}

}  // namespace
