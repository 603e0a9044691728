// Wires one run together: pipeline + local media, the room dialect over the connection policy,
// the session manager, the clock (--duration, signals) and the report.
#pragma once

#include "app/options.h"

namespace rp {

enum ExitCode { kExitPass = 0, kExitFail = 1, kExitUsage = 2, kExitServer = 3, kExitMedia = 4 };

// Runs until --duration, SIGINT/SIGTERM or a fatal error; returns the process exit code.
int run_app(const app::Options& opts);

}  // namespace rp
