// The one enumerator of capture devices: --list-devices (cameras and audio capture devices
// with what they offer) and --video auto / --audio auto. describe_caps(), auto_source() and
// the formatters are pure (unit-tested with hand-made data); capture_devices() asks GStreamer.
#pragma once

#include "media/options.h"

#include <gst/gst.h>

#include <optional>
#include <string>
#include <vector>

namespace rp::media {

struct DeviceFormat {
    std::string media;          // caps name: video/x-raw, image/jpeg, video/x-h264, audio/x-raw
    std::string format;         // YUY2, NV12, S16LE... ("" when the caps do not say)
    std::string width, height;  // "640", or "16-1920" for a range; "" when unsaid
    std::vector<std::string> rates;  // video: "30/1" or "1/1-30/1"; audio: "48000"
    std::string channels;            // audio only
};

struct DeviceInfo {
    std::string name;    // display name
    std::string device;  // what --video v4l2:DEVICE|libcamera:ID / --audio alsa:DEVICE takes
    std::vector<DeviceFormat> formats;
    std::string api;     // "v4l2", "libcamera", "alsa", ... ("" when the provider does not say)
    std::string driver;  // V4L2 driver ("uvcvideo", "unicam"), when known
    std::string bus;     // V4L2 bus ("usb-0000:01:00.0-1.1", "platform:..."), when known
};

struct DeviceList {
    std::vector<DeviceInfo> video;
    std::vector<DeviceInfo> audio;
    std::string hardware_h264_encoder;  // "" when there is none
};

std::vector<DeviceFormat> describe_caps(const GstCaps* caps);
std::string devices_text(const DeviceList& list);
std::string devices_json(const DeviceList& list);

// The devices of one class ("Video/Source", "Audio/Source") as a GstDeviceMonitor lists them.
// Needs gst_init().
std::vector<DeviceInfo> capture_devices(const char* klass);

// What `--video auto` / `--audio auto` capture from: kind ("v4l2", "alsa") with the first
// device's id (as --list-devices shows it; "" when it has none: the element's default);
// nullopt when there is no device.
std::optional<SourceSpec> auto_source(const char* kind, const std::vector<DeviceInfo>& devices);

// What `--video auto` captures from: a libcamera camera (a Pi camera module) first, then a
// USB camera, then any other V4L2 camera except a Pi's own camera receiver, ISP and codec
// nodes (unicam, rp1-cfe, bcm2835-*, pispbe: ordinary V4L2 capture cannot use them).
std::optional<SourceSpec> auto_video_source(const std::vector<DeviceInfo>& devices);

// Both classes and the hardware encoder. Needs gst_init().
DeviceList list_devices();

}  // namespace rp::media
