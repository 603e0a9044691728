// Small helpers over json-glib: parse, read members with type checks; and Writer, the one
// JSON writer (the report, --stats lines, --list-devices --json, and every json-glib node
// turned into text).
#pragma once

#include "util/gobj.h"

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rp::json {

// Parses text; nullptr (and *error set) when it is not JSON.
JsonPtr parse(std::string_view text, std::string* error = nullptr);
// A node as JSON text (through Writer): one line, or indented when `pretty`.
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
// A finite number with at most `decimals` decimals and no trailing zeros ("29.97", "30", "0"),
// as the writer puts it in JSON and the status line and Prometheus text show it.
std::string fixed(double v, int decimals);
JsonPtr object_node(JsonObject* obj);  // takes a new reference on obj

// Writes JSON text value by value, members in the order they are written:
//   json::Writer w = json::Writer::compact();
//   w.begin_object().key("fps").number(29.97, 1).key("name").string_or_null(name).end_object();
//   w.str()  // {"fps":30,"name":null}
class Writer {
  public:
    // All on one line, no spaces: {"a":1,"b":[2,3]}.
    static Writer compact() { return Writer(false, 0); }
    // One member or element a line, indented by two spaces, for `depth` levels of nesting;
    // containers nested deeper stay on one line, spaced: {"a": 1, "b": [2, 3]}. Empty
    // containers are [] and {}.
    static Writer pretty(int depth = 1 << 30) { return Writer(true, depth); }

    Writer& begin_object() { return open('{'); }
    Writer& end_object() { return close('}'); }
    Writer& begin_array() { return open('['); }
    Writer& end_array() { return close(']'); }
    // The member whose value comes next (inside an object).
    Writer& key(std::string_view name);

    Writer& string(std::string_view s);
    Writer& string_or_null(std::string_view s);  // "" is written as null
    Writer& null() { return raw("null"); }
    Writer& boolean(bool b) { return raw(b ? "true" : "false"); }
    template <std::integral T>
    Writer& integer(T v) {
        return raw(std::to_string(v));
    }
    // Fixed `decimals` without trailing zeros: 29.9, not 29.899999999999999; 30, not 30.000.
    // Infinity and NaN (no JSON numbers) are written as null, as is an empty optional.
    Writer& number(double v, int decimals);
    Writer& number(const std::optional<double>& v, int decimals);
    // A json-glib node as it is (null for nullptr): parsed JSON passed through. Doubles are
    // written in the fewest digits that read back the same, with ".0" when integral.
    Writer& node(JsonNode* n);

    // The text so far: the whole document once every container is closed.
    const std::string& str() const { return out_; }

  private:
    Writer(bool pretty, int depth) : pretty_(pretty), pretty_depth_(depth) {}
    Writer& open(char bracket);
    Writer& close(char bracket);
    Writer& raw(std::string_view text);
    void before_value();
    void newline(size_t level);

    struct Level {
        bool broken;  // one member or element a line
        bool empty = true;
    };
    bool pretty_;
    int pretty_depth_;
    std::vector<Level> levels_;
    bool after_key_ = false;
    std::string out_;
};

}  // namespace rp::json
