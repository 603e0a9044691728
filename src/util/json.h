// Small helpers over json-glib: parse, read members with type checks, write.
#pragma once

#include "util/gobj.h"

#include <optional>
#include <string>
#include <string_view>

namespace rp::json {

// Parses text; nullptr (and *error set) when it is not JSON.
JsonPtr parse(std::string_view text, std::string* error = nullptr);
std::string to_string(JsonNode* node, bool pretty = false);

// Typed reads: std::nullopt when the member is missing or has another type.
std::optional<std::string> get_string(JsonObject* obj, const char* member);
std::optional<gint64> get_int(JsonObject* obj, const char* member);
JsonObject* get_object(JsonObject* obj, const char* member);  // borrowed, may be nullptr
JsonObject* as_object(JsonNode* node);                        // borrowed, may be nullptr
JsonArray* as_array(JsonNode* node);                          // borrowed, may be nullptr

JsonPtr string_node(std::string_view s);

// s as a double-quoted string literal, control characters escaped: valid JSON, and a valid
// TOML basic string too.
std::string quote(std::string_view s);
JsonPtr object_node(JsonObject* obj);  // takes a new reference on obj

}  // namespace rp::json
