// Secrets out of anything we print: URLs with credentials keep their user, never the password;
// JSON (--auth) keeps its keys, never its values. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rp {

inline constexpr const char* kSecretMask = "***";

// "turn://user:pass@host:port" -> "turn://user:***@host:port"; URLs without a password as given.
std::string redact_url(const std::string& url);

// The password of a URL with credentials, as written and percent-decoded; empty without one.
std::vector<std::string> url_secrets(const std::string& url);

// `text` with every occurrence of every non-empty secret replaced by "***".
std::string hide_secrets(std::string text, const std::vector<std::string>& secrets);

// A JSON text with every string and number value masked, keys kept, so it still parses as
// the same shape; "***" when the text is not JSON.
std::string redact_json(std::string_view json);
// Every string and number value of a JSON text long enough to be worth masking in free text.
std::vector<std::string> json_secrets(std::string_view json);

}  // namespace rp
