#include "media/tone_source.h"

#include "util/gobj.h"
#include "util/log.h"

namespace rp::media {

std::shared_ptr<ToneSource> ToneSource::attach(GstElement* pipeline, std::uint16_t tag) {
    GstPtr<GstElement> src(gst_bin_get_by_name(GST_BIN(pipeline), kToneSourceName));
    if (!src) return nullptr;
    GstPtr<GstPad> pad(gst_element_get_static_pad(src.get(), "src"));
    if (!pad) return nullptr;
    auto self = std::make_shared<ToneSource>();
    self->source_ = src.get();
    self->tag_ = tag;
    gst_pad_add_probe(pad.get(), GST_PAD_PROBE_TYPE_BUFFER, &ToneSource::on_buffer,
                      new std::shared_ptr<ToneSource>(self),
                      [](gpointer p) { delete static_cast<std::shared_ptr<ToneSource>*>(p); });
    return self;
}

// The capture time of a live source's buffer is its timestamp: the running time of its first
// sample (audiotestsrc pushes it when the pipeline clock reaches that time, as videotestsrc
// does the frames --latency-probe stamps). Mapped to the wall clock through the pipeline
// clock now; without a clock or timestamp, the buffer is taken as captured just now.
GstPadProbeReturn ToneSource::on_buffer(GstPad*, GstPadProbeInfo* info, gpointer p) {
    ToneSource& self = **static_cast<std::shared_ptr<ToneSource>*>(p);
    GstBuffer* buf = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
    GST_PAD_PROBE_INFO_DATA(info) = buf;
    std::int64_t first_us = g_get_real_time();
    GstPtr<GstClock> clock(gst_element_get_clock(self.source_));
    if (clock && GST_BUFFER_PTS_IS_VALID(buf)) {
        GstClockTime running =
            gst_clock_get_time(clock.get()) - gst_element_get_base_time(self.source_);
        first_us -=
            (static_cast<std::int64_t>(running) - static_cast<std::int64_t>(GST_BUFFER_PTS(buf))) /
            1000;
    }
    GstMapInfo map;
    if (!gst_buffer_map(buf, &map, GST_MAP_WRITE)) return GST_PAD_PROBE_OK;
    self.generator_.fill(reinterpret_cast<std::int16_t*>(map.data), map.size / 2, kToneRate,
                         first_us, self.tag_.load());
    gst_buffer_unmap(buf, &map);
    return GST_PAD_PROBE_OK;
}

}  // namespace rp::media
