// --list-devices: caps described from hand-made caps, and the text and JSON listings.
#include "media/devices.h"
#include "util/gobj.h"
#include "util/json.h"

#include <gst/gst.h>
#include <gtest/gtest.h>

namespace {

using rp::media::DeviceFormat;

std::vector<DeviceFormat> describe(const char* caps_text) {
    gst_init(nullptr, nullptr);
    rp::CapsPtr caps(gst_caps_from_string(caps_text));
    EXPECT_NE(caps, nullptr) << caps_text;
    return rp::media::describe_caps(caps.get());
}

TEST(Devices, CameraModes) {
    auto f = describe(
        "video/x-raw, format=YUY2, width=640, height=480, framerate={ (fraction)30/1, "
        "(fraction)15/1 }; image/jpeg, width=1280, height=720, framerate=30/1");
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].media, "video/x-raw");
    EXPECT_EQ(f[0].format, "YUY2");
    EXPECT_EQ(f[0].width, "640");
    EXPECT_EQ(f[0].height, "480");
    EXPECT_EQ(f[0].rates, (std::vector<std::string>{"30/1", "15/1"}));
    EXPECT_EQ(f[1].media, "image/jpeg");
    EXPECT_EQ(f[1].format, "");
    EXPECT_EQ(f[1].width, "1280");
}

TEST(Devices, RangesAndFormatLists) {
    auto f = describe(
        "video/x-raw, format={ NV12, I420 }, width=[ 16, 1920 ], height=[ 16, 1080 ], "
        "framerate=[ 1/1, 60/1 ]");
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].format, "NV12");
    EXPECT_EQ(f[1].format, "I420");
    EXPECT_EQ(f[0].width, "16-1920");
    EXPECT_EQ(f[0].rates, std::vector<std::string>{"1/1-60/1"});
}

TEST(Devices, AudioModes) {
    auto f = describe(
        "audio/x-raw, format=S16LE, rate={ 44100, 48000 }, channels=2, layout=interleaved");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].rates, (std::vector<std::string>{"44100", "48000"}));
    EXPECT_EQ(f[0].channels, "2");
}

TEST(Devices, EmptyAndAnyCaps) {
    EXPECT_TRUE(describe("ANY").empty());
    EXPECT_TRUE(rp::media::describe_caps(nullptr).empty());
}

TEST(Devices, ListingsSayWhenThereIsNothing) {
    rp::media::DeviceList none;
    std::string text = rp::media::devices_text(none);
    EXPECT_NE(text.find("no cameras found"), std::string::npos) << text;
    EXPECT_NE(text.find("no audio capture devices found"), std::string::npos) << text;
    std::string err;
    rp::JsonPtr js = rp::json::parse(rp::media::devices_json(none), &err);
    ASSERT_TRUE(js) << err;
    JsonObject* o = rp::json::as_object(js.get());
    EXPECT_EQ(json_array_get_length(json_object_get_array_member(o, "video")), 0u);
    EXPECT_EQ(json_array_get_length(json_object_get_array_member(o, "audio")), 0u);
    EXPECT_TRUE(json_object_get_null_member(o, "hardware_h264_encoder"));
}

TEST(Devices, ListingsShowEveryMode) {
    rp::media::DeviceList list;
    list.video.push_back({"USB \"Cam\"", "/dev/video0",
                          describe("image/jpeg, width=1280, height=720, framerate=30/1"), "v4l2",
                          "", ""});
    list.audio.push_back({"Mic", "hw:1,0",
                          describe("audio/x-raw, format=S16LE, rate=48000, channels=1"), "alsa", "",
                          ""});
    list.hardware_h264_encoder = "/dev/video11";
    std::string text = rp::media::devices_text(list);
    EXPECT_NE(text.find("/dev/video0  \"USB \"Cam\"\""), std::string::npos) << text;
    EXPECT_NE(text.find("image/jpeg 1280x720 @ 30/1 fps"), std::string::npos) << text;
    EXPECT_NE(text.find("audio/x-raw S16LE 48000 Hz, 1 channels"), std::string::npos) << text;
    std::string err;
    rp::JsonPtr js = rp::json::parse(rp::media::devices_json(list), &err);
    ASSERT_TRUE(js) << err << rp::media::devices_json(list);
    JsonObject* o = rp::json::as_object(js.get());
    JsonObject* cam = json_array_get_object_element(json_object_get_array_member(o, "video"), 0);
    EXPECT_STREQ(json_object_get_string_member(cam, "name"), "USB \"Cam\"");
    JsonObject* mode =
        json_array_get_object_element(json_object_get_array_member(cam, "formats"), 0);
    EXPECT_STREQ(json_object_get_string_member(mode, "width"), "1280");
    EXPECT_STREQ(json_object_get_string_member(o, "hardware_h264_encoder"), "/dev/video11");
}

TEST(Devices, JsonLayoutADeviceALine) {
    rp::media::DeviceList list;
    list.video.push_back({"Cam", "/dev/video0",
                          describe("image/jpeg, width=1280, height=720, framerate=30/1"), "", "",
                          ""});
    list.video.push_back({"Other", "", {}, "", "", ""});
    EXPECT_EQ(rp::media::devices_json(list),
              "{\n"
              "  \"video\": [\n"
              "    {\"name\": \"Cam\", \"device\": \"/dev/video0\", \"api\": \"\", "
              "\"formats\": [{\"media\": "
              "\"image/jpeg\", \"format\": \"\", \"width\": \"1280\", \"height\": \"720\", "
              "\"rates\": [\"30/1\"], \"channels\": \"\"}]},\n"
              "    {\"name\": \"Other\", \"device\": \"\", \"api\": \"\", \"formats\": []}\n"
              "  ],\n"
              "  \"audio\": [],\n"
              "  \"hardware_h264_encoder\": null\n"
              "}\n");
}

// --video auto / --audio auto take the first device as --list-devices shows it: its id, not
// its display name (which the elements would not open).
TEST(Devices, AutoSourceIsTheFirstDeviceId) {
    using rp::media::DeviceInfo;
    EXPECT_FALSE(rp::media::auto_source("alsa", {}).has_value());
    std::vector<DeviceInfo> audio = {{"USB Audio Device", "hw:1,0", {}, "alsa", "", ""},
                                     {"HDA Intel PCH", "hw:0,0", {}, "alsa", "", ""}};
    auto a = rp::media::auto_source("alsa", audio);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, "alsa");
    EXPECT_EQ(a->device, "hw:1,0");
    auto v = rp::media::auto_source("v4l2", {{"Cam With No Path", "", {}, "", "", ""}});
    ASSERT_TRUE(v);
    EXPECT_EQ(v->kind, "v4l2");
    EXPECT_EQ(v->device, "");
}

}  // namespace
