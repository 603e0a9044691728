// What each codec needs on the send and receive side, and where missing elements come from.
#pragma once

#include "media/options.h"

#include <string>
#include <vector>

namespace rp::media {

enum class Kind { Audio, Video };
const char* kind_name(Kind k);

struct SendCodec {
    Kind kind;
    std::string encoding_name;  // as in SDP rtpmap: VP8, VP9, H264, OPUS
    int clock_rate;
    int default_pt;
    std::string payloader;
    std::string extra_fmtp;  // caps fields added to the RTP caps (H.264 profile)
};

SendCodec video_send_codec(VideoCodec c);
SendCodec audio_send_codec();

struct ReceiveCodec {
    std::string encoding_name;
    Kind kind;
    std::string depayloader;
    std::string parser;  // before the muxer / decoder; empty when none is needed
    std::string decoder;
};

// nullptr when we cannot depayload/decode this encoding.
const ReceiveCodec* receive_codec(const std::string& encoding_name);

// The Debian package that ships a GStreamer element, for error messages.
std::string package_for_element(const std::string& element);
// Returns the names of the elements in `names` that this machine lacks.
std::vector<std::string> missing_elements(const std::vector<std::string>& names);
// "element X is missing: install the Debian package Y" lines.
std::string describe_missing(const std::vector<std::string>& missing);

}  // namespace rp::media
