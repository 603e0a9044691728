// --list-devices: cameras and audio capture devices with what they offer. describe_caps() and
// the formatters are pure (unit-tested with hand-made caps); list_devices() asks GStreamer.
#pragma once

#include <gst/gst.h>

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
    std::string device;  // what --video v4l2:DEVICE / --audio alsa:DEVICE takes, if known
    std::vector<DeviceFormat> formats;
};

struct DeviceList {
    std::vector<DeviceInfo> video;
    std::vector<DeviceInfo> audio;
    std::string hardware_h264_encoder;  // "" when there is none
};

std::vector<DeviceFormat> describe_caps(const GstCaps* caps);
std::string devices_text(const DeviceList& list);
std::string devices_json(const DeviceList& list);

// Probes with a GstDeviceMonitor (Video/Source, Audio/Source). Needs gst_init().
DeviceList list_devices();

}  // namespace rp::media
