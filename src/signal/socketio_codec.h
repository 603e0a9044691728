// Engine.IO v4 / Socket.IO v5 text framing. Pure: strings in, packets out; no I/O.
#pragma once

#include "util/gobj.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rp::sio {

enum class EioType : char {
    Open = '0',
    Close = '1',
    Ping = '2',
    Pong = '3',
    Message = '4',
    Upgrade = '5',
    Noop = '6',
};

struct EioPacket {
    EioType type;
    std::string payload;
};

enum class SioType : int {
    Connect = 0,
    Disconnect = 1,
    Event = 2,
    Ack = 3,
    ConnectError = 4,
    BinaryEvent = 5,
    BinaryAck = 6,
};

struct SioPacket {
    SioType type = SioType::Event;
    std::string nsp = "/";
    std::optional<std::uint64_t> ack_id;
    int attachments = 0;  // binary packets only; the room protocol never uses them
    std::string data;     // raw JSON text, may be empty
};

struct OpenInfo {
    std::string sid;
    int ping_interval_ms = 25000;
    int ping_timeout_ms = 20000;
    std::int64_t max_payload = 1000000;
};

struct Event {
    std::string name;
    JsonPtr args;  // JSON array of the arguments after the name (never null)
};

std::optional<EioPacket> parse_eio(std::string_view text, std::string* error);
std::string serialize_eio(EioType type, std::string_view payload = {});

std::optional<SioPacket> parse_sio(std::string_view text, std::string* error);
std::string serialize_sio(const SioPacket& packet);

std::optional<OpenInfo> parse_open(std::string_view json_text, std::string* error);
std::optional<Event> parse_event(const SioPacket& packet, std::string* error);

// Complete Engine.IO text frame for an event on the default namespace: 42["name",args...]
std::string encode_event(std::string_view name, JsonArray* args);
// Complete frame for a namespace CONNECT, with an optional auth JSON object.
std::string encode_connect(std::string_view auth_json);

}  // namespace rp::sio
