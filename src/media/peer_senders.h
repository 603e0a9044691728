// The send side of one call: a branch per kind (queue behind a SendGate, payloader,
// capsfilter) from LocalMedia's shared tee into a webrtcbin sink pad, and the keyframe
// requests that come back up it. Main-loop object; streaming threads only count or hand off.
#pragma once

#include "media/codecs.h"
#include "media/local_media.h"
#include "media/options.h"
#include "media/send_gate.h"
#include "util/gobj.h"
#include "util/main_thread.h"

#include <gst/gst.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rp::media {

// The RTP caps of `codec` with payload type `pt`, as webrtcbin's sink pads and
// transceivers take them.
CapsPtr rtp_caps(const SendCodec& codec, int pt, int twcc_ext_id = kTwccExtId);

class PeerSenders {
  public:
    // Borrows the last three: their owners outlive every session.
    PeerSenders(std::string peer, GstElement* pipeline, LocalMedia& local, const Options& cfg);
    ~PeerSenders();
    PeerSenders(const PeerSenders&) = delete;
    PeerSenders& operator=(const PeerSenders&) = delete;

    // Builds the branch for `kind` with payload type `pt` and links it to a new sink pad of
    // `webrtc`, still in NULL and apart from the tee. `caps_seen` runs on a streaming thread
    // once caps leave the branch (its SSRC is then known); it must only hand off.
    bool add(Kind kind, int pt, GstElement* webrtc, std::function<void()> caps_seen,
             int twcc_ext_id = kTwccExtId);  // rx: the offer's TWCC extension id
    // Brings webrtcbin and every branch to PLAYING, then links each branch to its tee.
    bool start(GstElement* webrtc);
    size_t size() const { return senders_.size(); }
    // The call is connected: from now on the gates let frames through.
    void open();
    std::uint64_t video_frames_sent() const;
    // Congestion control: feeds the video branch from `tee` (LocalMedia's full or low tee),
    // without renegotiating: same payloader, so sequence numbers go on. Make before break:
    // the branch keeps the old encoding until the new one's next keyframe (asked for) reaches
    // the new tee pad, which holds it while the main loop swaps the links; the member's
    // picture never waits for a keyframe. Switching back before it came cancels. Main loop.
    void switch_video_tee(GstElement* tee);
    // A switch waits for the new encoding's keyframe.
    bool switching() const;
    GstElement* video_tee() const;

    // Teardown, in two steps around stopping webrtcbin: first the branches leave the shared
    // tees (so the encoders never wait on them), then, once webrtcbin is NULL, they go to NULL
    // and out of the pipeline and give back webrtcbin's pads.
    void detach_from_tees();
    void remove();

  private:
    struct Sender {
        Kind kind = Kind::Video;
        RequestPad tee_pad;                // on LocalMedia's shared tee
        RequestPad next_pad;               // on the tee switched to, until its keyframe
        PadProbe next_probe;               // holds that keyframe (removed before the pad)
        unsigned next_generation = 0;      // which switch a posted swap belongs to
        std::vector<BinElement> elements;  // queue, payloader, capsfilter
        RequestPad webrtc_pad;
        std::unique_ptr<SendGate> gate;  // outlives the branch: destroyed after it is NULL
    };

    void forward_keyframe_requests(GstElement* payloader);
    // The keyframe of a switch reached the new tee pad of senders_[index]: swap the links.
    void finish_switch(std::size_t index, unsigned generation);
    static void cancel_switch(Sender& s);
    // Unlinks the branch from the tee pad it feeds from (the pad stays requested).
    static void unlink_from_tee(Sender& s);
    bool attach_to_tee(Sender& s);
    GstElement* tee_for(Kind kind) const;

    std::string peer_;
    GstElement* pipeline_;
    LocalMedia& local_;
    const Options& cfg_;
    std::vector<Sender> senders_;
    GstElement* video_tee_ = nullptr;      // borrowed; null: LocalMedia's full tee
    Lifetime lifetime_ = make_lifetime();  // what a switch's keyframe posts checks
};

}  // namespace rp::media
