#include "cli/toml.h"

#include "util/json.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace rp::toml {

namespace {

class Parser {
  public:
    Parser(std::string_view text, std::string* error) : s_(text), error_(error) {}

    bool run(std::vector<Entry>& out) {
        std::set<std::string> seen;
        while (true) {
            skip_blank_lines();
            if (at_end()) return true;
            if (peek() == '[')
                return fail("tables ([section]) are not supported: put every key at the top level");
            Entry e;
            e.line = line_;
            if (!key(e.key)) return false;
            skip_spaces();
            if (peek() == '.') return fail("dotted keys are not supported");
            if (peek() != '=') return fail("expected '=' after '" + e.key + "'");
            ++pos_;
            skip_spaces();
            if (peek() == '[') {
                e.array = true;
                if (!array(e.values)) return false;
            } else {
                std::string v;
                if (!scalar(v)) return false;
                e.values.push_back(std::move(v));
            }
            if (!end_of_line()) return false;
            if (!seen.insert(e.key).second) {
                line_ = e.line;
                return fail("'" + e.key + "' is set twice");
            }
            out.push_back(std::move(e));
        }
    }

  private:
    bool at_end() const { return pos_ >= s_.size(); }
    char peek(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
    bool fail(const std::string& why) {
        if (error_) *error_ = "line " + std::to_string(line_) + ": " + why;
        return false;
    }
    void skip_spaces() {
        while (peek() == ' ' || peek() == '\t') ++pos_;
    }
    void skip_comment() {
        if (peek() == '#')
            while (!at_end() && peek() != '\n') ++pos_;
    }
    bool newline() {
        if (peek() == '\r' && peek(1) == '\n') ++pos_;
        if (peek() != '\n') return false;
        ++pos_;
        ++line_;
        return true;
    }
    void skip_blank_lines() {
        while (true) {
            skip_spaces();
            skip_comment();
            if (!newline()) return;
        }
    }
    // Whitespace, newlines and comments inside an array.
    void skip_array_space() {
        while (true) {
            skip_spaces();
            skip_comment();
            if (!newline()) return;
        }
    }
    bool end_of_line() {
        skip_spaces();
        skip_comment();
        if (at_end() || newline()) return true;
        return fail("unexpected text after the value");
    }

    bool key(std::string& out) {
        if (peek() == '"' || peek() == '\'') return string(out);
        size_t start = pos_;
        while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '-' || peek() == '_')
            ++pos_;
        if (pos_ == start) return fail("expected a key");
        out = std::string(s_.substr(start, pos_ - start));
        return true;
    }

    bool array(std::vector<std::string>& out) {
        ++pos_;  // [
        while (true) {
            skip_array_space();
            if (peek() == ']') {
                ++pos_;
                return true;
            }
            if (peek() == '[') return fail("nested arrays are not supported");
            std::string v;
            if (!scalar(v)) return false;
            out.push_back(std::move(v));
            skip_array_space();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == ']') continue;
            return fail(at_end() ? "unterminated array" : "expected ',' or ']' in the array");
        }
    }

    bool scalar(std::string& out) {
        char c = peek();
        if (c == '"' || c == '\'') return string(out);
        if (c == '{') return fail("inline tables are not supported: quote JSON as a string");
        size_t start = pos_;
        while (!at_end() && peek() != ',' && peek() != ']' && peek() != '#' && peek() != '\n' &&
               peek() != '\r' && peek() != ' ' && peek() != '\t')
            ++pos_;
        out = std::string(s_.substr(start, pos_ - start));
        if (out.empty()) return fail("expected a value");
        if (out == "true" || out == "false") return true;
        std::string digits;
        for (char d : out)
            if (d != '_') digits += d;
        char* end = nullptr;
        std::strtod(digits.c_str(), &end);
        if (end && *end == '\0' && !digits.empty() && digits != "+" && digits != "-") {
            out = digits;
            return true;
        }
        return fail("'" + out + "' is not a value: quote strings (\"...\")");
    }

    bool string(std::string& out) {
        char q = peek();
        bool multi = peek(1) == q && peek(2) == q;
        pos_ += multi ? 3 : 1;
        if (multi && newline()) {
        }  // a newline right after the opening quotes is not part of the string
        while (true) {
            if (at_end()) return fail("unterminated string");
            char c = peek();
            if (c == q && (!multi || (peek(1) == q && peek(2) == q))) {
                pos_ += multi ? 3 : 1;
                return true;
            }
            if (c == '\n') {
                if (!multi) return fail("unterminated string (strings end on their line)");
                newline();
                out += '\n';
                continue;
            }
            ++pos_;
            if (c == '\\' && q == '"') {
                if (!escape(out)) return false;
                continue;
            }
            out += c;
        }
    }

    bool escape(std::string& out) {
        char e = peek();
        ++pos_;
        switch (e) {
            case '"':
                out += '"';
                return true;
            case '\\':
                out += '\\';
                return true;
            case 'n':
                out += '\n';
                return true;
            case 't':
                out += '\t';
                return true;
            case 'r':
                out += '\r';
                return true;
            case 'b':
                out += '\b';
                return true;
            case 'f':
                out += '\f';
                return true;
            case 'u':
            case 'U':
                return unicode(e == 'u' ? 4 : 8, out);
            default:
                return fail(std::string("unknown escape \\") + e + " in a string");
        }
    }

    bool unicode(int digits, std::string& out) {
        unsigned long cp = 0;
        for (int i = 0; i < digits; ++i) {
            char h = peek();
            if (!std::isxdigit(static_cast<unsigned char>(h))) return fail("bad \\u escape");
            cp = cp * 16 + static_cast<unsigned long>(std::isdigit(static_cast<unsigned char>(h))
                                                          ? h - '0'
                                                          : (std::tolower(h) - 'a' + 10));
            ++pos_;
        }
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return fail("bad \\u escape");
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
        return true;
    }

    std::string_view s_;
    std::string* error_;
    size_t pos_ = 0;
    int line_ = 1;
};

bool is_number(const std::string& v) {
    if (v.empty() || v == "+" || v == "-") return false;
    // Only plain decimal forms: "0x10" or "inf" typed on a command line stay strings.
    for (char c : v)
        if (!std::isdigit(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '+' &&
            c != 'e' && c != 'E')
            return false;
    if (!std::isdigit(static_cast<unsigned char>(v.back()))) return false;
    char* end = nullptr;
    std::strtod(v.c_str(), &end);
    return end && *end == '\0';
}

}  // namespace

bool parse(std::string_view text, std::vector<Entry>& out, std::string* error) {
    out.clear();
    return Parser(text, error).run(out);
}

std::string quote(std::string_view s) {
    return json::quote(s);
}

std::string value(const std::string& v) {
    if (v == "true" || v == "false" || is_number(v)) return v;
    return quote(v);
}

}  // namespace rp::toml
