#include "util/json.h"

#include <cstdio>

#include <charconv>
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
    Writer w = pretty ? Writer::pretty() : Writer::compact();
    return w.node(node).str();
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

// ---- Writer ----------------------------------------------------------------------------------

void Writer::newline(size_t level) {
    out_ += '\n';
    out_.append(2 * level, ' ');
}

// Whatever goes between the previous value and this one: a comma, a line break, indentation.
void Writer::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (levels_.empty()) return;
    Level& l = levels_.back();
    if (!l.empty) out_ += pretty_ && !l.broken ? ", " : ",";
    if (l.broken) newline(levels_.size());
    l.empty = false;
}

Writer& Writer::raw(std::string_view text) {
    before_value();
    out_ += text;
    return *this;
}

Writer& Writer::open(char bracket) {
    before_value();
    out_ += bracket;
    levels_.push_back({pretty_ && static_cast<int>(levels_.size()) < pretty_depth_});
    return *this;
}

Writer& Writer::close(char bracket) {
    if (levels_.empty()) return *this;
    Level l = levels_.back();
    levels_.pop_back();
    if (l.broken && !l.empty) newline(levels_.size());
    out_ += bracket;
    return *this;
}

Writer& Writer::key(std::string_view name) {
    before_value();
    out_ += quote(name);
    out_ += pretty_ ? ": " : ":";
    after_key_ = true;
    return *this;
}

Writer& Writer::string(std::string_view s) {
    return raw(quote(s));
}

Writer& Writer::string_or_null(std::string_view s) {
    return s.empty() ? null() : string(s);
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    if (s == "-0") s = "0";
    return s;
}

Writer& Writer::number(double v, int decimals) {
    if (!std::isfinite(v)) return null();
    return raw(fixed(v, decimals));
}

Writer& Writer::number(const std::optional<double>& v, int decimals) {
    return v ? number(*v, decimals) : null();
}

Writer& Writer::node(JsonNode* n) {
    if (!n || JSON_NODE_HOLDS_NULL(n)) return null();
    if (JsonObject* obj = as_object(n)) {
        begin_object();
        JsonObjectIter it;
        const gchar* name = nullptr;
        JsonNode* member = nullptr;
        json_object_iter_init_ordered(&it, obj);
        while (json_object_iter_next_ordered(&it, &name, &member)) key(name).node(member);
        return end_object();
    }
    if (JsonArray* arr = as_array(n)) {
        begin_array();
        for (guint i = 0; i < json_array_get_length(arr); ++i) node(json_array_get_element(arr, i));
        return end_array();
    }
    switch (json_node_get_value_type(n)) {
        case G_TYPE_STRING:
            return string(json_node_get_string(n));
        case G_TYPE_BOOLEAN:
            return boolean(json_node_get_boolean(n));
        case G_TYPE_INT64:
            return integer(json_node_get_int(n));
        case G_TYPE_DOUBLE: {
            double d = json_node_get_double(n);
            if (!std::isfinite(d)) return null();
            char buf[32];
            auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
            std::string text(buf, ec == std::errc() ? end : buf);
            if (text.find_first_of(".e") == std::string::npos) text += ".0";
            return raw(text);
        }
        default:
            return null();
    }
}

}  // namespace rp::json
