// Writing a finished report where --report says: a regular file atomically, anything else
// (stdout as "-", /dev/stdout, a FIFO, /dev/null) in place.
#pragma once

#include <string>

namespace rp {

// False and *error (the system's reason) when the text could not be written.
bool write_report_file(const std::string& path, const std::string& text, std::string* error);

}  // namespace rp
