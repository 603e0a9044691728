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

TEST(Redact, UrlInText) {
    const std::string url = "u:p@h.example";
    EXPECT_EQ(rp::redact_url_in("'" + url + "' has no scheme (use https://)", url),
              "'u:***@h.example' has no scheme (use https://)");
    // Only the URL as a whole: its password elsewhere in the text is just a word.
    EXPECT_EQ(rp::redact_url_in("p: 'https://u:p@h' twice: https://u:p@h", "https://u:p@h"),
              "p: 'https://u:***@h' twice: https://u:***@h");
    EXPECT_EQ(rp::redact_url_in("host https://h:1 down", "https://h:1"), "host https://h:1 down");
    EXPECT_EQ(rp::redact_url_in("text", ""), "text");
}

TEST(Redact, JsonValuesKeepTheShape) {
    EXPECT_EQ(rp::redact_json(R"({"token":"abc","n":5,"ok":true,"a":["x",{"k":"v"}]})"),
              R"({"token":"***","n":"***","ok":true,"a":["***",{"k":"***"}]})");
    EXPECT_EQ(rp::redact_json("not json"), "***");
}

TEST(Redact, AuthValuesInAServerReply) {
    EXPECT_EQ(rp::redact_json_values_in(R"(bad token "guess")", R"({"token":"guess"})"),
              R"(bad token "***")");
    // A one-letter or word-like value is masked where it stands alone, never inside a word.
    EXPECT_EQ(rp::redact_json_values_in(R"(bad token "p": pass a password)", R"({"token":"p"})"),
              R"(bad token "***": pass a password)");
    EXPECT_EQ(rp::redact_json_values_in("peers: no peers, 12 videos", R"({"a":"peers","b":2})"),
              "***: no ***, 12 videos");
    EXPECT_EQ(rp::redact_json_values_in("user 7 of 17, id ab-7", R"({"user":7})"),
              "user *** of 17, id ab-***");
    // Nested values, and the longer of two overlapping values masked whole.
    EXPECT_EQ(rp::redact_json_values_in("k=abc.def", R"({"a":["abc",{"b":"abc.def"}],"t":true})"),
              "k=***");
    // A value that the mask contains does not loop.
    EXPECT_EQ(rp::redact_json_values_in("a * b **", R"({"a":"*","b":"**"})"), "a *** b ***");
    EXPECT_EQ(rp::redact_json_values_in("a message", ""), "a message");
    EXPECT_EQ(rp::redact_json_values_in("a message", "not json"), "a message");
}

TEST(Redact, CredentialsInUrls) {
    EXPECT_EQ(rp::mask_credentials("turn://u:p@h:3478"), "turn://u:***@h:3478");
    EXPECT_EQ(rp::mask_credentials("Adding turn server: turn://alice:Pa55@127.0.0.1:3478 ok"),
              "Adding turn server: turn://alice:***@127.0.0.1:3478 ok");
    // Several URLs, in quotes, in a list, with paths and queries.
    EXPECT_EQ(rp::mask_credentials(
                  R"(uri="turns://u:a@b@h:5349?transport=tcp", 'https://x:y@s.org/p?q=1#f')"),
              R"(uri="turns://u:***@h:5349?transport=tcp", 'https://x:***@s.org/p?q=1#f')");
    EXPECT_EQ(rp::mask_credentials("turn://u:p@h:1,turn://v:q@h2:1"),
              "turn://u:***@h:1,turn://v:***@h2:1");
    EXPECT_EQ(rp::mask_credentials("cannot reach wss://bob:s3cret@[::1]:443/socket.io/?EIO=4"),
              "cannot reach wss://bob:***@[::1]:443/socket.io/?EIO=4");
    // No password: as written.
    for (const char* same : {"http://127.0.0.1:3000/socket.io/?EIO=4", "turn://user@h:1",
                             "turn://u:@h:1", "mail a@b:c", "://u:p@h", "http://h/a:b@c"})
        EXPECT_EQ(rp::mask_credentials(same), same);
    // Masking twice changes nothing more.
    EXPECT_EQ(rp::mask_credentials("turn://u:***@h:1"), "turn://u:***@h:1");
}

TEST(Redact, CredentialFields) {
    EXPECT_EQ(rp::mask_credentials("user=u password=p realm=r"), "user=u password=*** realm=r");
    EXPECT_EQ(rp::mask_credentials("turn, username=(string)u, password=(string)s3, port=1;"),
              "turn, username=(string)u, password=(string)***, port=1;");
    EXPECT_EQ(rp::mask_credentials(R"(a password="two words" b)"), R"(a password="***" b)");
    EXPECT_EQ(rp::mask_credentials(R"({"username":"u","password" : "p\"q","n":1})"),
              R"({"username":"u","password" : "***","n":1})");
    EXPECT_EQ(rp::mask_credentials("?username=u&credential=c&x=1 Password=P"),
              "?username=u&credential=***&x=1 Password=***");
    EXPECT_EQ(rp::mask_credentials(R"("credentials":"xyz")"), R"("credentials":"***")");
    // The words alone are no fields.
    for (const char* same : {"wrong password: try again", "password", "passwordless=1",
                             "password=", R"("password": null)", "credential ok"})
        EXPECT_EQ(rp::mask_credentials(same), same);
}

// The defect of issue 11: secrets that are also words, or single letters, must not mangle
// text. The masker knows no secret: it touches only what has a credential's shape.
TEST(Redact, ShortAndWordLikePasswordsDoNotMangleText) {
    const std::string text = "result pass, 2 peers, video ok";
    EXPECT_EQ(rp::mask_credentials(text), text);
    for (const char* pw : {"p", "video", "peers"}) {
        std::string url = std::string("turn://u:") + pw + "@h:3478";
        EXPECT_EQ(rp::mask_credentials(url), "turn://u:***@h:3478") << pw;
        EXPECT_EQ(rp::redact_url(url), "turn://u:***@h:3478") << pw;
        EXPECT_EQ(rp::mask_credentials(text + " via " + url), text + " via turn://u:***@h:3478")
            << pw;
    }
    const std::string json =
        R"({"result" : "pass", "peers" : [{"id" : "pXvideo-peers", "state" : "connected"}]})";
    EXPECT_EQ(rp::mask_credentials(json), json);
}

}  // namespace
