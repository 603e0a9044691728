// The connection policy: which room server node to use, when to try again (the socket.io
// backoff), when to give up (--connect-timeout, a refusal, an untrusted certificate) and
// failover through every --server in turn. Owns the one Socket.IO client of the run.
#pragma once

#include "app/options.h"
#include "signal/backoff.h"
#include "signal/socketio_client.h"
#include "util/gobj.h"

#include <glib.h>

#include <functional>
#include <memory>
#include <string>

namespace rp::app {

class Connection {
  public:
    struct Handlers {
        // On the namespace with a socket id; `again` after a reconnect (ids are new then).
        std::function<void(const std::string& socket_id, bool again)> connected;
        std::function<void(const std::string& name, JsonArray* args)> event;
        // The link went down; a reconnect is scheduled unless fatal follows.
        std::function<void()> disconnected;
        // Nothing more to try: the run must end with this error.
        std::function<void(const std::string& why)> fatal;
    };

    // Builds the client (not connected yet): a room dialect can emit through emitter() from
    // the start.
    Connection(const ServerOptions& servers, double connect_timeout_s, Handlers handlers);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    EventEmitter& emitter() { return *client_; }
    void start();
    // No more reconnects; the link stays as it is until destruction.
    void stop();

    bool ever_connected() const { return ever_connected_; }
    // The --server we last connected to, as given; empty when never.
    const std::string& server() const { return server_; }
    // Why the last attempt before the first connection failed; empty when none did.
    const std::string& last_error() const { return last_error_; }

  private:
    void on_failed(LinkFailure kind, const std::string& why);

    const ServerOptions& opts_;
    double connect_timeout_s_;
    Handlers handlers_;
    std::unique_ptr<SocketIoClient> client_;
    Backoff backoff_;
    size_t index_ = 0;    // into opts_.servers: the node we are on or trying next
    std::string server_;  // the last one we connected to, for the report
    std::string last_error_;
    bool ever_connected_ = false;
    bool stopped_ = false;
    gint64 started_us_ = g_get_monotonic_time();
    SourceId retry_timer_;
};

}  // namespace rp::app
