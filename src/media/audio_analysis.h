// The receiving side of the test tone: each decoded audio buffer of a call goes to its
// AudioQuality (report/audio_quality.h) with what the analysis needs from GStreamer and the
// call: mono samples, arrival time, timestamp, the frequency the sender's id gives and the
// video latency of the same call right now.
#pragma once

#include "report/peer_record.h"

#include <gst/gst.h>

#include <string>

namespace rp::media {

// Streaming thread, from the probe after the audio decoder. `peer` is the sender's id.
void analyse_audio(GstPad* pad, GstBuffer* buf, MediaCounters& c, const std::string& peer);

}  // namespace rp::media
