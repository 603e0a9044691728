#include "signal/socketio_codec.h"

#include "util/json.h"

#include <cctype>
#include <limits>

namespace rp::sio {

std::optional<EioPacket> parse_eio(std::string_view text, std::string* error) {
    if (text.empty()) {
        if (error) *error = "empty frame";
        return std::nullopt;
    }
    char c = text[0];
    if (c < '0' || c > '6') {
        if (error) *error = std::string("unknown Engine.IO packet type '") + c + "'";
        return std::nullopt;
    }
    return EioPacket{static_cast<EioType>(c), std::string(text.substr(1))};
}

std::string serialize_eio(EioType type, std::string_view payload) {
    std::string out(1, static_cast<char>(type));
    out.append(payload);
    return out;
}

std::optional<SioPacket> parse_sio(std::string_view text, std::string* error) {
    auto fail = [&](const char* why) -> std::optional<SioPacket> {
        if (error) *error = why;
        return std::nullopt;
    };
    if (text.empty()) return fail("empty Socket.IO packet");
    if (text[0] < '0' || text[0] > '6') return fail("unknown Socket.IO packet type");
    SioPacket p;
    p.type = static_cast<SioType>(text[0] - '0');
    size_t i = 1;
    if (p.type == SioType::BinaryEvent || p.type == SioType::BinaryAck) {
        size_t dash = text.find('-', i);
        if (dash == std::string_view::npos || dash == i || dash - i > 6)
            return fail("bad attachment count");
        int n = 0;
        for (size_t k = i; k < dash; ++k) {
            if (!std::isdigit(static_cast<unsigned char>(text[k])))
                return fail("bad attachment count");
            n = n * 10 + (text[k] - '0');
        }
        p.attachments = n;
        i = dash + 1;
    }
    if (i < text.size() && text[i] == '/') {
        size_t comma = text.find(',', i);
        size_t end = comma == std::string_view::npos ? text.size() : comma;
        p.nsp = std::string(text.substr(i, end - i));
        i = comma == std::string_view::npos ? text.size() : comma + 1;
    }
    if (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        std::uint64_t id = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
            if (id > (std::numeric_limits<std::uint64_t>::max() - 9) / 10)
                return fail("ack id too large");
            id = id * 10 + static_cast<std::uint64_t>(text[i] - '0');
            ++i;
        }
        p.ack_id = id;
    }
    p.data = std::string(text.substr(i));
    return p;
}

std::string serialize_sio(const SioPacket& p) {
    std::string out(1, static_cast<char>('0' + static_cast<int>(p.type)));
    if (p.type == SioType::BinaryEvent || p.type == SioType::BinaryAck)
        out += std::to_string(p.attachments) + "-";
    if (!p.nsp.empty() && p.nsp != "/") out += p.nsp + ",";
    if (p.ack_id) out += std::to_string(*p.ack_id);
    out += p.data;
    return out;
}

std::optional<OpenInfo> parse_open(std::string_view json_text, std::string* error) {
    JsonPtr root = json::parse(json_text, error);
    JsonObject* obj = json::as_object(root.get());
    if (!obj) {
        if (error && root) *error = "open packet is not an object";
        return std::nullopt;
    }
    OpenInfo info;
    auto sid = json::get_string(obj, "sid");
    if (!sid) {
        if (error) *error = "open packet has no sid";
        return std::nullopt;
    }
    info.sid = *sid;
    auto clamp = [](gint64 v) {
        return static_cast<int>(std::min<gint64>(std::max<gint64>(v, 1), 3600000));
    };
    if (auto v = json::get_int(obj, "pingInterval")) info.ping_interval_ms = clamp(*v);
    if (auto v = json::get_int(obj, "pingTimeout")) info.ping_timeout_ms = clamp(*v);
    if (auto v = json::get_int(obj, "maxPayload")) info.max_payload = *v;
    return info;
}

std::optional<Event> parse_event(const SioPacket& packet, std::string* error) {
    if (packet.type != SioType::Event) {
        if (error) *error = "not an event packet";
        return std::nullopt;
    }
    JsonPtr root = json::parse(packet.data, error);
    JsonArray* arr = json::as_array(root.get());
    if (!arr) {
        if (error && root) *error = "event payload is not an array";
        return std::nullopt;
    }
    if (json_array_get_length(arr) == 0) {
        if (error) *error = "event without a name";
        return std::nullopt;
    }
    JsonNode* first = json_array_get_element(arr, 0);
    if (!JSON_NODE_HOLDS_VALUE(first) || json_node_get_value_type(first) != G_TYPE_STRING) {
        if (error) *error = "event name is not a string";
        return std::nullopt;
    }
    Event ev;
    ev.name = json_node_get_string(first);
    JsonArray* rest = json_array_new();
    for (guint i = 1; i < json_array_get_length(arr); ++i)
        json_array_add_element(rest, json_node_copy(json_array_get_element(arr, i)));
    JsonNode* node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, rest);
    ev.args.reset(node);
    return ev;
}

std::string encode_event(std::string_view name, JsonArray* args) {
    JsonArray* all = json_array_new();
    json_array_add_string_element(all, std::string(name).c_str());
    if (args) {
        for (guint i = 0; i < json_array_get_length(args); ++i)
            json_array_add_element(all, json_node_copy(json_array_get_element(args, i)));
    }
    JsonNode* node = json_node_new(JSON_NODE_ARRAY);
    json_node_take_array(node, all);
    JsonPtr owner(node);
    SioPacket p;
    p.type = SioType::Event;
    p.data = json::to_string(node);
    return serialize_eio(EioType::Message, serialize_sio(p));
}

std::string encode_connect(std::string_view auth_json) {
    SioPacket p;
    p.type = SioType::Connect;
    p.data = std::string(auth_json);
    return serialize_eio(EioType::Message, serialize_sio(p));
}

}  // namespace rp::sio
