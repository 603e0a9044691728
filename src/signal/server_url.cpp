#include "signal/server_url.h"

#include <algorithm>
#include <cctype>

namespace rp {

namespace {

// 'text', built by appending: "'" + std::string(text) inserts at the front of a temporary,
// and GCC 12 at -O3 warns about that (-Wrestrict, a false positive).
std::string quoted(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '\'';
    out += text;
    out += '\'';
    return out;
}

}  // namespace

std::optional<std::string> websocket_url(std::string_view url, std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<std::string> {
        if (error) *error = why;
        return std::nullopt;
    };
    size_t sep = url.find("://");
    if (sep == std::string_view::npos)
        return fail(quoted(url) + " has no scheme (use ws://, wss://, http:// or https://)");
    std::string scheme(url.substr(0, sep));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (scheme == "http") scheme = "ws";
    if (scheme == "https") scheme = "wss";
    if (scheme != "ws" && scheme != "wss")
        return fail("unsupported scheme '" + scheme + "' (use ws://, wss://, http:// or https://)");
    std::string_view rest = url.substr(sep + 3);
    size_t path_at = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_at);
    if (authority.empty()) return fail(quoted(url) + " has no host");
    for (char c : authority)
        if (std::isspace(static_cast<unsigned char>(c))) return fail("host contains whitespace");
    std::string_view tail =
        path_at == std::string_view::npos ? std::string_view() : rest.substr(path_at);
    std::string_view path = tail.substr(0, tail.find_first_of("?#"));
    std::string out = scheme + "://" + std::string(authority);
    if (path.empty() || path == "/") {
        std::string_view query = tail.substr(path.size());
        out += "/socket.io/?EIO=4&transport=websocket";
        if (query.size() > 1 && query[0] == '?') out += "&" + std::string(query.substr(1));
    } else {
        out += std::string(tail);
    }
    return out;
}

}  // namespace rp
