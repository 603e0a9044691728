// Preset files: parsing, placeholders, and every shipped preset expands cleanly.
#include "media/preset.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using rp::VideoPreset;
using rp::media::expand;
using rp::media::parse_preset;

TEST(Preset, ParsesEveryKey) {
    VideoPreset p;
    std::string err;
    ASSERT_TRUE(
        parse_preset("# doc\ncodec = \"h264\"\nrequires = [\"v4l2h264enc\"]\n"
                     "source = \"v4l2src {device}\"\ntest-source = \"{test}\"\n"
                     "encode = \"h264parse\"\n",
                     p, &err))
        << err;
    EXPECT_EQ(p.codec, "h264");
    EXPECT_EQ(p.required, std::vector<std::string>{"v4l2h264enc"});
    EXPECT_EQ(p.source, "v4l2src {device}");
    EXPECT_EQ(p.encode, "h264parse");
}

TEST(Preset, DefaultsAndErrors) {
    VideoPreset p;
    std::string err;
    ASSERT_TRUE(parse_preset("encode = \"{encoder}\"\n", p, &err)) << err;
    EXPECT_EQ(p.source, "{camera}");
    EXPECT_EQ(p.test_source, "{test}");
    EXPECT_TRUE(p.codec.empty());
    EXPECT_FALSE(parse_preset("codec = \"vp8\"\n", p, &err));
    EXPECT_NE(err.find("encode"), std::string::npos);
    EXPECT_FALSE(parse_preset("codec = \"av1\"\nencode = \"x\"\n", p, &err));
    EXPECT_NE(err.find("line 1"), std::string::npos) << err;
    EXPECT_FALSE(parse_preset("encode = \"x\"\nbitrate = 5\n", p, &err));
    EXPECT_NE(err.find("unknown key 'bitrate'"), std::string::npos) << err;
}

TEST(Preset, TomlSyntaxAndTypes) {
    VideoPreset p;
    std::string err;
    // Multi-line literal strings hold gst-launch fragments with quotes; comments anywhere.
    ASSERT_TRUE(
        parse_preset("encode = '''\nx264enc ! \"video/x-h264,profile=baseline\"\n'''"
                     "  # fragment\nrequires = [\n  \"x264enc\",  # the encoder\n]\n",
                     p, &err))
        << err;
    EXPECT_EQ(p.encode, "x264enc ! \"video/x-h264,profile=baseline\"\n");
    EXPECT_EQ(p.required, std::vector<std::string>{"x264enc"});
    EXPECT_FALSE(parse_preset("encode = \"x\"\ncodec = vp8\n", p, &err));
    EXPECT_EQ(err.rfind("line 2: ", 0), 0u) << err;
    EXPECT_FALSE(parse_preset("encode = \"x\"\nencode = \"y\"\n", p, &err));
    EXPECT_EQ(err.rfind("line 2: ", 0), 0u) << err;
    EXPECT_FALSE(parse_preset("encode = \"x\"\n[more]\ncodec = \"vp8\"\n", p, &err));
    EXPECT_NE(err.find("line 2: unknown key 'more'"), std::string::npos) << err;
    EXPECT_FALSE(parse_preset("encode = [\"x\"]\n", p, &err));
    EXPECT_NE(err.find("line 1: 'encode' takes one string"), std::string::npos) << err;
    EXPECT_FALSE(parse_preset("encode = \"x\"\nrequires = [1]\n", p, &err));
    EXPECT_NE(err.find("line 2: 'requires'"), std::string::npos) << err;
}

TEST(Preset, Expand) {
    std::string out, err;
    ASSERT_TRUE(expand("a {width}x{height} {device}!",
                       {{"width", "640"}, {"height", "480"}, {"device", ""}}, out, &err));
    EXPECT_EQ(out, "a 640x480 !");
    // Braces that are not placeholders (caps, JSON) stay.
    ASSERT_TRUE(expand("x extra-controls=\"c,{a=1}\" {}", {}, out, &err));
    EXPECT_EQ(out, "x extra-controls=\"c,{a=1}\" {}");
    EXPECT_FALSE(expand("{nope}", {}, out, &err));
    EXPECT_NE(err.find("{nope}"), std::string::npos);
}

// The placeholders roompeer fills in (media/local_media.cpp); every shipped preset must use
// only these.
const std::map<std::string, std::string> kVars = {
    {"width", "640"},     {"height", "480"}, {"fps", "30"},         {"bitrate", "800"},
    {"bitrate_bps", "8"}, {"gop", "60"},     {"h264_level", "3.1"}, {"device", ""},
    {"test", "t"},        {"camera", "c"},   {"encoder", "e"},      {"hw_h264_encoder", "h"},
};

TEST(Preset, EveryShippedPresetParsesAndExpands) {
    std::filesystem::path dir = std::filesystem::path(ROOMPEER_SOURCE_ROOT) / "pipelines/presets";
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".preset") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        ASSERT_EQ(text.str().rfind("# " + entry.path().stem().string() + ": ", 0), 0u)
            << entry.path() << " starts with its documentation";
        VideoPreset p;
        std::string err, out;
        ASSERT_TRUE(parse_preset(text.str(), p, &err)) << entry.path() << ": " << err;
        for (const auto* f : {&p.source, &p.test_source, &p.encode})
            EXPECT_TRUE(expand(*f, kVars, out, &err)) << entry.path() << ": " << err;
        ++n;
    }
    EXPECT_GE(n, 5);
}

TEST(Preset, FindByNameAndPath) {
    setenv("ROOMPEER_PIPELINES", (std::string(ROOMPEER_SOURCE_ROOT) + "/pipelines/presets").c_str(),
           1);
    std::string err;
    auto p = rp::media::find_preset("camera-h264", &err);
    ASSERT_TRUE(p) << err;
    EXPECT_EQ(p->name, "camera-h264");
    EXPECT_EQ(p->codec, "h264");
    auto byPath = rp::media::find_preset(p->path, &err);
    ASSERT_TRUE(byPath) << err;
    EXPECT_EQ(byPath->encode, p->encode);
    EXPECT_FALSE(rp::media::find_preset("no-such", &err));
    EXPECT_NE(err.find("available: "), std::string::npos) << err;
    EXPECT_NE(err.find("x264-lowlatency"), std::string::npos) << err;
    unsetenv("ROOMPEER_PIPELINES");
}

}  // namespace
