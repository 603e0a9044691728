// One call with one remote member: a webrtcbin fed from the shared encoders' tees, its
// incoming streams handed to RemoteStreams. Main-loop object; GStreamer threads only post.
// peer_session.cpp: the webrtcbin and its lifetime, ICE, stats, the receive handoff.
// peer_negotiation.cpp: offer and answer, and the codecs they name.
#pragma once

#include "link/peer_link.h"
#include "media/local_media.h"
#include "media/options.h"
#include "media/peer_ice.h"
#include "media/peer_senders.h"
#include "media/remote_streams.h"
#include "media/sdp_info.h"
#include "report/peer_record.h"
#include "report/stats.h"
#include "util/gobj.h"
#include "util/main_thread.h"

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rp::media {

struct SessionCallbacks {
    std::function<void(const SessionDescription&)> send_description;
    std::function<void(const IceCandidate&)> send_candidate;
    std::function<void(PeerState state)> state_changed;
    std::function<void(const std::string& why)> failed;      // the session cannot go on
    std::function<void(const SelectedPair&)> selected_pair;  // learned or changed
};

// Where the offer/answer exchange stands.
//   We call:      Calling -> OfferWanted -> Offering -> Answered
//   We are called: OfferReceived -> AnswerWanted -> Answering
// Our offer or answer waits in OfferWanted/AnswerWanted until every sender has caps (or 2 s).
enum class Negotiation {
    Idle,           // neither start_offer nor an offer yet
    Calling,        // our webrtcbin has not asked for an offer yet (on-negotiation-needed)
    OfferWanted,    // it has; the offer waits for the senders' caps
    Offering,       // create-offer requested: our offer goes out, its answer is awaited
    Answered,       // their answer is set
    OfferReceived,  // their offer is being set on our webrtcbin
    AnswerWanted,   // it is set; the answer waits for the senders' caps
    Answering,      // create-answer requested: our answer goes out
};

class PeerSession {
  public:
    PeerSession(std::string peer, GstElement* pipeline, LocalMedia& local, const Options& cfg,
                std::shared_ptr<MediaCounters> counters, SessionCallbacks cb,
                std::shared_ptr<VideoWall> wall = nullptr);  // grid
    ~PeerSession();
    PeerSession(const PeerSession&) = delete;
    PeerSession& operator=(const PeerSession&) = delete;

    bool start_offer(std::string* error);
    // Offer: answers it. Answer: completes our offer. False (and *error) when it is unusable.
    bool apply_remote(const SessionDescription& desc, std::string* error);
    void add_candidate(const IceCandidate& cand);
    bool has_remote() const;
    bool is_caller() const;
    Negotiation negotiation() const { return negotiation_; }
    bool remote_sends(Kind k) const { return k == Kind::Video ? remote_video_ : remote_audio_; }
    std::uint64_t video_frames_sent() const { return senders_.video_frames_sent(); }
    GstElement* webrtc() const { return webrtc_.get(); }  // cc: congestion control's get-stats
    PeerSenders& senders() { return senders_; }           // cc: its layer switch
    // One get-stats request: its totals go to `done` (on the main loop, also after we are gone;
    // may be empty), its selected candidate pair to SessionCallbacks::selected_pair.
    void sample_stats(std::function<void(std::optional<RtpTotals>)> done);
    // When the last sample was asked for (monotonic µs); 0: never.
    gint64 last_sample_us() const { return last_sample_us_; }

    // Finalizes recordings, then `done` on the main loop. The destructor tears down the rest.
    void finish(std::function<void()> done);

  private:
    // What another thread holds of a session: `self` is touched only on the main loop, and
    // only while `alive` says the session still exists. Each holder owns its copy.
    struct Ref {
        PeerSession* self;
        LifetimeRef alive;
        void post(std::function<void(PeerSession&)> fn) const;
    };
    Ref* new_ref() { return new Ref{this, alive_}; }
    static void delete_ref(gpointer ref) { delete static_cast<Ref*>(ref); }

    // peer_session.cpp
    bool create_webrtcbin(std::string* error);
    void connect(const char* signal, GCallback handler);
    bool add_sender(Kind kind, int pt, int twcc_ext_id = kTwccExtId);
    bool start_senders();
    void receive(PadProbe& block);
    static void on_ice_candidate(GstElement*, guint mline, gchar* cand, gpointer ref);
    static void on_pad_added(GstElement*, GstPad* pad, gpointer ref);
    static void on_connection_state(GObject*, GParamSpec*, gpointer ref);

    // peer_negotiation.cpp
    bool add_answer_senders(const SdpInfo& offer, std::string* error);
    void add_receiver(Kind kind, int pt);
    bool local_started() const;
    void maybe_negotiate();
    void create_offer();
    void create_answer();
    PromisePtr description_promise(const char* field);
    void on_local_description(GstWebRTCSessionDescription* desc);
    static void on_negotiation_needed(GstElement*, gpointer ref);
    static void on_new_transceiver(GstElement*, GstWebRTCRTPTransceiver* trans, gpointer);

    std::string peer_;
    GstElement* pipeline_;  // borrowed: the app's pipeline outlives every session
    LocalMedia& local_;
    const Options& cfg_;
    SessionCallbacks cb_;
    BinElement webrtc_;
    std::vector<gulong> handlers_;  // on webrtc_, each with its own Ref
    PeerSenders senders_;
    RemoteStreams remote_;
    Negotiation negotiation_ = Negotiation::Idle;
    size_t senders_with_caps_ = 0;
    bool caps_wait_expired_ = false;
    SourceId caps_timer_;
    bool remote_bundled_ = false;
    bool remote_video_ = false;
    bool remote_audio_ = false;
    std::vector<std::string> local_mids_;
    RemoteCandidates candidates_;
    gint64 last_sample_us_ = 0;
    Lifetime alive_ = make_lifetime();
};

}  // namespace rp::media
