// Expectations and the JSON report written at exit. Pure: no GStreamer, no network.
#pragma once

#include "report/peer_record.h"

#include <string>
#include <vector>

namespace rp {

struct Expectations {
    int peers = -1;   // -1: none
    int frames = -1;  // -1: none
};

// --expect-frames defaults to 1 when only --expect-peers is given.
Expectations make_expectations(int expect_peers, int expect_frames);

struct RunResult {
    std::string room;
    std::string self_id;
    std::string server;  // --server URL we were last connected to; empty: never connected
    std::vector<PeerRecord> peers;
    std::vector<std::string> errors;  // run-level failures (e.g. lost server), always fail
};

std::vector<std::string> check_expectations(const RunResult& run, const Expectations& expect);
// The server URL without its password; failures and end reasons with their credential-shaped
// text masked (mask_credentials); every other field as it is.
std::string report_json(const RunResult& run, const std::vector<std::string>& failures);

}  // namespace rp
