// Command-line parsing (CLI11) into Config. Exceptions stay inside: callers get a result.
#pragma once

#include "cli/config.h"

#include <string>

namespace rp {

struct ParseResult {
    enum class Kind { Run, Exit, ListDevices } kind = Kind::Run;
    int exit_code = 0;    // for Exit: 0 after --help/--version/--print-config, 2 on a usage error
    bool json = false;    // for ListDevices: --json
    std::string message;  // text to print (help, version or the error)
};

ParseResult parse_options(int argc, const char* const* argv, Config& out);

}  // namespace rp
