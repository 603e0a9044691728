// What the receiver measures on each decoded video frame, on the decoder's streaming thread:
// a subsampled luma grid (black and still picture), the --latency-probe stamp (latency, frame
// number, sender) and, for stamped frames, PSNR against the regenerated test pattern. The
// figures are kept by MediaCounters (report/video_quality.h).
#pragma once

#include "report/peer_record.h"

#include <gst/gst.h>

#include <string>

namespace rp::media {

// Streaming thread: one decoded frame of the member `peer` on `pad` (raw video caps).
void analyze_video_frame(GstPad* pad, GstBuffer* buf, MediaCounters& c, const std::string& peer);

}  // namespace rp::media
