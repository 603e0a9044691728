#include "media/session_manager.h"

#include "media/audio_output.h"
#include "media/ice_stats.h"
#include "media/sdp_info.h"
#include "util/json.h"
#include "util/log.h"

namespace rp::media {

namespace {
constexpr size_t kMaxEarlyCandidates = 256;
constexpr size_t kMaxEarlyPeers = 64;
// Loopback calls connect in well under a second, browsers behind STUN in a few.
constexpr gint64 kConnectTimeoutUs = 20 * G_USEC_PER_SEC;
// A member that sent media and then nothing at all for this long is gone.
constexpr gint64 kSilenceTimeoutUs = 5 * G_USEC_PER_SEC;
}  // namespace

SessionManager::SessionManager(GstElement* pipeline, LocalMedia& local, const Options& cfg,
                               PeerSignaller& signaller)
    : pipeline_(pipeline),
      local_(local),
      cfg_(cfg),
      signaller_(signaller),
      adaptation_(local, cfg, [this] { return adaptation_calls(); }) {
    // `this` is safe: the source goes with liveness_timer_.
    liveness_timer_.reset(g_timeout_add_seconds(
        1,
        [](gpointer p) -> gboolean {
            static_cast<SessionManager*>(p)->check_liveness();
            return G_SOURCE_CONTINUE;
        },
        this));
}

SessionManager::~SessionManager() {
    liveness_timer_.reset();
    sessions_.clear();
}

void SessionManager::check_liveness() {
    gint64 now = g_get_monotonic_time();
    // The pair can change after the first nomination; a sample now and then keeps the report's
    // selected_pair current without a request at exit, when the sessions are going away. When
    // the monitor samples every call anyway (--stats, /metrics, the status line), its samples
    // do this and no second get-stats is sent.
    std::vector<std::pair<std::string, std::string>> dead;  // id, why
    for (auto& [id, session] : sessions_) {
        PeerRecord& r = record(id);
        Liveness& l = liveness_[id];
        if (l.started_us == 0) l.started_us = l.progress_us = now;
        std::uint64_t seen = r.counters->video_frames.load() + r.counters->audio_buffers.load();
        if (seen != l.seen) {
            l.seen = seen;
            l.progress_us = now;
        }
        gint64 since = now - session->last_sample_us();
        if (r.state == PeerState::Connected &&
            (since > 5 * G_USEC_PER_SEC || (!r.selected_pair && since > G_USEC_PER_SEC / 2)))
            session->sample_stats(nullptr);
        bool sends = session->remote_sends(Kind::Video) || session->remote_sends(Kind::Audio);
        if (r.state == PeerState::Failed && !l.connected) {
            dead.emplace_back(id, "connection failed: " + failure_hint());
        } else if (r.state == PeerState::Failed || r.state == PeerState::Closed) {
            dead.emplace_back(id, std::string("connection ") + state_name(r.state));
        } else if (!l.connected && now - l.started_us > kConnectTimeoutUs) {
            dead.emplace_back(id, session->has_remote()
                                      ? "not connected after 20 s: " + failure_hint()
                                      : std::string("no answer in 20 s"));
        } else if (l.connected && sends && seen > 0 && now - l.progress_us > kSilenceTimeoutUs) {
            dead.emplace_back(id, "no media for 5 s: the member vanished");
        }
    }
    for (const auto& [id, why] : dead) {
        log::warn("peer %s: %s; closing that session", id.c_str(), why.c_str());
        end_session(id, PeerState::Failed, why);
    }
}

std::vector<Adaptation::Call> SessionManager::adaptation_calls() {
    std::vector<Adaptation::Call> out;
    for (auto& [id, s] : sessions_) {
        PeerRecord& r = record(id);
        out.push_back(
            {id, r.state == PeerState::Connected, s->webrtc(), &s->senders(), r.counters.get()});
    }
    return out;
}

std::string SessionManager::failure_hint() const {
    return ice_failure_hint(!cfg_.turn.empty(), cfg_.ice_relay_only);
}

PeerRecord& SessionManager::record(const std::string& peer) {
    for (auto& r : records_)
        if (r.id == peer) return r;
    PeerRecord r;
    r.id = peer;
    records_.push_back(std::move(r));
    return records_.back();
}

std::vector<PeerRecord> SessionManager::records() const {
    std::vector<PeerRecord> out = records_;
    for (auto& r : out) {
        auto it = sessions_.find(r.id);
        if (it == sessions_.end()) continue;
        r.remote_sends_audio = it->second->remote_sends(Kind::Audio);
        r.remote_sends_video = it->second->remote_sends(Kind::Video);
    }
    return out;
}

void SessionManager::collect_stats(std::function<void(std::vector<PeerStats>)> done) {
    struct Gather {
        std::vector<PeerStats> peers;
        size_t remaining = 0;
        std::function<void(std::vector<PeerStats>)> done;
    };
    auto g = std::make_shared<Gather>();
    g->done = std::move(done);
    for (auto& [id, session] : sessions_) {
        const PeerRecord& r = record(id);
        PeerStats p;
        p.id = id;
        JsonPtr user = json::parse(r.user_json);
        p.name = json::get_string(json::as_object(user.get()), "name").value_or("");
        p.state = r.state;
        p.frames_decoded = r.counters->video_frames.load();
        p.audio_buffers_decoded = r.counters->audio_buffers.load();
        p.frames_sent = session->video_frames_sent();
        g->peers.push_back(std::move(p));
    }
    g->remaining = g->peers.size();
    if (g->remaining == 0) {
        g->done({});
        return;
    }
    size_t i = 0;
    for (auto& [id, session] : sessions_) {
        session->sample_stats(
            [g, i, counters = record(id).counters](std::optional<RtpTotals> totals) {
                if (totals) g->peers[i].rtp = *totals;
                // get-stats often has no round trip in webrtcbin 1.22 (one report block per
                // member source): ours, from the same RTCP, fills in.
                if (double rtt = counters->rtt_ms.load(); !g->peers[i].rtp.rtt_ms && rtt >= 0)
                    g->peers[i].rtp.rtt_ms = rtt;
                if (--g->remaining == 0) g->done(std::move(g->peers));
            });
        ++i;
    }
}

void SessionManager::warn_once(const std::string& peer, const char* kind, const std::string& what) {
    if (warned_.insert(peer + "|" + kind).second)
        log::warn("peer %s: %s (further ones are logged at -v)", peer.c_str(), what.c_str());
    else
        log::debug("peer %s: %s", peer.c_str(), what.c_str());
}

bool SessionManager::has_room_for(const std::string& peer) {
    if (sessions_.size() < static_cast<size_t>(cfg_.max_peers)) return true;
    if (refused_.insert(peer).second)
        log::warn("peer %s: not calling or answering it: --max-peers %d calls are running",
                  peer.c_str(), cfg_.max_peers);
    return false;
}

PeerSession* SessionManager::create_session(const std::string& peer) {
    PeerRecord& rec = record(peer);
    // A member called again under the same id (we failed over to another room server node, it
    // did not): the record goes on, but the end of the last call must not end this one.
    rec.state = PeerState::New;
    rec.end_reason.clear();
    liveness_.erase(peer);
    SessionCallbacks cb;
    LifetimeRef alive = alive_;
    cb.send_description = [this, peer](const SessionDescription& d) {
        signaller_.send_description(peer, d);
    };
    cb.send_candidate = [this, peer](const IceCandidate& c) { signaller_.send_candidate(peer, c); };
    cb.state_changed = [this, peer](PeerState state) {
        PeerRecord& r = record(peer);
        if (r.state == state) return;
        r.state = state;
        if (state == PeerState::Connected) {
            if (auto it = sessions_.find(peer); it != sessions_.end()) {
                it->second->sample_stats(nullptr);
                // grid: a member that sends no video gets a "no video" card, not "connecting"
                if (wall_) wall_->set_sends_video(peer, it->second->remote_sends(Kind::Video));
            }
        }
        if (state == PeerState::Connected && !liveness_[peer].connected) {
            r.ever_connected = true;
            liveness_[peer].connected = true;
            log::info("peer %s: connected", peer.c_str());
        } else if (state == PeerState::Failed) {
            log::warn("peer %s: connection failed: %s", peer.c_str(), failure_hint().c_str());
        } else if (state == PeerState::Disconnected) {
            log::warn("peer %s: connection disconnected", peer.c_str());
        } else {
            log::debug("peer %s: %s", peer.c_str(), state_name(state));
        }
    };
    cb.selected_pair = [this, peer](const SelectedPair& pair) {
        PeerRecord& r = record(peer);
        if (r.selected_pair == pair) return;
        log::debug("peer %s: media over %s -> %s (%s)", peer.c_str(), pair.local_type.c_str(),
                   pair.remote_type.c_str(), pair.protocol.c_str());
        r.selected_pair = pair;
    };
    cb.failed = [this, peer](const std::string& why) {
        log::warn("peer %s: %s; closing that session", peer.c_str(), why.c_str());
        end_session(peer, PeerState::Failed, why);
    };
    if (wall_) {  // grid: a tile, labelled with the member's name (or id)
        JsonPtr user = json::parse(rec.user_json);
        wall_->add_member(peer,
                          json::get_string(json::as_object(user.get()), "name").value_or(peer));
    }
    auto session = std::make_unique<PeerSession>(peer, pipeline_, local_, cfg_, rec.counters,
                                                 std::move(cb), wall_);
    PeerSession* raw = session.get();
    sessions_[peer] = std::move(session);
    return raw;
}

void SessionManager::member_joined(const std::string& peer, const std::string& user_json,
                                   bool we_call) {
    if (closing_) {
        log::debug("peer %s: joined while we are leaving; not calling it", peer.c_str());
        return;
    }
    PeerRecord& rec = record(peer);
    if (user_json != "{}" || rec.user_json.empty()) rec.user_json = user_json;
    if (wall_) {  // grid: a call that began before its member's name came
        JsonPtr user = json::parse(rec.user_json);
        wall_->set_label(peer, json::get_string(json::as_object(user.get()), "name").value_or(""));
    }
    log::info("peer %s: joined%s", peer.c_str(), we_call ? ", calling" : "");
    if (!we_call || sessions_.count(peer) || !has_room_for(peer)) return;
    PeerSession* s = create_session(peer);
    std::string err;
    if (!s->start_offer(&err)) {
        log::error("peer %s: cannot start a call: %s", peer.c_str(), err.c_str());
        end_session(peer, PeerState::Failed);
    }
}

void SessionManager::member_left(const std::string& peer) {
    log::info("peer %s: left", peer.c_str());
    early_candidates_.erase(peer);
    end_session(peer, PeerState::Closed, "left the room");
}

void SessionManager::end_session(const std::string& peer, PeerState state,
                                 const std::string& reason) {
    auto it = sessions_.find(peer);
    if (it == sessions_.end()) return;
    liveness_.erase(peer);
    PeerRecord& r = record(peer);
    if (!reason.empty()) r.end_reason = reason;
    r.remote_sends_audio = it->second->remote_sends(Kind::Audio);
    r.remote_sends_video = it->second->remote_sends(Kind::Video);
    r.state = state;
    // Detach now so new events for this id start fresh; destroy once the recording is closed.
    std::shared_ptr<PeerSession> closing(std::move(it->second));
    sessions_.erase(it);
    if (wall_) wall_->member_gone(peer);  // grid: a "gone" card, then the grid closes up
    signaller_.session_ended(peer);
    closing->finish([closing]() mutable {
        // Destroying from inside a GStreamer probe's aftermath is fine: we are on the main loop.
        invoke_on_main([closing] {});
    });
}

void SessionManager::remote_description(const std::string& peer, const SessionDescription& desc) {
    if (closing_) {
        log::debug("peer %s: %s while we are leaving; ignored", peer.c_str(), desc.type.c_str());
        return;
    }
    auto it = sessions_.find(peer);
    if (desc.type == "offer") {
        if (it != sessions_.end()) {
            // Only a usable offer may replace a running call.
            std::string why;
            if (!parse_sdp(desc.sdp, &why)) {
                warn_once(peer, "offer", "dropped its offer: " + why);
                return;
            }
            log::warn("peer %s: new offer replaces the running session", peer.c_str());
            end_session(peer, PeerState::Closed);
        }
        if (!has_room_for(peer)) return;
        PeerSession* s = create_session(peer);
        std::string err;
        if (!s->apply_remote(desc, &err)) {
            warn_once(peer, "offer", "dropped its offer: " + err);
            end_session(peer, PeerState::Failed, err);
            return;
        }
    } else {
        if (it == sessions_.end() || !it->second->is_caller()) {
            warn_once(peer, "answer", "dropped an answer we did not ask for");
            return;
        }
        std::string err;
        if (!it->second->apply_remote(desc, &err)) {
            warn_once(peer, "answer", "dropped its answer: " + err);
            return;
        }
    }
    auto early = early_candidates_.find(peer);
    if (early != early_candidates_.end()) {
        auto cands = std::move(early->second);
        early_candidates_.erase(early);
        for (const auto& c : cands) sessions_[peer]->add_candidate(c);
    }
}

void SessionManager::remote_candidate(const std::string& peer, const IceCandidate& cand) {
    if (closing_) return;
    auto it = sessions_.find(peer);
    if (it != sessions_.end()) {
        it->second->add_candidate(cand);
        return;
    }
    if (!early_candidates_.count(peer) && early_candidates_.size() >= kMaxEarlyPeers) return;
    auto& q = early_candidates_[peer];
    if (q.size() < kMaxEarlyCandidates) q.push_back(cand);
}

void SessionManager::drop_all_sessions(const char* why) {
    // One string for both uses: with `why` passed twice, GCC 12 at -O3 follows std::string's
    // null check back into the log call and warns (-Wformat-overflow, a false positive).
    const std::string reason = why ? why : "";
    std::vector<std::string> ids;
    for (auto& [id, s] : sessions_) ids.push_back(id);
    for (const auto& id : ids) {
        log::info("peer %s: closing (%s)", id.c_str(), reason.c_str());
        end_session(id, PeerState::Closed, reason);
    }
    early_candidates_.clear();
}

void SessionManager::close_all(std::function<void()> done) {
    closing_ = true;
    // issue 13 (audio): once every member is out of the mixer, the output is finalized.
    if (AudioOutput* out = local_.audio_output())
        done = [out, done = std::move(done)]() mutable { out->finish(2000, std::move(done)); };
    early_candidates_.clear();
    auto remaining = std::make_shared<size_t>(sessions_.size());
    auto finish = std::make_shared<std::function<void()>>(std::move(done));
    if (*remaining == 0) {
        (*finish)();
        return;
    }
    std::vector<std::shared_ptr<PeerSession>> closing;
    for (auto& [id, s] : sessions_) {
        record(id).remote_sends_audio = s->remote_sends(Kind::Audio);
        record(id).remote_sends_video = s->remote_sends(Kind::Video);
        closing.emplace_back(std::move(s));
    }
    sessions_.clear();
    for (auto& s : closing) {
        s->finish([s, remaining, finish]() mutable {
            s.reset();
            if (--*remaining == 0) (*finish)();
        });
    }
}

}  // namespace rp::media
