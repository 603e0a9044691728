// Secrets out of anything we print: URLs with credentials keep their user, never the password.
#pragma once

#include <string>
#include <vector>

namespace rp {

// "turn://user:pass@host:port" -> "turn://user:***@host:port"; URLs without a password as given.
std::string redact_url(const std::string& url);

// The password of a URL with credentials, as written and percent-decoded; empty without one.
std::vector<std::string> url_secrets(const std::string& url);

// `text` with every occurrence of every non-empty secret replaced by "***".
std::string hide_secrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace rp
