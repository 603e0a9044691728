#include "app/metrics_server.h"

#include "util/gobj.h"

namespace rp {

MetricsServer::~MetricsServer() {
    if (server_) soup_server_disconnect(server_.get());
}

bool MetricsServer::listen(const std::string& address, int port, std::string* error) {
    GObjectPtr<GInetAddress> inet(g_inet_address_new_from_string(address.c_str()));
    if (!inet) {
        if (error) *error = "--metrics-address: '" + address + "' is not an IP address";
        return false;
    }
    GObjectPtr<GSocketAddress> where(
        g_inet_socket_address_new(inet.get(), static_cast<guint16>(port)));
    server_.reset(soup_server_new("server-header", "roompeer", nullptr));
    soup_server_add_handler(server_.get(), "/metrics", &MetricsServer::on_request, this, nullptr);
    GError* raw_err = nullptr;
    gboolean ok = soup_server_listen(server_.get(), where.get(),
                                     static_cast<SoupServerListenOptions>(0), &raw_err);
    GErrorPtr err(raw_err);
    if (!ok) {
        if (error)
            *error = "--metrics-port: cannot listen on " + address + ":" + std::to_string(port) +
                     ": " + (err ? err->message : "?");
        return false;
    }
    GSList* uris = soup_server_get_uris(server_.get());
    if (uris) url_ = take_string(g_uri_to_string(static_cast<GUri*>(uris->data))) + "metrics";
    g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));
    return true;
}

void MetricsServer::on_request(SoupServer*, SoupServerMessage* msg, const char* path, GHashTable*,
                               gpointer data) {
    auto* self = static_cast<MetricsServer*>(data);
    const char* method = soup_server_message_get_method(msg);
    if (g_strcmp0(path, "/metrics") != 0) {
        soup_server_message_set_status(msg, SOUP_STATUS_NOT_FOUND, nullptr);
        return;
    }
    if (g_strcmp0(method, "GET") != 0 && g_strcmp0(method, "HEAD") != 0) {
        soup_server_message_set_status(msg, SOUP_STATUS_METHOD_NOT_ALLOWED, nullptr);
        return;
    }
    soup_server_message_set_status(msg, SOUP_STATUS_OK, nullptr);
    soup_server_message_set_response(msg, "text/plain; version=0.0.4; charset=utf-8",
                                     SOUP_MEMORY_COPY, self->body_.data(), self->body_.size());
}

}  // namespace rp
