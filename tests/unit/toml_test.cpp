// The TOML subset of config and preset files: values, quoting, errors with line numbers.
#include "cli/toml.h"

#include <gtest/gtest.h>

namespace {

using rp::toml::Entry;

std::vector<Entry> ok(const std::string& text) {
    std::vector<Entry> out;
    std::string err;
    EXPECT_TRUE(rp::toml::parse(text, out, &err)) << err;
    return out;
}

std::string error_of(const std::string& text) {
    std::vector<Entry> out;
    std::string err;
    EXPECT_FALSE(rp::toml::parse(text, out, &err)) << text;
    return err;
}

TEST(Toml, ScalarsAndComments) {
    auto e = ok("# header\n\nname = \"cam\"  # trailing\nfps=30\nrate = 2.5\nprobe = true\n");
    ASSERT_EQ(e.size(), 4u);
    EXPECT_EQ(e[0].key, "name");
    EXPECT_EQ(e[0].values, std::vector<std::string>{"cam"});
    EXPECT_EQ(e[0].line, 3);
    EXPECT_EQ(e[1].values.front(), "30");
    EXPECT_EQ(e[2].values.front(), "2.5");
    EXPECT_EQ(e[3].values.front(), "true");
    EXPECT_FALSE(e[3].array);
}

TEST(Toml, StringsKeepCommasHashesAndQuotes) {
    auto e = ok(R"(a = "x, y # z"
b = 'C:\path "q"'
c = "tab\tquote\" back\\ \u00e9"
)");
    EXPECT_EQ(e[0].values.front(), "x, y # z");
    EXPECT_EQ(e[1].values.front(), "C:\\path \"q\"");
    EXPECT_EQ(e[2].values.front(), "tab\tquote\" back\\ \xc3\xa9");
}

TEST(Toml, MultiLineStrings) {
    auto e = ok("p = '''\nv4l2src ! \"caps\"\n'''\nq = \"\"\"a\nb\"\"\"\nr = 1\n");
    EXPECT_EQ(e[0].values.front(), "v4l2src ! \"caps\"\n");
    EXPECT_EQ(e[1].values.front(), "a\nb");
    EXPECT_EQ(e[2].line, 6);
}

TEST(Toml, Arrays) {
    auto e =
        ok("sink = [\"fake\", \"file:/a,b\"]\nempty = []\nmulti = [\n  \"x\",  # one\n  2,\n]\n");
    EXPECT_TRUE(e[0].array);
    EXPECT_EQ(e[0].values, (std::vector<std::string>{"fake", "file:/a,b"}));
    EXPECT_TRUE(e[1].values.empty());
    EXPECT_EQ(e[2].values, (std::vector<std::string>{"x", "2"}));
}

TEST(Toml, ErrorsNameTheLine) {
    EXPECT_EQ(error_of("a = 1\nroom = demo\n").rfind("line 2:", 0), 0u);
    EXPECT_NE(error_of("[media]\nfps = 1\n").find("tables"), std::string::npos);
    EXPECT_NE(error_of("a.b = 1\n").find("dotted"), std::string::npos);
    EXPECT_NE(error_of("a = \"open\n").find("unterminated"), std::string::npos);
    EXPECT_NE(error_of("a = [1, 2\n").find("line"), std::string::npos);
    EXPECT_NE(error_of("a = 1\na = 2\n").find("line 2: 'a' is set twice"), std::string::npos);
    EXPECT_NE(error_of("a = 1 2\n").find("after the value"), std::string::npos);
    EXPECT_NE(error_of("= 1\n").find("key"), std::string::npos);
    EXPECT_NE(error_of("a = {x = 1}\n").find("inline tables"), std::string::npos);
    EXPECT_NE(error_of("a = \"\\q\"\n").find("escape"), std::string::npos);
}

TEST(Toml, WrittenValuesReadBack) {
    for (std::string v : {"plain", "with \"quotes\" and \\", "a, b # c", "line\nbreak", "30", "2.5",
                          "true", "0x10", "", "-", "1e3", "\x01"}) {
        auto e = ok("k = " + rp::toml::value(v) + "\n");
        ASSERT_EQ(e.size(), 1u) << v;
        EXPECT_EQ(e[0].values.front(), v) << rp::toml::value(v);
    }
    EXPECT_EQ(rp::toml::value("30"), "30");
    EXPECT_EQ(rp::toml::value("0x10"), "\"0x10\"");
    EXPECT_EQ(rp::toml::value("inf"), "\"inf\"");
}

}  // namespace
