// Raspberry Pi camera modules and models: the libcamerasrc source text for --video
// libcamera[:CAMERA-ID], the check that such a camera exists (exit 4 when not), and which
// preset `--video auto` picks on a known Pi model. model_preset() and libcamera_source() are
// pure (unit-tested); board_model() reads the device tree, whose root ROOMPEER_DEVICE_TREE
// overrides (tests fake a Pi 4 and a Pi 5 with it).
#pragma once

#include <string>

namespace rp::media {

// gst-launch text that captures from a libcamera camera (CSI camera modules) as raw video of
// `caps` (video/x-raw,width=...,height=...,framerate=...): the camera's ISP scales to the
// size, videorate drops to the rate. An empty id takes libcamera's first camera.
std::string libcamera_source(const std::string& camera_id, const std::string& caps);

// The preset for a device-tree model string ("Raspberry Pi 4 Model B Rev 1.4"):
// "rpi4-camera" where there is the V4L2 hardware H.264 encoder (Pi 4, 400, CM4, Pi 3, Zero 2),
// "rpi5-camera" on a Pi 5 (500, CM5: no H.264 encoder), "" for anything else.
std::string model_preset(const std::string& model);

// Where the device tree is read: $ROOMPEER_DEVICE_TREE, else /proc/device-tree.
std::string device_tree_root();
// The board's model (device_tree_root()/model without its trailing NUL), "" when unknown.
std::string board_model();

// "" when libcamera has the camera (`camera_id`, or any when empty); else why not, naming
// the cameras there are. Needs gst_init().
std::string check_libcamera_camera(const std::string& camera_id);

}  // namespace rp::media
