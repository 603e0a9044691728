// Secrets masked in URLs, JSON and free text.
#include "util/redact.h"

#include <gtest/gtest.h>

namespace {

TEST(Redact, UrlPassword) {
    EXPECT_EQ(rp::redact_url("turn://bob:s3cret@host:3478"), "turn://bob:***@host:3478");
    EXPECT_EQ(rp::redact_url("turns://u:p@ss@h:5349?transport=tcp"),
              "turns://u:***@h:5349?transport=tcp");
    EXPECT_EQ(rp::redact_url("https://user:pw@rooms.example.org/x"),
              "https://user:***@rooms.example.org/x");
    EXPECT_EQ(rp::redact_url("http://host:3000/a@b"), "http://host:3000/a@b");
    EXPECT_EQ(rp::redact_url("turn://useronly@h:1"), "turn://useronly@h:1");
    EXPECT_EQ(rp::redact_url("no url at all"), "no url at all");
    // Mistyped: no "://", so no host boundary either; the password is still hidden.
    EXPECT_EQ(rp::redact_url("turn:/u:pw@h/x"), "turn:***@h/x");
}

TEST(Redact, UrlSecretsIncludeTheDecodedForm) {
    EXPECT_EQ(rp::url_secrets("turn://u:a%40b@h:1"), (std::vector<std::string>{"a%40b", "a@b"}));
    EXPECT_EQ(rp::url_secrets("turn://u:plain@h:1"), std::vector<std::string>{"plain"});
    EXPECT_TRUE(rp::url_secrets("turn://h:1").empty());
}

TEST(Redact, JsonValuesKeepTheShape) {
    EXPECT_EQ(rp::redact_json(R"({"token":"abc","n":5,"ok":true,"a":["x",{"k":"v"}]})"),
              R"({"token":"***","n":"***","ok":true,"a":["***",{"k":"***"}]})");
    EXPECT_EQ(rp::redact_json("not json"), "***");
}

TEST(Redact, JsonSecretsSkipTinyValues) {
    auto s = rp::json_secrets(R"({"token":"abcdef","pin":1234567,"x":"ok","deep":{"k":"longer"}})");
    EXPECT_EQ(s, (std::vector<std::string>{"abcdef", "1234567", "longer"}));
    EXPECT_TRUE(rp::json_secrets("{").empty());
}

TEST(Redact, Scrub) {
    EXPECT_EQ(rp::hide_secrets("uri turn://u:pw123@h pw123 again", {"pw123"}),
              "uri turn://u:***@h *** again");
    EXPECT_EQ(rp::hide_secrets("nothing", {"", "zzz"}), "nothing");
    // A secret that contains the mask does not loop forever.
    EXPECT_EQ(rp::hide_secrets("a***b a***b", {"a***b"}), "*** ***");
}

}  // namespace
