// --expect: parsing, the dotted lookups in a peer's report entry, null, booleans, operators,
// and the checks over a run's connected peers.
#include "report/expect.h"
#include "report/report.h"
#include "util/json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using rp::CompareOp;
using rp::FieldExpectation;
using rp::JsonPtr;

const std::vector<std::string> kFields = {"video.fps", "video.latency_ms.p95", "audio.gaps",
                                          "audio.tone_ok", "video.psnr_db.p5"};

FieldExpectation parse_ok(const std::string& text) {
    std::string why;
    auto e = rp::parse_expectation(text, kFields, &why);
    EXPECT_TRUE(e) << text << ": " << why;
    return e.value_or(FieldExpectation{});
}

std::string parse_error(const std::string& text) {
    std::string why;
    auto e = rp::parse_expectation(text, kFields, &why);
    EXPECT_FALSE(e) << text;
    return why;
}

TEST(ParseExpectation, EveryOperatorWithAndWithoutSpaces) {
    struct Case {
        const char* text;
        CompareOp op;
    } cases[] = {
        {"video.fps<24", CompareOp::Less},    {"video.fps <= 24", CompareOp::LessEqual},
        {"video.fps>24", CompareOp::Greater}, {" video.fps >=24 ", CompareOp::GreaterEqual},
        {"video.fps== 24", CompareOp::Equal}, {"video.fps != 24", CompareOp::NotEqual}};
    for (const auto& c : cases) {
        FieldExpectation e = parse_ok(c.text);
        EXPECT_EQ(e.field, "video.fps") << c.text;
        EXPECT_EQ(e.op, c.op) << c.text;
        EXPECT_EQ(e.limit, 24) << c.text;
    }
    EXPECT_EQ(parse_ok("video.fps >= 24").text(), "video.fps>=24");
}

TEST(ParseExpectation, NumbersDecimalNegativeExponent) {
    EXPECT_DOUBLE_EQ(parse_ok("video.fps>=29.97").limit, 29.97);
    EXPECT_DOUBLE_EQ(parse_ok("audio.gaps>-1").limit, -1);
    EXPECT_DOUBLE_EQ(parse_ok("video.latency_ms.p95<=2e2").limit, 200);
    EXPECT_EQ(parse_ok("video.latency_ms.p95<=2e2").limit_text, "2e2");
}

TEST(ParseExpectation, MalformedExpressionsSayWhy) {
    EXPECT_NE(parse_error("video.fps>>5").find("'>5' is not a number"), std::string::npos);
    EXPECT_NE(parse_error("video.fps").find("no comparison operator"), std::string::npos);
    EXPECT_NE(parse_error("video.fps>=").find("no number"), std::string::npos);
    EXPECT_NE(parse_error(">=5").find("no field name"), std::string::npos);
    EXPECT_NE(parse_error("").find("no field name"), std::string::npos);
    EXPECT_NE(parse_error("video.fps>=abc").find("not a number"), std::string::npos);
    EXPECT_NE(parse_error("video.fps>=5x").find("not a number"), std::string::npos);
    EXPECT_NE(parse_error("video.fps>=nan").find("not a number"), std::string::npos);
    EXPECT_NE(parse_error("video.fps>=inf").find("not a number"), std::string::npos);
    EXPECT_NE(parse_error("video.fps=5").find("no comparison operator"), std::string::npos);
    EXPECT_NE(parse_error("video..fps>=5").find("not a dotted field name"), std::string::npos);
    EXPECT_NE(parse_error(".video>=5").find("not a dotted field name"), std::string::npos);
    // The form is in every message.
    EXPECT_NE(parse_error("video.fps>>5").find("FIELD OP NUMBER"), std::string::npos);
}

TEST(ParseExpectation, UnknownFieldNamesTheKnownOnes) {
    std::string why = parse_error("video.fsp>=24");
    EXPECT_NE(why.find("unknown field 'video.fsp'"), std::string::npos) << why;
    for (const auto& f : kFields) EXPECT_NE(why.find(f), std::string::npos) << f;
}

TEST(ExpectableFields, EveryNumericAndBooleanFieldOfAPeerEntry) {
    auto fields = rp::expectable_fields();
    for (const char* f : {"video.frames_decoded",
                          "video.width",
                          "video.height",
                          "video.latency_ms.p50",
                          "video.latency_ms.p95",
                          "video.latency_ms.max",
                          "video.latency_ms.samples",
                          "video.fps",
                          "video.freeze_count",
                          "video.total_freeze_ms",
                          "video.pause_count",
                          "video.max_gap_ms",
                          "video.black",
                          "video.still",
                          "video.frames_lost",
                          "video.from_expected_sender",
                          "video.psnr_db.mean",
                          "video.psnr_db.p5",
                          "video.target_kbps",
                          "audio.buffers_decoded",
                          "audio.tone_ok",
                          "audio.gaps",
                          "audio.av_sync_ms.p50",
                          "audio.av_sync_ms.p95",
                          "first_video_frame_ms"})
        EXPECT_NE(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
    // Strings and objects are no numbers.
    for (const char* f : {"id", "state", "video.layer", "video", "user", "end_reason",
                          "selected_pair", "selected_pair.protocol", "video.psnr_db"})
        EXPECT_EQ(std::find(fields.begin(), fields.end(), f), fields.end()) << f;
}

JsonPtr peer_entry() {
    return rp::json::parse(
        R"({"id":"p","video":{"fps":5.1,"latency_ms":{"p95":45},"psnr_db":null,"layer":"low",)"
        R"("from_expected_sender":true},"audio":{"gaps":2,"tone_ok":false}})");
}

TEST(NumericPaths, NumbersBooleansAndNullsNotStrings) {
    JsonPtr node = rp::json::parse(R"({"a":1,"b":{"c":2.5,"d":true,"e":null,"f":"x"},"g":[1]})");
    EXPECT_EQ(rp::numeric_paths(rp::json::as_object(node.get())),
              (std::vector<std::string>{"a", "b.c", "b.d", "b.e"}));
}

TEST(NumberAt, NestedNullMissingAndNotNumbers) {
    JsonPtr node = peer_entry();
    JsonObject* o = rp::json::as_object(node.get());
    EXPECT_EQ(rp::number_at(o, "video.fps"), 5.1);
    EXPECT_EQ(rp::number_at(o, "video.latency_ms.p95"), 45);
    EXPECT_EQ(rp::number_at(o, "audio.gaps"), 2);
    EXPECT_EQ(rp::number_at(o, "video.from_expected_sender"), 1);
    EXPECT_EQ(rp::number_at(o, "audio.tone_ok"), 0);
    bool not_number = true;
    EXPECT_FALSE(rp::number_at(o, "video.psnr_db.p5", &not_number));
    EXPECT_FALSE(not_number);
    EXPECT_FALSE(rp::number_at(o, "video.missing", &not_number));
    EXPECT_FALSE(not_number);
    EXPECT_FALSE(rp::number_at(o, "video.layer", &not_number));
    EXPECT_TRUE(not_number);
    EXPECT_FALSE(rp::number_at(o, "video", &not_number));
    EXPECT_TRUE(not_number);
}

TEST(Evaluate, FailureNamesFieldValueAndLimit) {
    JsonPtr node = peer_entry();
    JsonObject* o = rp::json::as_object(node.get());
    auto out = rp::evaluate(parse_ok("video.fps>=24"), o);
    EXPECT_FALSE(out.pass);
    EXPECT_EQ(out.value, 5.1);
    EXPECT_EQ(out.message, "video.fps 5.1 < 24");
    out = rp::evaluate(parse_ok("video.fps>=5"), o);
    EXPECT_TRUE(out.pass);
    EXPECT_EQ(out.message, "video.fps 5.1 >= 5");
}

TEST(Evaluate, EveryOperatorHoldsAndFails) {
    JsonPtr node = peer_entry();
    JsonObject* o = rp::json::as_object(node.get());  // audio.gaps is 2
    struct Case {
        const char* text;
        bool pass;
        const char* message;
    } cases[] = {
        {"audio.gaps<3", true, "audio.gaps 2 < 3"},   {"audio.gaps<2", false, "audio.gaps 2 >= 2"},
        {"audio.gaps<=2", true, "audio.gaps 2 <= 2"}, {"audio.gaps<=1", false, "audio.gaps 2 > 1"},
        {"audio.gaps>1", true, "audio.gaps 2 > 1"},   {"audio.gaps>2", false, "audio.gaps 2 <= 2"},
        {"audio.gaps>=2", true, "audio.gaps 2 >= 2"}, {"audio.gaps>=3", false, "audio.gaps 2 < 3"},
        {"audio.gaps==2", true, "audio.gaps 2 == 2"}, {"audio.gaps==0", false, "audio.gaps 2 != 0"},
        {"audio.gaps!=0", true, "audio.gaps 2 != 0"}, {"audio.gaps!=2", false, "audio.gaps 2 == 2"},
    };
    for (const auto& c : cases) {
        auto out = rp::evaluate(parse_ok(c.text), o);
        EXPECT_EQ(out.pass, c.pass) << c.text;
        EXPECT_EQ(out.message, c.message) << c.text;
    }
}

TEST(Evaluate, BooleansAreOneAndZero) {
    JsonPtr node = peer_entry();
    JsonObject* o = rp::json::as_object(node.get());
    EXPECT_FALSE(rp::evaluate(parse_ok("audio.tone_ok==1"), o).pass);
    EXPECT_TRUE(rp::evaluate(parse_ok("audio.tone_ok==0"), o).pass);
    EXPECT_EQ(rp::evaluate(parse_ok("audio.tone_ok==1"), o).message, "audio.tone_ok 0 != 1");
}

TEST(Evaluate, NullFailsSayingSo) {
    JsonPtr node = peer_entry();
    JsonObject* o = rp::json::as_object(node.get());
    auto out = rp::evaluate(parse_ok("video.psnr_db.p5>=30"), o);
    EXPECT_FALSE(out.pass);
    EXPECT_FALSE(out.value);
    EXPECT_EQ(out.message, "video.psnr_db.p5 is null (expected >= 30)");
    // Even an expectation any number would meet.
    EXPECT_FALSE(rp::evaluate(parse_ok("video.psnr_db.p5!=12345"), o).pass);
}

// ---- over a run ------------------------------------------------------------------------------

rp::PeerRecord peer(const std::string& id, bool connected, const std::string& name = "") {
    rp::PeerRecord p;
    p.id = id;
    p.ever_connected = connected;
    p.state = connected ? rp::PeerState::Connected : rp::PeerState::Failed;
    if (!name.empty()) p.user_json = R"({"name":")" + name + R"("})";
    return p;
}

std::vector<FieldExpectation> parse_all(const std::vector<std::string>& texts) {
    std::vector<FieldExpectation> out;
    for (const auto& t : texts) {
        std::string why;
        auto e = rp::parse_expectation(t, rp::expectable_fields(), &why);
        EXPECT_TRUE(e) << why;
        if (e) out.push_back(*e);
    }
    return out;
}

TEST(CheckFieldExpectations, EveryConnectedPeerAndEveryExpectation) {
    rp::RunResult run;
    run.peers = {peer("a", true, "alice"), peer("b", false), peer("c", true)};
    run.figures.resize(3);
    run.figures[0].video.fps = 29.8;
    run.figures[2].video.fps = 5.1;
    run.figures[0].video.psnr_mean_db = 38.1;
    auto results =
        rp::check_field_expectations(run, parse_all({"video.fps>=24", "video.psnr_db.mean>=30"}));
    ASSERT_EQ(results.size(), 4u);  // b never connected
    EXPECT_TRUE(results[0].pass);
    EXPECT_EQ(results[0].peer_id, "a");
    EXPECT_EQ(results[0].peer_name, "alice");
    EXPECT_TRUE(results[1].pass);
    EXPECT_FALSE(results[2].pass);
    EXPECT_EQ(results[2].failure(), "peer c: video.fps 5.1 < 24");
    EXPECT_FALSE(results[3].pass);
    EXPECT_EQ(results[3].failure(), "peer c: video.psnr_db.mean is null (expected >= 30)");
    EXPECT_EQ(results[3].expectation, "video.psnr_db.mean>=30");
}

TEST(CheckFieldExpectations, ReportCountersAndTargetFromTheCounters) {
    rp::RunResult run;
    run.peers = {peer("a", true, "alice")};
    run.peers[0].counters->video_frames = 300;
    run.peers[0].counters->target_kbps = 800;
    run.peers[0].counters->layer = 1;
    run.figures = {rp::peer_figures(*run.peers[0].counters, 0)};
    auto results = rp::check_field_expectations(
        run, parse_all({"video.frames_decoded>=300", "video.target_kbps==800"}));
    ASSERT_EQ(results.size(), 2u);
    EXPECT_TRUE(results[0].pass) << results[0].message;
    EXPECT_TRUE(results[1].pass) << results[1].message;
    EXPECT_EQ(results[0].failure(), "peer a (alice): video.frames_decoded 300 >= 300");
}

TEST(CheckFieldExpectations, ControlCharactersOfIdsAndNamesNeverReachTheLog) {
    rp::ExpectationResult r{"a\nb", "x\x1b[2Jy", "video.fps>=1", false, "video.fps 0 < 1"};
    EXPECT_EQ(r.failure(), "peer a?b (x?[2Jy): video.fps 0 < 1");
}

TEST(CheckFieldExpectations, NoConnectedPeerFails) {
    rp::RunResult run;
    run.peers = {peer("b", false)};
    auto results = rp::check_field_expectations(run, parse_all({"video.fps>=24"}));
    ASSERT_EQ(results.size(), 1u);
    EXPECT_FALSE(results[0].pass);
    EXPECT_NE(results[0].failure().find("no member was ever connected"), std::string::npos);
    EXPECT_TRUE(rp::check_field_expectations(run, {}).empty());
}

}  // namespace
