// json::Writer, the one JSON writer: layouts, numbers, escaping, json-glib nodes passed through.
#include "util/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>

namespace {

using rp::json::Writer;

TEST(JsonWriter, CompactIsOneLineWithoutSpaces) {
    Writer w = Writer::compact();
    w.begin_object().key("a").integer(1).key("b").begin_array().integer(2).string("x").end_array();
    w.key("c").begin_object().end_object().key("d").begin_array().end_array();
    w.key("e").null().key("f").boolean(false).end_object();
    EXPECT_EQ(w.str(), R"({"a":1,"b":[2,"x"],"c":{},"d":[],"e":null,"f":false})");
}

TEST(JsonWriter, PrettyIndentsByTwo) {
    Writer w = Writer::pretty();
    w.begin_object().key("a").integer(1).key("b").begin_array().integer(2).integer(3).end_array();
    w.key("c").begin_array().end_array().key("d").begin_object().end_object().end_object();
    EXPECT_EQ(w.str(),
              "{\n  \"a\": 1,\n  \"b\": [\n    2,\n    3\n  ],\n  \"c\": [],\n  \"d\": {}\n}");
}

TEST(JsonWriter, PrettyToADepthThenOneLine) {
    Writer w = Writer::pretty(1);
    w.begin_object().key("list").begin_array().integer(1).begin_object().key("k").string("v");
    w.key("n").begin_array().integer(2).integer(3).end_array().end_object().end_array();
    w.key("empty").begin_array().end_array().end_object();
    EXPECT_EQ(w.str(), "{\n  \"list\": [1, {\"k\": \"v\", \"n\": [2, 3]}],\n  \"empty\": []\n}");
}

TEST(JsonWriter, NumbersInFixedDecimalsWithoutTrailingZeros) {
    Writer w = Writer::compact();
    w.begin_array().number(29.9, 3).number(29.97, 1).number(30.0, 3).number(-0.001, 1);
    w.number(0.1 + 0.2, 3).number(std::numeric_limits<double>::quiet_NaN(), 3);
    w.number(INFINITY, 1).number(std::optional<double>(), 1).number(std::optional(2.26), 1);
    w.integer(-3).integer(std::uint64_t{18446744073709551615u}).end_array();
    EXPECT_EQ(w.str(), "[29.9,30,30,0,0.3,null,null,null,2.3,-3,18446744073709551615]");
}

TEST(JsonWriter, StringsEscapedAndEmptyAsNull) {
    Writer w = Writer::compact();
    w.begin_object().key("q\"k").string("a \"b\" \\ \n\t\x01 \xc3\xa9");
    w.key("none").string_or_null("").key("some").string_or_null("x").end_object();
    EXPECT_EQ(w.str(),
              "{\"q\\\"k\":\"a \\\"b\\\" \\\\ \\n\\t\\u0001 \xc3\xa9\",\"none\":null,"
              "\"some\":\"x\"}");
}

TEST(JsonWriter, NodesPassThroughInTheirOrder) {
    const char* text =
        R"({"z":1,"a":[1.5,30.0,-0.0,1e300,0.1,true,null,"s"],"o":{},"e":[],"n":{"k":"v"}})";
    rp::JsonPtr node = rp::json::parse(text);
    ASSERT_TRUE(node);
    EXPECT_EQ(
        rp::json::to_string(node.get()),
        R"({"z":1,"a":[1.5,30.0,-0.0,1e+300,0.1,true,null,"s"],"o":{},"e":[],"n":{"k":"v"}})");
    EXPECT_EQ(rp::json::to_string(nullptr), "null");
    // Whatever is written reads back as the same document.
    rp::JsonPtr again = rp::json::parse(rp::json::to_string(node.get(), true));
    ASSERT_TRUE(again);
    EXPECT_EQ(rp::json::to_string(again.get()), rp::json::to_string(node.get()));
    Writer w = Writer::pretty();
    w.begin_object().key("user").node(json_object_get_member(rp::json::as_object(node.get()), "n"));
    w.end_object();
    EXPECT_EQ(w.str(), "{\n  \"user\": {\n    \"k\": \"v\"\n  }\n}");
}

}  // namespace
