#include "report/expect.h"

#include "util/json.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace rp {

namespace {

CompareOp negated(CompareOp op) {
    switch (op) {
        case CompareOp::Less:
            return CompareOp::GreaterEqual;
        case CompareOp::LessEqual:
            return CompareOp::Greater;
        case CompareOp::Greater:
            return CompareOp::LessEqual;
        case CompareOp::GreaterEqual:
            return CompareOp::Less;
        case CompareOp::Equal:
            return CompareOp::NotEqual;
        case CompareOp::NotEqual:
            return CompareOp::Equal;
    }
    return op;
}

std::string trim(const std::string& s) {
    size_t a = s.find_first_not_of(" \t");
    if (a == std::string::npos) return {};
    size_t b = s.find_last_not_of(" \t");
    return s.substr(a, b - a + 1);
}

bool field_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

std::string number_text(double v) {
    return json::fixed(v, 3);
}

void collect(JsonObject* object, const std::string& prefix, std::vector<std::string>& out) {
    if (!object) return;
    GList* members = json_object_get_members(object);
    for (GList* m = members; m; m = m->next) {
        const char* name = static_cast<const char*>(m->data);
        JsonNode* n = json_object_get_member(object, name);
        std::string path = prefix.empty() ? name : prefix + "." + name;
        if (JSON_NODE_HOLDS_OBJECT(n)) {
            collect(json_node_get_object(n), path, out);
        } else if (JSON_NODE_HOLDS_NULL(n)) {
            out.push_back(path);
        } else if (JSON_NODE_HOLDS_VALUE(n)) {
            GType t = json_node_get_value_type(n);
            if (t == G_TYPE_INT64 || t == G_TYPE_DOUBLE || t == G_TYPE_BOOLEAN) out.push_back(path);
        }
    }
    g_list_free(members);
}

}  // namespace

const char* op_text(CompareOp op) {
    switch (op) {
        case CompareOp::Less:
            return "<";
        case CompareOp::LessEqual:
            return "<=";
        case CompareOp::Greater:
            return ">";
        case CompareOp::GreaterEqual:
            return ">=";
        case CompareOp::Equal:
            return "==";
        case CompareOp::NotEqual:
            return "!=";
    }
    return "?";
}

std::string FieldExpectation::text() const {
    return field + op_text(op) + limit_text;
}

bool FieldExpectation::holds(double v) const {
    switch (op) {
        case CompareOp::Less:
            return v < limit;
        case CompareOp::LessEqual:
            return v <= limit;
        case CompareOp::Greater:
            return v > limit;
        case CompareOp::GreaterEqual:
            return v >= limit;
        case CompareOp::Equal:
            return v == limit;
        case CompareOp::NotEqual:
            return v != limit;
    }
    return false;
}

std::optional<FieldExpectation> parse_expectation(const std::string& text,
                                                  const std::vector<std::string>& known_fields,
                                                  std::string* error) {
    auto fail = [&](const std::string& why) -> std::optional<FieldExpectation> {
        if (error)
            *error = "--expect '" + text + "': " + why +
                     " (the form is FIELD OP NUMBER, OP one of < <= > >= == !=, e.g. "
                     "'video.fps>=24')";
        return std::nullopt;
    };
    std::string s = trim(text);
    size_t i = 0;
    while (i < s.size() && field_char(s[i])) ++i;
    FieldExpectation e;
    e.field = s.substr(0, i);
    if (e.field.empty()) return fail("no field name");
    if (e.field.front() == '.' || e.field.back() == '.' || e.field.find("..") != std::string::npos)
        return fail("'" + e.field + "' is not a dotted field name");
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    static const std::pair<const char*, CompareOp> ops[] = {
        {"<=", CompareOp::LessEqual}, {">=", CompareOp::GreaterEqual}, {"==", CompareOp::Equal},
        {"!=", CompareOp::NotEqual},  {"<", CompareOp::Less},          {">", CompareOp::Greater}};
    bool found = false;
    for (const auto& [t, op] : ops) {
        if (s.compare(i, std::char_traits<char>::length(t), t) == 0) {
            e.op = op;
            i += std::char_traits<char>::length(t);
            found = true;
            break;
        }
    }
    if (!found) return fail("no comparison operator after '" + e.field + "'");
    e.limit_text = trim(s.substr(i));
    if (e.limit_text.empty()) return fail("no number after the operator");
    const char* begin = e.limit_text.c_str();
    char* end = nullptr;
    e.limit = std::strtod(begin, &end);
    bool digits = std::any_of(e.limit_text.begin(), e.limit_text.end(),
                              [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    if (end == begin || *end != '\0' || !digits || !std::isfinite(e.limit))
        return fail("'" + e.limit_text + "' is not a number");
    if (std::find(known_fields.begin(), known_fields.end(), e.field) == known_fields.end()) {
        std::string list;
        for (const auto& f : known_fields) list += (list.empty() ? "" : ", ") + f;
        if (error)
            *error = "--expect '" + text + "': unknown field '" + e.field +
                     "'; the numeric fields of a peer are: " + list;
        return std::nullopt;
    }
    return e;
}

std::vector<std::string> numeric_paths(JsonObject* object) {
    std::vector<std::string> out;
    collect(object, "", out);
    return out;
}

std::optional<double> number_at(JsonObject* object, const std::string& path, bool* not_number) {
    if (not_number) *not_number = false;
    JsonObject* at = object;
    size_t start = 0;
    while (at) {
        size_t dot = path.find('.', start);
        std::string name = path.substr(start, dot == std::string::npos ? dot : dot - start);
        JsonNode* n = json_object_get_member(at, name.c_str());
        if (!n || JSON_NODE_HOLDS_NULL(n)) return std::nullopt;
        if (dot != std::string::npos) {
            at = json::as_object(n);
            if (!at && not_number) *not_number = true;
            start = dot + 1;
            continue;
        }
        if (JSON_NODE_HOLDS_VALUE(n)) {
            GType t = json_node_get_value_type(n);
            if (t == G_TYPE_INT64) return static_cast<double>(json_node_get_int(n));
            if (t == G_TYPE_DOUBLE) return json_node_get_double(n);
            if (t == G_TYPE_BOOLEAN) return json_node_get_boolean(n) ? 1.0 : 0.0;
        }
        if (not_number) *not_number = true;
        return std::nullopt;
    }
    return std::nullopt;
}

ExpectOutcome evaluate(const FieldExpectation& e, JsonObject* peer) {
    ExpectOutcome out;
    bool not_number = false;
    out.value = number_at(peer, e.field, &not_number);
    std::string expected = std::string("(expected ") + op_text(e.op) + " " + e.limit_text + ")";
    if (!out.value) {
        out.message = e.field + (not_number ? " is not a number " : " is null ") + expected;
        return out;
    }
    out.pass = e.holds(*out.value);
    out.message = e.field + " " + number_text(*out.value) + " " +
                  op_text(out.pass ? e.op : negated(e.op)) + " " + e.limit_text;
    return out;
}

}  // namespace rp
