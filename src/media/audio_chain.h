// The audio capture chain: source -> Opus -> tee, from roompeer's own ALSA/test source or
// --audio-pipeline.
#pragma once

#include "media/options.h"

#include <gst/gst.h>

#include <string>

namespace rp::media {

// Builds the chain for `src` into `pipeline` and returns its tee, borrowed (the pipeline owns
// it); nullptr and *error on a media error.
GstElement* build_audio_chain(GstBin* pipeline, const Options& cfg, const SourceSpec& src,
                              std::string* error);

}  // namespace rp::media
