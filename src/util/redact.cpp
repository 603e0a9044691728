#include "util/redact.h"

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

}  // namespace rp
