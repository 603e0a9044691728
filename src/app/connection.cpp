#include "app/connection.h"

#include "util/log.h"
#include "util/redact.h"

#include <algorithm>

namespace rp::app {

Connection::Connection(const ServerOptions& servers, double connect_timeout_s, Handlers handlers)
    : opts_(servers), connect_timeout_s_(connect_timeout_s), handlers_(std::move(handlers)) {
    SocketIoClient::Handlers h;
    h.connected = [this](const std::string& sid) {
        backoff_.reset();
        server_ = opts_.servers[index_];
        if (opts_.servers.size() > 1 || ever_connected_)
            log::info("on room server %s", redact_url(opts_.servers[index_]).c_str());
        bool again = ever_connected_;
        ever_connected_ = true;
        handlers_.connected(sid, again);
    };
    h.event = [this](const std::string& name, JsonArray* args) { handlers_.event(name, args); };
    h.failed = [this](LinkFailure kind, const std::string& why) { on_failed(kind, why); };
    client_ = std::make_unique<SocketIoClient>(opts_.ws_urls[index_], opts_.auth_json,
                                               SocketIoClient::Tls{opts_.ca_file, opts_.insecure},
                                               std::move(h));
}

Connection::~Connection() = default;

void Connection::start() {
    if (opts_.insecure)
        log::warn(
            "--insecure: the room server's TLS certificate is not verified; anyone on the "
            "path can read and change the signalling");
    client_->connect();
}

void Connection::stop() {
    stopped_ = true;
    retry_timer_.reset();
}

void Connection::on_failed(LinkFailure kind, const std::string& why) {
    if (stopped_) return;
    handlers_.disconnected();
    if (kind == LinkFailure::Refused) {
        handlers_.fatal("the room server refused the connection: " + why);
        return;
    }
    // Retrying cannot make an untrusted certificate trusted; after a start that worked, the
    // server may be mid-way through a certificate change, and calls keep running meanwhile.
    if (kind == LinkFailure::Untrusted && !ever_connected_) {
        handlers_.fatal("cannot trust the room server at " + redact_url(opts_.ws_urls[index_]) +
                        ": " + why);
        return;
    }
    int delay = backoff_.next_ms();
    std::string failed_server = redact_url(opts_.servers[index_]);
    // Several nodes: a dead one is not tried again before every other one was.
    index_ = (index_ + 1) % opts_.servers.size();
    client_->set_url(opts_.ws_urls[index_]);
    std::string next =
        opts_.servers.size() > 1 ? " (next: " + redact_url(opts_.servers[index_]) + ")" : "";
    if (!ever_connected_) {
        std::string what = "cannot reach the room server at " + failed_server + ": " + why +
                           (opts_.servers.size() > 1 ? "" : " (is it running? check --server)");
        double waited_s = (g_get_monotonic_time() - started_us_) / 1e6;
        double left_s = connect_timeout_s_ - waited_s;
        if (connect_timeout_s_ > 0 && left_s * 1000 < delay)
            delay = std::max(0, static_cast<int>(left_s * 1000));
        if (connect_timeout_s_ > 0 && left_s <= 0) {
            handlers_.fatal(what + "; gave up after --connect-timeout " +
                            std::to_string(static_cast<int>(connect_timeout_s_)) + " s");
            return;
        }
        last_error_ = what;
        log::warn("%s; retrying in %d ms%s", what.c_str(), delay, next.c_str());
    } else {
        log::warn("lost the room server %s (%s); reconnecting in %d ms%s, media keeps flowing",
                  failed_server.c_str(), why.c_str(), delay, next.c_str());
    }
    retry_timer_.reset(g_timeout_add(
        static_cast<guint>(delay),
        [](gpointer p) -> gboolean {
            auto* self = static_cast<Connection*>(p);
            self->retry_timer_.release();
            self->client_->connect();
            return G_SOURCE_REMOVE;
        },
        this));
}

}  // namespace rp::app
