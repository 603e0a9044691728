// Everything the command line says, as plain data: the app's options (which extend each layer's
// own) plus what only the command line itself uses. Built by options.cpp; read by main.cpp.
#pragma once

#include "app/options.h"

#include <string>

namespace rp {

struct Config : app::Options {
    std::string preset;  // --preset NAME as given
    int verbosity = 0;   // -1 quiet, 0 normal, 1+ verbose
};

}  // namespace rp
