#include "media/codecs.h"

#include <gst/gst.h>

#include <strings.h>
#include <algorithm>
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

const std::vector<ReceiveCodec>& receive_codecs() {
    static const std::vector<ReceiveCodec> table = {
        {"VP8", Kind::Video, 90000, "rtpvp8depay", "", "vp8dec"},
        {"VP9", Kind::Video, 90000, "rtpvp9depay", "", "vp9dec"},
        {"H264", Kind::Video, 90000, "rtph264depay", "h264parse", "avdec_h264"},
        {"OPUS", Kind::Audio, 48000, "rtpopusdepay", "opusparse", "opusdec"},
    };
    return table;
}

const ReceiveCodec* receive_codec(const std::string& encoding_name) {
    for (const auto& c : receive_codecs())
        if (strcasecmp(c.encoding_name.c_str(), encoding_name.c_str()) == 0) return &c;
    return nullptr;
}

std::vector<std::string> receive_elements(const ReceiveCodec& c) {
    std::vector<std::string> names = {c.depayloader};
    if (!c.parser.empty()) names.push_back(c.parser);
    names.push_back(c.decoder);
    return names;
}

Decoders Decoders::probe() {
    Decoders d;
    for (const auto& c : receive_codecs())
        if (auto missing = missing_elements(receive_elements(c)); !missing.empty())
            d.missing_[c.encoding_name] = std::move(missing);
    return d;
}

Decoders Decoders::without(const std::vector<std::string>& missing_elements) {
    Decoders d;
    for (const auto& c : receive_codecs())
        for (const auto& e : receive_elements(c))
            if (std::find(missing_elements.begin(), missing_elements.end(), e) !=
                missing_elements.end())
                d.missing_[c.encoding_name].push_back(e);
    return d;
}

bool Decoders::can_decode(const std::string& encoding_name) const {
    const ReceiveCodec* c = receive_codec(encoding_name);
    return c && !missing_.count(c->encoding_name);
}

std::string Decoders::why_not(const std::string& encoding_name) const {
    const ReceiveCodec* c = receive_codec(encoding_name);
    if (!c) return "cannot decode " + encoding_name + ": roompeer has no decoder for it";
    auto it = missing_.find(c->encoding_name);
    if (it == missing_.end()) return {};
    std::string why = "cannot decode " + c->encoding_name + ": ";
    for (size_t i = 0; i < it->second.size(); ++i)
        why += (i ? ", " : "") + it->second[i] + " missing (Debian package " +
               package_for_element(it->second[i]) + ")";
    return why;
}

std::vector<std::string> Decoders::decodable(Kind k) const {
    std::vector<std::string> out;
    for (const auto& c : receive_codecs())
        if (c.kind == k && can_decode(c.encoding_name)) out.push_back(c.encoding_name);
    return out;
}

std::string Decoders::summary() const {
    std::string out = "receiving";
    for (const auto& c : receive_codecs())
        if (can_decode(c.encoding_name)) out += " " + c.encoding_name;
    for (const auto& c : receive_codecs())
        if (!can_decode(c.encoding_name)) out += "; " + why_not(c.encoding_name);
    return out;
}

const Decoders& decoders() {
    static const Decoders probed = Decoders::probe();
    return probed;
}

std::string feedback_caps_fields(Kind kind, int twcc_ext_id) {
    std::string out = kind == Kind::Video ? ",rtcp-fb-nack=(boolean)true" : "";
    if (twcc_ext_id > 0)
        out += ",rtcp-fb-transport-cc=(boolean)true,extmap-" + std::to_string(twcc_ext_id) +
               "=(string)" + kTwccUri;
    return out;
}

void add_feedback_fields(GstCaps* caps, Kind kind, int twcc_ext_id) {
    std::string ext = "extmap-" + std::to_string(twcc_ext_id);
    for (guint i = 0; i < gst_caps_get_size(caps); ++i) {
        GstStructure* s = gst_caps_get_structure(caps, i);
        if (twcc_ext_id > 0)
            gst_structure_set(s, "rtcp-fb-transport-cc", G_TYPE_BOOLEAN, TRUE, ext.c_str(),
                              G_TYPE_STRING, kTwccUri, nullptr);
        if (kind == Kind::Video)
            gst_structure_set(s, "rtcp-fb-nack", G_TYPE_BOOLEAN, TRUE, nullptr);
    }
}

CapsPtr decodable_caps(Kind kind, const Decoders& d, int twcc_ext_id) {
    CapsPtr caps(gst_caps_new_empty());
    for (const auto& c : receive_codecs()) {
        if (c.kind != kind || !d.can_decode(c.encoding_name)) continue;
        gst_caps_append_structure(
            caps.get(),
            gst_structure_new("application/x-rtp", "media", G_TYPE_STRING, kind_name(kind),
                              "encoding-name", G_TYPE_STRING, c.encoding_name.c_str(), "clock-rate",
                              G_TYPE_INT, c.clock_rate, nullptr));
    }
    add_feedback_fields(caps.get(), kind, twcc_ext_id);
    return caps;
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
        {"libcamerasrc", "gstreamer1.0-libcamera"},
        {"openh264enc", "gstreamer1.0-plugins-bad"},
        {"v4l2h264enc",
         "gstreamer1.0-plugins-good, and it needs a V4L2 hardware H.264 encoder (Raspberry Pi 4 "
         "and older; on a Pi 5 use --preset rpi5-camera, on a PC x264-lowlatency)"},
        {"jpegdec", "gstreamer1.0-plugins-good"},
        {"jpegenc", "gstreamer1.0-plugins-good"},
        {"alsasrc", "gstreamer1.0-alsa"},
        {"ximagesink", "gstreamer1.0-x"},
        {"autovideosink", "gstreamer1.0-plugins-good"},
        {"autoaudiosink", "gstreamer1.0-plugins-good"},
        // issue 13 (audio): the mixed output and echo cancellation
        {"webrtcdsp", "gstreamer1.0-plugins-bad"},
        {"webrtcechoprobe", "gstreamer1.0-plugins-bad"},
        {"interaudiosink", "gstreamer1.0-plugins-bad"},
        {"alsasink", "gstreamer1.0-alsa"},
        {"pulsesink", "gstreamer1.0-plugins-good"},
        {"wavenc", "gstreamer1.0-plugins-good"},
    };
    auto it = packages.find(element);
    if (it != packages.end()) return it->second;
    if (element.rfind("rtp", 0) == 0) return "gstreamer1.0-plugins-good";
    return "gstreamer1.0-plugins-base";
}

std::vector<std::string> missing_elements(const std::vector<std::string>& names) {
    std::vector<std::string> missing;
    for (const auto& n : names)
        if (!GstPtr<GstElementFactory>(gst_element_factory_find(n.c_str()))) missing.push_back(n);
    return missing;
}

std::string describe_missing(const std::vector<std::string>& missing) {
    std::string out;
    for (const auto& m : missing) {
        std::string role;
        for (const auto& c : receive_codecs()) {
            auto names = receive_elements(c);
            if (std::find(names.begin(), names.end(), m) != names.end())
                role = " (we need it to receive " + c.encoding_name + ")";
        }
        out += "GStreamer element '" + m + "' is missing" + role + ": install the Debian package " +
               package_for_element(m) + " (scripts/setup installs everything)\n";
    }
    return out;
}

}  // namespace media
}  // namespace rp
