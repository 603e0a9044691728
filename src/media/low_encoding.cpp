#include "media/low_encoding.h"

#include "media/encoder_fragments.h"
#include "media/pipeline_parts.h"
#include "util/log.h"

#include <gst/video/video.h>

namespace rp::media {

bool set_encoder_kbps(GstElement* encoder, int kbps) {
    if (!encoder) return false;
    GObjectClass* klass = G_OBJECT_GET_CLASS(encoder);
    // vp8enc/vp9enc: bit/s; x264enc: kbit/s (both may be changed while playing).
    if (g_object_class_find_property(klass, "target-bitrate")) {
        g_object_set(encoder, "target-bitrate", kbps * 1000, nullptr);
        return true;
    }
    if (g_object_class_find_property(klass, "bitrate") &&
        g_str_has_prefix(G_OBJECT_TYPE_NAME(encoder), "GstX264Enc")) {
        g_object_set(encoder, "bitrate", static_cast<guint>(kbps), nullptr);
        return true;
    }
    return false;
}

LowEncoding::LowEncoding(GstElement* pipeline, GstElement* encode_bin, GstElement* raw_tee,
                         const Options& cfg)
    : pipeline_(pipeline), encode_bin_(encode_bin), raw_tee_(raw_tee), cfg_(cfg) {}

LowEncoding::~LowEncoding() {
    stop();
}

bool LowEncoding::start(int kbps, std::string* error) {
    if (running()) return true;
    Options low = cfg_;
    low.width = (cfg_.width / 4) * 2;  // half each way, even
    low.height = (cfg_.height / 4) * 2;
    low.video_bitrate_kbps = kbps;
    std::string text =
        "queue max-size-buffers=2 leaky=downstream ! videoscale ! "
        "video/x-raw,width=" +
        std::to_string(low.width) + ",height=" + std::to_string(low.height) + " ! " +
        video_encoder_fragment(low) + " ! identity";
    GstPtr<GstElement> bin = make_bin(text, error);
    GstPtr<GstElement> tee = make_element("tee", "video_tee_low", error);
    if (!bin || !tee) return false;
    g_object_set(tee.get(), "allow-not-linked", TRUE, nullptr);
    // The pipeline holds them from here on; our references go with this scope.
    gst_bin_add_many(GST_BIN(pipeline_), bin.get(), tee.get(), nullptr);
    GstPtr<GstElement> enc(gst_bin_get_by_name(GST_BIN(bin.get()), "venc"));
    bin_ = bin.get();
    tee_ = tee.get();
    encoder_ = enc.get();
    kbps_ = kbps;
    if (!gst_element_link(bin_, tee_)) {
        if (error) *error = "cannot link the low encoder to its tee";
        stop();
        return false;
    }
    gst_element_sync_state_with_parent(tee_);
    gst_element_sync_state_with_parent(bin_);
    // Out of the encode bin through a ghost pad: the raw tee lives inside it.
    raw_pad_ = RequestPad(raw_tee_, gst_element_request_pad_simple(raw_tee_, "src_%u"));
    ghost_ = raw_pad_ ? gst_ghost_pad_new(nullptr, raw_pad_.get()) : nullptr;
    GstPtr<GstPad> sink(gst_element_get_static_pad(bin_, "sink"));
    bool ok = ghost_ && gst_pad_set_active(ghost_, TRUE) &&
              gst_element_add_pad(encode_bin_, ghost_) &&
              gst_pad_link(ghost_, sink.get()) == GST_PAD_LINK_OK;
    if (!ok) {
        if (error) *error = "cannot link the low encoder to the raw video";
        stop();
        return false;
    }
    log::info("video: low encoding on (%dx%d, %d kbit/s)", low.width, low.height, kbps);
    return true;
}

void LowEncoding::stop() {
    if (ghost_) {
        GstPtr<GstPad> peer(gst_pad_get_peer(ghost_));
        if (peer) gst_pad_unlink(ghost_, peer.get());
        gst_pad_set_active(ghost_, FALSE);
        gst_element_remove_pad(encode_bin_, ghost_);
        ghost_ = nullptr;
    }
    raw_pad_.reset();
    for (GstElement** e : {&bin_, &tee_}) {
        if (!*e) continue;
        gst_element_set_state(*e, GST_STATE_NULL);
        gst_bin_remove(GST_BIN(pipeline_), *e);
        *e = nullptr;
    }
    if (encoder_) log::info("video: low encoding off");
    encoder_ = nullptr;
}

void LowEncoding::set_kbps(int kbps) {
    if (!encoder_ || kbps == kbps_) return;
    kbps_ = kbps;
    set_encoder_kbps(encoder_, kbps);
}

void LowEncoding::force_keyframe() {
    if (!encoder_) return;
    GstPtr<GstPad> pad(gst_element_get_static_pad(encoder_, "src"));
    if (pad)
        gst_pad_send_event(
            pad.get(), gst_video_event_new_upstream_force_key_unit(GST_CLOCK_TIME_NONE, TRUE, 0));
}

}  // namespace rp::media
