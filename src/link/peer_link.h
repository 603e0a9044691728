// The one boundary between signalling and media, keyed by remote peer id.
// A room dialect implements PeerSignaller and drives a PeerEvents; media code implements
// PeerEvents and talks back only through PeerSignaller. Neither side knows the other's details.
#pragma once

#include <string>

namespace rp {

struct SessionDescription {
    std::string type;  // "offer" or "answer"
    std::string sdp;
};

struct IceCandidate {
    std::string candidate;  // "candidate:..." line without "a="
    std::string sdp_mid;
    int mline_index = 0;
};

// Down: what media asks signalling to deliver to one peer.
class PeerSignaller {
  public:
    virtual ~PeerSignaller() = default;
    virtual void send_description(const std::string& peer, const SessionDescription& desc) = 0;
    virtual void send_candidate(const std::string& peer, const IceCandidate& cand) = 0;
    // Media gave up on this peer (failed, timed out); the dialect may tell the server.
    virtual void session_ended(const std::string& peer) = 0;
};

// Up: what signalling learned about one peer.
class PeerEvents {
  public:
    virtual ~PeerEvents() = default;
    // We are in the room under `self_id` (again, with a new id, after a reconnect).
    virtual void joined(const std::string& self_id) { (void)self_id; }
    // user_json: the member's user object as JSON text ("{}" when the server never told us).
    // we_call: true when we must send the offer.
    virtual void member_joined(const std::string& peer, const std::string& user_json,
                               bool we_call) = 0;
    virtual void member_left(const std::string& peer) = 0;
    virtual void remote_description(const std::string& peer, const SessionDescription& desc) = 0;
    virtual void remote_candidate(const std::string& peer, const IceCandidate& cand) = 0;
};

}  // namespace rp
