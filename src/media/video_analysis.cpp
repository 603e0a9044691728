#include "media/video_analysis.h"

#include "media/frame_stamp.h"
#include "media/test_pattern.h"
#include "util/gobj.h"
#include "util/log.h"

#include <gst/video/video.h>

namespace rp::media {

namespace {

// About 80 x 60 samples whatever the size: enough to see a moving ball, cheap at 30 fps.
constexpr int kGridColumns = 80;

FrameFacts grid_of(const LumaPlane& p, int top) {
    FrameFacts f;
    int step = p.width / kGridColumns;
    if (step < 1) step = 1;
    f.grid_w = (p.width + step - 1) / step;
    f.grid_h = top < p.height ? (p.height - top + step - 1) / step : 0;
    f.grid.reserve(static_cast<size_t>(f.grid_w) * static_cast<size_t>(f.grid_h));
    for (int y = top; y < p.height; y += step) {
        const std::uint8_t* row = p.data + static_cast<std::ptrdiff_t>(y) * p.stride;
        for (int x = 0; x < p.width; x += step) f.grid.push_back(row[x]);
    }
    return f;
}

// -v: each freeze as it ends, so that it can be set beside what the sender logged then.
void note_freeze(std::int64_t gap_us, const std::string& peer) {
    if (gap_us > 0)
        log::debug("peer %s: video froze for %.0f ms", peer.c_str(),
                   static_cast<double>(gap_us) / 1e3);
}

}  // namespace

void analyze_luma(const LumaPlane& plane, std::int64_t arrival_us, MediaCounters& c,
                  const std::string& peer) {
    auto stamp = read_stamp(plane);
    // The stamp rows change every frame: they are neither picture nor motion.
    int top = stamp ? stamp_height(plane.width, plane.height) : 0;
    FrameFacts f = grid_of(plane, top);
    f.arrival_us = arrival_us;
    if (stamp) {
        f.stamped = true;
        f.frame_number = stamp->frame;
        f.sender_tag = stamp->sender;
        f.expected_tag = sender_tag(peer.data(), peer.size());
        f.psnr_db = test_pattern_psnr(plane, top, stamp->frame, stamp->sender);
    }
    note_freeze(c.video_quality.on_frame(f), peer);
    if (!stamp) return;
    // Glass-to-glass latency: now - then.
    std::uint32_t latency = stamp_clock_ms() - stamp->ms;  // modulo 2^32
    if (latency < 60000) c.latency.add(latency);
}

void analyze_video_frame(GstPad* pad, GstBuffer* buf, MediaCounters& c, const std::string& peer) {
    std::int64_t arrival = g_get_monotonic_time();
    CapsPtr caps(gst_pad_get_current_caps(pad));
    GstVideoInfo info;
    GstVideoFrame frame;
    if (!buf || !caps || !gst_video_info_from_caps(&info, caps.get()) ||
        !GST_VIDEO_FORMAT_INFO_IS_YUV(info.finfo) ||
        !gst_video_frame_map(&frame, &info, buf, GST_MAP_READ)) {
        FrameFacts f;  // a frame we cannot look into still counts for rate and freezes
        f.arrival_us = arrival;
        note_freeze(c.video_quality.on_frame(f), peer);
        return;
    }
    analyze_luma({static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)),
                  GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0), GST_VIDEO_FRAME_WIDTH(&frame),
                  GST_VIDEO_FRAME_HEIGHT(&frame)},
                 arrival, c, peer);
    gst_video_frame_unmap(&frame);
}

}  // namespace rp::media
