// libFuzzer target: one WebSocket text frame through the Socket.IO codec and, when it is an
// event, through the room protocol's dispatch, exactly as the client hands frames over.
#include "link/peer_link.h"
#include "signal/room_protocol.h"
#include "signal/socketio_codec.h"
#include "util/json.h"
#include "util/log.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

struct NullEmitter : rp::EventEmitter {
    void emit(std::string_view, JsonArray*) override {}
};

// Answers like the media side would: ends sessions so the protocol's bookkeeping is exercised.
struct Events : rp::PeerEvents {
    rp::RoomProtocol* room = nullptr;
    void member_joined(const std::string&, const std::string&, bool) override {}
    void member_left(const std::string&) override {}
    void remote_description(const std::string& peer, const rp::SessionDescription& d) override {
        if (d.sdp.size() % 7 == 0) room->session_ended(peer);
    }
    void remote_candidate(const std::string&, const rp::IceCandidate&) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static bool quiet = (rp::log::set_level(rp::log::Level::Error), true);
    (void)quiet;
    std::string frame(reinterpret_cast<const char*>(data), size);
    NullEmitter out;
    Events events;
    rp::RoomProtocol room("fuzz", R"({"name":"fuzz"})", out, events);
    events.room = &room;
    room.on_connected("self");
    auto eio = rp::sio::parse_eio(frame, nullptr);
    if (!eio) return 0;
    if (eio->type == rp::sio::EioType::Open) (void)rp::sio::parse_open(eio->payload, nullptr);
    if (eio->type != rp::sio::EioType::Message) return 0;
    auto sio = rp::sio::parse_sio(eio->payload, nullptr);
    if (!sio) return 0;
    (void)rp::sio::serialize_sio(*sio);
    auto event = rp::sio::parse_event(*sio, nullptr);
    if (!event) return 0;
    // The same event twice: the second meets the state the first left behind.
    room.on_event(event->name, rp::json::as_array(event->args.get()));
    room.on_event(event->name, rp::json::as_array(event->args.get()));
    return 0;
}
