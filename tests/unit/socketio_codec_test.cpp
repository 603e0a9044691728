// Engine.IO / Socket.IO framing, the --server URL mapping and the reconnect backoff.
#include "signal/socketio_codec.h"
#include "signal/backoff.h"
#include "signal/server_url.h"
#include "util/json.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace {

using rp::JsonPtr;
using rp::sio::EioType;
using rp::sio::SioPacket;
using rp::sio::SioType;

// The Socket.IO packet inside an Engine.IO message frame, as the client decodes it.
std::optional<SioPacket> sio_from_frame(std::string_view frame, std::string* error) {
    auto eio = rp::sio::parse_eio(frame, error);
    if (!eio || eio->type != EioType::Message) return std::nullopt;
    return rp::sio::parse_sio(eio->payload, error);
}

SioPacket event_packet(std::string data) {
    SioPacket p;
    p.type = SioType::Event;
    p.data = std::move(data);
    return p;
}

std::string node_text(JsonNode* node) {
    return rp::json::to_string(node);
}

// ---- Engine.IO -------------------------------------------------------------------------------

TEST(ParseEio, OpenFrameFromSocketIo4Server) {
    std::string error;
    auto p = rp::sio::parse_eio(
        R"(0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})",
        &error);
    ASSERT_TRUE(p) << error;
    EXPECT_EQ(p->type, EioType::Open);
    EXPECT_EQ(
        p->payload,
        R"({"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})");
}

TEST(ParseEio, PingHasEmptyPayload) {
    auto p = rp::sio::parse_eio("2", nullptr);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->type, EioType::Ping);
    EXPECT_EQ(p->payload, "");
}

TEST(ParseEio, EveryTypeCharacterMapsToItsType) {
    const std::vector<std::pair<char, EioType>> types = {
        {'0', EioType::Open}, {'1', EioType::Close},   {'2', EioType::Ping},
        {'3', EioType::Pong}, {'4', EioType::Message}, {'5', EioType::Upgrade},
        {'6', EioType::Noop}};
    for (auto [c, type] : types) {
        auto p = rp::sio::parse_eio(std::string(1, c) + "probe", nullptr);
        ASSERT_TRUE(p) << c;
        EXPECT_EQ(p->type, type) << c;
        EXPECT_EQ(p->payload, "probe") << c;
    }
}

TEST(ParseEio, EmptyFrameIsAnError) {
    std::string error;
    EXPECT_FALSE(rp::sio::parse_eio("", &error));
    EXPECT_FALSE(error.empty());
}

TEST(ParseEio, UnknownTypeCharactersAreErrors) {
    for (const std::string& frame :
         std::vector<std::string>{"7", "9x", "a", "/", "{}", " 2", std::string("\0", 1)}) {
        std::string error;
        EXPECT_FALSE(rp::sio::parse_eio(frame, &error)) << frame;
        EXPECT_FALSE(error.empty()) << frame;
    }
}

TEST(ParseEio, NullErrorPointerIsAllowed) {
    EXPECT_FALSE(rp::sio::parse_eio("", nullptr));
    EXPECT_FALSE(rp::sio::parse_eio("x", nullptr));
}

TEST(SerializeEio, PongAndMessage) {
    EXPECT_EQ(rp::sio::serialize_eio(EioType::Pong), "3");
    EXPECT_EQ(rp::sio::serialize_eio(EioType::Message, R"(2["x"])"), R"(42["x"])");
}

TEST(SerializeEio, RoundTripsThroughParse) {
    for (EioType t : {EioType::Open, EioType::Close, EioType::Ping, EioType::Pong, EioType::Message,
                      EioType::Upgrade, EioType::Noop}) {
        std::string frame = rp::sio::serialize_eio(t, "payload \xc3\xa9");
        auto p = rp::sio::parse_eio(frame, nullptr);
        ASSERT_TRUE(p);
        EXPECT_EQ(p->type, t);
        EXPECT_EQ(p->payload, "payload \xc3\xa9");
    }
}

// ---- Socket.IO -------------------------------------------------------------------------------

TEST(ParseSio, ConnectAckFromServer) {
    std::string error;
    auto p = sio_from_frame(R"(40{"sid":"wZX3oN0bSVIhsaknAAAI"})", &error);
    ASSERT_TRUE(p) << error;
    EXPECT_EQ(p->type, SioType::Connect);
    EXPECT_EQ(p->nsp, "/");
    EXPECT_FALSE(p->ack_id);
    EXPECT_EQ(p->data, R"({"sid":"wZX3oN0bSVIhsaknAAAI"})");
}

TEST(ParseSio, ConnectErrorFromServer) {
    auto p = sio_from_frame(R"(44{"message":"Not authorized"})", nullptr);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->type, SioType::ConnectError);
    EXPECT_EQ(p->data, R"({"message":"Not authorized"})");
}

TEST(ParseSio, EventWithoutAckId) {
    auto p = sio_from_frame(R"(42["usersInRoom",[{"name":"a","id":"x"}]])", nullptr);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->type, SioType::Event);
    EXPECT_EQ(p->nsp, "/");
    EXPECT_FALSE(p->ack_id);
    EXPECT_EQ(p->data, R"(["usersInRoom",[{"name":"a","id":"x"}]])");
}

TEST(ParseSio, EventWithAckId) {
    auto p = sio_from_frame(
        R"(4213["getOffer",{"sdp":{"type":"offer","sdp":"v=0"},"callFrom":"a"}])", nullptr);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->type, SioType::Event);
    ASSERT_TRUE(p->ack_id);
    EXPECT_EQ(*p->ack_id, 13u);
    EXPECT_EQ(p->data.front(), '[');
}

TEST(ParseSio, AckIdZeroIsKept) {
    auto p = rp::sio::parse_sio(R"(30[])", nullptr);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->type, SioType::Ack);
    ASSERT_TRUE(p->ack_id);
    EXPECT_EQ(*p->ack_id, 0u);
    EXPECT_EQ(p->data, "[]");
}

TEST(ParseSio, NamespaceWithData) {
    auto p = rp::sio::parse_sio(R"(2/admin,["x",1])", nullptr);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->nsp, "/admin");
    EXPECT_FALSE(p->ack_id);
    EXPECT_EQ(p->data, R"(["x",1])");
}

TEST(ParseSio, NamespaceWithAckIdAndData) {
    auto p = rp::sio::parse_sio(R"(3/admin,7["ok"])", nullptr);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->type, SioType::Ack);
    EXPECT_EQ(p->nsp, "/admin");
    ASSERT_TRUE(p->ack_id);
    EXPECT_EQ(*p->ack_id, 7u);
    EXPECT_EQ(p->data, R"(["ok"])");
}

TEST(ParseSio, NamespaceOnly) {
    auto connect = rp::sio::parse_sio("0/admin,", nullptr);
    ASSERT_TRUE(connect);
    EXPECT_EQ(connect->type, SioType::Connect);
    EXPECT_EQ(connect->nsp, "/admin");
    EXPECT_EQ(connect->data, "");

    auto disconnect = rp::sio::parse_sio("1/admin", nullptr);
    ASSERT_TRUE(disconnect);
    EXPECT_EQ(disconnect->type, SioType::Disconnect);
    EXPECT_EQ(disconnect->nsp, "/admin");
    EXPECT_EQ(disconnect->data, "");
}

TEST(ParseSio, BinaryEventAttachmentCount) {
    auto p = rp::sio::parse_sio(R"(51-["upload",{"_placeholder":true,"num":0}])", nullptr);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->type, SioType::BinaryEvent);
    EXPECT_EQ(p->attachments, 1);
    EXPECT_EQ(p->nsp, "/");
    EXPECT_EQ(p->data, R"(["upload",{"_placeholder":true,"num":0}])");
}

TEST(ParseSio, BinaryAckWithNamespaceAndAckId) {
    auto p = rp::sio::parse_sio(R"(612-/admin,9[{"_placeholder":true,"num":0}])", nullptr);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->type, SioType::BinaryAck);
    EXPECT_EQ(p->attachments, 12);
    EXPECT_EQ(p->nsp, "/admin");
    ASSERT_TRUE(p->ack_id);
    EXPECT_EQ(*p->ack_id, 9u);
}

TEST(ParseSio, BadAttachmentCountsAreErrors) {
    for (const char* text : {"5", "5-[]", "5x-[]", R"(5["a-b"])", "51234567-[]", "6-"}) {
        std::string error;
        EXPECT_FALSE(rp::sio::parse_sio(text, &error)) << text;
        EXPECT_FALSE(error.empty()) << text;
    }
}

TEST(ParseSio, EmptyAndUnknownTypesAreErrors) {
    for (std::string text : {"", "7", "8[]", "x", "-1", "[\"a\"]"}) {
        std::string error;
        EXPECT_FALSE(rp::sio::parse_sio(text, &error)) << text;
        EXPECT_FALSE(error.empty()) << text;
    }
}

TEST(ParseSio, LargeAckIdThatFitsIsKept) {
    auto p = rp::sio::parse_sio(R"(212345678901234567890["x"])", nullptr);
    ASSERT_TRUE(p);
    ASSERT_TRUE(p->ack_id);
    EXPECT_EQ(*p->ack_id, 12345678901234567890ull);
    EXPECT_EQ(p->data, R"(["x"])");
}

TEST(ParseSio, HugeAckIdsAreErrors) {
    for (std::string text :
         {std::string("299999999999999999999[]"), "2" + std::string(1000, '9') + "[]"}) {
        std::string error;
        EXPECT_FALSE(rp::sio::parse_sio(text, &error));
        EXPECT_NE(error.find("ack"), std::string::npos) << error;
    }
}

TEST(SerializeSio, DefaultNamespaceIsOmitted) {
    SioPacket p = event_packet(R"(["x"])");
    EXPECT_EQ(rp::sio::serialize_sio(p), R"(2["x"])");
    p.nsp = "";
    EXPECT_EQ(rp::sio::serialize_sio(p), R"(2["x"])");
}

TEST(SerializeSio, NamespaceAckIdAndAttachments) {
    SioPacket p;
    p.type = SioType::BinaryEvent;
    p.nsp = "/admin";
    p.ack_id = 42;
    p.attachments = 2;
    p.data = R"(["a"])";
    EXPECT_EQ(rp::sio::serialize_sio(p), R"(52-/admin,42["a"])");
}

TEST(SerializeSio, AttachmentsOnlyWrittenForBinaryTypes) {
    SioPacket p = event_packet("[]");
    p.attachments = 3;  // ignored for a plain event
    EXPECT_EQ(rp::sio::serialize_sio(p), "2[]");
}

TEST(SerializeSio, RoundTripsRealPackets) {
    for (const char* text :
         {R"(0{"sid":"wZX3oN0bSVIhsaknAAAI"})", R"(4{"message":"Not authorized"})", "1",
          R"(2["usersInRoom",[{"name":"a","id":"x"}]])", R"(213["getOffer",{"callFrom":"a"}])",
          R"(2/admin,5["x"])", R"(3/admin,0[])", R"(51-["u",{"_placeholder":true,"num":0}])",
          R"(60-/chat,1[])", "0/admin,"}) {
        std::string error;
        auto p = rp::sio::parse_sio(text, &error);
        ASSERT_TRUE(p) << text << ": " << error;
        EXPECT_EQ(rp::sio::serialize_sio(*p), text);
    }
}

// ---- OPEN packet -----------------------------------------------------------------------------

TEST(ParseOpen, RealHandshake) {
    std::string error;
    auto info = rp::sio::parse_open(
        R"({"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})",
        &error);
    ASSERT_TRUE(info) << error;
    EXPECT_EQ(info->sid, "lv_VI97HAXpY6yYWAAAC");
    EXPECT_EQ(info->ping_interval_ms, 25000);
    EXPECT_EQ(info->ping_timeout_ms, 20000);
    EXPECT_EQ(info->max_payload, 1000000);
}

TEST(ParseOpen, NonDefaultTimings) {
    auto info = rp::sio::parse_open(
        R"({"sid":"s","pingInterval":300,"pingTimeout":200,"maxPayload":1e8})", nullptr);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->ping_interval_ms, 300);
    EXPECT_EQ(info->ping_timeout_ms, 200);
    EXPECT_EQ(info->max_payload, 100000000);
}

TEST(ParseOpen, MissingTimingsKeepDefaults) {
    auto info = rp::sio::parse_open(R"({"sid":"s"})", nullptr);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->ping_interval_ms, 25000);
    EXPECT_EQ(info->ping_timeout_ms, 20000);
    EXPECT_EQ(info->max_payload, 1000000);
}

TEST(ParseOpen, WrongTypedTimingsAreIgnored) {
    auto info =
        rp::sio::parse_open(R"({"sid":"s","pingInterval":"100","pingTimeout":null})", nullptr);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->ping_interval_ms, 25000);
    EXPECT_EQ(info->ping_timeout_ms, 20000);
}

TEST(ParseOpen, TimingsAreClampedToOneMsAndOneHour) {
    auto low = rp::sio::parse_open(R"({"sid":"s","pingInterval":0,"pingTimeout":-5})", nullptr);
    ASSERT_TRUE(low);
    EXPECT_EQ(low->ping_interval_ms, 1);
    EXPECT_EQ(low->ping_timeout_ms, 1);
    auto high = rp::sio::parse_open(
        R"({"sid":"s","pingInterval":10000000000,"pingTimeout":99999999999})", nullptr);
    ASSERT_TRUE(high);
    EXPECT_EQ(high->ping_interval_ms, 3600000);
    EXPECT_EQ(high->ping_timeout_ms, 3600000);
}

// json::get_int casts doubles to gint64 without a range check: 1e19 is out of range (undefined
// behaviour; on x86-64 it becomes INT64_MIN), so a huge interval ends up clamped to 1 ms.
TEST(ParseOpen, HugeFloatingPointTimingsClampToOneHour) {
    auto info =
        rp::sio::parse_open(R"({"sid":"s","pingInterval":1e19,"pingTimeout":-1e300})", nullptr);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->ping_interval_ms, 3600000);
    EXPECT_EQ(info->ping_timeout_ms, 1);
}

TEST(ParseOpen, MissingOrNonStringSidIsAnError) {
    for (const char* text : {R"({"pingInterval":25000})", R"({"sid":5})", R"({"sid":null})"}) {
        std::string error;
        EXPECT_FALSE(rp::sio::parse_open(text, &error)) << text;
        EXPECT_NE(error.find("sid"), std::string::npos) << error;
    }
}

TEST(ParseOpen, NonObjectsAreErrors) {
    for (const char* text : {"[]", R"("sid")", "42", "null"}) {
        std::string error;
        EXPECT_FALSE(rp::sio::parse_open(text, &error)) << text;
        EXPECT_FALSE(error.empty()) << text;
    }
}

TEST(ParseOpen, EmptyAndTruncatedJsonAreErrors) {
    for (const char* text : {"", R"({"sid":"abc")", R"({"sid":)", "{", "\xff\xfe"}) {
        std::string error;
        EXPECT_FALSE(rp::sio::parse_open(text, &error)) << text;
        EXPECT_FALSE(error.empty()) << text;
    }
}

// ---- Events ----------------------------------------------------------------------------------

TEST(ParseEvent, NameAndArguments) {
    std::string error;
    auto ev =
        rp::sio::parse_event(event_packet(R"(["usersInRoom",[{"name":"a","id":"x"}]])"), &error);
    ASSERT_TRUE(ev) << error;
    EXPECT_EQ(ev->name, "usersInRoom");
    ASSERT_TRUE(ev->args);
    EXPECT_EQ(node_text(ev->args.get()), R"([[{"name":"a","id":"x"}]])");
}

TEST(ParseEvent, SeveralArguments) {
    auto ev = rp::sio::parse_event(event_packet(R"(["joinRTCRoom","demo",{"name":"b"},3,null])"),
                                   nullptr);
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->name, "joinRTCRoom");
    JsonArray* args = rp::json::as_array(ev->args.get());
    ASSERT_TRUE(args);
    ASSERT_EQ(json_array_get_length(args), 4u);
    EXPECT_STREQ(json_array_get_string_element(args, 0), "demo");
    EXPECT_EQ(json_array_get_int_element(args, 2), 3);
    EXPECT_TRUE(json_array_get_null_element(args, 3));
}

TEST(ParseEvent, NoArgumentsGivesEmptyArrayNotNull) {
    auto ev = rp::sio::parse_event(event_packet(R"(["ping"])"), nullptr);
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->name, "ping");
    JsonArray* args = rp::json::as_array(ev->args.get());
    ASSERT_TRUE(args);
    EXPECT_EQ(json_array_get_length(args), 0u);
}

TEST(ParseEvent, FromAckedFrame) {
    auto p = sio_from_frame(R"(4213["getOffer",{"callFrom":"a"}])", nullptr);
    ASSERT_TRUE(p);
    auto ev = rp::sio::parse_event(*p, nullptr);
    ASSERT_TRUE(ev);
    EXPECT_EQ(ev->name, "getOffer");
    EXPECT_EQ(node_text(ev->args.get()), R"([{"callFrom":"a"}])");
}

TEST(ParseEvent, NonEventPacketsAreErrors) {
    for (SioType t :
         {SioType::Connect, SioType::Ack, SioType::BinaryEvent, SioType::ConnectError}) {
        SioPacket p = event_packet(R"(["x"])");
        p.type = t;
        std::string error;
        EXPECT_FALSE(rp::sio::parse_event(p, &error));
        EXPECT_FALSE(error.empty());
    }
}

TEST(ParseEvent, NonArrayPayloadsAreErrors) {
    for (const char* data : {R"({"name":"x"})", R"("x")", "42", "null", "true"}) {
        std::string error;
        EXPECT_FALSE(rp::sio::parse_event(event_packet(data), &error)) << data;
        EXPECT_NE(error.find("array"), std::string::npos) << data << ": " << error;
    }
}

TEST(ParseEvent, EmptyArrayHasNoName) {
    std::string error;
    EXPECT_FALSE(rp::sio::parse_event(event_packet("[]"), &error));
    EXPECT_NE(error.find("name"), std::string::npos) << error;
}

TEST(ParseEvent, NamesThatAreNotStringsAreErrors) {
    for (const char* data : {R"([42,"x"])", "[null]", R"([["x"]])", R"([{"n":"x"}])", "[true]"}) {
        std::string error;
        EXPECT_FALSE(rp::sio::parse_event(event_packet(data), &error)) << data;
        EXPECT_NE(error.find("not a string"), std::string::npos) << data << ": " << error;
    }
}

TEST(ParseEvent, EmptyAndTruncatedJsonAreErrors) {
    for (const char* data : {"", R"(["getOffer",{"sdp":)", R"(["x")", "[", "]"}) {
        std::string error;
        EXPECT_FALSE(rp::sio::parse_event(event_packet(data), &error)) << data;
        EXPECT_FALSE(error.empty()) << data;
    }
}

TEST(EncodeEvent, CompleteFrameWithArguments) {
    JsonPtr args = rp::json::parse(R"(["demo",{"name":"bot"}])");
    EXPECT_EQ(rp::sio::encode_event("joinRTCRoom", rp::json::as_array(args.get())),
              R"(42["joinRTCRoom","demo",{"name":"bot"}])");
}

TEST(EncodeEvent, NullOrEmptyArguments) {
    EXPECT_EQ(rp::sio::encode_event("leaveRTCRoom", nullptr), R"(42["leaveRTCRoom"])");
    JsonPtr empty = rp::json::parse("[]");
    EXPECT_EQ(rp::sio::encode_event("leaveRTCRoom", rp::json::as_array(empty.get())),
              R"(42["leaveRTCRoom"])");
}

TEST(EncodeEvent, DoesNotConsumeTheArguments) {
    JsonPtr args = rp::json::parse(R"([1,2])");
    rp::sio::encode_event("x", rp::json::as_array(args.get()));
    EXPECT_EQ(node_text(args.get()), "[1,2]");
}

TEST(EncodeEvent, RoundTripsThroughTheDecoder) {
    const std::string name = "we\"ird \\ name\n\xc3\xa9";
    JsonPtr args =
        rp::json::parse(R"([{"sdp":"v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"},"x",[1,null]])");
    std::string frame = rp::sio::encode_event(name, rp::json::as_array(args.get()));
    std::string error;
    auto p = sio_from_frame(frame, &error);
    ASSERT_TRUE(p) << error;
    EXPECT_EQ(p->type, SioType::Event);
    EXPECT_FALSE(p->ack_id);
    auto ev = rp::sio::parse_event(*p, &error);
    ASSERT_TRUE(ev) << error;
    EXPECT_EQ(ev->name, name);
    EXPECT_EQ(node_text(ev->args.get()), node_text(args.get()));
}

TEST(EncodeConnect, WithoutAndWithAuth) {
    EXPECT_EQ(rp::sio::encode_connect(""), "40");
    EXPECT_EQ(rp::sio::encode_connect(R"({"token":"abc"})"), R"(40{"token":"abc"})");
}

// ---- websocket_url ---------------------------------------------------------------------------

constexpr const char* kEioPath = "/socket.io/?EIO=4&transport=websocket";

std::string ws_url(std::string_view url) {
    std::string error;
    auto out = rp::websocket_url(url, &error);
    EXPECT_TRUE(out) << url << ": " << error;
    return out.value_or("");
}

TEST(WebsocketUrl, HttpBecomesWsAndGetsTheEnginePath) {
    EXPECT_EQ(ws_url("http://127.0.0.1:3000"), std::string("ws://127.0.0.1:3000") + kEioPath);
}

TEST(WebsocketUrl, HttpsBecomesWss) {
    EXPECT_EQ(ws_url("https://rooms.example.com"),
              std::string("wss://rooms.example.com") + kEioPath);
}

TEST(WebsocketUrl, WsAndWssPassThrough) {
    EXPECT_EQ(ws_url("ws://h:1"), std::string("ws://h:1") + kEioPath);
    EXPECT_EQ(ws_url("wss://h"), std::string("wss://h") + kEioPath);
}

TEST(WebsocketUrl, RootPathCountsAsEmpty) {
    EXPECT_EQ(ws_url("http://h:3000/"), std::string("ws://h:3000") + kEioPath);
}

TEST(WebsocketUrl, SchemeIsCaseInsensitive) {
    EXPECT_EQ(ws_url("HTTPS://Host.Example"), std::string("wss://Host.Example") + kEioPath);
}

TEST(WebsocketUrl, ExplicitPathIsKept) {
    EXPECT_EQ(ws_url("wss://h/custom/socket/?EIO=4&transport=websocket"),
              "wss://h/custom/socket/?EIO=4&transport=websocket");
    EXPECT_EQ(ws_url("http://h/socket.io/?EIO=4&transport=websocket"),
              "ws://h/socket.io/?EIO=4&transport=websocket");
    EXPECT_EQ(ws_url("https://h:8443/rtc"), "wss://h:8443/rtc");
}

TEST(WebsocketUrl, QueryWithoutPathIsAppended) {
    EXPECT_EQ(ws_url("http://h?token=abc"), std::string("ws://h") + kEioPath + "&token=abc");
    EXPECT_EQ(ws_url("http://h/?token=abc"), std::string("ws://h") + kEioPath + "&token=abc");
}

TEST(WebsocketUrl, Ipv6Host) {
    EXPECT_EQ(ws_url("http://[::1]:3000"), std::string("ws://[::1]:3000") + kEioPath);
}

TEST(WebsocketUrl, UserInfoEscapesAndFragmentStayAsWritten) {
    EXPECT_EQ(ws_url("http://u:p%40x@h:1/a%20b?q=%20#f"), "ws://u:p%40x@h:1/a%20b?q=%20#f");
    EXPECT_EQ(ws_url("https://h/?a=%20b"), std::string("wss://h") + kEioPath + "&a=%20b");
    EXPECT_EQ(ws_url("http://[fe80::1%25eth0]:3000"),
              std::string("ws://[fe80::1%25eth0]:3000") + kEioPath);
}

TEST(WebsocketUrl, BadPortOrNoAuthorityIsAnError) {
    std::string error;
    EXPECT_FALSE(rp::websocket_url("http://h:99999", &error));
    EXPECT_NE(error.find("99999"), std::string::npos) << error;
    EXPECT_FALSE(rp::websocket_url("http:h", &error));
    EXPECT_NE(error.find("host"), std::string::npos) << error;
}

TEST(WebsocketUrl, MissingSchemeIsAnError) {
    for (const char* url : {"localhost:3000", "127.0.0.1", "", "//h/"}) {
        std::string error;
        EXPECT_FALSE(rp::websocket_url(url, &error)) << url;
        EXPECT_NE(error.find("scheme"), std::string::npos) << url << ": " << error;
    }
}

TEST(WebsocketUrl, OtherSchemesAreErrors) {
    for (const char* url : {"ftp://h", "file:///tmp/x", "wsx://h", "://h"}) {
        std::string error;
        EXPECT_FALSE(rp::websocket_url(url, &error)) << url;
        EXPECT_NE(error.find("scheme"), std::string::npos) << url << ": " << error;
    }
}

TEST(WebsocketUrl, MissingHostIsAnError) {
    for (const char* url : {"http://", "ws:///socket.io/", "https://?x=1"}) {
        std::string error;
        EXPECT_FALSE(rp::websocket_url(url, &error)) << url;
        EXPECT_NE(error.find("host"), std::string::npos) << url << ": " << error;
    }
}

TEST(WebsocketUrl, WhitespaceInHostIsAnError) {
    std::string error;
    EXPECT_FALSE(rp::websocket_url("http://bad host:3000", &error));
    EXPECT_FALSE(error.empty());
}

// ---- Backoff ---------------------------------------------------------------------------------

TEST(Backoff, FirstDelayIsOneSecondPlusMinusHalf) {
    for (unsigned seed = 0; seed < 200; ++seed) {
        rp::Backoff b(seed);
        int ms = b.next_ms();
        EXPECT_GE(ms, 500) << seed;
        EXPECT_LE(ms, 1500) << seed;
    }
}

TEST(Backoff, JitterGoesBothWays) {
    bool below = false, above = false;
    std::set<int> seen;
    for (unsigned seed = 0; seed < 200; ++seed) {
        int ms = rp::Backoff(seed).next_ms();
        below |= ms < 1000;
        above |= ms > 1000;
        seen.insert(ms);
    }
    EXPECT_TRUE(below);
    EXPECT_TRUE(above);
    EXPECT_GT(seen.size(), 50u);
}

TEST(Backoff, DelaysDoubleUntilTheFiveSecondCap) {
    for (unsigned seed = 0; seed < 200; ++seed) {
        rp::Backoff b(seed);
        int d1 = b.next_ms(), d2 = b.next_ms(), d3 = b.next_ms(), d4 = b.next_ms();
        EXPECT_TRUE(d1 >= 500 && d1 <= 1500) << d1;
        EXPECT_TRUE(d2 >= 1000 && d2 <= 3000) << d2;
        EXPECT_TRUE(d3 >= 2000 && d3 <= 5000) << d3;
        EXPECT_TRUE(d4 >= 4000 && d4 <= 5000) << d4;
    }
}

TEST(Backoff, NeverExceedsTheCap) {
    rp::Backoff b(7);
    for (int i = 0; i < 100; ++i) {
        int ms = b.next_ms();
        EXPECT_LE(ms, 5000) << i;
        if (i >= 3) {
            EXPECT_GE(ms, 4000) << i;
        }
    }
    EXPECT_EQ(b.attempts(), 100);
}

TEST(Backoff, ResetStartsOverAtOneSecond) {
    rp::Backoff b(3);
    for (int i = 0; i < 6; ++i) b.next_ms();
    EXPECT_EQ(b.attempts(), 6);
    b.reset();
    EXPECT_EQ(b.attempts(), 0);
    int ms = b.next_ms();
    EXPECT_GE(ms, 500);
    EXPECT_LE(ms, 1500);
    EXPECT_EQ(b.attempts(), 1);
}

TEST(Backoff, SameSeedSameDelays) {
    rp::Backoff a(42), b(42);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(a.next_ms(), b.next_ms());
}

}  // namespace
