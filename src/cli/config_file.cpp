#include "cli/config_file.h"

#include "util/json.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <sstream>

namespace rp {

namespace {

// What the option holds now, as strings; empty when neither given nor defaulted.
std::vector<std::string> current_values(const CLI::Option* opt) {
    if (opt->count() > 0) {
        return opt->results();
    }
    if (!opt->get_default_str().empty()) return {opt->get_default_str()};
    if (opt->get_expected_min() == 0) return {"false"};
    return {};
}

bool is_list(const CLI::Option* opt) {
    return opt->get_items_expected_max() > 1;
}

// ---- reading: toml++ parses, then the file is held to what a flat option list can mean ----

// One `key = value` of the file: strings unquoted, numbers and booleans as written.
struct Entry {
    std::string key;
    std::vector<std::string> values;
    bool array = false;
    int line = 0;
};

// Line `n` (from 1) of `text`, without its line break.
std::string_view line_of_text(std::string_view text, size_t n) {
    size_t start = 0;
    for (size_t i = 1; i < n && start != std::string_view::npos; ++i) {
        start = text.find('\n', start);
        if (start != std::string_view::npos) ++start;
    }
    if (start == std::string_view::npos || start > text.size()) return {};
    std::string_view line = text.substr(start, text.find('\n', start) - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

// toml++ counts columns in code points from 1; the byte offset of `column` in `line`.
size_t byte_offset(std::string_view line, size_t column) {
    size_t i = 0;
    for (size_t c = 1; c < column && i < line.size(); ++c) {
        ++i;
        while (i < line.size() && (static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) ++i;
    }
    return i;
}

// The text a value was written as (numbers, dates: they sit on one line).
std::string written(std::string_view text, const toml::source_region& where) {
    std::string_view line = line_of_text(text, where.begin.line);
    size_t from = byte_offset(line, where.begin.column);
    size_t to =
        where.end.line == where.begin.line ? byte_offset(line, where.end.column) : line.size();
    return std::string(line.substr(from, to > from ? to - from : 0));
}

std::string not_a_value(const std::string& word) {
    return "'" + word + "' is not a value: quote strings (\"...\")";
}

// toml++'s message for a syntax error, in the words the hand-written reader used where they
// name the mistake better ("set twice", "quote strings"); otherwise toml++'s own.
std::string syntax_error(std::string_view text, const toml::parse_error& e) {
    std::string desc(e.description());
    std::string_view line = line_of_text(text, e.source().begin.line);
    size_t at = std::min(byte_offset(line, e.source().begin.column), line.size());
    auto starts = [&](std::string_view prefix) { return desc.rfind(prefix, 0) == 0; };
    auto has = [&](std::string_view part) { return desc.find(part) != std::string::npos; };
    if (has("cannot redefine existing ")) {
        size_t open = desc.find('\''), close = desc.rfind('\'');
        if (open != std::string::npos && close > open)
            return desc.substr(open, close - open + 1) + " is set twice";
    }
    if (has("expected a comment or whitespace")) return "unexpected text after the value";
    if (starts("Error while parsing array") && has("end-of-file")) return "unterminated array";
    if (starts("Error while parsing string") || starts("Error while parsing literal string")) {
        if (at >= line.size() || has("end-of-file"))
            return "unterminated string (strings end on their line)";
    }
    // A bare word where a value goes: the word, and what to do about it.
    if (starts("Error while parsing value") || starts("Error while parsing boolean") ||
        starts("Error while parsing floating-point")) {
        auto stop_left = [](char c) {
            return c == ' ' || c == '\t' || c == '=' || c == '[' || c == ',';
        };
        auto stop_right = [](char c) {
            return c == ' ' || c == '\t' || c == ',' || c == ']' || c == '#';
        };
        size_t pos = at;
        if (pos > 0 && (pos >= line.size() || stop_right(line[pos]))) --pos;
        size_t from = pos, to = pos;
        while (from > 0 && !stop_left(line[from - 1])) --from;
        while (to < line.size() && !stop_right(line[to])) ++to;
        std::string word(line.substr(from, to - from));
        if (!word.empty() && std::isalpha(static_cast<unsigned char>(word[0])))
            return not_a_value(word);
    }
    if (starts("Error while parsing ")) desc[0] = 'e';
    return desc;
}

bool fail(int line, const std::string& why, std::string* error) {
    *error = "line " + std::to_string(line) + ": " + why;
    return false;
}

// One value as CLI11 takes it; false and *error for what a flat option list cannot hold.
bool scalar(std::string_view text, const toml::node& v, std::string& out, std::string* error) {
    int line = static_cast<int>(v.source().begin.line);
    switch (v.type()) {
        case toml::node_type::string:
            out = v.as_string()->get();
            return true;
        case toml::node_type::integer:
        case toml::node_type::floating_point:
            out = written(text, v.source());
            out.erase(std::remove(out.begin(), out.end(), '_'), out.end());
            return true;
        case toml::node_type::boolean:
            out = v.as_boolean()->get() ? "true" : "false";
            return true;
        case toml::node_type::array:
            return fail(line, "nested arrays are not supported", error);
        case toml::node_type::table:
            return fail(line, "inline tables are not supported: quote JSON as a string", error);
        default:  // dates and times
            return fail(line, not_a_value(written(text, v.source())), error);
    }
}

// The file as entries in file order; false and *error ("line N: why") on anything that is not
// TOML or not a flat list of keys.
bool read_entries(std::string_view text, std::vector<Entry>& out, std::string* error) {
    toml::table root;
    try {
        root = toml::parse(text);
    } catch (const toml::parse_error& e) {
        return fail(static_cast<int>(e.source().begin.line), syntax_error(text, e), error);
    }
    std::vector<std::pair<const toml::key*, const toml::node*>> keys;
    for (const auto& [k, v] : root) keys.emplace_back(&k, &v);
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
        const auto &x = a.first->source().begin, &y = b.first->source().begin;
        return x.line != y.line ? x.line < y.line : x.column < y.column;
    });
    for (const auto& [k, v] : keys) {
        Entry e;
        e.key = std::string(k->str());
        e.line = static_cast<int>(k->source().begin.line);
        if (const toml::table* t = v->as_table()) {
            if (t->is_inline())
                return fail(e.line, "inline tables are not supported: quote JSON as a string",
                            error);
            std::string_view line = line_of_text(text, static_cast<size_t>(e.line));
            line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
            if (!line.empty() && line.front() == '[')
                return fail(e.line,
                            "tables ([section]) are not supported: put every key at the top level",
                            error);
            return fail(e.line, "dotted keys are not supported", error);
        }
        if (const toml::array* a = v->as_array()) {
            e.array = true;
            for (const toml::node& item : *a) {
                std::string value;
                if (!scalar(text, item, value, error)) return false;
                e.values.push_back(std::move(value));
            }
        } else {
            std::string value;
            if (!scalar(text, *v, value, error)) return false;
            e.values.push_back(std::move(value));
        }
        out.push_back(std::move(e));
    }
    return true;
}

// ---- writing ----

// A decimal TOML integer or float that reads back as written; anything else ("0x10", "inf",
// ".5", "007" typed on a command line) is written as a string.
bool is_number(std::string_view v) {
    size_t i = 0;
    auto digits = [&] {
        size_t from = i;
        while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
        return i - from;
    };
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
    size_t int_at = i, int_digits = digits();
    if (int_digits == 0 || (int_digits > 1 && v[int_at] == '0')) return false;
    bool integer = true;
    if (i < v.size() && v[i] == '.') {
        ++i;
        if (digits() == 0) return false;
        integer = false;
    }
    if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
        ++i;
        if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
        if (digits() == 0) return false;
        integer = false;
    }
    // Integers beyond 64 bits are no TOML integers.
    return i == v.size() && (!integer || int_digits <= 18);
}

// One value as TOML: integers, floats and booleans bare, everything else a quoted string.
std::string toml_value(const std::string& v) {
    if (v == "true" || v == "false" || is_number(v)) return v;
    return json::quote(v);
}

}  // namespace

std::vector<CLI::ConfigItem> ConfigFile::from_config(std::istream& input) const {
    if (const CLI::Option* c = app_.get_config_ptr(); c && c->count() > 0)
        path_ = c->as<std::string>();
    std::string text{std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>()};
    std::vector<Entry> entries;
    std::string err;
    if (!read_entries(text, entries, &err)) throw CLI::ConfigError(path_ + ": " + err);

    std::vector<CLI::ConfigItem> items;
    from_file_.clear();
    for (const auto& e : entries) {
        std::string where = path_ + ": line " + std::to_string(e.line) + ": ";
        const CLI::Option* opt =
            e.key.size() > 1 ? app_.get_option_no_throw("--" + e.key) : nullptr;
        if (!opt)
            throw CLI::ConfigError(where + "unknown key '" + e.key +
                                   "' (keys are the long option names without --, see --help)");
        if (!opt->get_configurable())
            throw CLI::ConfigError(where + "'" + e.key + "' cannot be set in a config file");
        if (e.array && !is_list(opt))
            throw CLI::ConfigError(where + "'" + e.key + "' takes one value, not an array");
        // Flags on the command line were parsed before this file: theirs is the value in force.
        if (opt->count() == 0) from_file_[e.key] = e.line;
        CLI::ConfigItem item;
        item.name = e.key;
        item.inputs = e.values;
        items.push_back(std::move(item));
    }
    return items;
}

int ConfigFile::line_of(const std::string& key) const {
    auto it = from_file_.find(key);
    return it == from_file_.end() ? 0 : it->second;
}

std::string ConfigFile::to_config(const CLI::App* app, bool, bool, std::string) const {
    std::ostringstream out;
    out << "# " << app->get_name()
        << " configuration (--print-config): read it back with --config FILE.\n"
           "# Keys are the long option names; options given as flags override the file.\n"
           "# Secrets are shown as ***.\n";
    for (const auto& group : app->get_groups()) {
        bool header = false;
        for (const CLI::Option* opt : app->get_options()) {
            if (opt->get_group() != group || !opt->get_configurable() || opt->get_lnames().empty())
                continue;
            if (!header) {
                out << "\n# " << group << "\n";
                header = true;
            }
            const std::string& key = opt->get_lnames().front();
            std::vector<std::string> values = current_values(opt);
            if (auto it = effective_.find(key); it != effective_.end()) values = it->second;
            if (values.empty()) {
                out << "# " << key << " = (not set)\n";
                continue;
            }
            for (auto& v : values) v = toml_value(redact_ ? redact_(key, v) : v);
            out << key << " = ";
            if (is_list(opt)) {
                out << "[";
                for (size_t i = 0; i < values.size(); ++i) out << (i ? ", " : "") << values[i];
                out << "]\n";
            } else {
                out << values.back() << "\n";
            }
        }
    }
    return out.str();
}

}  // namespace rp
