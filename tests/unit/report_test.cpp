// Expectations and the JSON report.
#include "report/report.h"
#include "report/quality_json.h"
#include "util/json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using rp::Expectations;
using rp::JsonPtr;
using rp::PeerRecord;
using rp::RunResult;

PeerRecord peer(const std::string& id, bool connected, std::uint64_t frames,
                std::uint64_t audio_buffers = 0, bool sends_audio = false) {
    PeerRecord p;
    p.id = id;
    p.ever_connected = connected;
    p.state = connected ? rp::PeerState::Connected : rp::PeerState::Failed;
    p.remote_sends_video = true;
    p.remote_sends_audio = sends_audio;
    p.counters->video_frames = frames;
    p.counters->audio_buffers = audio_buffers;
    return p;
}

RunResult run_with(std::vector<PeerRecord> peers) {
    RunResult r;
    r.room = "demo";
    r.self_id = "me";
    r.server = "http://127.0.0.1:3000";
    r.peers = std::move(peers);
    return r;
}

bool any_contains(const std::vector<std::string>& failures, const std::string& needle) {
    return std::any_of(failures.begin(), failures.end(),
                       [&](const std::string& f) { return f.find(needle) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += "[" + s + "] ";
    return out;
}

// ---- make_expectations -----------------------------------------------------------------------

TEST(MakeExpectations, NothingGivenMeansNoExpectations) {
    Expectations e = rp::make_expectations(-1, -1);
    EXPECT_EQ(e.peers, -1);
    EXPECT_EQ(e.frames, -1);
}

TEST(MakeExpectations, FramesDefaultToOneWhenOnlyPeersIsGiven) {
    Expectations e = rp::make_expectations(2, -1);
    EXPECT_EQ(e.peers, 2);
    EXPECT_EQ(e.frames, 1);
}

TEST(MakeExpectations, ExplicitFramesAreKept) {
    Expectations e = rp::make_expectations(2, 30);
    EXPECT_EQ(e.peers, 2);
    EXPECT_EQ(e.frames, 30);
    EXPECT_EQ(rp::make_expectations(3, 0).frames, 0);
}

TEST(MakeExpectations, FramesWithoutPeers) {
    Expectations e = rp::make_expectations(-1, 5);
    EXPECT_EQ(e.peers, -1);
    EXPECT_EQ(e.frames, 5);
}

// ---- check_expectations ----------------------------------------------------------------------

TEST(CheckExpectations, NoExpectationsAlwaysPass) {
    EXPECT_TRUE(rp::check_expectations(run_with({}), rp::make_expectations(-1, -1)).empty());
    EXPECT_TRUE(
        rp::check_expectations(run_with({peer("a", false, 0)}), rp::make_expectations(-1, -1))
            .empty());
}

TEST(CheckExpectations, RunErrorsAlwaysFail) {
    RunResult r = run_with({peer("a", true, 100)});
    r.errors = {"lost the room server"};
    auto failures = rp::check_expectations(r, rp::make_expectations(-1, -1));
    EXPECT_EQ(failures, (std::vector<std::string>{"lost the room server"}));
    failures = rp::check_expectations(r, rp::make_expectations(1, -1));
    EXPECT_EQ(failures, (std::vector<std::string>{"lost the room server"}));
}

TEST(CheckExpectations, EnoughConnectedPeersWithFramesPass) {
    RunResult r = run_with({peer("a", true, 10), peer("b", true, 1)});
    EXPECT_TRUE(rp::check_expectations(r, rp::make_expectations(2, -1)).empty());
}

TEST(CheckExpectations, TooFewConnectedPeersFail) {
    RunResult r = run_with({peer("a", true, 10), peer("b", true, 10)});
    auto failures = rp::check_expectations(r, rp::make_expectations(3, 0));
    ASSERT_EQ(failures.size(), 1u) << joined(failures);
    EXPECT_NE(failures[0].find("3"), std::string::npos) << failures[0];
    EXPECT_NE(failures[0].find("got 2"), std::string::npos) << failures[0];
}

TEST(CheckExpectations, OnlyEverConnectedPeersCount) {
    PeerRecord closed = peer("a", true, 10);
    closed.state = rp::PeerState::Closed;  // connected once, left before the end: still counts
    RunResult r = run_with({closed, peer("b", false, 0), peer("c", false, 0)});
    auto failures = rp::check_expectations(r, rp::make_expectations(2, 0));
    ASSERT_EQ(failures.size(), 1u) << joined(failures);
    EXPECT_NE(failures[0].find("got 1"), std::string::npos) << failures[0];
    EXPECT_TRUE(rp::check_expectations(r, rp::make_expectations(1, -1)).empty());
}

TEST(CheckExpectations, PeerWithTooFewFramesFailsByName) {
    RunResult r = run_with({peer("good", true, 50), peer("slow", true, 3)});
    auto failures = rp::check_expectations(r, rp::make_expectations(2, 10));
    ASSERT_EQ(failures.size(), 1u) << joined(failures);
    EXPECT_NE(failures[0].find("slow"), std::string::npos) << failures[0];
    EXPECT_NE(failures[0].find("3"), std::string::npos) << failures[0];
    EXPECT_NE(failures[0].find("10"), std::string::npos) << failures[0];
}

TEST(CheckExpectations, DefaultOneFrameFailsAPeerWithNoVideo) {
    RunResult r = run_with({peer("a", true, 0)});
    auto failures = rp::check_expectations(r, rp::make_expectations(1, -1));
    ASSERT_EQ(failures.size(), 1u) << joined(failures);
    EXPECT_NE(failures[0].find("peer a"), std::string::npos) << failures[0];
}

TEST(CheckExpectations, FramesOfNeverConnectedPeersAreNotChecked) {
    RunResult r = run_with({peer("a", true, 5), peer("ghost", false, 0)});
    EXPECT_TRUE(rp::check_expectations(r, rp::make_expectations(1, 5)).empty());
}

TEST(CheckExpectations, PeerSendingAudioMustHaveDecodedAudio) {
    RunResult r = run_with({peer("mute", true, 5, 0, true), peer("ok", true, 5, 40, true),
                            peer("video-only", true, 5, 0, false)});
    auto failures = rp::check_expectations(r, rp::make_expectations(3, -1));
    ASSERT_EQ(failures.size(), 1u) << joined(failures);
    EXPECT_NE(failures[0].find("mute"), std::string::npos) << failures[0];
    EXPECT_NE(failures[0].find("audio"), std::string::npos) << failures[0];
}

TEST(CheckExpectations, NoMemberConnectedFails) {
    auto failures = rp::check_expectations(run_with({}), rp::make_expectations(-1, 5));
    ASSERT_EQ(failures.size(), 1u) << joined(failures);
    EXPECT_NE(failures[0].find("no member"), std::string::npos) << failures[0];
}

TEST(CheckExpectations, NoMemberConnectedWithExpectedPeersReportsBoth) {
    auto failures =
        rp::check_expectations(run_with({peer("x", false, 0)}), rp::make_expectations(1, -1));
    EXPECT_EQ(failures.size(), 2u) << joined(failures);
    EXPECT_TRUE(any_contains(failures, "expected at least 1")) << joined(failures);
    EXPECT_TRUE(any_contains(failures, "no member")) << joined(failures);
}

TEST(CheckExpectations, ZeroFramesExpectedPassesWithNobody) {
    EXPECT_TRUE(rp::check_expectations(run_with({}), rp::make_expectations(-1, 0)).empty());
}

// "--expect-peers 0" asks for at least zero members; the derived "1 frame per member" applies
// to no member at all, so an empty room must pass, not fail with "no member was ever connected".
TEST(CheckExpectations, ExpectPeersZeroPassesInAnEmptyRoom) {
    auto failures = rp::check_expectations(run_with({}), rp::make_expectations(0, -1));
    EXPECT_TRUE(failures.empty()) << joined(failures);
}

// ---- report_json -----------------------------------------------------------------------------

std::vector<std::string> member_names(JsonObject* obj) {
    std::vector<std::string> names;
    GList* list = json_object_get_members(obj);
    for (GList* l = list; l; l = l->next) names.push_back(static_cast<const char*>(l->data));
    g_list_free(list);
    std::sort(names.begin(), names.end());
    return names;
}

bool is_type(JsonObject* obj, const char* member, GType type) {
    JsonNode* n = json_object_get_member(obj, member);
    return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == type;
}

bool is_null(JsonObject* obj, const char* member) {
    JsonNode* n = json_object_get_member(obj, member);
    return n && JSON_NODE_HOLDS_NULL(n);
}

// Parses the report with a real json-glib parser (not rp::json) and returns the root object.
JsonObject* parse_report(const std::string& text, JsonPtr& holder) {
    JsonParser* parser = json_parser_new();
    GError* err = nullptr;
    bool ok = json_parser_load_from_data(parser, text.c_str(), -1, &err);
    EXPECT_TRUE(ok) << (err ? err->message : "") << "\n" << text;
    if (err) g_error_free(err);
    JsonNode* root = ok ? json_parser_get_root(parser) : nullptr;
    holder.reset(root ? json_node_copy(root) : nullptr);
    g_object_unref(parser);
    return holder && JSON_NODE_HOLDS_OBJECT(holder.get()) ? json_node_get_object(holder.get())
                                                          : nullptr;
}

RunResult sample_run() {
    PeerRecord a = peer("peerA", true, 123, 456, true);
    a.user_json = R"({"name":"alice","id":"peerA"})";
    a.counters->width = 640;
    a.counters->height = 480;
    a.counters->first_video_frame_ms = 1234.7;
    PeerRecord b = peer("peerB", false, 0);
    b.state = rp::PeerState::Failed;
    return run_with({a, b});
}

TEST(ReportJson, TopLevelFieldsAndTypes) {
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(sample_run(), {}), holder);
    ASSERT_TRUE(root);
    EXPECT_EQ(member_names(root),
              (std::vector<std::string>{"failures", "peers", "result", "room", "self_id", "server",
                                        "source_restarts"}));
    EXPECT_EQ(rp::json::get_string(root, "room"), "demo");
    EXPECT_EQ(rp::json::get_string(root, "server"), "http://127.0.0.1:3000");
    EXPECT_EQ(rp::json::get_string(root, "self_id"), "me");
    EXPECT_EQ(rp::json::get_string(root, "result"), "pass");
    JsonNode* failures = json_object_get_member(root, "failures");
    ASSERT_TRUE(failures && JSON_NODE_HOLDS_ARRAY(failures));
    EXPECT_EQ(json_array_get_length(json_node_get_array(failures)), 0u);
    JsonNode* peers = json_object_get_member(root, "peers");
    ASSERT_TRUE(peers && JSON_NODE_HOLDS_ARRAY(peers));
    EXPECT_EQ(json_array_get_length(json_node_get_array(peers)), 2u);
}

TEST(ReportJson, SelectedPairOnceKnown) {
    RunResult run = sample_run();
    run.peers[0].selected_pair = rp::SelectedPair{"relay", "prflx", "udp"};
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(run, {}), holder);
    ASSERT_TRUE(root);
    JsonObject* a = json_array_get_object_element(json_object_get_array_member(root, "peers"), 0);
    JsonObject* pair = rp::json::get_object(a, "selected_pair");
    ASSERT_TRUE(pair);
    EXPECT_EQ(member_names(pair),
              (std::vector<std::string>{"local_type", "protocol", "remote_type"}));
    EXPECT_EQ(rp::json::get_string(pair, "local_type"), "relay");
    EXPECT_EQ(rp::json::get_string(pair, "remote_type"), "prflx");
    EXPECT_EQ(rp::json::get_string(pair, "protocol"), "udp");
}

TEST(ReportJson, SourceRestartsAtTopLevel) {
    RunResult run = sample_run();
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(run, {}), holder);
    ASSERT_TRUE(root);
    EXPECT_EQ(rp::json::get_int(root, "source_restarts").value_or(-1), 0);
    run.source_restarts = 2;
    root = parse_report(rp::report_json(run, {}), holder);
    ASSERT_TRUE(root);
    EXPECT_EQ(rp::json::get_int(root, "source_restarts").value_or(-1), 2);
}

TEST(ReportJson, PeerFieldsAndTypes) {
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(sample_run(), {}), holder);
    ASSERT_TRUE(root);
    JsonArray* peers = json_object_get_array_member(root, "peers");
    ASSERT_TRUE(peers);
    JsonObject* a = json_array_get_object_element(peers, 0);
    ASSERT_TRUE(a);
    // The issue's fields, plus end_reason (null while the call runs) and selected_pair (null
    // until known).
    EXPECT_EQ(member_names(a),
              (std::vector<std::string>{"audio", "end_reason", "first_video_frame_ms", "id",
                                        "selected_pair", "state", "user", "video"}));
    EXPECT_TRUE(JSON_NODE_HOLDS_NULL(json_object_get_member(a, "end_reason")));
    EXPECT_TRUE(JSON_NODE_HOLDS_NULL(json_object_get_member(a, "selected_pair")));
    EXPECT_EQ(rp::json::get_string(a, "id"), "peerA");
    EXPECT_EQ(rp::json::get_string(a, "state"), "connected");

    JsonObject* user = rp::json::get_object(a, "user");
    ASSERT_TRUE(user);
    EXPECT_EQ(rp::json::get_string(user, "name"), "alice");

    JsonObject* video = rp::json::get_object(a, "video");
    ASSERT_TRUE(video);
    EXPECT_EQ(member_names(video),
              (std::vector<std::string>{
                  "black", "fps", "frames_decoded", "frames_lost", "freeze_count",
                  "from_expected_sender", "height", "latency_ms", "layer", "max_gap_ms",
                  "pause_count", "psnr_db", "still", "target_kbps", "total_freeze_ms", "width"}));
    // No figures yet: every quality field is null.
    for (const char* m :
         {"fps", "freeze_count", "total_freeze_ms", "pause_count", "max_gap_ms", "black", "still",
          "frames_lost", "from_expected_sender", "psnr_db", "layer", "target_kbps"})
        EXPECT_TRUE(JSON_NODE_HOLDS_NULL(json_object_get_member(video, m))) << m;
    EXPECT_TRUE(JSON_NODE_HOLDS_NULL(json_object_get_member(video, "latency_ms")));
    // vq: no frames fed to video_quality: every quality field is null.
    for (const char* m : {"fps", "freeze_count", "black", "still", "frames_lost", "psnr_db"})
        EXPECT_TRUE(JSON_NODE_HOLDS_NULL(json_object_get_member(video, m))) << m;
    for (const char* m : {"frames_decoded", "width", "height"})
        EXPECT_TRUE(is_type(video, m, G_TYPE_INT64)) << m;
    EXPECT_EQ(json_object_get_int_member(video, "frames_decoded"), 123);
    EXPECT_EQ(json_object_get_int_member(video, "width"), 640);
    EXPECT_EQ(json_object_get_int_member(video, "height"), 480);

    JsonObject* audio = rp::json::get_object(a, "audio");
    ASSERT_TRUE(audio);
    EXPECT_EQ(member_names(audio),
              (std::vector<std::string>{"av_sync_ms", "buffers_decoded", "gaps", "tone_ok"}));
    for (const char* m : {"av_sync_ms", "gaps", "tone_ok"})
        EXPECT_TRUE(JSON_NODE_HOLDS_NULL(json_object_get_member(audio, m))) << m;
    EXPECT_TRUE(is_type(audio, "buffers_decoded", G_TYPE_INT64));
    EXPECT_EQ(json_object_get_int_member(audio, "buffers_decoded"), 456);

    EXPECT_TRUE(is_type(a, "first_video_frame_ms", G_TYPE_INT64));
    EXPECT_EQ(json_object_get_int_member(a, "first_video_frame_ms"), 1234);
}

TEST(ReportJson, PeerWithoutVideoHasNullFirstFrameAndZeroCounters) {
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(sample_run(), {}), holder);
    ASSERT_TRUE(root);
    JsonObject* b = json_array_get_object_element(json_object_get_array_member(root, "peers"), 1);
    ASSERT_TRUE(b);
    EXPECT_EQ(rp::json::get_string(b, "id"), "peerB");
    EXPECT_EQ(rp::json::get_string(b, "state"), "failed");
    EXPECT_TRUE(is_null(b, "first_video_frame_ms"));
    JsonObject* user = rp::json::get_object(b, "user");
    ASSERT_TRUE(user);  // default "{}" stays an (empty) object
    EXPECT_EQ(json_object_get_size(user), 0u);
    JsonObject* video = rp::json::get_object(b, "video");
    ASSERT_TRUE(video);
    EXPECT_EQ(json_object_get_int_member(video, "frames_decoded"), 0);
    EXPECT_EQ(json_object_get_int_member(video, "width"), 0);
}

TEST(ReportJson, FirstFrameAtZeroMsIsAnIntegerNotNull) {
    RunResult r = run_with({peer("a", true, 1)});
    r.peers[0].counters->first_video_frame_ms = 0.0;
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(r, {}), holder);
    ASSERT_TRUE(root);
    JsonObject* a = json_array_get_object_element(json_object_get_array_member(root, "peers"), 0);
    ASSERT_TRUE(a);
    EXPECT_TRUE(is_type(a, "first_video_frame_ms", G_TYPE_INT64));
    EXPECT_EQ(json_object_get_int_member(a, "first_video_frame_ms"), 0);
}

TEST(ReportJson, FailuresMakeTheResultFail) {
    JsonPtr holder;
    JsonObject* root =
        parse_report(rp::report_json(sample_run(), {"first failure", "second \"quoted\""}), holder);
    ASSERT_TRUE(root);
    EXPECT_EQ(rp::json::get_string(root, "result"), "fail");
    JsonArray* failures = json_object_get_array_member(root, "failures");
    ASSERT_TRUE(failures);
    ASSERT_EQ(json_array_get_length(failures), 2u);
    for (guint i = 0; i < 2; ++i) {
        JsonNode* n = json_array_get_element(failures, i);
        ASSERT_TRUE(JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING);
    }
    EXPECT_STREQ(json_array_get_string_element(failures, 0), "first failure");
    EXPECT_STREQ(json_array_get_string_element(failures, 1), "second \"quoted\"");
}

TEST(ReportJson, EmptySelfIdAndServerAreNull) {
    RunResult r = run_with({});
    r.self_id.clear();
    r.server.clear();
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(r, {}), holder);
    ASSERT_TRUE(root);
    EXPECT_TRUE(is_null(root, "self_id"));
    EXPECT_TRUE(is_null(root, "server"));
    JsonArray* peers = json_object_get_array_member(root, "peers");
    ASSERT_TRUE(peers);
    EXPECT_EQ(json_array_get_length(peers), 0u);
}

TEST(ReportJson, UserThatIsNotJsonBecomesNull) {
    RunResult r = run_with({peer("a", true, 1)});
    r.peers[0].user_json = "{broken";
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(r, {}), holder);
    ASSERT_TRUE(root);
    JsonObject* a = json_array_get_object_element(json_object_get_array_member(root, "peers"), 0);
    ASSERT_TRUE(a);
    EXPECT_TRUE(is_null(a, "user"));
}

TEST(ReportJson, SpecialCharactersInStringsSurviveARoundTrip) {
    RunResult r = run_with({peer("id\"with\\odd\nchars", true, 1)});
    r.room = "r\xc3\xa9union \"A\"";
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(r, {}), holder);
    ASSERT_TRUE(root);
    EXPECT_EQ(rp::json::get_string(root, "room"), "r\xc3\xa9union \"A\"");
    JsonObject* a = json_array_get_object_element(json_object_get_array_member(root, "peers"), 0);
    ASSERT_TRUE(a);
    EXPECT_EQ(rp::json::get_string(a, "id"), "id\"with\\odd\nchars");
}

TEST(ReportJson, IndentedByTwoWithEmptyListsOnOneLine) {
    EXPECT_EQ(rp::report_json(run_with({}), {}),
              "{\n  \"room\": \"demo\",\n  \"self_id\": \"me\",\n"
              "  \"server\": \"http://127.0.0.1:3000\",\n  \"result\": \"pass\",\n"
              "  \"source_restarts\": 0,\n"
              "  \"failures\": [],\n  \"peers\": []\n}\n");
}

TEST(ReportJson, EndsWithANewline) {
    std::string text = rp::report_json(sample_run(), {});
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
}

TEST(ReportJson, CheckedRunRoundTripsIntoTheReport) {
    RunResult r = run_with({peer("a", true, 0)});
    auto failures = rp::check_expectations(r, rp::make_expectations(1, -1));
    ASSERT_FALSE(failures.empty());
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(r, failures), holder);
    ASSERT_TRUE(root);
    EXPECT_EQ(rp::json::get_string(root, "result"), "fail");
    EXPECT_EQ(json_array_get_length(json_object_get_array_member(root, "failures")),
              failures.size());
}

// Secrets are masked in the fields that may hold one, and nowhere else: the text of a report
// with a secret is the text of the same report without one, apart from those fields.
TEST(ReportJson, SecretFieldsMaskedAndNothingElse) {
    RunResult r = sample_run();
    r.peers[0].end_reason = "ICE failed through turn://u:video@10.0.0.1:3478";
    std::string plain = rp::report_json(r, {"peer peerA: passes, video ok"});
    r.server = "https://u:p@127.0.0.1:3000";
    std::string text =
        rp::report_json(r, {"cannot reach the room server at https://u:p@127.0.0.1:3000: refused",
                            "peer peerA: passes, video ok"});
    EXPECT_NE(text.find(R"("server": "https://u:***@127.0.0.1:3000")"), std::string::npos) << text;
    EXPECT_NE(text.find("room server at https://u:***@127.0.0.1:3000: refused"), std::string::npos)
        << text;
    EXPECT_NE(text.find("ICE failed through turn://u:***@10.0.0.1:3478"), std::string::npos)
        << text;
    EXPECT_EQ(text.find("u:p@"), std::string::npos) << text;
    EXPECT_EQ(text.find("u:video@"), std::string::npos) << text;
    // Everything else as without the secret: "pass", "peers", "video" and the ids untouched.
    EXPECT_NE(text.find("\"peer peerA: passes, video ok\""), std::string::npos) << text;
    EXPECT_NE(text.find(R"("result": "fail")"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("id": "peerA")"), std::string::npos) << text;
    auto drop = [](std::string s, const std::string& from, const std::string& to) {
        size_t at = s.find(from);
        return at == std::string::npos ? s : s.substr(0, at) + s.substr(s.find(to, at));
    };
    EXPECT_EQ(drop(drop(text, "\"server\"", "\"result\""), "\"cannot reach", "\"peer peerA"),
              drop(plain, "\"server\"", "\"result\""));
}

}  // namespace

TEST(ReportJson, LatencyPercentilesFromProbeSamples) {
    rp::RunResult run = sample_run();
    for (std::uint32_t ms = 1; ms <= 100; ++ms) run.peers[0].counters->latency.add(ms);
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(run, {}), holder);
    ASSERT_TRUE(root);
    JsonObject* a = json_array_get_object_element(json_object_get_array_member(root, "peers"), 0);
    JsonObject* lat = rp::json::get_object(rp::json::get_object(a, "video"), "latency_ms");
    ASSERT_TRUE(lat);
    EXPECT_EQ(json_object_get_int_member(lat, "p50"), 50);
    EXPECT_EQ(json_object_get_int_member(lat, "p95"), 95);
    EXPECT_EQ(json_object_get_int_member(lat, "max"), 100);
    EXPECT_EQ(json_object_get_int_member(lat, "samples"), 100);
}

// vq: the video quality fields once frames (stamped, with PSNR) were measured.
TEST(ReportJson, VideoQualityFromMeasuredFrames) {
    rp::RunResult run = sample_run();
    for (int i = 0; i < 31; ++i) {
        rp::FrameFacts f;
        f.arrival_us = i * 100'000;  // 10 fps for 3 s
        f.grid.assign(100, static_cast<std::uint8_t>(i % 2 ? 16 : 200));
        f.grid_w = f.grid_h = 10;
        f.stamped = true;
        f.frame_number = static_cast<std::uint16_t>(i * 2);  // every other frame lost
        f.sender_tag = f.expected_tag = 9;
        f.psnr_db = 35;
        run.peers[0].counters->video_quality.on_frame(f);
    }
    run.figures = {rp::peer_figures(*run.peers[0].counters, 0)};
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(run, {}), holder);
    ASSERT_TRUE(root);
    JsonObject* a = json_array_get_object_element(json_object_get_array_member(root, "peers"), 0);
    JsonObject* v = rp::json::get_object(a, "video");
    ASSERT_TRUE(v);
    EXPECT_DOUBLE_EQ(json_object_get_double_member(v, "fps"), 10);
    EXPECT_EQ(json_object_get_int_member(v, "freeze_count"), 0);
    EXPECT_EQ(json_object_get_int_member(v, "pause_count"), 0);
    EXPECT_EQ(json_object_get_int_member(v, "max_gap_ms"), 100);
    EXPECT_NEAR(json_object_get_double_member(v, "black"), 0.5, 1e-9);
    EXPECT_EQ(json_object_get_int_member(v, "still"), 0);
    EXPECT_EQ(json_object_get_int_member(v, "frames_lost"), 30);
    EXPECT_TRUE(json_object_get_boolean_member(v, "from_expected_sender"));
    JsonObject* psnr = rp::json::get_object(v, "psnr_db");
    ASSERT_TRUE(psnr);
    EXPECT_DOUBLE_EQ(json_object_get_double_member(psnr, "mean"), 35);
    EXPECT_DOUBLE_EQ(json_object_get_double_member(psnr, "p5"), 35);
}

// ---- the quality figures (issue 12) ----------------------------------------------------------

TEST(ReportJson, QualityFiguresOfEveryPeer) {
    RunResult r = run_with({peer("a", true, 300)});
    r.figures.resize(1);
    rp::VideoFigures& v = r.figures[0].video;
    v.fps = 29.814;
    v.freeze_count = 2;
    v.total_freeze_ms = 1234.56;
    v.pause_count = 0;
    v.max_gap_ms = 900;
    v.black = 0.5;
    v.still = 0.25;
    v.frames_lost = 4;
    v.from_expected_sender = true;
    v.psnr_mean_db = 38.1;
    v.psnr_p5_db = 31.25;
    v.layer = "full";
    v.target_kbps = 1200;
    rp::AudioFigures& a = r.figures[0].audio;
    a.tone_ok = true;
    a.gaps = 1;
    a.av_sync_p50_ms = -12.5;
    a.av_sync_p95_ms = 30;
    JsonPtr holder;
    JsonObject* root = parse_report(rp::report_json(r, {}), holder);
    ASSERT_TRUE(root);
    JsonObject* p = json_array_get_object_element(json_object_get_array_member(root, "peers"), 0);
    JsonObject* video = rp::json::get_object(p, "video");
    ASSERT_TRUE(video);
    EXPECT_DOUBLE_EQ(json_object_get_double_member(video, "fps"), 29.81);
    EXPECT_EQ(json_object_get_int_member(video, "freeze_count"), 2);
    EXPECT_DOUBLE_EQ(json_object_get_double_member(video, "total_freeze_ms"), 1234.6);
    EXPECT_EQ(json_object_get_int_member(video, "pause_count"), 0);
    EXPECT_DOUBLE_EQ(json_object_get_double_member(video, "black"), 0.5);
    EXPECT_EQ(json_object_get_int_member(video, "frames_lost"), 4);
    EXPECT_TRUE(json_object_get_boolean_member(video, "from_expected_sender"));
    JsonObject* psnr = rp::json::get_object(video, "psnr_db");
    ASSERT_TRUE(psnr);
    EXPECT_DOUBLE_EQ(json_object_get_double_member(psnr, "mean"), 38.1);
    EXPECT_DOUBLE_EQ(json_object_get_double_member(psnr, "p5"), 31.25);
    EXPECT_EQ(rp::json::get_string(video, "layer"), "full");
    EXPECT_EQ(json_object_get_int_member(video, "target_kbps"), 1200);
    JsonObject* audio = rp::json::get_object(p, "audio");
    EXPECT_TRUE(json_object_get_boolean_member(audio, "tone_ok"));
    EXPECT_EQ(json_object_get_int_member(audio, "gaps"), 1);
    JsonObject* sync = rp::json::get_object(audio, "av_sync_ms");
    ASSERT_TRUE(sync);
    EXPECT_DOUBLE_EQ(json_object_get_double_member(sync, "p50"), -12.5);
    EXPECT_EQ(rp::json::get_int(sync, "p95"), 30);
}

TEST(PeerFigures, CongestionControlTargetAndLayerFromTheCounters) {
    rp::MediaCounters c;
    EXPECT_FALSE(rp::peer_figures(c, 0).video.target_kbps);
    EXPECT_FALSE(rp::peer_figures(c, 0).video.layer);
    c.target_kbps = 500;
    c.layer = 0;
    EXPECT_EQ(rp::peer_figures(c, 0).video.target_kbps, 500);
    EXPECT_EQ(rp::peer_figures(c, 0).video.layer, "full");
    c.layer = 1;
    EXPECT_EQ(rp::peer_figures(c, 0).video.layer, "low");
}

TEST(RunChecks, OneCheckPerExpectationAsTheFailuresSay) {
    RunResult r = run_with({peer("a", true, 3)});
    r.errors = {"lost the server"};
    auto checks = rp::run_checks(r, rp::make_expectations(1, 10));
    ASSERT_EQ(checks.size(), 3u);
    EXPECT_EQ(checks[0].name, "run");
    EXPECT_EQ(checks[0].failures, std::vector<std::string>{"lost the server"});
    EXPECT_EQ(checks[1].name, "expect-peers>=1");
    EXPECT_TRUE(checks[1].failures.empty());
    EXPECT_EQ(checks[2].name, "expect-frames>=10");
    ASSERT_EQ(checks[2].failures.size(), 1u);
    EXPECT_EQ(rp::check_expectations(r, rp::make_expectations(1, 10)),
              (std::vector<std::string>{"lost the server", checks[2].failures[0]}));
    EXPECT_EQ(rp::run_checks(r, rp::make_expectations(-1, -1)).size(), 1u);
}

TEST(PeerFigures, FrameRateFromTheCounterUntilTheOwnerMeasuresIt) {
    rp::MediaCounters c;
    EXPECT_FALSE(rp::peer_figures(c, 0, 5000.0).video.fps);  // no frame yet
    c.first_video_frame_ms = 1000.0;
    c.video_frames = 301;
    EXPECT_FALSE(rp::peer_figures(c, 0).video.fps);  // no clock given
    auto fps = rp::peer_figures(c, 0, 11000.0).video.fps;
    ASSERT_TRUE(fps);
    EXPECT_DOUBLE_EQ(*fps, 30.0);
}
