// RoomProtocol: the seed room dialect, driven with fake Socket.IO events.
#include "signal/room_protocol.h"
#include "util/json.h"
#include "util/log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using rp::IceCandidate;
using rp::JsonPtr;
using rp::SessionDescription;

struct Emitted {
    std::string name;
    std::string args;  // JSON text of the argument array
};

class FakeEmitter : public rp::EventEmitter {
  public:
    void emit(std::string_view name, JsonArray* args) override {
        JsonNode* node = json_node_alloc();
        json_node_init_array(node, args);
        JsonPtr owner(node);
        sent.push_back({std::string(name), rp::json::to_string(node)});
    }
    std::vector<Emitted> sent;
};

struct Call {
    std::string what;  // joined, left, description, candidate
    std::string peer;
    std::string user;
    bool we_call = false;
    SessionDescription desc;
    IceCandidate cand;
};

class FakePeerEvents : public rp::PeerEvents {
  public:
    void member_joined(const std::string& peer, const std::string& user_json,
                       bool we_call) override {
        calls.push_back({"joined", peer, user_json, we_call, {}, {}});
    }
    void member_left(const std::string& peer) override {
        calls.push_back({"left", peer, "", false, {}, {}});
    }
    void remote_description(const std::string& peer, const SessionDescription& desc) override {
        calls.push_back({"description", peer, "", false, desc, {}});
    }
    void remote_candidate(const std::string& peer, const IceCandidate& cand) override {
        calls.push_back({"candidate", peer, "", false, {}, cand});
    }
    std::vector<Call> calls;
};

const std::string kOffer =
    "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n";

std::string quoted(const std::string& s) {
    JsonPtr node = rp::json::string_node(s);
    return rp::json::to_string(node.get());
}

class RoomProtocolTest : public ::testing::Test {
  protected:
    void SetUp() override {
        saved_level_ = rp::log::level();
        rp::log::set_level(rp::log::Level::Error);  // the drops under test warn on stderr
    }
    void TearDown() override { rp::log::set_level(saved_level_); }

    // args_json: the JSON array of the event's arguments (everything after the name).
    void feed(const std::string& name, const std::string& args_json) {
        std::string error;
        JsonPtr node = rp::json::parse(args_json, &error);
        ASSERT_TRUE(node) << args_json << ": " << error;
        JsonArray* args = rp::json::as_array(node.get());
        ASSERT_TRUE(args) << args_json;
        room.on_event(name, args);
    }

    // Connected as "me" and the first (empty) list seen: any later list is a broadcast.
    void join_alone() {
        room.on_connected("me");
        feed("usersInRoom", "[[]]");
    }

    void offer_from(const std::string& peer, const std::string& sdp = kOffer) {
        feed("getOffer", R"([{"sdp":{"type":"offer","sdp":)" + quoted(sdp) + R"(},"callFrom":")" +
                             peer + R"("}])");
    }

    std::vector<Call> calls_of(const std::string& what) const {
        std::vector<Call> out;
        for (const auto& c : events.calls)
            if (c.what == what) out.push_back(c);
        return out;
    }

    rp::log::Level saved_level_ = rp::log::Level::Info;
    FakeEmitter emitter;
    FakePeerEvents events;
    rp::RoomProtocol room{"demo", R"({"name":"bot","color":"red"})", emitter, events};
};

// Parses one emitted event's single argument and returns it as an object (owned by `holder`).
JsonObject* single_object_arg(const Emitted& e, JsonPtr& holder) {
    holder = rp::json::parse(e.args);
    JsonArray* arr = rp::json::as_array(holder.get());
    if (!arr || json_array_get_length(arr) != 1) return nullptr;
    return rp::json::as_object(json_array_get_element(arr, 0));
}

std::vector<std::string> member_names(JsonObject* obj) {
    std::vector<std::string> names;
    GList* list = json_object_get_members(obj);
    for (GList* l = list; l; l = l->next) names.push_back(static_cast<const char*>(l->data));
    g_list_free(list);
    std::sort(names.begin(), names.end());
    return names;
}

// ---- Joining ---------------------------------------------------------------------------------

TEST_F(RoomProtocolTest, OnConnectedEmitsJoinRTCRoomWithRoomAndUserInfo) {
    room.on_connected("me");
    ASSERT_EQ(emitter.sent.size(), 1u);
    EXPECT_EQ(emitter.sent[0].name, "joinRTCRoom");
    EXPECT_EQ(emitter.sent[0].args, R"(["demo",{"name":"bot","color":"red"}])");
    EXPECT_EQ(room.self_id(), "me");
    EXPECT_TRUE(room.joined());
    EXPECT_TRUE(events.calls.empty());
}

TEST_F(RoomProtocolTest, UserJsonThatIsNotAnObjectSendsEmptyObject) {
    for (const char* user : {"not json", "[1,2]", "\"bot\"", ""}) {
        FakeEmitter out;
        FakePeerEvents up;
        rp::RoomProtocol other("demo", user, out, up);
        other.on_connected("me");
        ASSERT_EQ(out.sent.size(), 1u) << user;
        EXPECT_EQ(out.sent[0].args, R"(["demo",{}])") << user;
    }
}

TEST_F(RoomProtocolTest, NotJoinedBeforeConnectAndAfterDisconnect) {
    EXPECT_FALSE(room.joined());
    room.on_connected("me");
    EXPECT_TRUE(room.joined());
    room.on_disconnected();
    EXPECT_FALSE(room.joined());
}

// ---- usersInRoom -----------------------------------------------------------------------------

TEST_F(RoomProtocolTest, FirstListCallsEveryMemberExceptOurselves) {
    room.on_connected("me");
    feed("usersInRoom",
         R"([[{"name":"A","id":"a"},{"name":"bot","id":"me"},{"name":"B","id":"b"}]])");
    auto joined = calls_of("joined");
    ASSERT_EQ(joined.size(), 2u);
    EXPECT_EQ(joined[0].peer, "a");
    EXPECT_TRUE(joined[0].we_call);
    EXPECT_EQ(joined[1].peer, "b");
    EXPECT_TRUE(joined[1].we_call);
    EXPECT_TRUE(room.knows("a"));
    EXPECT_TRUE(room.knows("b"));
    EXPECT_FALSE(room.knows("me"));
    EXPECT_EQ(events.calls.size(), 2u);
}

TEST_F(RoomProtocolTest, FirstListPassesTheMemberEntryAsUserJson) {
    room.on_connected("me");
    feed("usersInRoom", R"([[{"name":"A","avatar":7,"id":"a"}]])");
    ASSERT_EQ(events.calls.size(), 1u);
    JsonPtr user = rp::json::parse(events.calls[0].user);
    JsonObject* obj = rp::json::as_object(user.get());
    ASSERT_TRUE(obj) << events.calls[0].user;
    EXPECT_EQ(rp::json::get_string(obj, "name"), "A");
    EXPECT_EQ(rp::json::get_int(obj, "avatar"), 7);
}

TEST_F(RoomProtocolTest, LaterListsNeverCallKnownMembersOrOurselves) {
    room.on_connected("me");
    feed("usersInRoom", R"([[{"id":"a"},{"id":"b"}]])");
    events.calls.clear();
    // The broadcast when someone else joins: everybody but the newcomer, ourselves included.
    feed("usersInRoom", R"([[{"id":"a"},{"id":"me"},{"id":"b"}]])");
    feed("usersInRoom", R"([[{"id":"me"},{"id":"b"},{"id":"a"}]])");
    EXPECT_TRUE(events.calls.empty());
}

TEST_F(RoomProtocolTest, OurIdsFromBeforeAReconnectAreNeverCalled) {
    room.on_connected("old-me");
    feed("usersInRoom", R"([[{"id":"a"}]])");
    room.on_disconnected();
    // Another node of the room service still lists our old socket: its node died moments ago.
    room.on_connected("me");
    events.calls.clear();
    feed("usersInRoom", R"([[{"id":"a"},{"id":"old-me"},{"id":"me"}]])");
    auto joined = calls_of("joined");
    ASSERT_EQ(joined.size(), 1u);
    EXPECT_EQ(joined[0].peer, "a");
    EXPECT_FALSE(room.knows("old-me"));
}

TEST_F(RoomProtocolTest, LaterListRecordsUnknownMembersWithoutCallingThem) {
    join_alone();
    feed("usersInRoom", R"([[{"id":"me"},{"id":"ghost","name":"G"}]])");
    ASSERT_EQ(events.calls.size(), 1u);
    EXPECT_EQ(events.calls[0].what, "joined");
    EXPECT_EQ(events.calls[0].peer, "ghost");
    EXPECT_FALSE(events.calls[0].we_call);
    EXPECT_TRUE(room.knows("ghost"));
    // ... and only once.
    feed("usersInRoom", R"([[{"id":"me"},{"id":"ghost","name":"G"}]])");
    EXPECT_EQ(events.calls.size(), 1u);
}

TEST_F(RoomProtocolTest, EmptyFirstListStillCountsAsTheFirst) {
    join_alone();
    feed("usersInRoom", R"([[{"id":"me"},{"id":"x"}]])");
    ASSERT_EQ(events.calls.size(), 1u);
    EXPECT_FALSE(events.calls[0].we_call);
}

TEST_F(RoomProtocolTest, ListEntriesWithoutStringIdAreSkipped) {
    room.on_connected("me");
    feed("usersInRoom",
         R"([[{"name":"x"},{"id":5},{"id":""},{"id":null},"a",null,7,[],{"id":"ok"}]])");
    ASSERT_EQ(events.calls.size(), 1u);
    EXPECT_EQ(events.calls[0].peer, "ok");
    EXPECT_TRUE(events.calls[0].we_call);
}

TEST_F(RoomProtocolTest, MalformedListDoesNotUseUpTheFirstList) {
    room.on_connected("me");
    feed("usersInRoom", R"([{"id":"a"}])");
    feed("usersInRoom", R"(["a"])");
    feed("usersInRoom", "[null]");
    feed("usersInRoom", "[]");
    EXPECT_TRUE(events.calls.empty());
    feed("usersInRoom", R"([[{"id":"a"}]])");
    ASSERT_EQ(events.calls.size(), 1u);
    EXPECT_TRUE(events.calls[0].we_call);
}

// ---- getOffer --------------------------------------------------------------------------------

TEST_F(RoomProtocolTest, OfferFromUnknownMemberCreatesItThenDeliversTheOffer) {
    join_alone();
    offer_from("newcomer");
    ASSERT_EQ(events.calls.size(), 2u);
    EXPECT_EQ(events.calls[0].what, "joined");
    EXPECT_EQ(events.calls[0].peer, "newcomer");
    EXPECT_EQ(events.calls[0].user, "{}");
    EXPECT_FALSE(events.calls[0].we_call);
    EXPECT_EQ(events.calls[1].what, "description");
    EXPECT_EQ(events.calls[1].peer, "newcomer");
    EXPECT_EQ(events.calls[1].desc.type, "offer");
    EXPECT_EQ(events.calls[1].desc.sdp, kOffer);
    EXPECT_TRUE(room.knows("newcomer"));
}

TEST_F(RoomProtocolTest, OfferFromKnownMemberOnlyDeliversTheOffer) {
    room.on_connected("me");
    feed("usersInRoom", R"([[{"id":"a"}]])");
    events.calls.clear();
    offer_from("a");
    ASSERT_EQ(events.calls.size(), 1u);
    EXPECT_EQ(events.calls[0].what, "description");
    EXPECT_EQ(events.calls[0].desc.type, "offer");
}

TEST_F(RoomProtocolTest, OfferFromOurselvesIsIgnored) {
    join_alone();
    offer_from("me");
    EXPECT_TRUE(events.calls.empty());
}

TEST_F(RoomProtocolTest, OfferAsBareSdpStringIsAccepted) {
    join_alone();
    feed("getOffer", R"([{"sdp":)" + quoted(kOffer) + R"(,"callFrom":"a"}])");
    auto d = calls_of("description");
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].desc.type, "offer");
    EXPECT_EQ(d[0].desc.sdp, kOffer);
}

TEST_F(RoomProtocolTest, OfferWithoutTypeIsTakenAsOffer) {
    join_alone();
    feed("getOffer", R"([{"sdp":{"sdp":)" + quoted(kOffer) + R"(},"callFrom":"a"}])");
    ASSERT_EQ(calls_of("description").size(), 1u);
}

TEST_F(RoomProtocolTest, BadOffersAreDropped) {
    join_alone();
    const std::string sdp = quoted(kOffer);
    for (const std::string& args : std::vector<std::string>{
             R"([{"sdp":{"type":"answer","sdp":)" + sdp + R"(},"callFrom":"a"}])",
             R"([{"sdp":{"type":"offer","sdp":""},"callFrom":"a"}])",
             R"([{"sdp":{"type":"offer"},"callFrom":"a"}])",
             R"([{"sdp":{"type":"offer","sdp":5},"callFrom":"a"}])",
             R"([{"sdp":null,"callFrom":"a"}])",
             R"([{"sdp":42,"callFrom":"a"}])",
             R"([{"callFrom":"a"}])",
             R"([{"sdp":{"type":"offer","sdp":)" + sdp + R"(}}])",
             R"([{"sdp":{"type":"offer","sdp":)" + sdp + R"(},"callFrom":""}])",
             R"([{"sdp":{"type":"offer","sdp":)" + sdp + R"(},"callFrom":7}])",
         }) {
        feed("getOffer", args);
        EXPECT_TRUE(events.calls.empty()) << args;
        events.calls.clear();
    }
    EXPECT_FALSE(room.knows("a"));
}

TEST_F(RoomProtocolTest, OversizeSdpIsDropped) {
    join_alone();
    std::string big = kOffer + "a=x-pad:" + std::string(256 * 1024, 'x') + "\r\n";
    offer_from("a", big);
    EXPECT_TRUE(events.calls.empty());
    EXPECT_FALSE(room.knows("a"));
}

TEST_F(RoomProtocolTest, SdpOfExactly256KiBIsAccepted) {
    join_alone();
    std::string sdp = kOffer + std::string(256 * 1024 - kOffer.size(), 'x');
    ASSERT_EQ(sdp.size(), 256u * 1024u);
    offer_from("a", sdp);
    ASSERT_EQ(calls_of("description").size(), 1u);
    offer_from("b", sdp + "x");
    EXPECT_EQ(calls_of("description").size(), 1u);
}

// ---- getAnswer -------------------------------------------------------------------------------

TEST_F(RoomProtocolTest, AnswerFromCalledMemberIsDelivered) {
    room.on_connected("me");
    feed("usersInRoom", R"([[{"id":"a"}]])");
    events.calls.clear();
    feed("getAnswer", R"([{"sdp":{"type":"answer","sdp":"v=0\r\n"},"answerFrom":"a"}])");
    ASSERT_EQ(events.calls.size(), 1u);
    EXPECT_EQ(events.calls[0].what, "description");
    EXPECT_EQ(events.calls[0].peer, "a");
    EXPECT_EQ(events.calls[0].desc.type, "answer");
    EXPECT_EQ(events.calls[0].desc.sdp, "v=0\r\n");
}

TEST_F(RoomProtocolTest, AnswerFromMemberWeNeverCalledIsDropped) {
    join_alone();
    feed("getAnswer", R"([{"sdp":{"type":"answer","sdp":"v=0\r\n"},"answerFrom":"stranger"}])");
    EXPECT_TRUE(events.calls.empty());
    EXPECT_FALSE(room.knows("stranger"));
}

TEST_F(RoomProtocolTest, AnswerThatIsAnOfferIsDropped) {
    room.on_connected("me");
    feed("usersInRoom", R"([[{"id":"a"}]])");
    events.calls.clear();
    feed("getAnswer", R"([{"sdp":{"type":"offer","sdp":"v=0\r\n"},"answerFrom":"a"}])");
    feed("getAnswer", R"([{"sdp":{"type":"answer","sdp":"v=0\r\n"}}])");
    EXPECT_TRUE(events.calls.empty());
}

// ---- getCandidate ----------------------------------------------------------------------------

TEST_F(RoomProtocolTest, CandidateBeforeTheOfferIsForwarded) {
    join_alone();
    feed(
        "getCandidate",
        R"([{"candidate":{"candidate":"candidate:1 1 udp 2122260223 10.0.0.2 54321 typ host","sdpMid":"1","sdpMLineIndex":1,"usernameFragment":"abcd"},"candidateFrom":"early"}])");
    ASSERT_EQ(events.calls.size(), 1u);
    const Call& c = events.calls[0];
    EXPECT_EQ(c.what, "candidate");
    EXPECT_EQ(c.peer, "early");
    EXPECT_EQ(c.cand.candidate, "candidate:1 1 udp 2122260223 10.0.0.2 54321 typ host");
    EXPECT_EQ(c.cand.sdp_mid, "1");
    EXPECT_EQ(c.cand.mline_index, 1);
}

TEST_F(RoomProtocolTest, CandidateWithoutMidOrIndexGetsDefaults) {
    join_alone();
    feed(
        "getCandidate",
        R"([{"candidate":{"candidate":"candidate:2 1 udp 1 10.0.0.2 5 typ host","sdpMid":null},"candidateFrom":"a"}])");
    ASSERT_EQ(events.calls.size(), 1u);
    EXPECT_EQ(events.calls[0].cand.sdp_mid, "");
    EXPECT_EQ(events.calls[0].cand.mline_index, 0);
}

TEST_F(RoomProtocolTest, EndOfCandidatesIsIgnored) {
    join_alone();
    feed("getCandidate",
         R"([{"candidate":{"candidate":"","sdpMid":"0","sdpMLineIndex":0},"candidateFrom":"a"}])");
    EXPECT_TRUE(events.calls.empty());
}

TEST_F(RoomProtocolTest, AbsurdMLineIndexIsDropped) {
    join_alone();
    for (const char* index : {"9999", "-1", "65", "1e300", "-1e300"}) {
        feed(
            "getCandidate",
            std::string(
                R"([{"candidate":{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host","sdpMid":"0","sdpMLineIndex":)") +
                index + R"(},"candidateFrom":"a"}])");
        EXPECT_TRUE(events.calls.empty()) << index;
        events.calls.clear();
    }
}

TEST_F(RoomProtocolTest, MLineIndex64IsTheLargestAccepted) {
    join_alone();
    feed(
        "getCandidate",
        R"([{"candidate":{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host","sdpMid":"64","sdpMLineIndex":64},"candidateFrom":"a"}])");
    ASSERT_EQ(events.calls.size(), 1u);
    EXPECT_EQ(events.calls[0].cand.mline_index, 64);
}

TEST_F(RoomProtocolTest, OversizeCandidateIsDropped) {
    join_alone();
    std::string line = "candidate:1 1 udp 1 1.2.3.4 5 typ host" + std::string(1100, 'x');
    feed("getCandidate", R"([{"candidate":{"candidate":")" + line +
                             R"(","sdpMid":"0","sdpMLineIndex":0},"candidateFrom":"a"}])");
    EXPECT_TRUE(events.calls.empty());
}

TEST_F(RoomProtocolTest, BadCandidatesAreDropped) {
    join_alone();
    for (
        const char* args : {
            R"([{"candidate":null,"candidateFrom":"a"}])",
            R"([{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host","candidateFrom":"a"}])",
            R"([{"candidate":{"candidate":5},"candidateFrom":"a"}])",
            R"([{"candidate":{"sdpMid":"0"},"candidateFrom":"a"}])",
            R"([{"candidate":{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host"}}])",
            R"([{"candidate":{"candidate":"candidate:1 1 udp 1 1.2.3.4 5 typ host"},"candidateFrom":""}])",
        }) {
        feed("getCandidate", args);
        EXPECT_TRUE(events.calls.empty()) << args;
        events.calls.clear();
    }
}

// ---- Leaving ---------------------------------------------------------------------------------

TEST_F(RoomProtocolTest, UserExitOfKnownMemberReportsItLeft) {
    room.on_connected("me");
    feed("usersInRoom", R"([[{"id":"a"},{"id":"b"}]])");
    events.calls.clear();
    feed("user_exit", R"([{"id":"a"}])");
    ASSERT_EQ(events.calls.size(), 1u);
    EXPECT_EQ(events.calls[0].what, "left");
    EXPECT_EQ(events.calls[0].peer, "a");
    EXPECT_FALSE(room.knows("a"));
    EXPECT_TRUE(room.knows("b"));
}

TEST_F(RoomProtocolTest, UserLeftOfKnownMemberReportsItLeft) {
    join_alone();
    offer_from("a");
    events.calls.clear();
    feed("userLeft", R"([{"id":"a"}])");
    ASSERT_EQ(events.calls.size(), 1u);
    EXPECT_EQ(events.calls[0].what, "left");
    EXPECT_EQ(events.calls[0].peer, "a");
}

TEST_F(RoomProtocolTest, UserExitWithBareIdString) {
    join_alone();
    offer_from("a");
    events.calls.clear();
    feed("user_exit", R"(["a"])");
    ASSERT_EQ(calls_of("left").size(), 1u);
}

TEST_F(RoomProtocolTest, UnknownIdsInUserExitAreIgnored) {
    join_alone();
    feed("user_exit", R"([{"id":"nobody"}])");
    feed("user_exit", R"([{"id":"me"}])");
    EXPECT_TRUE(events.calls.empty());
}

TEST_F(RoomProtocolTest, SecondExitOfTheSameMemberIsIgnored) {
    join_alone();
    offer_from("a");
    feed("user_exit", R"([{"id":"a"}])");
    feed("userLeft", R"([{"id":"a"}])");
    EXPECT_EQ(calls_of("left").size(), 1u);
}

TEST_F(RoomProtocolTest, MemberWhoLeftAndOffersAgainIsCreatedAgain) {
    join_alone();
    offer_from("a");
    feed("user_exit", R"([{"id":"a"}])");
    events.calls.clear();
    offer_from("a");
    ASSERT_EQ(events.calls.size(), 2u);
    EXPECT_EQ(events.calls[0].what, "joined");
    EXPECT_EQ(events.calls[1].what, "description");
}

// ---- Malformed input -------------------------------------------------------------------------

TEST_F(RoomProtocolTest, WrongPayloadTypesAreDroppedWithoutCrashing) {
    room.on_connected("me");
    feed("usersInRoom", R"([[{"id":"a"}]])");
    events.calls.clear();
    for (const char* name :
         {"usersInRoom", "getOffer", "getAnswer", "getCandidate", "user_exit", "userLeft"}) {
        for (const char* args : {"[]", "[null]", "[42]", "[1.5]", "[[]]", R"(["a"])", "[true]",
                                 "[{}]", R"([{"id":{"id":"a"}}])"}) {
            feed(name, args);
            // A bare string is a valid user_exit id; "a" is a member, so exclude it from this
            // check.
            if ((std::string(name) == "user_exit" || std::string(name) == "userLeft") &&
                std::string(args) == R"(["a"])") {
                events.calls.clear();
                continue;
            }
            EXPECT_TRUE(events.calls.empty()) << name << " " << args;
            events.calls.clear();
        }
        room.on_event(name, nullptr);
        EXPECT_TRUE(events.calls.empty()) << name << " with null args";
    }
    EXPECT_EQ(emitter.sent.size(), 1u);  // only the join
}

TEST_F(RoomProtocolTest, UnknownEventsAreDropped) {
    join_alone();
    feed("chat", R"(["hello"])");
    feed("", "[]");
    feed(std::string(10000, 'x'), R"([{"id":"a"}])");
    feed("offer", R"([{"sdp":{"type":"offer","sdp":"v=0"},"callTo":"me"}])");
    EXPECT_TRUE(events.calls.empty());
    EXPECT_EQ(emitter.sent.size(), 1u);
}

// ---- Outgoing --------------------------------------------------------------------------------

TEST_F(RoomProtocolTest, SendOfferUsesTheBrowserShape) {
    room.send_description("peer1", {"offer", kOffer});
    ASSERT_EQ(emitter.sent.size(), 1u);
    EXPECT_EQ(emitter.sent[0].name, "offer");
    JsonPtr holder;
    JsonObject* payload = single_object_arg(emitter.sent[0], holder);
    ASSERT_TRUE(payload) << emitter.sent[0].args;
    EXPECT_EQ(member_names(payload), (std::vector<std::string>{"callTo", "sdp"}));
    EXPECT_EQ(rp::json::get_string(payload, "callTo"), "peer1");
    JsonObject* sdp = rp::json::get_object(payload, "sdp");
    ASSERT_TRUE(sdp);
    EXPECT_EQ(member_names(sdp), (std::vector<std::string>{"sdp", "type"}));
    EXPECT_EQ(rp::json::get_string(sdp, "type"), "offer");
    EXPECT_EQ(rp::json::get_string(sdp, "sdp"), kOffer);
}

TEST_F(RoomProtocolTest, SendAnswerUsesTheBrowserShape) {
    room.send_description("peer2", {"answer", "v=0\r\nanswer\r\n"});
    ASSERT_EQ(emitter.sent.size(), 1u);
    EXPECT_EQ(emitter.sent[0].name, "answer");
    JsonPtr holder;
    JsonObject* payload = single_object_arg(emitter.sent[0], holder);
    ASSERT_TRUE(payload) << emitter.sent[0].args;
    EXPECT_EQ(member_names(payload), (std::vector<std::string>{"answerTo", "sdp"}));
    EXPECT_EQ(rp::json::get_string(payload, "answerTo"), "peer2");
    JsonObject* sdp = rp::json::get_object(payload, "sdp");
    ASSERT_TRUE(sdp);
    EXPECT_EQ(member_names(sdp), (std::vector<std::string>{"sdp", "type"}));
    EXPECT_EQ(rp::json::get_string(sdp, "type"), "answer");
    EXPECT_EQ(rp::json::get_string(sdp, "sdp"), "v=0\r\nanswer\r\n");
}

TEST_F(RoomProtocolTest, SendCandidateUsesTheBrowserShape) {
    room.send_candidate("peer3",
                        {"candidate:1 1 UDP 2122252543 192.168.1.2 40000 typ host", "0", 0});
    ASSERT_EQ(emitter.sent.size(), 1u);
    EXPECT_EQ(emitter.sent[0].name, "candidate");
    JsonPtr holder;
    JsonObject* payload = single_object_arg(emitter.sent[0], holder);
    ASSERT_TRUE(payload) << emitter.sent[0].args;
    EXPECT_EQ(member_names(payload), (std::vector<std::string>{"candidate", "candidateTo"}));
    EXPECT_EQ(rp::json::get_string(payload, "candidateTo"), "peer3");
    JsonObject* c = rp::json::get_object(payload, "candidate");
    ASSERT_TRUE(c);
    EXPECT_EQ(member_names(c), (std::vector<std::string>{"candidate", "sdpMLineIndex", "sdpMid"}));
    EXPECT_EQ(rp::json::get_string(c, "candidate"),
              "candidate:1 1 UDP 2122252543 192.168.1.2 40000 typ host");
    EXPECT_EQ(rp::json::get_string(c, "sdpMid"), "0");
    JsonNode* index = json_object_get_member(c, "sdpMLineIndex");
    ASSERT_TRUE(index && JSON_NODE_HOLDS_VALUE(index));
    EXPECT_EQ(json_node_get_value_type(index), G_TYPE_INT64);
    EXPECT_EQ(json_node_get_int(index), 0);
}

TEST_F(RoomProtocolTest, OurCandidateIsReadBackByAnotherRoompeer) {
    // What we send as "candidate" reaches the other side as getCandidate {candidate,
    // candidateFrom}.
    room.send_candidate("peer", {"candidate:9 1 udp 5 10.1.1.1 9 typ host", "1", 1});
    JsonPtr holder;
    JsonObject* payload = single_object_arg(emitter.sent.at(0), holder);
    ASSERT_TRUE(payload);
    JsonObject* c = rp::json::get_object(payload, "candidate");
    ASSERT_TRUE(c);
    JsonPtr cnode = rp::json::object_node(c);
    join_alone();
    feed("getCandidate",
         R"([{"candidate":)" + rp::json::to_string(cnode.get()) + R"(,"candidateFrom":"other"}])");
    ASSERT_EQ(events.calls.size(), 1u);
    EXPECT_EQ(events.calls[0].cand.candidate, "candidate:9 1 udp 5 10.1.1.1 9 typ host");
    EXPECT_EQ(events.calls[0].cand.sdp_mid, "1");
    EXPECT_EQ(events.calls[0].cand.mline_index, 1);
}

// ---- Session end and reconnect ---------------------------------------------------------------

TEST_F(RoomProtocolTest, SessionEndedForgetsTheMember) {
    room.on_connected("me");
    feed("usersInRoom", R"([[{"id":"a"}]])");
    room.session_ended("a");
    EXPECT_FALSE(room.knows("a"));
    events.calls.clear();
    offer_from("a");
    ASSERT_EQ(events.calls.size(), 2u);
    EXPECT_EQ(events.calls[0].what, "joined");
    EXPECT_FALSE(events.calls[0].we_call);
    // An ended session is not "left": the server did not say so.
    EXPECT_TRUE(calls_of("left").empty());
}

TEST_F(RoomProtocolTest, ReconnectRejoinsWithTheSameUserInfo) {
    room.on_connected("me");
    room.on_disconnected();
    room.on_connected("me2");
    ASSERT_EQ(emitter.sent.size(), 2u);
    EXPECT_EQ(emitter.sent[1].name, "joinRTCRoom");
    EXPECT_EQ(emitter.sent[1].args, emitter.sent[0].args);
    EXPECT_EQ(room.self_id(), "me2");
    EXPECT_TRUE(room.joined());
}

TEST_F(RoomProtocolTest, ReconnectMakesTheNextListAFirstListAgain) {
    join_alone();
    room.on_disconnected();
    room.on_connected("me2");
    feed("usersInRoom", R"([[{"id":"me2"},{"id":"c"}]])");
    ASSERT_EQ(events.calls.size(), 1u);
    EXPECT_EQ(events.calls[0].peer, "c");
    EXPECT_TRUE(events.calls[0].we_call);
}

// After a reconnect the server knows us under a new id and every member waits for our call.
// A member that RoomProtocol still remembers from before (here: one recorded from a broadcast,
// which has no media session, so the app's drop_all_sessions() never reports session_ended for
// it) must be called too, or we never connect to it again.
TEST_F(RoomProtocolTest, ReconnectCallsMembersRememberedFromBeforeTheReconnect) {
    join_alone();
    feed("usersInRoom", R"([[{"id":"me"},{"id":"b"}]])");  // recorded, not called
    events.calls.clear();
    room.on_disconnected();
    room.on_connected("me2");
    feed("usersInRoom", R"([[{"id":"b"}]])");
    auto joined = calls_of("joined");
    ASSERT_EQ(joined.size(), 1u);
    EXPECT_EQ(joined[0].peer, "b");
    EXPECT_TRUE(joined[0].we_call);
}

}  // namespace
