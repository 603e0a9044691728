// A test-only capture fault, chosen by ROOMPEER_TEST_FLAKY_SOURCE: the live source fails
// (posts an error, or stalls: no more frames) after N buffers, and reopening it fails until
// down-ms have passed; `times` outages in all. Parsing is pure.
//
//   ROOMPEER_TEST_FLAKY_SOURCE="fail-after=90,down-ms=2500,times=1,mode=error,kind=video"
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace rp::media {

struct FlakySpec {
    std::uint64_t fail_after = 90;  // buffers of each opening before it fails
    int down_ms = 2500;             // reopening fails for this long after a failure
    int times = 1;                  // outages in all; then the source stays up
    bool stall = false;             // mode=stall: no more buffers (no error) instead
    bool video = true;              // kind=video|audio|both
    bool audio = false;
};

// nullopt and *error on an unknown key or a bad number.
std::optional<FlakySpec> parse_flaky_spec(const std::string& text, std::string* error);

// From the environment; nullopt when unset. A malformed value is logged and ignored.
std::optional<FlakySpec> flaky_spec_from_env();

}  // namespace rp::media
