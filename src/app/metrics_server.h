// GET /metrics over HTTP (libsoup 3): serves the latest Prometheus text it was given.
// Main-loop object; libsoup runs its handlers on the main loop too.
#pragma once

#include "util/gobj.h"

#include <libsoup/soup.h>

#include <string>

namespace rp {

class MetricsServer {
  public:
    MetricsServer() = default;
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    // Port 0 picks a free one; url() then tells which.
    bool listen(const std::string& address, int port, std::string* error);
    const std::string& url() const { return url_; }
    void set_body(std::string text) { body_ = std::move(text); }

  private:
    static void on_request(SoupServer*, SoupServerMessage* msg, const char* path, GHashTable*,
                           gpointer self);

    GObjectPtr<SoupServer> server_;
    std::string url_;
    std::string body_;
};

}  // namespace rp
