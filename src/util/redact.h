// Secrets out of anything we print, masked where they are: URLs with credentials keep their
// user, never the password; JSON (--auth) keeps its keys, never its values; free text from a
// library (an error, a GStreamer debug line) loses only what has the shape of a credential.
// Never a search for a secret's text: a password "p" or "video" must not mangle the words
// "pass" or "video" elsewhere in a line or a report. Pure.
#pragma once

#include <string>
#include <string_view>

namespace rp {

inline constexpr const char* kSecretMask = "***";

// "turn://user:pass@host:port" -> "turn://user:***@host:port"; URLs without a password as given.
std::string redact_url(const std::string& url);

// `text` (an error that quotes `url` as given) with `url` printed through redact_url().
std::string redact_url_in(std::string_view text, std::string_view url);

// A JSON text with every string and number value masked, keys kept, so it still parses as
// the same shape; "***" when the text is not JSON.
std::string redact_json(std::string_view json);

// `text` (the room server's reply to a CONNECT that carried the --auth `json`, which may quote
// it back) with each string or number value of `json` masked where it stands as a whole token,
// never inside a longer word: with a token "p", 'bad token "p"' is masked and "pass" is not.
std::string redact_json_values_in(std::string_view text, std::string_view json);

// Free text with its credential-shaped parts masked, everything else byte for byte:
//  - the password in a URL's user info: "scheme://user:pass@host" -> "scheme://user:***@host";
//  - the value of a password, passwd or credential(s) field: "password=x", "password=(string)x",
//    "password=\"x y\"", "\"password\": \"x\"" -> the same with *** for x.
// For what we did not write ourselves: libraries' errors, GStreamer's debug lines.
std::string mask_credentials(std::string_view text);

}  // namespace rp
