// The video capture chain: source -> encode -> tee, from a preset, --video-pipeline or
// roompeer's own camera/test source and encoder.
#pragma once

#include "media/options.h"

#include <gst/gst.h>

#include <optional>
#include <string>

namespace rp::media {

// Borrowed pointers: the pipeline owns every element of the chain.
struct VideoChain {
    GstElement* tee = nullptr;
    // Where keyframe requests go: the encoder named venc, or else the encode bin (a camera's
    // own H.264: requests go upstream from the chain's end, and a source that can, obliges).
    GstElement* encoder = nullptr;
    GstElement* test_source = nullptr;  // roompeer's test pattern (vtest), when the chain has it
    bool named_encoder = false;         // `encoder` is venc: raw video in
    GstElement* encode_bin = nullptr;   // the encode fragment's bin
    GstElement* raw_tee = nullptr;      // vraw in it, with roompeer's own {encoder}
};

// Builds the chain for `src` into `pipeline`; nullopt and *error on a media error.
std::optional<VideoChain> build_video_chain(GstBin* pipeline, const Options& cfg,
                                            const SourceSpec& src, std::string* error);

}  // namespace rp::media
