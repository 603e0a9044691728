// Secrets out of anything we print: URLs with credentials keep their user, never the password.
#pragma once

#include <string>

namespace rp {

// "turn://user:pass@host:port" -> "turn://user:***@host:port"; URLs without a password as given.
std::string redact_url(const std::string& url);

}  // namespace rp
