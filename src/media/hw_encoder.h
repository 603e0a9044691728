// Is there a hardware H.264 encoder (V4L2 memory-to-memory, as on a Raspberry Pi 4)?
#pragma once

#include <string>

namespace rp::media {

// The /dev/video* node of a V4L2 M2M device that encodes H.264, when the v4l2h264enc element
// exists too; "" otherwise. Probed once per process.
const std::string& hardware_h264_encoder();

}  // namespace rp::media
