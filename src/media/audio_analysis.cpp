#include "media/audio_analysis.h"

#include "media/frame_stamp.h"
#include "report/test_tone.h"
#include "util/gobj.h"

#include <cstring>
#include <vector>

namespace rp::media {

namespace {

// Video latency "now": the median of the newest stamped frames (about half a second).
constexpr std::size_t kRecentFrames = 15;

}  // namespace

void analyse_audio(GstPad* pad, GstBuffer* buf, MediaCounters& c, const std::string& peer) {
    // The arrival of the buffer's first sample: decoders hand over a whole frame at once; a
    // player would start it now.
    const double arrival_ms = static_cast<double>(g_get_real_time()) / 1000.0;
    CapsPtr caps(buf ? gst_pad_get_current_caps(pad) : nullptr);
    if (!caps || gst_caps_is_empty(caps.get())) return;
    const GstStructure* s = gst_caps_get_structure(caps.get(), 0);
    const char* format = gst_structure_get_string(s, "format");
    const char* layout = gst_structure_get_string(s, "layout");
    int rate = 0, channels = 0;
    if (!format || !gst_structure_get_int(s, "rate", &rate) ||
        !gst_structure_get_int(s, "channels", &channels) || rate <= 0 || channels <= 0 ||
        (layout && std::strcmp(layout, "interleaved") != 0))
        return;
    const bool s16 = std::strcmp(format, "S16LE") == 0;
    if (!s16 && std::strcmp(format, "F32LE") != 0) return;  // Opus decodes to either
    GstMapInfo map;
    if (!gst_buffer_map(buf, &map, GST_MAP_READ)) return;
    const std::size_t width = s16 ? 2 : 4;
    const std::size_t frames = map.size / (width * static_cast<std::size_t>(channels));
    std::vector<float> mono(frames);
    for (std::size_t i = 0; i < frames; ++i) {
        float sum = 0;
        for (int ch = 0; ch < channels; ++ch) {
            const guint8* at = map.data + (i * channels + ch) * width;
            if (s16) {
                std::int16_t v;
                std::memcpy(&v, at, 2);
                sum += static_cast<float>(v) / 32768.0f;
            } else {
                float v;
                std::memcpy(&v, at, 4);
                sum += v;
            }
        }
        mono[i] = sum / static_cast<float>(channels);
    }
    gst_buffer_unmap(buf, &map);

    AudioBlock block;
    block.samples = mono.data();
    block.count = mono.size();
    block.rate = rate;
    block.arrival_ms = arrival_ms;
    if (GST_BUFFER_PTS_IS_VALID(buf)) block.pts_ns = static_cast<std::int64_t>(GST_BUFFER_PTS(buf));
    block.expected_hz = tone::frequency_hz(sender_tag(peer.data(), peer.size()));
    if (auto video = c.latency.recent_median(kRecentFrames)) block.video_latency_ms = *video;
    c.audio_quality.feed(block);
}

}  // namespace rp::media
