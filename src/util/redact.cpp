#include "util/redact.h"

#include <glib.h>

namespace rp {

std::string redact_url(const std::string& url) {
    size_t sep = url.find("://");
    size_t start = sep == std::string::npos ? 0 : sep + 3;
    // The last '@' ends the credentials: a password may itself contain '@' (unescaped).
    size_t at = url.rfind('@');
    if (at == std::string::npos || at < start) return url;
    size_t colon = url.find(':', start);
    if (colon == std::string::npos || colon > at) return url;
    return url.substr(0, colon + 1) + "***" + url.substr(at);
}

std::vector<std::string> url_secrets(const std::string& url) {
    size_t sep = url.find("://");
    size_t start = sep == std::string::npos ? 0 : sep + 3;
    size_t at = url.rfind('@');
    if (at == std::string::npos || at < start) return {};
    size_t colon = url.find(':', start);
    if (colon == std::string::npos || colon > at || colon + 1 == at) return {};
    std::vector<std::string> out{url.substr(colon + 1, at - colon - 1)};
    if (char* plain = g_uri_unescape_string(out.front().c_str(), nullptr)) {
        if (out.front() != plain) out.emplace_back(plain);
        g_free(plain);
    }
    return out;
}

std::string hide_secrets(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& secret : secrets) {
        if (secret.empty()) continue;
        for (size_t pos = text.find(secret); pos != std::string::npos;
             pos = text.find(secret, pos + 3))
            text.replace(pos, secret.size(), "***");
    }
    return text;
}

}  // namespace rp
