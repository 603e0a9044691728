// --latency-probe's picture: below the stamp, a textured grey picture that moves every frame,
// a function of (frame number, sender tag) alone, so that the receiver regenerates what was
// sent from the stamp and scores the decoded frame against it (PSNR). Two layers, coarse
// shapes sliding sideways and fine grain sliding down, so that no single motion vector
// predicts it: a low bitrate visibly blurs it. Luma only; cheap enough for 640x480 at 30 fps.
#pragma once

#include "media/frame_stamp.h"

#include <cstdint>
#include <string>

namespace rp::media {

// Paints rows [top, height) of the plane.
void paint_test_pattern(LumaPlane plane, int top, std::uint16_t frame, std::uint16_t tag);
// PSNR (dB, luma, peak 255) of rows [top, height) against the pattern, every `row_step`-th
// row; 100 for a perfect match, 0 when there are no rows.
double test_pattern_psnr(const LumaPlane& plane, int top, std::uint16_t frame, std::uint16_t tag,
                         int row_step = 2);

// grid: the background colour (0xRRGGBB) of a sender's test picture, one of 8 well-apart
// colours picked by `key` (its name, or its id), so that members tell apart on a video wall.
std::uint32_t pattern_colour(const std::string& key);

}  // namespace rp::media
