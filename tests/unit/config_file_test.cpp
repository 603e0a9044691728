// parse_options with --config files, --print-config, --preset, --video-pipeline, --list-devices;
// and the reader alone: the TOML a config file may hold, values, errors with line numbers.
#include "cli/config_file.h"
#include "cli/options.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
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

// The size's default ceiling (600 kbit/s at 240x240) shows in --print-config; a
// video-bitrate in the file counts as given, as on the command line.
TEST_F(ConfigFileTest, SizeCeilingPrintsAndAFileBitrateWins) {
    ParseResult first = parse(
        {"--server", "http://h:1", "--room", "r", "--video-size", "240x240", "--print-config"});
    ASSERT_EQ(first.exit_code, 0) << first.message;
    EXPECT_NE(first.message.find("video-bitrate = 600\n"), std::string::npos) << first.message;
    std::string f = write("small.toml", first.message);
    EXPECT_EQ(parse({"--config", f, "--print-config"}).message, first.message);
    std::string g = write("given.toml", kBase + "video-size = \"240x240\"\nvideo-bitrate = 800\n");
    ASSERT_EQ(parse({"--config", g}).kind, ParseResult::Kind::Run);
    EXPECT_EQ(cfg.video_bitrate_kbps, 800);
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

// ---- the reader alone: what a config file may hold --------------------------------------------

class ConfigReader : public ::testing::Test {
  protected:
    ConfigReader() {
        app.set_help_flag();
        for (const char* o : {"--name", "--fps", "--rate", "--path", "--json", "--level"})
            app.add_option(o, scalars[o]);
        app.add_flag("--probe", probe);
        for (const char* o : {"--sink", "--empty", "--multi"}) app.add_option(o, lists[o]);
    }
    std::vector<CLI::ConfigItem> ok(const std::string& text) {
        std::istringstream in(text);
        try {
            return file.from_config(in);
        } catch (const CLI::ConfigError& e) {
            ADD_FAILURE() << e.what() << "\n" << text;
            return {};
        }
    }
    std::string error_of(const std::string& text) {
        std::istringstream in(text);
        try {
            file.from_config(in);
        } catch (const CLI::ConfigError& e) {
            return e.what();
        }
        ADD_FAILURE() << "accepted: " << text;
        return "";
    }
    CLI::App app{"reader"};
    std::map<std::string, std::string> scalars;
    std::map<std::string, std::vector<std::string>> lists;
    bool probe = false;
    rp::ConfigFile file{app, nullptr};
};

using Inputs = std::vector<std::string>;

TEST_F(ConfigReader, ScalarsAndCommentsInFileOrder) {
    auto e = ok("# header\n\nname = \"cam\"  # trailing\nfps=30\nrate = 2.5\nprobe = true\n");
    ASSERT_EQ(e.size(), 4u);
    EXPECT_EQ(e[0].name, "name");
    EXPECT_EQ(e[0].inputs, Inputs{"cam"});
    EXPECT_EQ(file.line_of("name"), 3);
    EXPECT_EQ(e[1].inputs, Inputs{"30"});
    EXPECT_EQ(e[2].inputs, Inputs{"2.5"});
    EXPECT_EQ(e[3].inputs, Inputs{"true"});
    EXPECT_EQ(file.line_of("probe"), 6);
}

TEST_F(ConfigReader, NumbersAsWritten) {
    auto e = ok("fps = 1_000\nrate = 1e3\nname = -0.5\npath = +5\njson = 0x10\nlevel = inf\n");
    ASSERT_EQ(e.size(), 6u);
    EXPECT_EQ(e[0].inputs, Inputs{"1000"});
    EXPECT_EQ(e[1].inputs, Inputs{"1e3"});
    EXPECT_EQ(e[2].inputs, Inputs{"-0.5"});
    EXPECT_EQ(e[3].inputs, Inputs{"+5"});
    EXPECT_EQ(e[4].inputs, Inputs{"0x10"});
    EXPECT_EQ(e[5].inputs, Inputs{"inf"});
}

TEST_F(ConfigReader, StringsKeepCommasHashesAndQuotes) {
    auto e = ok(R"("name" = "x, y # z"
path = 'C:\path "q"'
json = "tab\tquote\" back\\ \u00e9"
)");
    ASSERT_EQ(e.size(), 3u);
    EXPECT_EQ(e[0].inputs, Inputs{"x, y # z"});
    EXPECT_EQ(e[1].inputs, Inputs{"C:\\path \"q\""});
    EXPECT_EQ(e[2].inputs, Inputs{"tab\tquote\" back\\ \xc3\xa9"});
}

TEST_F(ConfigReader, MultiLineStrings) {
    auto e = ok("path = '''\nv4l2src ! \"caps\"\n'''\njson = \"\"\"a\nb\"\"\"\nfps = 1\n");
    ASSERT_EQ(e.size(), 3u);
    EXPECT_EQ(e[0].inputs, Inputs{"v4l2src ! \"caps\"\n"});
    EXPECT_EQ(e[1].inputs, Inputs{"a\nb"});
    EXPECT_EQ(file.line_of("fps"), 6);
}

TEST_F(ConfigReader, Arrays) {
    auto e =
        ok("sink = [\"fake\", \"file:/a,b\"]\nempty = []\nmulti = [\n  \"x\",  # one\n  2,\n]\n");
    ASSERT_EQ(e.size(), 3u);
    EXPECT_EQ(e[0].inputs, (Inputs{"fake", "file:/a,b"}));
    EXPECT_TRUE(e[1].inputs.empty());
    EXPECT_EQ(e[2].inputs, (Inputs{"x", "2"}));
}

TEST_F(ConfigReader, CrLfLines) {
    auto e = ok("name = \"a\"\r\nfps = 2\r\n");
    ASSERT_EQ(e.size(), 2u);
    EXPECT_EQ(e[1].inputs, Inputs{"2"});
    EXPECT_EQ(file.line_of("fps"), 2);
}

TEST_F(ConfigReader, ErrorsNameTheLine) {
    auto says = [&](const std::string& text, const std::string& needle) {
        std::string err = error_of(text);
        EXPECT_NE(err.find(needle), std::string::npos) << text << " -> " << err;
    };
    says("fps = 1\nname = demo\n", "line 2: 'demo' is not a value: quote strings");
    says("name = v4l2:/dev/video0\n", "line 1: 'v4l2:/dev/video0' is not a value");
    says("sink = [\"x\", fake]\n", "line 1: 'fake' is not a value");
    says("name = test\n", "'test' is not a value");
    says("name = nobody\n", "'nobody' is not a value");
    says("name = 1979-05-27\n", "line 1: '1979-05-27' is not a value");
    says("[media]\nfps = 1\n", "line 1: tables ([section]) are not supported");
    says("fps = 1\n  [media]\n", "line 2: tables");
    says("a.b = 1\n", "line 1: dotted keys are not supported");
    says("name = \"open\n", "line 1: unterminated string");
    says("name = 'open\n", "line 1: unterminated string");
    says("name = \"\"\"open\n", "unterminated string");
    says("sink = [1, 2\n", "line 1: unterminated array");
    says("fps = 1\nfps = 2\n", "line 2: 'fps' is set twice");
    says("fps = 1 2\n", "line 1: unexpected text after the value");
    says("= 1\n", "key");
    says("name = {x = 1}\n", "line 1: inline tables are not supported: quote JSON as a string");
    says("sink = [{x = 1}]\n", "inline tables are not supported");
    says("sink = [[1], 2]\n", "line 1: nested arrays are not supported");
    says("name = \"\\q\"\n", "line 1: ");
    says("name = \"\\q\"\n", "escape");
    says("fps = 007\n", "line 1: ");
}

TEST_F(ConfigReader, KeysMeanOptions) {
    EXPECT_NE(error_of("fps = 1\ncolour = 1\n").find("line 2: unknown key 'colour'"),
              std::string::npos);
    EXPECT_NE(error_of("n = 1\n").find("unknown key 'n'"), std::string::npos);
    EXPECT_NE(error_of("name = [\"a\"]\n").find("'name' takes one value, not an array"),
              std::string::npos);
}

TEST_F(ConfigReader, WrittenValuesReadBack) {
    for (std::string v : {"plain",
                          "with \"quotes\" and \\",
                          "a, b # c",
                          "line\nbreak",
                          "30",
                          "2.5",
                          "true",
                          "0x10",
                          "",
                          "-",
                          "1e3",
                          "\x01",
                          "tab\there",
                          ".5",
                          "007",
                          "5.",
                          "-0",
                          "+1",
                          "1e+3",
                          "99999999999999999999",
                          "r\xc3\xa9union"}) {
        file.set_effective("name", {v});
        std::string text = file.to_config(&app, false, false, "");
        std::istringstream in(text);
        std::vector<CLI::ConfigItem> items;
        try {
            items = file.from_config(in);
        } catch (const CLI::ConfigError& e) {
            ADD_FAILURE() << v << ": " << e.what() << "\n" << text;
            continue;
        }
        auto it = std::find_if(items.begin(), items.end(),
                               [](const CLI::ConfigItem& i) { return i.name == "name"; });
        ASSERT_NE(it, items.end()) << text;
        EXPECT_EQ(it->inputs, Inputs{v}) << text;
    }
    auto written = [&](const std::string& v) {
        file.set_effective("name", {v});
        std::string text = file.to_config(&app, false, false, "");
        size_t at = text.find("\nname = ");
        if (at == std::string::npos) return text;
        at += 8;
        return text.substr(at, text.find('\n', at) - at);
    };
    EXPECT_EQ(written("30"), "30");
    EXPECT_EQ(written("2.5"), "2.5");
    EXPECT_EQ(written("true"), "true");
    EXPECT_EQ(written("0x10"), "\"0x10\"");
    EXPECT_EQ(written("inf"), "\"inf\"");
    EXPECT_EQ(written(".5"), "\".5\"");
    EXPECT_EQ(written("a \"b\""), "\"a \\\"b\\\"\"");
}

}  // namespace
