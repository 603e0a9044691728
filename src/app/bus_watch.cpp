#include "app/bus_watch.h"

#include "util/gobj.h"
#include "util/log.h"

namespace rp::app {

BusWatch::BusWatch(GstElement* pipeline, media::LocalMedia& local,
                   std::function<void(const std::string&)> local_failure)
    : pipeline_(pipeline), local_(local), local_failure_(std::move(local_failure)) {
    GstPtr<GstBus> bus(gst_pipeline_get_bus(GST_PIPELINE(pipeline_)));
    watch_.reset(gst_bus_add_watch(
        bus.get(),
        [](GstBus*, GstMessage* m, gpointer p) -> gboolean {
            return static_cast<BusWatch*>(p)->on_message(m);
        },
        this));
}

std::vector<std::string> BusWatch::pending_errors(GstElement* pipeline) {
    std::vector<std::string> out;
    GstPtr<GstBus> bus(gst_pipeline_get_bus(GST_PIPELINE(pipeline)));
    while (GstMessage* raw = gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR)) {
        MessagePtr m(raw);
        GError* e = nullptr;
        gst_message_parse_error(raw, &e, nullptr);
        GErrorPtr err(e);
        out.push_back(std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(raw))) + ": " +
                      (e ? e->message : "?"));
    }
    return out;
}

bool BusWatch::is_local_element(GstObject* obj) const {
    for (GstElement* tee : {local_.tee(media::Kind::Audio), local_.tee(media::Kind::Video)}) {
        if (!tee) continue;
        GstPtr<GstPad> sink(gst_element_get_static_pad(tee, "sink"));
        GstPtr<GstPad> peer(sink ? gst_pad_get_peer(sink.get()) : nullptr);
        GstPtr<GstElement> bin(peer ? gst_pad_get_parent_element(peer.get()) : nullptr);
        if (bin && (obj == GST_OBJECT(bin.get()) ||
                    gst_object_has_as_ancestor(obj, GST_OBJECT(bin.get()))))
            return true;
    }
    return false;
}

bool BusWatch::on_message(GstMessage* msg) {
    switch (GST_MESSAGE_TYPE(msg)) {
        case GST_MESSAGE_ERROR: {
            GError* err = nullptr;
            gchar* dbg = nullptr;
            gst_message_parse_error(msg, &err, &dbg);
            GErrorPtr e(err);
            GCharPtr d(dbg);
            std::string src = GST_OBJECT_NAME(GST_MESSAGE_SRC(msg));
            log::debug("GStreamer error details: %s", dbg ? dbg : "");
            std::string why = err ? err->message : "?";
            auto capture = local_.on_capture_error(GST_MESSAGE_SRC(msg), src + ": " + why);
            if (capture == media::LocalMedia::CaptureError::Handled) break;  // being reopened
            if (capture == media::LocalMedia::CaptureError::NotOurs &&
                !gst_object_has_as_ancestor(GST_MESSAGE_SRC(msg), GST_OBJECT(pipeline_))) {
                // A capture bin already dropped after its first error: its later ones.
                log::debug("error from %s, no longer in the pipeline: %s", src.c_str(),
                           why.c_str());
                break;
            }
            if (capture == media::LocalMedia::CaptureError::Fatal ||
                is_local_element(GST_MESSAGE_SRC(msg)))
                local_failure_("local capture failed in " + src + ": " +
                               (err ? err->message : "?") +
                               " (check the device with --video/--audio, or use 'test')");
            else
                log::warn("media error in %s: %s (other members go on)", src.c_str(),
                          err ? err->message : "?");
            break;
        }
        case GST_MESSAGE_WARNING: {
            GError* err = nullptr;
            gst_message_parse_warning(msg, &err, nullptr);
            GErrorPtr e(err);
            log::debug("GStreamer warning from %s: %s", GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)),
                       err ? err->message : "?");
            break;
        }
        case GST_MESSAGE_LATENCY:
            // A branch added at run time changed the pipeline latency: redistribute it.
            gst_bin_recalculate_latency(GST_BIN(pipeline_));
            break;
        case GST_MESSAGE_CLOCK_LOST:
            log::debug("pipeline clock lost; selecting a new one");
            gst_element_set_state(pipeline_, GST_STATE_PAUSED);
            gst_element_set_state(pipeline_, GST_STATE_PLAYING);
            break;
        case GST_MESSAGE_STATE_CHANGED:
            if (GST_MESSAGE_SRC(msg) == GST_OBJECT(pipeline_)) {
                GstState old_state, new_state;
                gst_message_parse_state_changed(msg, &old_state, &new_state, nullptr);
                log::debug("pipeline %s -> %s", gst_element_state_get_name(old_state),
                           gst_element_state_get_name(new_state));
            }
            break;
        case GST_MESSAGE_STREAM_STATUS:
        case GST_MESSAGE_TAG:
        case GST_MESSAGE_QOS:
            break;  // routine, one per thread or per stream: noise even at -v
        default:
            log::debug("bus: %s from %s", GST_MESSAGE_TYPE_NAME(msg),
                       GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)));
            break;
    }
    return true;
}

}  // namespace rp::app
