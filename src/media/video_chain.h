// The video capture chain: source -> encode -> tee, from a preset, --video-pipeline or
// roompeer's own camera/test source and encoder.
#pragma once

#include "media/options.h"
#include "media/source_guard.h"

#include <gst/gst.h>

#include <functional>
#include <memory>
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
    // Raw video sources only: the source that may go away and come back.
    std::unique_ptr<SourceGuard> guard;
};

// What the capture owner does with each new live source bin and on a recovery (main loop).
struct GuardHooks {
    std::function<void(GstElement* live_bin)> on_open;
    std::function<void()> on_recovered;
};

// The stand-in while the camera is away: black, "camera unavailable", at `caps` (raw video),
// as gst-launch text.
std::string camera_card(const std::string& caps);

// The raw caps a guarded live source and its card share (see video_chain.cpp).
std::string live_caps(GstElement* source, const Options& cfg);

// `element`'s src pad can produce caps_text.
bool produces(GstElement* element, const char* caps_text);
// The ROOMPEER_TEST_FLAKY_SOURCE fault for kind `k`, when the environment asks for one.
std::optional<FlakySpec> flaky_for(Kind k);

// Builds the chain for `src` into `pipeline`; nullopt and *error on a media error.
std::optional<VideoChain> build_video_chain(GstBin* pipeline, const Options& cfg,
                                            const SourceSpec& src, const GuardHooks& hooks,
                                            std::string* error);

}  // namespace rp::media
