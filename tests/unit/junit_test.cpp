// --junit: the JUnit XML of a run, its counts, failures and escaping of untrusted text.
#include "report/junit.h"

#include <gtest/gtest.h>

#include <string>

namespace {

size_t count(const std::string& hay, const std::string& needle) {
    size_t n = 0;
    for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
    return n;
}

TEST(XmlEscape, MarkupQuotesAndControls) {
    EXPECT_EQ(rp::xml_escape(R"(a<b>&"c"'d')", false), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
    EXPECT_EQ(rp::xml_escape("a\nb\tc", false), "a\nb\tc");
    EXPECT_EQ(rp::xml_escape("a\nb\tc\r", true), "a&#10;b&#9;c&#13;");
    // Characters XML 1.0 cannot hold at all.
    EXPECT_EQ(rp::xml_escape(std::string("a\0b", 3), false),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(rp::xml_escape("\x1b[31m", false), "\xEF\xBF\xBD[31m");
    EXPECT_EQ(rp::xml_escape("\xEF\xBF\xBF", false), "\xEF\xBF\xBD");  // U+FFFF
}

TEST(XmlEscape, Utf8KeptInvalidBytesReplaced) {
    EXPECT_EQ(rp::xml_escape("caf\xC3\xA9 \xF0\x9F\x8E\xA5", false),
              "caf\xC3\xA9 \xF0\x9F\x8E\xA5");
    EXPECT_EQ(rp::xml_escape("a\xFF"
                             "b",
                             false),
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(rp::xml_escape("\xC3", false), "\xEF\xBF\xBD");                  // truncated
    EXPECT_EQ(rp::xml_escape("\xC0\xAF", false), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong
    EXPECT_EQ(rp::xml_escape("\xED\xA0\x80", false),
              "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

rp::RunResult sample_run() {
    rp::RunResult run;
    run.room = "demo";
    run.self_id = "me";
    run.server = "http://user:secret@127.0.0.1:3000";
    return run;
}

TEST(Junit, OneSuiteCasesPerCheckAndExpectation) {
    std::vector<rp::RunCheck> checks = {{"run", {}}, {"expect-frames>=10", {}}};
    std::vector<rp::ExpectationResult> results = {
        {"p1", "alice", "video.fps>=24", true, "video.fps 29.8 >= 24"},
        {"p2", "", "video.fps>=24", false, "video.fps 5.1 < 24"}};
    rp::JunitSuite suite = rp::junit_suite(sample_run(), checks, results);
    suite.duration_s = 12.5;
    suite.unix_time_s = 0;
    std::string xml = rp::junit_xml(suite);
    EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 0), 0u) << xml;
    EXPECT_EQ(count(xml, "<testsuite "), 1u);
    EXPECT_EQ(count(xml, "<testcase "), 4u);
    EXPECT_NE(
        xml.find(
            R"(<testsuite name="roompeer room demo" tests="4" failures="1" errors="0" skipped="0" time="12.5" timestamp="1970-01-01T00:00:00">)"),
        std::string::npos)
        << xml;
    EXPECT_NE(
        xml.find(R"(<testcase classname="roompeer.peer p2" name="video.fps&gt;=24" time="0">)"),
        std::string::npos)
        << xml;
    EXPECT_NE(xml.find(R"(<failure message="video.fps 5.1 &lt; 24" type="failure">peer p2: )"
                       R"(video.fps 5.1 &lt; 24)"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find(R"x(classname="roompeer.peer p1 (alice)")x"), std::string::npos);
    EXPECT_NE(xml.find("<system-out>video.fps 29.8 &gt;= 24</system-out>"), std::string::npos);
    EXPECT_NE(
        xml.find(
            R"(<testcase classname="roompeer.room demo" name="expect-frames&gt;=10" time="0"/>)"),
        std::string::npos)
        << xml;
    // The server's password never reaches the file.
    EXPECT_EQ(xml.find("secret"), std::string::npos);
    EXPECT_NE(xml.find(R"(<property name="room" value="demo"/>)"), std::string::npos);
}

TEST(Junit, RunCheckFailuresAllInTheBody) {
    std::vector<rp::RunCheck> checks = {{"run", {"lost the server", "second"}}};
    std::string xml = rp::junit_xml(rp::junit_suite(sample_run(), checks, {}));
    EXPECT_NE(xml.find(R"(<failure message="lost the server" type="failure">lost the server
second
</failure>)"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find(R"(failures="1")"), std::string::npos);
}

TEST(Junit, HostilePeerIdsAndNamesStayInsideTheirAttributes) {
    std::vector<rp::ExpectationResult> results = {
        {"\"/><evil x=\"", "</testcase>\n<x>", "video.fps>=24", false, "video.fps 1 < 24"}};
    std::string xml = rp::junit_xml(rp::junit_suite(sample_run(), {}, results));
    EXPECT_EQ(xml.find("<evil"), std::string::npos) << xml;
    EXPECT_EQ(xml.find("<x>"), std::string::npos) << xml;
    EXPECT_EQ(count(xml, "</testcase>"), 1u) << xml;
    EXPECT_NE(xml.find("&quot;/&gt;&lt;evil x=&quot;"), std::string::npos) << xml;
}

}  // namespace
