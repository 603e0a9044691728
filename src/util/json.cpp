#include "util/json.h"

#include <cstdio>

#include <cmath>

namespace rp::json {

JsonPtr parse(std::string_view text, std::string* error) {
    GObjectPtr<JsonParser> parser(json_parser_new_immutable());
    GError* err = nullptr;
    if (!json_parser_load_from_data(parser.get(), text.data(), static_cast<gssize>(text.size()),
                                    &err)) {
        GErrorPtr owned(err);
        if (error) *error = err ? err->message : "invalid JSON";
        return nullptr;
    }
    JsonNode* root = json_parser_get_root(parser.get());
    if (!root) {
        if (error) *error = "empty JSON";
        return nullptr;
    }
    return JsonPtr(json_node_ref(root));
}

std::string to_string(JsonNode* node, bool pretty) {
    if (!node) return "null";
    GObjectPtr<JsonGenerator> gen(json_generator_new());
    json_generator_set_root(gen.get(), node);
    json_generator_set_pretty(gen.get(), pretty);
    return take_string(json_generator_to_data(gen.get(), nullptr));
}

std::optional<std::string> get_string(JsonObject* obj, const char* member) {
    if (!obj) return std::nullopt;
    JsonNode* n = json_object_get_member(obj, member);
    if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
        return std::nullopt;
    return std::string(json_node_get_string(n));
}

std::optional<gint64> get_int(JsonObject* obj, const char* member) {
    if (!obj) return std::nullopt;
    JsonNode* n = json_object_get_member(obj, member);
    if (!n || !JSON_NODE_HOLDS_VALUE(n)) return std::nullopt;
    GType t = json_node_get_value_type(n);
    if (t == G_TYPE_INT64) return json_node_get_int(n);
    if (t == G_TYPE_DOUBLE) {
        // Casting an out-of-range double is undefined behaviour: saturate instead.
        double d = json_node_get_double(n);
        if (std::isnan(d)) return std::nullopt;
        if (d >= 9.2e18) return G_MAXINT64;
        if (d <= -9.2e18) return G_MININT64;
        return static_cast<gint64>(d);
    }
    return std::nullopt;
}

JsonObject* get_object(JsonObject* obj, const char* member) {
    if (!obj) return nullptr;
    return as_object(json_object_get_member(obj, member));
}

JsonObject* as_object(JsonNode* node) {
    return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : nullptr;
}

JsonArray* as_array(JsonNode* node) {
    return node && JSON_NODE_HOLDS_ARRAY(node) ? json_node_get_array(node) : nullptr;
}

JsonPtr string_node(std::string_view s) {
    JsonNode* n = json_node_new(JSON_NODE_VALUE);
    json_node_set_string(n, std::string(s).c_str());
    return JsonPtr(n);
}

JsonPtr object_node(JsonObject* obj) {
    JsonNode* n = json_node_new(JSON_NODE_OBJECT);
    json_node_set_object(n, obj);
    return JsonPtr(n);
}

std::string quote(std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

}  // namespace rp::json
