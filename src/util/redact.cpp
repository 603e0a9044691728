#include "util/redact.h"

#include "util/gobj.h"
#include "util/json.h"

#include <glib.h>

#include <algorithm>
#include <vector>

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

bool is_scheme_char(char c) {
    return g_ascii_isalnum(c) || c == '+' || c == '-' || c == '.';
}

// Where a URL's authority ends in free text: at its path, query or fragment, or at what
// cannot be part of a URL (space, quotes, brackets of the text around it).
bool ends_authority(char c) {
    return g_ascii_isspace(c) || g_ascii_iscntrl(c) || c == '/' || c == '?' || c == '#' ||
           c == '"' || c == '\'' || c == '<' || c == '>' || c == '`' || c == '\\';
}

// Where an unquoted field value ends.
bool ends_value(char c) {
    return g_ascii_isspace(c) || g_ascii_iscntrl(c) || c == ',' || c == ';' || c == '&' ||
           c == ')' || c == '}' || c == ']' || c == '"' || c == '\'';
}

// The length of a credential field's name at `at` ("password", "passwd", "credential",
// "credentials", any case), 0 when there is none.
size_t credential_key(std::string_view text, size_t at) {
    char first = g_ascii_tolower(text[at]);
    if (first != 'p' && first != 'c') return 0;  // every byte of every debug line comes here
    for (std::string_view key : {"credentials", "credential", "password", "passwd"})
        if (text.size() - at >= key.size() &&
            g_ascii_strncasecmp(text.data() + at, key.data(), key.size()) == 0)
            return key.size();
    return 0;
}

// For a credential field whose name ends at `at`: [begin, end) of its value, or begin == end
// when the text there is not "=value", "(string)value" or a quoted JSON member's ": \"value\"".
std::pair<size_t, size_t> field_value(std::string_view text, size_t at, bool quoted_key) {
    size_t n = text.size(), i = at;
    if (quoted_key) {
        if (i >= n || text[i] != '"') return {0, 0};
        ++i;
    }
    while (i < n && text[i] == ' ') ++i;
    if (i >= n || !(text[i] == '=' || (quoted_key && text[i] == ':'))) return {0, 0};
    ++i;
    while (i < n && text[i] == ' ') ++i;
    // GstStructure's serialization: password=(string)value
    if (i < n && text[i] == '(') {
        size_t close = text.find(')', i);
        if (close != std::string_view::npos && close - i < 16) i = close + 1;
    }
    if (i < n && (text[i] == '"' || text[i] == '\'')) {
        char quote = text[i];
        size_t begin = ++i;
        while (i < n && text[i] != quote && text[i] != '\n')
            i += text[i] == '\\' && i + 1 < n ? 2 : 1;
        return {begin, std::min(i, n)};
    }
    size_t begin = i;
    while (i < n && !ends_value(text[i])) ++i;
    std::string_view value = text.substr(begin, i - begin);
    if (quoted_key && (value == "null" || value == "true" || value == "false")) return {0, 0};
    return {begin, i};
}

// Every string and number value of a JSON node, in the order written.
void collect_values(JsonNode* node, std::vector<std::string>& out) {
    switch (JSON_NODE_TYPE(node)) {
        case JSON_NODE_OBJECT: {
            JsonObject* o = json_node_get_object(node);
            GList* names = json_object_get_members(o);  // in the order written
            for (GList* l = names; l; l = l->next)
                collect_values(json_object_get_member(o, static_cast<const char*>(l->data)), out);
            g_list_free(names);
            break;
        }
        case JSON_NODE_ARRAY: {
            JsonArray* a = json_node_get_array(node);
            for (guint i = 0; i < json_array_get_length(a); ++i)
                collect_values(json_array_get_element(a, i), out);
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

bool is_word_char(char c) {
    return g_ascii_isalnum(c) || c == '_' || (static_cast<unsigned char>(c) & 0x80);
}

// A copy of `node` with its values masked (parsed nodes are immutable).
JsonNode* masked(JsonNode* node) {
    switch (JSON_NODE_TYPE(node)) {
        case JSON_NODE_OBJECT: {
            JsonObjectPtr copy(json_object_new());
            JsonObject* o = json_node_get_object(node);
            GList* names = json_object_get_members(o);  // in the order written
            for (GList* l = names; l; l = l->next) {
                const char* name = static_cast<const char*>(l->data);
                json_object_set_member(copy.get(), name, masked(json_object_get_member(o, name)));
            }
            g_list_free(names);
            JsonNode* out = json_node_alloc();
            json_node_init_object(out, copy.get());
            return out;
        }
        case JSON_NODE_ARRAY: {
            JsonArray* a = json_node_get_array(node);
            JsonArrayPtr copy(json_array_new());
            for (guint i = 0; i < json_array_get_length(a); ++i)
                json_array_add_element(copy.get(), masked(json_array_get_element(a, i)));
            JsonNode* out = json_node_alloc();
            json_node_init_array(out, copy.get());
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

std::string redact_json(std::string_view text) {
    JsonPtr node = json::parse(text);
    if (!node) return kSecretMask;
    JsonPtr copy(masked(node.get()));
    return json::to_string(copy.get());
}

std::string redact_url_in(std::string_view text, std::string_view url) {
    std::string redacted = redact_url(std::string(url));
    if (url.empty() || redacted == url) return std::string(text);
    std::string out;
    size_t from = 0;
    for (size_t at = text.find(url); at != std::string_view::npos; at = text.find(url, from)) {
        out.append(text.substr(from, at - from)).append(redacted);
        from = at + url.size();
    }
    return out.append(text.substr(from));
}

std::string redact_json_values_in(std::string_view text, std::string_view json) {
    std::vector<std::string> values;
    if (JsonPtr node = json::parse(json)) collect_values(node.get(), values);
    // Longest first, so a value that contains a shorter one is masked whole.
    std::sort(values.begin(), values.end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        // One pass: text already masked is not searched again.
        auto whole_at_i = [&](const std::string& v) {
            size_t end = i + v.size();
            return !v.empty() && text.compare(i, v.size(), v) == 0 &&
                   (i == 0 || !is_word_char(text[i - 1])) &&
                   (end == text.size() || !is_word_char(text[end]));
        };
        auto hit = std::find_if(values.begin(), values.end(), whole_at_i);
        if (hit != values.end()) {
            out += kSecretMask;
            i += hit->size();
        } else {
            out += text[i++];
        }
    }
    return out;
}

std::string mask_credentials(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0, n = text.size();
    while (i < n) {
        // scheme://user:pass@host
        if (text.compare(i, 3, "://") == 0 && i > 0 && is_scheme_char(text[i - 1])) {
            size_t start = i + 3, end = start;
            while (end < n && !ends_authority(text[end])) ++end;
            std::string_view authority = text.substr(start, end - start);
            size_t at = authority.rfind('@');
            size_t colon = authority.find(':');
            out += "://";
            i = start;
            if (at != std::string_view::npos && colon != std::string_view::npos && colon + 1 < at) {
                out.append(authority.substr(0, colon + 1)).append(kSecretMask);
                i = start + at;  // the host is scanned on: it may start another URL
            }
            continue;
        }
        // password=value, "password": "value"
        if (size_t key = credential_key(text, i)) {
            bool quoted = i > 0 && text[i - 1] == '"';
            auto [begin, end] = field_value(text, i + key, quoted);
            if (begin < end) {
                out.append(text.substr(i, begin - i)).append(kSecretMask);
                i = end;
                continue;
            }
            out.append(text.substr(i, key));
            i += key;
            continue;
        }
        out += text[i++];
    }
    return out;
}

}  // namespace rp
