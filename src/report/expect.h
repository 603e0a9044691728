// --expect 'FIELD OP NUMBER': a limit on one numeric field of a peer's entry in the report,
// read from that entry's JSON itself (a dotted path: video.fps, video.latency_ms.p95), so every
// field the report has can be expected. Booleans count as 1 (true) and 0 (false). Pure.
#pragma once

#include "util/gobj.h"

#include <optional>
#include <string>
#include <vector>

namespace rp {

enum class CompareOp { Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual };
const char* op_text(CompareOp op);  // "<", "<=", ...

struct FieldExpectation {
    std::string field;  // dotted path: video.psnr_db.p5
    CompareOp op = CompareOp::GreaterEqual;
    double limit = 0;
    std::string limit_text;  // as written: "24", "0.5"

    std::string text() const;  // "video.fps>=24"
    bool holds(double value) const;
};

// Parses one expression; spaces around the parts are optional. On error: std::nullopt and
// *error says why (a malformed expression, or a field not in `known_fields`, naming them).
std::optional<FieldExpectation> parse_expectation(const std::string& text,
                                                  const std::vector<std::string>& known_fields,
                                                  std::string* error);

// Every numeric, boolean or null leaf of `object` (a null may be a number another time), as
// dotted paths in member order.
std::vector<std::string> numeric_paths(JsonObject* object);

// The number at `path` in `object`: empty when a member on the way is missing or null.
// *not_number (when given) is set when the value is there but neither number nor boolean.
std::optional<double> number_at(JsonObject* object, const std::string& path,
                                bool* not_number = nullptr);

struct ExpectOutcome {
    bool pass = false;
    std::optional<double> value;  // what was measured; empty: null
    // Why it failed, without the peer: "video.fps 5.1 < 24", "video.psnr_db.mean is null
    // (expected >= 30)"; for a pass the measured value: "video.fps 29.8 >= 24".
    std::string message;
};

ExpectOutcome evaluate(const FieldExpectation& e, JsonObject* peer);

}  // namespace rp
