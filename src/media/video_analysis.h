// What the receiver measures on each decoded video frame, on the decoder's streaming thread:
// a subsampled luma grid (black and still picture), the --latency-probe stamp (latency, frame
// number, sender) and, for stamped frames, PSNR against the regenerated test pattern. The
// figures are kept by MediaCounters (report/video_quality.h).
#pragma once

#include "media/frame_stamp.h"
#include "report/peer_record.h"

#include <gst/gst.h>

#include <string>

namespace rp::media {

// Streaming thread: one decoded frame of the member `peer` on `pad` (raw video caps).
void analyze_video_frame(GstPad* pad, GstBuffer* buf, MediaCounters& c, const std::string& peer);
// The same on a mapped luma plane that left the decoder at `arrival_us`.
void analyze_luma(const LumaPlane& plane, std::int64_t arrival_us, MediaCounters& c,
                  const std::string& peer);

}  // namespace rp::media
