// The gst-launch text of roompeer's own video encoders and the {placeholders} that preset
// fragments are expanded with (pipelines/presets/README).
#pragma once

#include "media/options.h"

#include <map>
#include <string>

namespace rp::media {

// The level browsers accept for the size and rate we send: 3.1 (42e01f, what our SDP says) up
// to 720p30, 4 above.
std::string h264_level(const Options& cfg);

// The hardware H.264 encoder chain (v4l2h264enc), raw I420 in, byte-stream H.264 out.
std::string hardware_h264_fragment(const Options& cfg);

// roompeer's own encoder for --video-codec, named venc: raw video in, encoded video out.
std::string video_encoder_fragment(const Options& cfg);

// The encoder element video_encoder_fragment() uses, for the up-front check.
std::string video_encoder_element(const Options& cfg);

// {placeholder} values for a chain that captures from `src`; values from the user are quoted.
std::map<std::string, std::string> video_placeholders(const Options& cfg, const SourceSpec& src);

}  // namespace rp::media
