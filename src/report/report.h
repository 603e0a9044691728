// Expectations and the JSON report written at exit. Pure: no GStreamer, no network.
#pragma once

#include "report/expect.h"
#include "report/peer_record.h"
#include "report/quality_json.h"

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
    std::vector<std::string> errors;    // run-level failures (e.g. lost server), always fail
    std::uint64_t source_restarts = 0;  // capture sources reopened after an outage
    std::vector<PeerFigures> figures;   // per peer, in the order of `peers`; missing: all null
};

// One run-level check and how it failed (nothing: it passed), for the JUnit test cases:
// "run" (the run's own errors), "expect-peers>=N", "expect-frames>=N" (when expected).
struct RunCheck {
    std::string name;
    std::vector<std::string> failures;
};
std::vector<RunCheck> run_checks(const RunResult& run, const Expectations& expect);
// Every failure of run_checks, in order.
std::vector<std::string> check_expectations(const RunResult& run, const Expectations& expect);

// video.latency_ms in the report: null with fewer --latency-probe samples than this.
constexpr size_t kMinLatencySamples = 10;
// The q-quantile (0..1) of the samples, as the report's latency_ms; empty with too few.
std::optional<std::uint32_t> latency_percentile(std::vector<std::uint32_t> samples, double q);

// One peer's entry of the report's peers[], on one line: what --expect reads.
std::string peer_json(const PeerRecord& p, const PeerFigures& f);
// The fields --expect may name: the numeric and boolean leaves of a peer entry whose every
// figure is known.
std::vector<std::string> expectable_fields();

// One --expect checked against one connected peer (or, with no connected peer at all, one
// failed result with an empty peer_id).
struct ExpectationResult {
    std::string peer_id;
    std::string peer_name;    // userInfo.name, or empty
    std::string expectation;  // "video.fps>=24"
    bool pass = false;
    std::string message;  // "video.fps 5.1 < 24", "video.psnr_db.mean is null (expected >= 30)"
    std::string failure() const;  // "peer ID (NAME): MESSAGE" for failures and the log
};
std::vector<ExpectationResult> check_field_expectations(
    const RunResult& run, const std::vector<FieldExpectation>& expect);
// The server URL without its password; failures and end reasons with their credential-shaped
// text masked (mask_credentials); every other field as it is.
std::string report_json(const RunResult& run, const std::vector<std::string>& failures);

}  // namespace rp
