#include "media/flaky_source.h"

#include "util/log.h"

#include <cstdlib>
#include <sstream>

namespace rp::media {

namespace {

bool to_number(const std::string& s, long long& out) {
    if (s.empty() || s.size() > 12) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    out = std::stoll(s);
    return true;
}

}  // namespace

std::optional<FlakySpec> parse_flaky_spec(const std::string& text, std::string* error) {
    FlakySpec spec;
    std::stringstream in(text);
    std::string item;
    auto fail = [&](const std::string& why) -> std::optional<FlakySpec> {
        if (error) *error = why;
        return std::nullopt;
    };
    while (std::getline(in, item, ',')) {
        if (item.empty()) continue;
        auto eq = item.find('=');
        if (eq == std::string::npos) return fail("'" + item + "' is not key=value");
        std::string key = item.substr(0, eq), value = item.substr(eq + 1);
        long long n = 0;
        if (key == "mode") {
            if (value != "error" && value != "stall") return fail("mode is error or stall");
            spec.stall = value == "stall";
        } else if (key == "kind") {
            if (value != "video" && value != "audio" && value != "both")
                return fail("kind is video, audio or both");
            spec.video = value != "audio";
            spec.audio = value != "video";
        } else if (key == "fail-after" || key == "down-ms" || key == "times") {
            if (!to_number(value, n))
                return fail(key + " takes a whole number, not '" + value + "'");
            if (key == "fail-after")
                spec.fail_after = static_cast<std::uint64_t>(n);
            else if (key == "down-ms")
                spec.down_ms = static_cast<int>(n);
            else
                spec.times = static_cast<int>(n);
        } else {
            return fail("unknown key '" + key + "' (fail-after, down-ms, times, mode, kind)");
        }
    }
    return spec;
}

std::optional<FlakySpec> flaky_spec_from_env() {
    const char* text = std::getenv("ROOMPEER_TEST_FLAKY_SOURCE");
    if (!text || !*text) return std::nullopt;
    std::string why;
    auto spec = parse_flaky_spec(text, &why);
    if (!spec) log::warn("ROOMPEER_TEST_FLAKY_SOURCE ignored: %s", why.c_str());
    return spec;
}

}  // namespace rp::media
