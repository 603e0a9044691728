// The seed's room dialect: joinRTCRoom / usersInRoom / offer-getOffer / answer-getAnswer /
// candidate-getCandidate / user_exit. Pure: events in, PeerEvents calls and emitted events out.
#pragma once

#include "link/peer_link.h"
#include "signal/event_emitter.h"
#include "util/gobj.h"

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace rp {

class RoomProtocol : public PeerSignaller {
  public:
    RoomProtocol(std::string room, std::string user_json, EventEmitter& out, PeerEvents& up);

    // The namespace is connected and we have a socket id: join (again) the room.
    void on_connected(const std::string& self_id);
    void on_disconnected();
    // One incoming event; never throws, drops bad input with one warning per sender and kind.
    void on_event(const std::string& name, JsonArray* args);

    const std::string& self_id() const { return self_id_; }
    bool joined() const { return joined_; }
    bool knows(const std::string& peer) const { return members_.count(peer) != 0; }
    size_t member_count() const { return members_.size(); }

    // PeerSignaller
    void send_description(const std::string& peer, const SessionDescription& desc) override;
    void send_candidate(const std::string& peer, const IceCandidate& cand) override;
    void session_ended(const std::string& peer) override;

  private:
    void on_users_in_room(JsonNode* list);
    void on_get_offer(JsonObject* data);
    void on_get_answer(JsonObject* data);
    void on_get_candidate(JsonObject* data);
    void on_member_exit(JsonNode* data);
    void add_member(const std::string& id, const std::string& user_json, bool we_call);
    void warn_once(const std::string& sender, const std::string& kind, const std::string& detail);

    std::string room_;
    std::string user_json_;
    EventEmitter& out_;
    PeerEvents& up_;
    std::string self_id_;
    // Our socket ids from before a reconnect: when our node died, the room service lists them
    // until it notices, and calling ourselves would only wait for an answer that never comes.
    std::set<std::string> former_ids_;
    bool joined_ = false;
    bool first_list_seen_ = false;
    std::map<std::string, std::string> members_;  // id -> user JSON
    std::set<std::string> warned_;                // "sender|kind"
};

}  // namespace rp
