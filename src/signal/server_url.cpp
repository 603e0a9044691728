#include "signal/server_url.h"

#include "util/gobj.h"

#include <glib.h>

#include <algorithm>
#include <cctype>
#include <memory>

namespace rp {

namespace {

struct UriUnref {
    void operator()(GUri* u) const { g_uri_unref(u); }
};
using UriPtr = std::unique_ptr<GUri, UriUnref>;

constexpr const char* kSchemes = "(use ws://, wss://, http:// or https://)";

std::string text_of(const char* s) {
    return s ? s : "";
}

}  // namespace

std::optional<std::string> websocket_url(std::string_view url, std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<std::string> {
        if (error) *error = why;
        return std::nullopt;
    };
    const std::string given(url);
    if (!g_uri_peek_scheme(given.c_str())) return fail("'" + given + "' has no scheme " + kSchemes);
    // Percent-escapes in the user info, path and query stay as they were written.
    const GUriFlags flags = G_URI_FLAGS_ENCODED;
    GError* err = nullptr;
    UriPtr uri(g_uri_parse(given.c_str(), flags, &err));
    if (!uri) {
        GErrorPtr owned(err);
        return fail("'" + given + "' is not a URL: " + (err ? err->message : "cannot parse it"));
    }
    const char* host = g_uri_get_host(uri.get());
    std::string scheme = text_of(g_uri_get_scheme(uri.get()));  // GUri lowercases it
    if (scheme == "http") scheme = "ws";
    if (scheme == "https") scheme = "wss";
    if (scheme != "ws" && scheme != "wss") {
        // "localhost:3000" parses as scheme "localhost": it is a host without a scheme.
        if (!host) return fail("'" + given + "' has no scheme " + kSchemes);
        return fail("unsupported scheme '" + scheme + "' " + kSchemes);
    }
    if (!host || !*host) return fail("'" + given + "' has no host");
    std::string host_text = host;
    if (std::any_of(host_text.begin(), host_text.end(),
                    [](unsigned char c) { return std::isspace(c); }))
        return fail("host contains whitespace");
    // GUri decodes an IPv6 zone ("fe80::1%25eth0"); it goes back into the URL encoded.
    for (size_t at = host_text.find('%'); at != std::string::npos; at = host_text.find('%', at + 3))
        host_text.replace(at, 1, "%25");

    std::string path = text_of(g_uri_get_path(uri.get()));
    std::string query = text_of(g_uri_get_query(uri.get()));
    if (path.empty() || path == "/") {
        path = "/socket.io/";
        query = "EIO=4&transport=websocket" + (query.empty() ? "" : "&" + query);
    }
    UriPtr ws(g_uri_build(flags, scheme.c_str(), g_uri_get_userinfo(uri.get()), host_text.c_str(),
                          g_uri_get_port(uri.get()), path.c_str(),
                          query.empty() && !g_uri_get_query(uri.get()) ? nullptr : query.c_str(),
                          g_uri_get_fragment(uri.get())));
    return take_string(g_uri_to_string(ws.get()));
}

}  // namespace rp
