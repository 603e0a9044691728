#include "signal/socketio_client.h"

#include "util/json.h"
#include "util/log.h"
#include "util/redact.h"

namespace rp {

namespace {

std::string describe_cert_errors(GTlsCertificateFlags f) {
    std::string out;
    auto add = [&](GTlsCertificateFlags bit, const char* what) {
        if (!(f & bit)) return;
        if (!out.empty()) out += ", ";
        out += what;
    };
    add(G_TLS_CERTIFICATE_UNKNOWN_CA, "signed by an unknown CA");
    add(G_TLS_CERTIFICATE_BAD_IDENTITY, "issued for another host name");
    add(G_TLS_CERTIFICATE_NOT_ACTIVATED, "not valid yet");
    add(G_TLS_CERTIFICATE_EXPIRED, "expired");
    add(G_TLS_CERTIFICATE_REVOKED, "revoked");
    add(G_TLS_CERTIFICATE_INSECURE, "uses an insecure algorithm");
    add(G_TLS_CERTIFICATE_GENERIC_ERROR, "invalid");
    return out.empty() ? "not trusted" : out;
}

}  // namespace

SocketIoClient::SocketIoClient(std::string ws_url, std::string auth_json, Tls tls,
                               Handlers handlers)
    : url_(std::move(ws_url)),
      auth_json_(std::move(auth_json)),
      handlers_(std::move(handlers)),
      insecure_(tls.insecure) {
    session_.reset(soup_session_new_with_options("timeout", 10, "idle-timeout", 0, nullptr));
    if (!tls.ca_file.empty()) {
        // GTlsFileDatabase takes only an absolute path: given a relative one it prints a
        // GLib-Net warning and trusts nothing. Options make it absolute; so does this.
        std::string path = take_string(g_canonicalize_filename(tls.ca_file.c_str(), nullptr));
        GError* raw = nullptr;
        extra_ca_.reset(g_tls_file_database_new(path.c_str(), &raw));
        GErrorPtr err(raw);
        // Options already loaded it once; a file that vanished since fails verification.
        if (!extra_ca_) log::warn("--ca-file %s: %s", path.c_str(), err ? err->message : "?");
    }
}

SocketIoClient::~SocketIoClient() {
    close();
}

// libsoup has already verified the certificate against the system store (the session's default
// database) and failed. A certificate is still good when --ca-file's CAs verify the same chain
// for the same host: trust is the union of both stores, with GIO doing every check.
gboolean SocketIoClient::on_accept_certificate(SoupMessage* msg, GTlsCertificate* cert,
                                               GTlsCertificateFlags errors, gpointer p) {
    auto* self = static_cast<SocketIoClient*>(p);
    if (self->insecure_) return TRUE;
    self->cert_errors_ = errors;
    if (!self->extra_ca_ || !cert) return FALSE;
    GUri* uri = soup_message_get_uri(msg);
    int port = g_uri_get_port(uri);
    GObjectPtr<GSocketConnectable> identity(
        g_network_address_new(g_uri_get_host(uri), static_cast<guint16>(port > 0 ? port : 443)));
    GError* raw = nullptr;
    GTlsCertificateFlags ours = g_tls_database_verify_chain(
        self->extra_ca_.get(), cert, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, identity.get(),
        nullptr, G_TLS_DATABASE_VERIFY_NONE, nullptr, &raw);
    GErrorPtr err(raw);
    if (err) {
        log::debug("--ca-file verification: %s", err->message);
        return FALSE;
    }
    if (ours == 0) return TRUE;
    // Report what the store that knows the CA objects to, e.g. a wrong host name.
    if (!(ours & G_TLS_CERTIFICATE_UNKNOWN_CA)) self->cert_errors_ = ours;
    return FALSE;
}

void SocketIoClient::connect() {
    close();
    reported_ = false;
    cancellable_.reset(g_cancellable_new());
    GObjectPtr<SoupMessage> msg(soup_message_new("GET", url_.c_str()));
    if (!msg) {
        reported_ = true;
        handlers_.failed(LinkFailure::Unreachable, "cannot parse URL " + redact_url(url_));
        return;
    }
    cert_errors_ = static_cast<GTlsCertificateFlags>(0);
    g_signal_connect(msg.get(), "accept-certificate",
                     G_CALLBACK(&SocketIoClient::on_accept_certificate), this);
    log::debug("connecting to %s", redact_url(url_).c_str());
    msg_ = std::move(msg);  // our reference, dropped in close()
    soup_session_websocket_connect_async(session_.get(), msg_.get(), nullptr, nullptr,
                                         G_PRIORITY_DEFAULT, cancellable_.get(),
                                         &SocketIoClient::on_connect_done, this);
}

void SocketIoClient::close() {
    heartbeat_.reset();
    if (cancellable_) {
        g_cancellable_cancel(cancellable_.get());
        cancellable_.reset();
    }
    if (msg_) {
        g_signal_handlers_disconnect_by_data(msg_.get(), this);
        msg_.reset();
    }
    if (ws_) {
        g_signal_handlers_disconnect_by_data(ws_.get(), this);
        if (soup_websocket_connection_get_state(ws_.get()) == SOUP_WEBSOCKET_STATE_OPEN)
            soup_websocket_connection_close(ws_.get(), SOUP_WEBSOCKET_CLOSE_NORMAL, nullptr);
        ws_.reset();
    }
    connected_ = false;
}

void SocketIoClient::on_connect_done(GObject* source, GAsyncResult* res, gpointer data) {
    GError* raw = nullptr;
    GObjectPtr<SoupWebsocketConnection> ws(
        soup_session_websocket_connect_finish(SOUP_SESSION(source), res, &raw));
    GErrorPtr err(raw);
    if (!ws) {
        bool cancelled = g_error_matches(err.get(), G_IO_ERROR, G_IO_ERROR_CANCELLED);
        bool bad_cert = g_error_matches(err.get(), G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
        // libsoup's and GIO's errors may quote the URL, credentials included.
        std::string why = err ? mask_credentials(err->message) : "unknown error";
        if (cancelled) return;  // `this` may be gone
        auto* self = static_cast<SocketIoClient*>(data);
        self->reported_ = true;
        if (bad_cert) {
            self->handlers_.failed(LinkFailure::Untrusted,
                                   "its TLS certificate is " +
                                       describe_cert_errors(self->cert_errors_) +
                                       (self->extra_ca_ ? " (neither the system CA store nor "
                                                          "--ca-file verify it)"
                                                        : " (the system CA store does not "
                                                          "verify it; add its CA with "
                                                          "--ca-file FILE)"));
            return;
        }
        self->handlers_.failed(LinkFailure::Unreachable, why);
        return;
    }
    auto* self = static_cast<SocketIoClient*>(data);
    self->ws_ = std::move(ws);
    SoupWebsocketConnection* conn = self->ws_.get();
    // SDPs are a few kB; allow well above the server's 1 MB limit so we can reject by content.
    soup_websocket_connection_set_max_incoming_payload_size(conn, 4 * 1024 * 1024);
    soup_websocket_connection_set_keepalive_interval(conn, 0);
    g_signal_connect(conn, "message", G_CALLBACK(&SocketIoClient::on_message), self);
    g_signal_connect(conn, "closed", G_CALLBACK(&SocketIoClient::on_closed), self);
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
    self->heartbeat_.release();
    self->drop_link(LinkFailure::Lost, "no ping from the server within pingInterval+pingTimeout");
    return G_SOURCE_REMOVE;
}

void SocketIoClient::arm_heartbeat() {
    heartbeat_.reset(
        g_timeout_add(static_cast<guint>(open_.ping_interval_ms + open_.ping_timeout_ms),
                      &SocketIoClient::on_heartbeat_timeout, this));
}

void SocketIoClient::drop_link(LinkFailure kind, const std::string& why) {
    bool was_connected = connected_;
    close();
    if (reported_) return;
    reported_ = true;
    handlers_.failed(was_connected ? LinkFailure::Lost : kind, why);
}

void SocketIoClient::send(const std::string& text) {
    if (ws_ && soup_websocket_connection_get_state(ws_.get()) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_send_text(ws_.get(), text.c_str());
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
            // A server may quote the --auth it refused: its values never reach a log or report.
            handlers_.failed(LinkFailure::Refused,
                             redact_json_values_in(msg.value_or(packet->data), auth_json_));
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
