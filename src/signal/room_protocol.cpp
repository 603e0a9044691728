#include "signal/room_protocol.h"

#include "util/gobj.h"
#include "util/json.h"
#include "util/log.h"

namespace rp {
namespace {

constexpr size_t kMaxSdpBytes = 256 * 1024;
constexpr size_t kMaxCandidateBytes = 1024;

// Accepts the browser shape {type, sdp} and, leniently, a bare SDP string.
std::optional<SessionDescription> read_description(JsonObject* data, const char* expected_type) {
    JsonNode* node = json_object_get_member(data, "sdp");
    SessionDescription desc;
    if (JsonObject* o = json::as_object(node)) {
        auto type = json::get_string(o, "type");
        auto sdp = json::get_string(o, "sdp");
        if (!sdp) return std::nullopt;
        desc.type = type.value_or(expected_type);
        desc.sdp = *sdp;
    } else if (node && JSON_NODE_HOLDS_VALUE(node) &&
               json_node_get_value_type(node) == G_TYPE_STRING) {
        desc.type = expected_type;
        desc.sdp = json_node_get_string(node);
    } else {
        return std::nullopt;
    }
    if (desc.type != expected_type || desc.sdp.empty() || desc.sdp.size() > kMaxSdpBytes)
        return std::nullopt;
    return desc;
}

}  // namespace

RoomProtocol::RoomProtocol(std::string room, std::string user_json, EventEmitter& out,
                           PeerEvents& up)
    : room_(std::move(room)), user_json_(std::move(user_json)), out_(out), up_(up) {}

void RoomProtocol::on_connected(const std::string& self_id) {
    if (!self_id_.empty() && self_id_ != self_id) former_ids_.insert(self_id_);
    self_id_ = self_id;
    joined_ = true;
    first_list_seen_ = false;
    JsonPtr user = json::parse(user_json_);
    if (!json::as_object(user.get())) user = json::parse("{}");
    JsonArrayPtr args(json_array_new());
    json_array_add_string_element(args.get(), room_.c_str());
    json_array_add_element(args.get(), user.release());
    out_.emit("joinRTCRoom", args.get());
    log::info("joined room '%s' as %s", room_.c_str(), self_id_.c_str());
    up_.joined(self_id_);
}

void RoomProtocol::on_disconnected() {
    // The server forgets us with the old socket: every member is met again, and called, after
    // the rejoin. The media side drops its sessions on its own.
    joined_ = false;
    members_.clear();
}

void RoomProtocol::warn_once(const std::string& sender, const std::string& kind,
                             const std::string& detail) {
    if (!warned_.insert(sender + "|" + kind).second) {
        log::debug("dropped %s from %s: %s", kind.c_str(), sender.c_str(), detail.c_str());
        return;
    }
    log::warn("dropped %s from %s: %s (further ones from this sender are logged at -v)",
              kind.c_str(), sender.c_str(), detail.c_str());
}

void RoomProtocol::on_event(const std::string& name, JsonArray* args) {
    JsonNode* first =
        args && json_array_get_length(args) > 0 ? json_array_get_element(args, 0) : nullptr;
    if (name == "usersInRoom") {
        on_users_in_room(first);
    } else if (name == "getOffer") {
        on_get_offer(json::as_object(first));
    } else if (name == "getAnswer") {
        on_get_answer(json::as_object(first));
    } else if (name == "getCandidate") {
        on_get_candidate(json::as_object(first));
    } else if (name == "user_exit" || name == "userLeft") {
        on_member_exit(first);
    } else {
        warn_once("server", "unknown event '" + name.substr(0, 64) + "'",
                  "not part of the room protocol");
    }
}

void RoomProtocol::add_member(const std::string& id, const std::string& user_json, bool we_call) {
    members_[id] = user_json;
    up_.member_joined(id, user_json, we_call);
}

void RoomProtocol::on_users_in_room(JsonNode* list) {
    JsonArray* arr = json::as_array(list);
    if (!arr) {
        warn_once("server", "usersInRoom", "payload is not an array");
        return;
    }
    bool first = !first_list_seen_;
    first_list_seen_ = true;
    for (guint i = 0; i < json_array_get_length(arr); ++i) {
        JsonNode* node = json_array_get_element(arr, i);
        auto id = json::get_string(json::as_object(node), "id");
        if (!id || id->empty()) {
            warn_once("server", "usersInRoom entry", "member without a string id");
            continue;
        }
        if (*id == self_id_ || former_ids_.count(*id)) continue;
        std::string user = json::to_string(node);
        auto it = members_.find(*id);
        if (it != members_.end()) {
            it->second = user;  // later lists only refresh what we know
            continue;
        }
        // Members in later lists were there before us but we never saw them (ghosts the
        // server keeps, or a list we missed); they are recorded but not called.
        add_member(*id, user, first);
    }
}

void RoomProtocol::on_get_offer(JsonObject* data) {
    auto from = json::get_string(data, "callFrom");
    if (!from || from->empty()) {
        warn_once("server", "getOffer", "no callFrom");
        return;
    }
    if (*from == self_id_) return;
    auto desc = read_description(data, "offer");
    if (!desc) {
        warn_once(*from, "offer", "missing, oversized or not an offer");
        return;
    }
    if (!knows(*from)) add_member(*from, "{}", false);
    up_.remote_description(*from, *desc);
}

void RoomProtocol::on_get_answer(JsonObject* data) {
    auto from = json::get_string(data, "answerFrom");
    if (!from || from->empty()) {
        warn_once("server", "getAnswer", "no answerFrom");
        return;
    }
    if (!knows(*from)) {
        warn_once(*from, "answer", "unsolicited: we never called this member");
        return;
    }
    auto desc = read_description(data, "answer");
    if (!desc) {
        warn_once(*from, "answer", "missing, oversized or not an answer");
        return;
    }
    up_.remote_description(*from, *desc);
}

void RoomProtocol::on_get_candidate(JsonObject* data) {
    auto from = json::get_string(data, "candidateFrom");
    if (!from || from->empty()) {
        warn_once("server", "getCandidate", "no candidateFrom");
        return;
    }
    JsonObject* c = json::get_object(data, "candidate");
    auto line = json::get_string(c, "candidate");
    if (!line) {
        warn_once(*from, "candidate", "no candidate object");
        return;
    }
    if (line->empty()) return;  // end-of-candidates marker
    auto index = json::get_int(c, "sdpMLineIndex");
    if (line->size() > kMaxCandidateBytes || (index && (*index < 0 || *index > 64))) {
        warn_once(*from, "candidate", "oversized or absurd m-line index");
        return;
    }
    IceCandidate cand;
    cand.candidate = *line;
    cand.sdp_mid = json::get_string(c, "sdpMid").value_or("");
    cand.mline_index = static_cast<int>(index.value_or(0));
    up_.remote_candidate(*from, cand);
}

void RoomProtocol::on_member_exit(JsonNode* data) {
    std::optional<std::string> id;
    if (JsonObject* o = json::as_object(data))
        id = json::get_string(o, "id");
    else if (data && JSON_NODE_HOLDS_VALUE(data) && json_node_get_value_type(data) == G_TYPE_STRING)
        id = json_node_get_string(data);
    if (!id) {
        warn_once("server", "user_exit", "no member id");
        return;
    }
    if (members_.erase(*id) == 0) return;
    up_.member_left(*id);
}

void RoomProtocol::send_description(const std::string& peer, const SessionDescription& desc) {
    JsonObject* sdp = json_object_new();
    json_object_set_string_member(sdp, "type", desc.type.c_str());
    json_object_set_string_member(sdp, "sdp", desc.sdp.c_str());
    JsonObject* payload = json_object_new();
    json_object_set_object_member(payload, "sdp", sdp);
    json_object_set_string_member(payload, desc.type == "offer" ? "callTo" : "answerTo",
                                  peer.c_str());
    JsonArrayPtr args(json_array_new());
    json_array_add_object_element(args.get(), payload);  // takes payload
    out_.emit(desc.type == "offer" ? "offer" : "answer", args.get());
}

void RoomProtocol::send_candidate(const std::string& peer, const IceCandidate& cand) {
    JsonObject* c = json_object_new();
    json_object_set_string_member(c, "candidate", cand.candidate.c_str());
    json_object_set_string_member(c, "sdpMid", cand.sdp_mid.c_str());
    json_object_set_int_member(c, "sdpMLineIndex", cand.mline_index);
    JsonObject* payload = json_object_new();
    json_object_set_object_member(payload, "candidate", c);
    json_object_set_string_member(payload, "candidateTo", peer.c_str());
    JsonArrayPtr args(json_array_new());
    json_array_add_object_element(args.get(), payload);  // takes payload
    out_.emit("candidate", args.get());
}

void RoomProtocol::session_ended(const std::string& peer) {
    // The seed dialect has no event for this; forget the member so a later offer starts fresh.
    members_.erase(peer);
}

}  // namespace rp
