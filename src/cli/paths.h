// Path options: made absolute as they are read, and output paths checked at start, so that a
// mistyped --report is not found out only at exit, after the run. Internal to src/cli.
#pragma once

#include <string>

namespace rp::cli {

// PATH made absolute against the working directory ("" stays "").
std::string absolute_path(const std::string& path);

// Why roompeer could not write the file PATH (absolute), or "" when it can.
std::string unwritable_file(const std::string& path);

// Why roompeer could not write into the directory PATH (absolute), or "" when it can.
std::string unwritable_dir(const std::string& path);

// Why the PEM file of CA certificates at PATH (absolute) cannot be used, or "" when it can.
std::string unusable_ca_file(const std::string& path);

}  // namespace rp::cli
