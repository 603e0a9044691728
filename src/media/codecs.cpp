#include "media/codecs.h"

#include <gst/gst.h>

#include <strings.h>
#include <map>

namespace rp {

const char* codec_name(VideoCodec c) {
    switch (c) {
        case VideoCodec::VP8:
            return "vp8";
        case VideoCodec::VP9:
            return "vp9";
        case VideoCodec::H264:
            return "h264";
    }
    return "?";
}

namespace media {

const char* kind_name(Kind k) {
    return k == Kind::Audio ? "audio" : "video";
}

SendCodec video_send_codec(VideoCodec c) {
    switch (c) {
        case VideoCodec::VP9:
            return {Kind::Video, "VP9", 90000, 98, "rtpvp9pay", ""};
        case VideoCodec::H264:
            return {Kind::Video,
                    "H264",
                    90000,
                    102,
                    "rtph264pay",
                    "packetization-mode=(string)1,profile-level-id=(string)42e01f,level-asymmetry-"
                    "allowed=(string)1"};
        case VideoCodec::VP8:
            break;
    }
    return {Kind::Video, "VP8", 90000, 96, "rtpvp8pay", ""};
}

SendCodec audio_send_codec() {
    return {Kind::Audio, "OPUS", 48000, 111, "rtpopuspay", ""};
}

const ReceiveCodec* receive_codec(const std::string& encoding_name) {
    static const ReceiveCodec table[] = {
        {"VP8", Kind::Video, "rtpvp8depay", "", "vp8dec"},
        {"VP9", Kind::Video, "rtpvp9depay", "", "vp9dec"},
        {"H264", Kind::Video, "rtph264depay", "h264parse", "avdec_h264"},
        {"OPUS", Kind::Audio, "rtpopusdepay", "opusparse", "opusdec"},
    };
    for (const auto& c : table)
        if (strcasecmp(c.encoding_name.c_str(), encoding_name.c_str()) == 0) return &c;
    return nullptr;
}

std::string package_for_element(const std::string& element) {
    static const std::map<std::string, std::string> packages = {
        {"webrtcbin", "gstreamer1.0-plugins-bad"},
        {"nicesrc", "gstreamer1.0-nice"},
        {"nicesink", "gstreamer1.0-nice"},
        {"dtlsenc", "gstreamer1.0-plugins-bad"},
        {"vp8enc", "gstreamer1.0-plugins-good"},
        {"vp8dec", "gstreamer1.0-plugins-good"},
        {"vp9enc", "gstreamer1.0-plugins-good"},
        {"vp9dec", "gstreamer1.0-plugins-good"},
        {"x264enc", "gstreamer1.0-plugins-ugly"},
        {"avdec_h264", "gstreamer1.0-libav"},
        {"opusenc", "gstreamer1.0-plugins-base"},
        {"opusdec", "gstreamer1.0-plugins-base"},
        {"opusparse", "gstreamer1.0-plugins-bad"},
        {"h264parse", "gstreamer1.0-plugins-bad"},
        {"matroskamux", "gstreamer1.0-plugins-good"},
        {"v4l2src", "gstreamer1.0-plugins-good"},
        {"v4l2h264enc",
         "gstreamer1.0-plugins-good, and it needs a V4L2 hardware H.264 encoder (Raspberry Pi 4 "
         "and older; on a Pi 5 or a PC use --preset x264-lowlatency)"},
        {"jpegdec", "gstreamer1.0-plugins-good"},
        {"jpegenc", "gstreamer1.0-plugins-good"},
        {"alsasrc", "gstreamer1.0-alsa"},
        {"ximagesink", "gstreamer1.0-x"},
        {"autovideosink", "gstreamer1.0-plugins-good"},
        {"autoaudiosink", "gstreamer1.0-plugins-good"},
    };
    auto it = packages.find(element);
    if (it != packages.end()) return it->second;
    if (element.rfind("rtp", 0) == 0) return "gstreamer1.0-plugins-good";
    return "gstreamer1.0-plugins-base";
}

std::vector<std::string> missing_elements(const std::vector<std::string>& names) {
    std::vector<std::string> missing;
    for (const auto& n : names) {
        GstElementFactory* f = gst_element_factory_find(n.c_str());
        if (!f)
            missing.push_back(n);
        else
            gst_object_unref(f);
    }
    return missing;
}

std::string describe_missing(const std::vector<std::string>& missing) {
    std::string out;
    for (const auto& m : missing)
        out += "GStreamer element '" + m + "' is missing: install the Debian package " +
               package_for_element(m) + " (scripts/setup installs everything)\n";
    return out;
}

}  // namespace media
}  // namespace rp
