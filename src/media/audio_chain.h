// The audio capture chain: source -> Opus -> tee, from roompeer's own ALSA/test source or
// --audio-pipeline. Raw sources sit behind a SourceGuard (silence while the microphone is
// away).
#pragma once

#include "media/options.h"
#include "media/source_guard.h"
#include "media/video_chain.h"

#include <gst/gst.h>

#include <memory>
#include <optional>
#include <string>

namespace rp::media {

struct AudioChain {
    GstElement* tee = nullptr;           // borrowed: the pipeline owns it
    std::unique_ptr<SourceGuard> guard;  // raw sources only
};

// Builds the chain for `src` into `pipeline`; nullopt and *error on a media error.
std::optional<AudioChain> build_audio_chain(GstBin* pipeline, const Options& cfg,
                                            const SourceSpec& src, const GuardHooks& hooks,
                                            std::string* error);

}  // namespace rp::media
