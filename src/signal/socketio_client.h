// A Socket.IO v4 client over one libsoup WebSocket (no long-polling). Owns the Engine.IO
// heartbeat; hands namespace events to its owner on the main loop.
#pragma once

#include "signal/event_emitter.h"
#include "signal/socketio_codec.h"
#include "util/gobj.h"

#include <libsoup/soup.h>

#include <functional>
#include <string>

namespace rp {

enum class LinkFailure {
    Unreachable,  // could not open the WebSocket
    Refused,      // CONNECT_ERROR from the server
    Untrusted,    // the server's TLS certificate failed verification
    Lost,         // was connected, then closed or silent
};

class SocketIoClient : public EventEmitter {
  public:
    struct Handlers {
        std::function<void(const std::string& socket_id)> connected;
        std::function<void(const std::string& name, JsonArray* args)> event;
        std::function<void(LinkFailure, const std::string& why)> failed;
    };

    struct Tls {
        std::string ca_file;    // trusted besides the system store
        bool insecure = false;  // accept any certificate
    };

    SocketIoClient(std::string ws_url, std::string auth_json, Tls tls, Handlers handlers);
    ~SocketIoClient() override;
    SocketIoClient(const SocketIoClient&) = delete;
    SocketIoClient& operator=(const SocketIoClient&) = delete;

    // The endpoint of the next connect(): another node of the same room service.
    void set_url(std::string ws_url) { url_ = std::move(ws_url); }
    const std::string& url() const { return url_; }
    void connect();  // asynchronous; exactly one of connected/failed follows
    void close();
    bool is_connected() const { return connected_; }

    void emit(std::string_view name, JsonArray* args) override;

  private:
    static void on_connect_done(GObject* source, GAsyncResult* res, gpointer self);
    static gboolean on_accept_certificate(SoupMessage*, GTlsCertificate* cert,
                                          GTlsCertificateFlags errors, gpointer self);
    static void on_message(SoupWebsocketConnection*, gint type, GBytes* data, gpointer self);
    static void on_closed(SoupWebsocketConnection*, gpointer self);
    static gboolean on_heartbeat_timeout(gpointer self);

    void handle_text(std::string_view text);
    void handle_sio(std::string_view text);
    void arm_heartbeat();
    void drop_link(LinkFailure kind, const std::string& why);
    void send(const std::string& text);

    std::string url_;
    std::string auth_json_;
    Handlers handlers_;
    bool insecure_ = false;
    GObjectPtr<GTlsDatabase> extra_ca_;                                        // --ca-file
    GTlsCertificateFlags cert_errors_ = static_cast<GTlsCertificateFlags>(0);  // last refusal
    GObjectPtr<SoupSession> session_;
    GObjectPtr<GCancellable> cancellable_;
    GObjectPtr<SoupMessage> msg_;  // the pending connect's, so close() can detach from it
    GObjectPtr<SoupWebsocketConnection> ws_;
    sio::OpenInfo open_;
    SourceId heartbeat_;
    bool connected_ = false;
    bool reported_ = false;
};

}  // namespace rp
