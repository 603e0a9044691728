// The shared encoder's keyframes against its other frames, on the --latency-probe picture (a
// texture that moves every frame, as the bench and the adaptation tests send it). Every
// keyframe crosses the member's link at once (GStreamer 1.22 has no pacer): on a 1 Mbit/s link
// a 20 kB keyframe held the picture 170 ms behind the one before it, a freeze by the W3C rule,
// every 2 s. libvpx gave its keyframes 7 to 10 times an average frame; max-intra-bitrate keeps
// them within a few frames' budget, so that one crosses a link the estimate fits in a few
// frame times.
#include "media/encoder_fragments.h"
#include "media/frame_stamp.h"
#include "media/options.h"
#include "media/test_pattern.h"
#include "util/gobj.h"

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <cstring>
#include <numeric>
#include <string>
#include <vector>

namespace {

using rp::media::LumaPlane;

struct Frame {
    std::size_t bytes;
    bool key;
};

// Paints the test pattern into each frame (luma; grey chroma), as --latency-probe does.
GstPadProbeReturn paint(GstPad* pad, GstPadProbeInfo* info, gpointer counter) {
    rp::CapsPtr caps(gst_pad_get_current_caps(pad));
    GstVideoInfo vinfo;
    if (!caps || !gst_video_info_from_caps(&vinfo, caps.get())) return GST_PAD_PROBE_OK;
    GstBuffer* buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buf;
    GstVideoFrame frame;
    if (!gst_video_frame_map(&frame, &vinfo, buf, GST_MAP_WRITE)) return GST_PAD_PROBE_OK;
    auto* n = static_cast<int*>(counter);
    LumaPlane luma{static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)),
                   GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0), GST_VIDEO_FRAME_WIDTH(&frame),
                   GST_VIDEO_FRAME_HEIGHT(&frame)};
    rp::media::paint_test_pattern(luma, 0, static_cast<std::uint16_t>((*n)++), 7);
    for (guint c = 1; c < 3; ++c)
        for (int y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT(&frame, c); ++y)
            std::memset(
                static_cast<std::uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, c)) +
                    static_cast<std::ptrdiff_t>(y) * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, c),
                128, static_cast<size_t>(GST_VIDEO_FRAME_COMP_WIDTH(&frame, c)));
    gst_video_frame_unmap(&frame);
    return GST_PAD_PROBE_OK;
}

// Encodes `count` frames of the test pattern at WIDTHxHEIGHT@30 through the fragment roompeer
// builds for `codec` at `kbps`; the encoded frames in order.
std::vector<Frame> encode(rp::VideoCodec codec, int width, int height, int kbps, int count) {
    rp::media::Options cfg;
    cfg.codec = codec;
    cfg.width = width;
    cfg.height = height;
    cfg.fps = 30;
    cfg.video_bitrate_kbps = kbps;
    std::string desc = "videotestsrc num-buffers=" + std::to_string(count) +
                       " pattern=black ! video/x-raw,format=I420,width=" + std::to_string(width) +
                       ",height=" + std::to_string(height) +
                       ",framerate=30/1 ! identity name=paint ! " +
                       rp::media::video_encoder_fragment(cfg) + " ! fakesink name=sink sync=false";
    GError* err = nullptr;
    GstElement* parsed = gst_parse_launch(desc.c_str(), &err);
    if (err) {
        ADD_FAILURE() << desc << ": " << err->message;
        g_error_free(err);
        if (parsed) gst_object_unref(parsed);
        return {};
    }
    rp::GstPtr<GstElement> pipeline(GST_ELEMENT(gst_object_ref_sink(parsed)));
    rp::GstPtr<GstElement> painter(gst_bin_get_by_name(GST_BIN(pipeline.get()), "paint"));
    rp::GstPtr<GstElement> sink(gst_bin_get_by_name(GST_BIN(pipeline.get()), "sink"));
    int painted = 0;
    std::vector<Frame> out;
    rp::GstPtr<GstPad> in(gst_element_get_static_pad(painter.get(), "src"));
    gst_pad_add_probe(in.get(), GST_PAD_PROBE_TYPE_BUFFER, &paint, &painted, nullptr);
    rp::GstPtr<GstPad> encoded(gst_element_get_static_pad(sink.get(), "sink"));
    gst_pad_add_probe(
        encoded.get(), GST_PAD_PROBE_TYPE_BUFFER,
        [](GstPad*, GstPadProbeInfo* info, gpointer p) -> GstPadProbeReturn {
            GstBuffer* b = GST_PAD_PROBE_INFO_BUFFER(info);
            static_cast<std::vector<Frame>*>(p)->push_back(
                {gst_buffer_get_size(b), !GST_BUFFER_FLAG_IS_SET(b, GST_BUFFER_FLAG_DELTA_UNIT)});
            return GST_PAD_PROBE_OK;
        },
        &out, nullptr);
    gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
    rp::GstPtr<GstBus> bus(gst_element_get_bus(pipeline.get()));
    GstMessage* msg = gst_bus_timed_pop_filtered(
        bus.get(), 60 * GST_SECOND,
        static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    EXPECT_TRUE(msg && GST_MESSAGE_TYPE(msg) == GST_MESSAGE_EOS) << "the encoder did not finish";
    if (msg) gst_message_unref(msg);
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    return out;
}

// The keyframe every 2 s (frame 60) against the mean of the 30 frames before it.
void expect_small_keyframes(rp::VideoCodec codec, const char* element) {
    gst_init(nullptr, nullptr);
    if (rp::GstPtr<GstElementFactory> f{gst_element_factory_find(element)}; !f)
        GTEST_SKIP() << "no " << element;
    std::vector<Frame> frames = encode(codec, 640, 480, 500, 75);
    ASSERT_GE(frames.size(), 75u);
    ASSERT_TRUE(frames[60].key) << "the encoder makes a keyframe every 2 s";
    double mean = 0;
    for (int i = 30; i < 60; ++i) {
        ASSERT_FALSE(frames[i].key) << i;
        mean += static_cast<double>(frames[i].bytes) / 30;
    }
    double ratio = static_cast<double>(frames[60].bytes) / mean;
    std::printf("%s at 500 kbit/s: keyframe %zu bytes, mean of the frames before %.0f (%.1fx)\n",
                element, frames[60].bytes, mean, ratio);
    EXPECT_LE(ratio, 4.0) << "a keyframe this much larger than the frames around it holds the "
                             "picture behind while it crosses a thin link";
}

}  // namespace

TEST(EncoderKeyframes, Vp8KeyframesStayWithinFourFrames) {
    expect_small_keyframes(rp::VideoCodec::VP8, "vp8enc");
}
