#include "signal/socketio_client.h"

#include "util/json.h"
#include "util/log.h"

namespace rp {

SocketIoClient::SocketIoClient(std::string ws_url, std::string auth_json, Handlers handlers)
    : url_(std::move(ws_url)), auth_json_(std::move(auth_json)), handlers_(std::move(handlers)) {
    session_ = soup_session_new_with_options("timeout", 10, "idle-timeout", 0, nullptr);
}

SocketIoClient::~SocketIoClient() {
    close();
    g_clear_object(&session_);
}

void SocketIoClient::connect() {
    close();
    reported_ = false;
    cancellable_ = g_cancellable_new();
    SoupMessage* msg = soup_message_new("GET", url_.c_str());
    if (!msg) {
        reported_ = true;
        handlers_.failed(LinkFailure::Unreachable, "cannot parse URL " + url_);
        return;
    }
    log::debug("connecting to %s", url_.c_str());
    soup_session_websocket_connect_async(session_, msg, nullptr, nullptr, G_PRIORITY_DEFAULT,
                                         cancellable_, &SocketIoClient::on_connect_done, this);
    g_object_unref(msg);
}

void SocketIoClient::close() {
    if (heartbeat_) g_source_remove(heartbeat_);
    heartbeat_ = 0;
    if (cancellable_) {
        g_cancellable_cancel(cancellable_);
        g_clear_object(&cancellable_);
    }
    if (ws_) {
        g_signal_handlers_disconnect_by_data(ws_, this);
        if (soup_websocket_connection_get_state(ws_) == SOUP_WEBSOCKET_STATE_OPEN)
            soup_websocket_connection_close(ws_, SOUP_WEBSOCKET_CLOSE_NORMAL, nullptr);
        g_clear_object(&ws_);
    }
    connected_ = false;
}

void SocketIoClient::on_connect_done(GObject* source, GAsyncResult* res, gpointer data) {
    GError* err = nullptr;
    SoupWebsocketConnection* ws =
        soup_session_websocket_connect_finish(SOUP_SESSION(source), res, &err);
    if (!ws) {
        bool cancelled = g_error_matches(err, G_IO_ERROR, G_IO_ERROR_CANCELLED);
        std::string why = err ? err->message : "unknown error";
        g_clear_error(&err);
        if (cancelled) return;  // `this` may be gone
        auto* self = static_cast<SocketIoClient*>(data);
        self->reported_ = true;
        self->handlers_.failed(LinkFailure::Unreachable, why);
        return;
    }
    auto* self = static_cast<SocketIoClient*>(data);
    self->ws_ = ws;
    // SDPs are a few kB; allow well above the server's 1 MB limit so we can reject by content.
    soup_websocket_connection_set_max_incoming_payload_size(ws, 4 * 1024 * 1024);
    soup_websocket_connection_set_keepalive_interval(ws, 0);
    g_signal_connect(ws, "message", G_CALLBACK(&SocketIoClient::on_message), self);
    g_signal_connect(ws, "closed", G_CALLBACK(&SocketIoClient::on_closed), self);
    self->arm_heartbeat();  // the open packet must come within the default interval
}

void SocketIoClient::on_message(SoupWebsocketConnection*, gint type, GBytes* data, gpointer p) {
    auto* self = static_cast<SocketIoClient*>(p);
    gsize size = 0;
    const char* bytes = static_cast<const char*>(g_bytes_get_data(data, &size));
    if (type != SOUP_WEBSOCKET_DATA_TEXT) {
        log::warn("dropped a binary WebSocket frame of %zu bytes (the room protocol has none)",
                  size);
        return;
    }
    self->handle_text(std::string_view(bytes ? bytes : "", size));
}

void SocketIoClient::on_closed(SoupWebsocketConnection* ws, gpointer p) {
    auto* self = static_cast<SocketIoClient*>(p);
    gushort code = soup_websocket_connection_get_close_code(ws);
    self->drop_link(LinkFailure::Lost,
                    "the server closed the connection (code " + std::to_string(code) + ")");
}

gboolean SocketIoClient::on_heartbeat_timeout(gpointer p) {
    auto* self = static_cast<SocketIoClient*>(p);
    self->heartbeat_ = 0;
    self->drop_link(LinkFailure::Lost, "no ping from the server within pingInterval+pingTimeout");
    return G_SOURCE_REMOVE;
}

void SocketIoClient::arm_heartbeat() {
    if (heartbeat_) g_source_remove(heartbeat_);
    heartbeat_ = g_timeout_add(static_cast<guint>(open_.ping_interval_ms + open_.ping_timeout_ms),
                               &SocketIoClient::on_heartbeat_timeout, this);
}

void SocketIoClient::drop_link(LinkFailure kind, const std::string& why) {
    bool was_connected = connected_;
    close();
    if (reported_) return;
    reported_ = true;
    handlers_.failed(was_connected ? LinkFailure::Lost : kind, why);
}

void SocketIoClient::send(const std::string& text) {
    if (ws_ && soup_websocket_connection_get_state(ws_) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text(ws_, text.c_str());
}

void SocketIoClient::emit(std::string_view name, JsonArray* args) {
    if (!connected_) {
        log::debug("not connected: '%.*s' not sent", static_cast<int>(name.size()), name.data());
        return;
    }
    send(sio::encode_event(name, args));
}

void SocketIoClient::handle_text(std::string_view text) {
    std::string err;
    auto packet = sio::parse_eio(text, &err);
    if (!packet) {
        log::warn("dropped a malformed frame from the server: %s", err.c_str());
        return;
    }
    switch (packet->type) {
        case sio::EioType::Open: {
            auto info = sio::parse_open(packet->payload, &err);
            if (!info) {
                drop_link(LinkFailure::Unreachable, "bad Engine.IO open packet: " + err);
                return;
            }
            open_ = *info;
            arm_heartbeat();
            send(sio::encode_connect(auth_json_));
            break;
        }
        case sio::EioType::Ping:
            arm_heartbeat();
            send(sio::serialize_eio(sio::EioType::Pong, packet->payload));
            break;
        case sio::EioType::Message:
            handle_sio(packet->payload);
            break;
        case sio::EioType::Close:
            drop_link(LinkFailure::Lost, "the server sent an Engine.IO close");
            break;
        default:
            break;
    }
}

void SocketIoClient::handle_sio(std::string_view text) {
    std::string err;
    auto packet = sio::parse_sio(text, &err);
    if (!packet) {
        log::warn("dropped a malformed Socket.IO packet from the server: %s", err.c_str());
        return;
    }
    if (packet->nsp != "/") return;
    switch (packet->type) {
        case sio::SioType::Connect: {
            JsonPtr data = json::parse(packet->data);
            auto sid = json::get_string(json::as_object(data.get()), "sid");
            if (!sid) {
                drop_link(LinkFailure::Refused, "CONNECT without a socket id");
                return;
            }
            connected_ = true;
            handlers_.connected(*sid);
            break;
        }
        case sio::SioType::ConnectError: {
            JsonPtr data = json::parse(packet->data);
            auto msg = json::get_string(json::as_object(data.get()), "message");
            reported_ = true;
            close();
            handlers_.failed(LinkFailure::Refused, msg.value_or(packet->data));
            break;
        }
        case sio::SioType::Disconnect:
            drop_link(LinkFailure::Lost, "the server disconnected this client");
            break;
        case sio::SioType::Event: {
            auto ev = sio::parse_event(*packet, &err);
            if (!ev) {
                log::warn("dropped a malformed event from the server: %s", err.c_str());
                return;
            }
            handlers_.event(ev->name, json::as_array(ev->args.get()));
            break;
        }
        case sio::SioType::BinaryEvent:
        case sio::SioType::BinaryAck:
            log::warn("dropped a binary Socket.IO packet (the room protocol has none)");
            break;
        case sio::SioType::Ack:
            break;
    }
}

}  // namespace rp
