#include "media/send_gate.h"

namespace rp::media {

SendGate::Verdict SendGate::admit(bool keyframe, unsigned queued) {
    if (!open_) {
        // Once open, start from a fresh keyframe: the session asks for one when it connects.
        waiting_for_keyframe_ = video_;
        keyframe_requested_ = true;
        if (!video_) return Verdict::Drop;
        // Some payloaders (H.264) only produce their caps, and so the SDP, from a keyframe:
        // let one wait in the empty queue, and ask for it once.
        if (keyframe && queued == 0) return Verdict::Pass;
        if (closed_request_sent_) return Verdict::Drop;
        closed_request_sent_ = true;
        return Verdict::DropAndRequestKeyframe;
    }
    bool full = queued >= max_queued_;
    if (!video_) {
        if (!full) return Verdict::Pass;
        dropped_.fetch_add(1);
        return Verdict::Drop;
    }
    if (waiting_for_keyframe_ && keyframe && !full) waiting_for_keyframe_ = false;
    if (!waiting_for_keyframe_ && !full) return Verdict::Pass;
    dropped_.fetch_add(1);
    if (!waiting_for_keyframe_) {
        waiting_for_keyframe_ = true;
        keyframe_requested_ = false;
    }
    if (keyframe_requested_) return Verdict::Drop;
    keyframe_requested_ = true;
    return Verdict::DropAndRequestKeyframe;
}

void SendGate::install(GstElement* queue, std::function<void()> request_keyframe) {
    queue_.reset(GST_ELEMENT(gst_object_ref(queue)));
    request_keyframe_ = std::move(request_keyframe);
    GstPtr<GstPad> sink(gst_element_get_static_pad(queue, "sink"));
    probe_ = PadProbe(sink.get(), gst_pad_add_probe(sink.get(), GST_PAD_PROBE_TYPE_BUFFER,
                                                    &SendGate::on_buffer, this, nullptr));
}

GstPadProbeReturn SendGate::on_buffer(GstPad*, GstPadProbeInfo* info, gpointer p) {
    auto* self = static_cast<SendGate*>(p);
    GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
    guint queued = 0;
    g_object_get(self->queue_.get(), "current-level-buffers", &queued, nullptr);
    bool keyframe = !GST_BUFFER_FLAG_IS_SET(buf, GST_BUFFER_FLAG_DELTA_UNIT);
    switch (self->admit(keyframe, queued)) {
        case Verdict::Pass:
            self->passed_.fetch_add(1, std::memory_order_relaxed);
            return GST_PAD_PROBE_OK;
        case Verdict::DropAndRequestKeyframe:
            if (self->request_keyframe_) self->request_keyframe_();
            return GST_PAD_PROBE_DROP;
        case Verdict::Drop:
            return GST_PAD_PROBE_DROP;
    }
    return GST_PAD_PROBE_OK;
}

}  // namespace rp::media
