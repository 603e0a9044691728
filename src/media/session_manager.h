// Media side of the peer link: one PeerSession per remote member, created and fed from
// PeerEvents, talking back through PeerSignaller. Also keeps the record of every member seen.
#pragma once

#include "link/peer_link.h"
#include "media/adaptation.h"
#include "media/local_media.h"
#include "media/peer_session.h"
#include "media/video_wall.h"
#include "report/peer_record.h"
#include "report/stats.h"
#include "util/gobj.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace rp::media {

class SessionManager : public PeerEvents {
  public:
    // Borrows all four: their owner declares them before this manager, so they outlive it.
    SessionManager(GstElement* pipeline, LocalMedia& local, const Options& cfg,
                   PeerSignaller& signaller);
    ~SessionManager() override;
    SessionManager(const SessionManager&) = delete;
    SessionManager& operator=(const SessionManager&) = delete;

    // PeerEvents
    void member_joined(const std::string& peer, const std::string& user_json,
                       bool we_call) override;
    void member_left(const std::string& peer) override;
    void remote_description(const std::string& peer, const SessionDescription& desc) override;
    void remote_candidate(const std::string& peer, const IceCandidate& cand) override;

    // Ends every session: recordings are finalized, then `done` runs on the main loop. From
    // here on the manager is closing: joins, offers and candidates are refused, so no session
    // can start while the run ends.
    void close_all(std::function<void()> done);
    // Closes every session at once, e.g. after the server restarted and ids changed.
    void drop_all_sessions(const char* why);

    std::vector<PeerRecord> records() const;
    // Figures of every running call (get-stats plus our counters, no rates yet); `done` runs
    // on the main loop once every webrtcbin answered.
    void collect_stats(std::function<void(std::vector<PeerStats>)> done);
    size_t session_count() const { return sessions_.size(); }
    // grid: --sink window's wall; every call from now on shows its video there.
    void set_wall(std::shared_ptr<VideoWall> wall) { wall_ = std::move(wall); }
    bool closing() const { return closing_; }

  private:
    PeerRecord& record(const std::string& peer);
    std::vector<Adaptation::Call> adaptation_calls();  // cc
    std::string failure_hint() const;
    // Once a second: closes sessions whose member vanished without a leave event (the seed
    // server sends none) or never answered, so they free their resources and the report says so.
    void check_liveness();
    PeerSession* create_session(const std::string& peer);
    bool has_room_for(const std::string& peer);
    void warn_once(const std::string& peer, const char* kind, const std::string& what);
    void end_session(const std::string& peer, PeerState state, const std::string& reason = {});

    struct Liveness {
        gint64 started_us = 0;
        gint64 progress_us = 0;
        std::uint64_t seen = 0;  // decoded video frames + audio buffers at progress_us
        bool connected = false;  // this call, not an earlier one with the same member
    };

    GstElement* pipeline_;
    LocalMedia& local_;
    const Options& cfg_;
    PeerSignaller& signaller_;
    bool closing_ = false;
    std::shared_ptr<VideoWall> wall_;  // grid: before sessions_, which hold it weakly
    std::map<std::string, std::unique_ptr<PeerSession>> sessions_;
    std::map<std::string, std::vector<IceCandidate>>
        early_candidates_;             // before the session exists
    std::vector<PeerRecord> records_;  // every member seen, in order
    std::map<std::string, Liveness> liveness_;
    SourceId liveness_timer_;
    std::set<std::string> warned_;   // "peer|kind"
    std::set<std::string> refused_;  // warned once each about --max-peers
    Adaptation adaptation_;          // cc: congestion control; after sessions_, gone before them
    Lifetime alive_ = make_lifetime();
};

}  // namespace rp::media
