// Wires one run together: pipeline + local media, the room dialect over Socket.IO, the
// session manager, the clock (--duration, signals) and the report.
#pragma once

#include "cli/config.h"

namespace rp {

enum ExitCode { kExitPass = 0, kExitFail = 1, kExitUsage = 2, kExitServer = 3, kExitMedia = 4 };

// Runs until --duration, SIGINT/SIGTERM or a fatal error; returns the process exit code.
int run_app(const Config& cfg);

}  // namespace rp
