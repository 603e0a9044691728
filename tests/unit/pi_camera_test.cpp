// Raspberry Pi camera modules and models (issue 13): which preset a model gets, the
// libcamerasrc source text, the device-tree root override, and what --video auto prefers.
#include "media/pi_camera.h"
#include "media/devices.h"
#include "media/encoder_fragments.h"
#include "media/pipeline_parts.h"
#include "media/preset.h"

#include <glib.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

using rp::media::DeviceInfo;
using rp::media::model_preset;

TEST(PiCamera, ModelPicksPreset) {
    EXPECT_EQ(model_preset("Raspberry Pi 4 Model B Rev 1.4"), "rpi4-camera");
    EXPECT_EQ(model_preset("Raspberry Pi 400 Rev 1.0"), "rpi4-camera");
    EXPECT_EQ(model_preset("Raspberry Pi Compute Module 4 Rev 1.0"), "rpi4-camera");
    EXPECT_EQ(model_preset("Raspberry Pi 3 Model B Plus Rev 1.3"), "rpi4-camera");
    EXPECT_EQ(model_preset("Raspberry Pi Zero 2 W Rev 1.0"), "rpi4-camera");
    EXPECT_EQ(model_preset("Raspberry Pi 5 Model B Rev 1.0"), "rpi5-camera");
    EXPECT_EQ(model_preset("Raspberry Pi 500 Rev 1.0"), "rpi5-camera");
    EXPECT_EQ(model_preset("Raspberry Pi Compute Module 5 Rev 1.0"), "rpi5-camera");
    // Models without the encoder we rely on, and other boards: no pick.
    EXPECT_EQ(model_preset("Raspberry Pi Model B Rev 2"), "");
    EXPECT_EQ(model_preset("Raspberry Pi Zero W Rev 1.1"), "");
    EXPECT_EQ(model_preset("Pine64 RockPro64 v2.1"), "");
    EXPECT_EQ(model_preset(""), "");
}

TEST(PiCamera, EveryPickedPresetShips) {
    for (const char* name : {"rpi4-camera", "rpi5-camera"}) {
        std::string why;
        auto p = rp::media::find_preset(name, &why);
        ASSERT_TRUE(p) << why;
        EXPECT_EQ(p->codec, "h264") << name;
        EXPECT_EQ(p->source, "{camera}") << name;
    }
}

TEST(PiCamera, LibcameraSourceText) {
    std::string caps = "video/x-raw,width=640,height=480,framerate=30/1";
    EXPECT_EQ(rp::media::libcamera_source("", caps),
              "libcamerasrc ! video/x-raw,width=640,height=480 ! videoconvert ! videoscale ! "
              "videorate drop-only=true ! " +
                  caps);
    std::string id = "/base/soc/i2c0mux/i2c@1/imx219@10";
    EXPECT_EQ(rp::media::libcamera_source(id, caps).rfind(
                  "libcamerasrc camera-name=\"/base/soc/i2c0mux/i2c@1/imx219@10\" ! ", 0),
              0u);
}

// The text is one GStreamer takes: it parses into a bin with libcamerasrc in it (no camera is
// needed to parse, only gstreamer1.0-libcamera, which scripts/setup installs).
TEST(PiCamera, LibcameraSourceParses) {
    gst_init(nullptr, nullptr);
    std::string why;
    auto bin = rp::media::make_bin(
        rp::media::libcamera_source("/base/soc/i2c0mux/i2c@1/imx219@10",
                                    "video/x-raw,width=640,height=480,framerate=30/1") +
            " ! identity",
        &why);
    ASSERT_TRUE(bin) << why << " (is gstreamer1.0-libcamera installed?)";
    bool found = false;
    GstIterator* it = gst_bin_iterate_recurse(GST_BIN(bin.get()));
    GValue item = G_VALUE_INIT;
    while (gst_iterator_next(it, &item) == GST_ITERATOR_OK) {
        auto* e = GST_ELEMENT(g_value_get_object(&item));
        GstElementFactory* f = gst_element_get_factory(e);
        if (f && std::string(GST_OBJECT_NAME(f)) == "libcamerasrc") {
            gchar* name = nullptr;
            g_object_get(e, "camera-name", &name, nullptr);
            EXPECT_STREQ(name, "/base/soc/i2c0mux/i2c@1/imx219@10");
            g_free(name);
            found = true;
        }
        g_value_reset(&item);
    }
    g_value_unset(&item);
    gst_iterator_free(it);
    EXPECT_TRUE(found);
}

TEST(PiCamera, CameraPlaceholderFollowsTheSourceKind) {
    rp::media::Options cfg;
    cfg.width = 320;
    cfg.height = 240;
    cfg.fps = 15;
    auto lib = rp::media::video_placeholders(cfg, {"libcamera", "imx708"});
    EXPECT_EQ(lib["camera"].rfind("libcamerasrc camera-name=\"imx708\" ! "
                                  "video/x-raw,width=320,height=240 ! ",
                                  0),
              0u)
        << lib["camera"];
    EXPECT_EQ(lib["device"], "camera-name=\"imx708\"");
    auto usb = rp::media::video_placeholders(cfg, {"v4l2", "/dev/video2"});
    EXPECT_EQ(usb["camera"].rfind("v4l2src device=\"/dev/video2\" ! ", 0), 0u) << usb["camera"];
}

TEST(PiCamera, DeviceTreeRootIsOverridable) {
    auto dir = std::filesystem::temp_directory_path() / "roompeer-dt-test";
    std::filesystem::create_directories(dir);
    {
        std::ofstream model(dir / "model", std::ios::binary);
        model << "Raspberry Pi 5 Model B Rev 1.0" << '\0';
    }
    g_setenv("ROOMPEER_DEVICE_TREE", dir.c_str(), TRUE);
    EXPECT_EQ(rp::media::device_tree_root(), dir.string());
    EXPECT_EQ(rp::media::board_model(), "Raspberry Pi 5 Model B Rev 1.0");
    std::filesystem::remove(dir / "model");
    EXPECT_EQ(rp::media::board_model(), "");
    g_unsetenv("ROOMPEER_DEVICE_TREE");
    EXPECT_EQ(rp::media::device_tree_root(), "/proc/device-tree");
    std::filesystem::remove_all(dir);
}

DeviceInfo v4l2(const char* path, const char* driver, const char* bus) {
    return {path, path, {}, "v4l2", driver, bus};
}

TEST(PiCamera, AutoPrefersCameraModuleThenUsb) {
    DeviceInfo module{"/base/axi/pcie@120000/rp1/i2c@88000/imx708@1a",
                      "/base/axi/pcie@120000/rp1/i2c@88000/imx708@1a",
                      {},
                      "libcamera",
                      "",
                      ""};
    DeviceInfo unicam = v4l2("/dev/video0", "unicam", "platform:fe801000.csi");
    DeviceInfo usb = v4l2("/dev/video8", "uvcvideo", "usb-0000:01:00.0-1.2");
    DeviceInfo other = v4l2("/dev/video4", "vivid", "platform:vivid-000");
    auto pick = [](std::vector<DeviceInfo> d) { return rp::media::auto_video_source(d); };
    auto a = pick({unicam, usb, module});
    ASSERT_TRUE(a);
    EXPECT_EQ(a->kind, "libcamera");
    EXPECT_EQ(a->device, module.device);
    auto b = pick({unicam, other, usb});
    ASSERT_TRUE(b);
    EXPECT_EQ(b->kind, "v4l2");
    EXPECT_EQ(b->device, "/dev/video8");
    auto c = pick({unicam, other});
    ASSERT_TRUE(c);
    EXPECT_EQ(c->device, "/dev/video4");
    // The Pi's own camera receiver alone is no camera for v4l2src.
    EXPECT_FALSE(pick({unicam}));
    EXPECT_FALSE(pick({}));
}

TEST(PiCamera, ListingNamesLibcameraCameras) {
    rp::media::DeviceList list;
    list.video.push_back({"/base/soc/i2c0mux/i2c@1/imx219@10",
                          "/base/soc/i2c0mux/i2c@1/imx219@10",
                          {},
                          "libcamera",
                          "",
                          ""});
    std::string text = rp::media::devices_text(list);
    EXPECT_NE(text.find("libcamera:/base/soc/i2c0mux/i2c@1/imx219@10"), std::string::npos) << text;
    EXPECT_NE(rp::media::devices_json(list).find("\"api\": \"libcamera\""), std::string::npos);
}

}  // namespace
