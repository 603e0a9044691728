#include "report/junit.h"

#include "util/json.h"
#include "util/redact.h"

#include <cmath>
#include <cstdint>
#include <ctime>

namespace rp {

namespace {

constexpr const char* kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence at s[i] and its code point; 0 when invalid.
size_t utf8_at(const std::string& s, size_t i, std::uint32_t* cp) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    size_t len = c < 0x80             ? 1
                 : (c & 0xE0) == 0xC0 ? 2
                 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4
                                      : 0;
    if (len == 0 || i + len > s.size()) return 0;
    std::uint32_t v = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        v = (v << 6) | (byte(i + k) & 0x3F);
    }
    static const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return len;
}

bool xml_char(std::uint32_t c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

std::string attr(const char* name, const std::string& value) {
    return std::string(" ") + name + "=\"" + xml_escape(value, true) + "\"";
}

std::string seconds(double s) {
    return json::fixed(std::isfinite(s) && s > 0 ? s : 0, 3);
}

std::string iso_local(double unix_s) {
    auto secs = static_cast<time_t>(std::floor(unix_s));
    struct tm tm_utc;
    gmtime_r(&secs, &tm_utc);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm_utc);
    return buf;
}

}  // namespace

std::string xml_escape(const std::string& s, bool attribute) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        std::uint32_t cp = 0;
        size_t len = utf8_at(s, i, &cp);
        if (len == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        if (!xml_char(cp)) {
            out += kReplacement;
        } else if (cp == '&') {
            out += "&amp;";
        } else if (cp == '<') {
            out += "&lt;";
        } else if (cp == '>') {
            out += "&gt;";
        } else if (cp == '"') {
            out += "&quot;";
        } else if (cp == '\'') {
            out += "&apos;";
        } else if (attribute && cp == '\n') {
            out += "&#10;";
        } else if (attribute && cp == '\r') {
            out += "&#13;";
        } else if (attribute && cp == '\t') {
            out += "&#9;";
        } else if (cp == '\r') {
            out += "&#13;";  // a raw CR in text would be read back as LF
        } else {
            out.append(s, i, len);
        }
        i += len;
    }
    return out;
}

JunitSuite junit_suite(const RunResult& run, const std::vector<RunCheck>& checks,
                       const std::vector<ExpectationResult>& expectations) {
    JunitSuite suite;
    suite.name = "roompeer room " + run.room;
    suite.properties = {{"room", run.room},
                        {"self_id", run.self_id},
                        {"server", run.server.empty() ? "" : redact_url(run.server)}};
    std::string room_class = "roompeer.room " + run.room;
    for (const auto& c : checks) {
        JunitCase jc{room_class, c.name, {}, {}, {}};
        for (const auto& f : c.failures) jc.failures.push_back(mask_credentials(f));
        suite.cases.push_back(std::move(jc));
    }
    for (const auto& e : expectations) {
        JunitCase jc;
        if (e.peer_id.empty()) {
            jc.classname = room_class;
            jc.name = "expect " + e.expectation;
        } else {
            jc.classname = "roompeer.peer " + e.peer_id;
            if (!e.peer_name.empty()) jc.classname += " (" + e.peer_name + ")";
            jc.name = e.expectation;
        }
        if (e.pass) {
            jc.output = e.message;
        } else {
            jc.failures.push_back(e.message);
            jc.detail = mask_credentials(e.failure()) + "\n";
        }
        suite.cases.push_back(std::move(jc));
    }
    return suite;
}

std::string junit_xml(const JunitSuite& suite) {
    size_t failed = 0;
    for (const auto& c : suite.cases) failed += c.failures.empty() ? 0 : 1;
    std::string counts = attr("tests", std::to_string(suite.cases.size())) +
                         attr("failures", std::to_string(failed)) + attr("errors", "0") +
                         attr("skipped", "0") + attr("time", seconds(suite.duration_s));
    std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    o += "<testsuites" + attr("name", "roompeer") + counts + ">\n";
    o += "  <testsuite" + attr("name", suite.name) + counts +
         attr("timestamp", iso_local(suite.unix_time_s)) + ">\n";
    if (!suite.properties.empty()) {
        o += "    <properties>\n";
        for (const auto& [k, v] : suite.properties)
            o += "      <property" + attr("name", k) + attr("value", v) + "/>\n";
        o += "    </properties>\n";
    }
    for (const auto& c : suite.cases) {
        o += "    <testcase" + attr("classname", c.classname) + attr("name", c.name) +
             attr("time", "0");
        if (c.failures.empty() && c.output.empty()) {
            o += "/>\n";
            continue;
        }
        o += ">\n";
        if (!c.failures.empty()) {
            std::string body = c.detail;
            if (body.empty())
                for (const auto& f : c.failures) body += f + "\n";
            o += "      <failure" + attr("message", c.failures.front()) + attr("type", "failure") +
                 ">" + xml_escape(body, false) + "</failure>\n";
        }
        if (!c.output.empty())
            o += "      <system-out>" + xml_escape(c.output, false) + "</system-out>\n";
        o += "    </testcase>\n";
    }
    o += "  </testsuite>\n</testsuites>\n";
    return o;
}

}  // namespace rp
