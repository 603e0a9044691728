#include "media/pi_camera.h"

#include "media/devices.h"
#include "media/pipeline_parts.h"

#include <glib.h>

#include <fstream>
#include <sstream>

namespace rp::media {

namespace {

bool has(const std::string& text, const char* what) {
    return text.find(what) != std::string::npos;
}

}  // namespace

std::string libcamera_source(const std::string& camera_id, const std::string& caps) {
    std::string name = pipeline_property("camera-name", camera_id);
    // Size only on libcamerasrc's caps: the ISP scales for free; the rate is what the sensor
    // mode gives (libcamerasrc 0.0.3 has no frame rate control), so videorate drops to it.
    std::string size = caps.substr(0, caps.find(",framerate"));
    return "libcamerasrc" + (name.empty() ? "" : " " + name) + " ! " + size +
           " ! videoconvert ! videoscale ! videorate drop-only=true ! " + caps;
}

std::string model_preset(const std::string& model) {
    if (!has(model, "Raspberry Pi")) return {};
    for (const char* five : {"Raspberry Pi 5", "Raspberry Pi 500", "Raspberry Pi Compute Module 5"})
        if (has(model, five)) return "rpi5-camera";
    for (const char* four :
         {"Raspberry Pi 4", "Raspberry Pi 400", "Raspberry Pi Compute Module 4", "Raspberry Pi 3",
          "Raspberry Pi Compute Module 3", "Raspberry Pi Zero 2"})
        if (has(model, four)) return "rpi4-camera";
    return {};
}

std::string device_tree_root() {
    const char* env = g_getenv("ROOMPEER_DEVICE_TREE");
    return env && *env ? env : "/proc/device-tree";
}

std::string board_model() {
    std::ifstream in(device_tree_root() + "/model", std::ios::binary);
    if (!in) return {};
    std::stringstream text;
    text << in.rdbuf();
    std::string model = text.str();
    while (!model.empty() && (model.back() == '\0' || model.back() == '\n')) model.pop_back();
    return model;
}

std::string check_libcamera_camera(const std::string& camera_id) {
    std::string names;
    for (const auto& d : capture_devices("Video/Source")) {
        if (d.api != "libcamera") continue;
        if (camera_id.empty() || d.device == camera_id) return {};
        names += (names.empty() ? "" : ", ") + d.device;
    }
    if (!names.empty())
        return "--video libcamera:" + camera_id + ": no such camera (libcamera has " + names +
               "; see --list-devices)";
    return "--video libcamera: libcamera finds no camera (is a camera module connected, and "
           "enabled in /boot/firmware/config.txt? A USB camera is --video v4l2:/dev/videoN; "
           "see --list-devices)";
}

}  // namespace rp::media
