#include "util/redact.h"

#include "util/json.h"

#include <glib.h>

namespace rp {

namespace {

// Where the password of `url` is: [begin, end) inside it, or begin == end when it has none.
std::pair<size_t, size_t> password_span(std::string_view url) {
    size_t scheme = url.find("://");
    size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
    // Without "://" (a mistyped URL) there is no telling where the host ends: assume all of
    // it may be credentials rather than print a password.
    size_t auth_end =
        scheme == std::string_view::npos ? std::string_view::npos : url.find_first_of("/?#", start);
    std::string_view authority = url.substr(
        start, auth_end == std::string_view::npos ? std::string_view::npos : auth_end - start);
    // The last '@' ends the user info: a password may itself contain '@' when not encoded.
    size_t at = authority.rfind('@');
    if (at == std::string_view::npos) return {0, 0};
    size_t colon = authority.find(':');
    if (colon == std::string_view::npos || colon > at) return {0, 0};
    return {start + colon + 1, start + at};
}

void collect(JsonNode* node, std::vector<std::string>& out) {
    switch (JSON_NODE_TYPE(node)) {
        case JSON_NODE_OBJECT: {
            JsonObject* o = json_node_get_object(node);
            GList* names = json_object_get_members(o);  // in the order written
            for (GList* l = names; l; l = l->next)
                collect(json_object_get_member(o, static_cast<const char*>(l->data)), out);
            g_list_free(names);
            break;
        }
        case JSON_NODE_ARRAY: {
            JsonArray* a = json_node_get_array(node);
            for (guint i = 0; i < json_array_get_length(a); ++i)
                collect(json_array_get_element(a, i), out);
            break;
        }
        case JSON_NODE_VALUE:
            if (json_node_get_value_type(node) == G_TYPE_STRING)
                out.emplace_back(json_node_get_string(node));
            else if (json_node_get_value_type(node) != G_TYPE_BOOLEAN)
                out.push_back(json::to_string(node));
            break;
        case JSON_NODE_NULL:
            break;
    }
}

// A copy of `node` with its values masked (parsed nodes are immutable).
JsonNode* masked(JsonNode* node) {
    switch (JSON_NODE_TYPE(node)) {
        case JSON_NODE_OBJECT: {
            JsonObject* copy = json_object_new();
            JsonObject* o = json_node_get_object(node);
            GList* names = json_object_get_members(o);  // in the order written
            for (GList* l = names; l; l = l->next) {
                const char* name = static_cast<const char*>(l->data);
                json_object_set_member(copy, name, masked(json_object_get_member(o, name)));
            }
            g_list_free(names);
            JsonNode* out = json_node_alloc();
            json_node_init_object(out, copy);
            json_object_unref(copy);
            return out;
        }
        case JSON_NODE_ARRAY: {
            JsonArray* a = json_node_get_array(node);
            JsonArray* copy = json_array_new();
            for (guint i = 0; i < json_array_get_length(a); ++i)
                json_array_add_element(copy, masked(json_array_get_element(a, i)));
            JsonNode* out = json_node_alloc();
            json_node_init_array(out, copy);
            json_array_unref(copy);
            return out;
        }
        case JSON_NODE_VALUE:
            if (json_node_get_value_type(node) != G_TYPE_BOOLEAN)
                return json_node_init_string(json_node_alloc(), kSecretMask);
            return json_node_copy(node);
        case JSON_NODE_NULL:
            break;
    }
    return json_node_init_null(json_node_alloc());
}

}  // namespace

std::string redact_url(const std::string& url) {
    auto [begin, end] = password_span(url);
    if (begin == end) return url;
    return url.substr(0, begin) + kSecretMask + url.substr(end);
}

std::vector<std::string> url_secrets(const std::string& url) {
    auto [begin, end] = password_span(url);
    if (begin == end) return {};
    std::string raw = url.substr(begin, end - begin);
    std::vector<std::string> out{raw};
    if (char* decoded = g_uri_unescape_string(raw.c_str(), nullptr)) {
        if (raw != decoded) out.emplace_back(decoded);
        g_free(decoded);
    }
    return out;
}

std::string redact_json(std::string_view text) {
    JsonPtr node = json::parse(text);
    if (!node) return kSecretMask;
    JsonPtr copy(masked(node.get()));
    return json::to_string(copy.get());
}

std::vector<std::string> json_secrets(std::string_view text) {
    std::vector<std::string> all, out;
    if (JsonPtr node = json::parse(text)) collect(node.get(), all);
    // Masking "1" or "ok" everywhere in a log would hide more than it protects.
    for (auto& s : all)
        if (s.size() >= 4) out.push_back(std::move(s));
    return out;
}

std::string hide_secrets(std::string text, const std::vector<std::string>& secrets) {
    for (const auto& s : secrets) {
        if (s.empty()) continue;
        for (size_t at = text.find(s); at != std::string::npos; at = text.find(s, at + 3))
            text.replace(at, s.size(), kSecretMask);
    }
    return text;
}

}  // namespace rp
