// The second, low encoding of congestion control (media/layer_plan.h): the raw video before
// the shared encoder (the `vraw` tee of roompeer's own {encoder}) -> leaky queue -> videoscale
// -> half width and height -> the same codec's encoder -> its own tee, from which PeerSenders
// feeds the members on the low layer. Built on the main loop when first needed, taken down
// when nobody needs it, so a clear room costs what it did before.
#pragma once

#include "media/options.h"
#include "util/gobj.h"

#include <gst/gst.h>

#include <string>

namespace rp::media {

// Sets a running encoder's target bitrate: vp8enc/vp9enc target-bitrate (bit/s), x264enc
// bitrate (kbit/s). False when it has neither (v4l2h264enc: fixed at start).
bool set_encoder_kbps(GstElement* encoder, int kbps);

class LowEncoding {
  public:
    // `raw_tee` (borrowed, inside `encode_bin`) carries what the full encoder takes.
    LowEncoding(GstElement* pipeline, GstElement* encode_bin, GstElement* raw_tee,
                const Options& cfg);
    ~LowEncoding();
    LowEncoding(const LowEncoding&) = delete;
    LowEncoding& operator=(const LowEncoding&) = delete;

    bool start(int kbps, std::string* error);
    void stop();
    bool running() const { return tee_ != nullptr; }
    void set_kbps(int kbps);
    GstElement* tee() const { return tee_; }
    void force_keyframe();

  private:
    GstElement* pipeline_;
    GstElement* encode_bin_;
    GstElement* raw_tee_;
    const Options& cfg_;
    RequestPad raw_pad_;         // on raw_tee_
    GstPad* ghost_ = nullptr;    // on encode_bin_, for raw_pad_; owned by the bin
    GstElement* bin_ = nullptr;  // borrowed from the pipeline while running
    GstElement* tee_ = nullptr;
    GstElement* encoder_ = nullptr;
    int kbps_ = 0;
};

}  // namespace rp::media
