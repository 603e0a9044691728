// One call with one remote member: a webrtcbin fed from the shared encoders' tees, its
// incoming streams handed to RemoteStreams. Main-loop object; GStreamer threads only post.
#pragma once

#include "link/peer_link.h"
#include "media/local_media.h"
#include "media/options.h"
#include "media/remote_streams.h"
#include "media/send_gate.h"
#include "report/peer_record.h"
#include "report/stats.h"
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

class PeerSession {
  public:
    PeerSession(std::string peer, GstElement* pipeline, LocalMedia& local, const Options& cfg,
                std::shared_ptr<MediaCounters> counters, SessionCallbacks cb);
    ~PeerSession();
    PeerSession(const PeerSession&) = delete;
    PeerSession& operator=(const PeerSession&) = delete;

    bool start_offer(std::string* error);
    // Offer: answers it. Answer: completes our offer. False (and *error) when it is unusable.
    bool apply_remote(const SessionDescription& desc, std::string* error);
    void add_candidate(const IceCandidate& cand);
    bool has_remote() const { return has_remote_; }
    bool is_caller() const { return caller_; }
    bool remote_sends(Kind k) const { return k == Kind::Video ? remote_video_ : remote_audio_; }
    std::uint64_t video_frames_sent() const;
    // One get-stats request: its totals go to `done` (on the main loop, also after we are gone;
    // may be empty), its selected candidate pair to SessionCallbacks::selected_pair.
    void sample_stats(std::function<void(std::optional<RtpTotals>)> done);
    // When the last sample was asked for (monotonic µs); 0: never.
    gint64 last_sample_us() const { return last_sample_us_; }

    // Finalizes recordings, then `done` on the main loop. The destructor tears down the rest.
    void finish(std::function<void()> done);

  private:
    struct Sender {
        GstElement* tee = nullptr;
        GstPad* tee_pad = nullptr;
        std::vector<GstElement*> elements;
        GstPad* webrtc_pad = nullptr;
        std::unique_ptr<SendGate> gate;  // outlives the branch: destroyed after it is NULL
    };

    bool create_webrtcbin(std::string* error);
    bool add_sender(Kind kind, int pt);
    bool start_senders();
    void forward_keyframe_requests(GstElement* payloader);
    bool attach_to_tee(Sender& s);
    void add_receiver(Kind kind, int pt);
    void maybe_negotiate();
    void create_offer();
    void create_answer();
    void deliver_description(GstPromise* promise, const char* field);
    void on_local_description(GstWebRTCSessionDescription* desc);
    void apply_pending_candidates();
    void receive(GstPad* pad, gulong block);
    void post(std::function<void(PeerSession&)> fn);

    static void on_negotiation_needed(GstElement*, gpointer self);
    static void on_ice_candidate(GstElement*, guint mline, gchar* cand, gpointer self);
    static void on_pad_added(GstElement*, GstPad* pad, gpointer self);
    static void on_new_transceiver(GstElement*, GstWebRTCRTPTransceiver* trans, gpointer);
    static void on_connection_state(GObject*, GParamSpec*, gpointer self);

    std::string peer_;
    GstElement* pipeline_;
    LocalMedia& local_;
    const Options& cfg_;
    SessionCallbacks cb_;
    GstElement* webrtc_ = nullptr;
    std::vector<Sender> senders_;
    RemoteStreams remote_;
    bool caller_ = false;
    bool local_started_ = false;       // offer or answer requested
    bool negotiation_needed_ = false;  // caller: webrtcbin asked for an offer
    bool remote_offer_set_ = false;    // answerer: the offer is applied
    size_t senders_with_caps_ = 0;
    bool caps_wait_expired_ = false;
    guint caps_timer_ = 0;
    bool has_remote_ = false;
    bool remote_bundled_ = false;
    bool remote_video_ = false;
    bool remote_audio_ = false;
    std::vector<std::string> local_mids_;
    std::vector<IceCandidate> pending_;
    size_t candidates_seen_ = 0;
    gint64 last_sample_us_ = 0;
    Lifetime alive_ = make_lifetime();
};

}  // namespace rp::media
