// The part of TOML a flat configuration file needs: `key = value` lines with strings, numbers,
// booleans and arrays of those, and comments. Pure, so it is unit-tested without CLI11.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rp::toml {

struct Entry {
    std::string key;
    std::vector<std::string> values;  // strings unquoted; numbers and booleans as written
    bool array = false;
    int line = 0;
};

// Parses `text`; false and *error ("line N: why") on anything outside the supported subset.
bool parse(std::string_view text, std::vector<Entry>& out, std::string* error);

// One value as TOML: integers, floats and booleans bare, everything else a quoted string.
std::string value(const std::string& v);
// A basic string with every character that needs it escaped.
std::string quote(std::string_view s);

}  // namespace rp::toml
