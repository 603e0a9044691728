// webrtcbin get-stats -> selected_pair, the ICE failure hint, and URL redaction.
#include "media/ice_stats.h"
#include "util/redact.h"

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>
#include <gtest/gtest.h>

#include <string>

namespace {

using rp::SelectedPair;
using rp::media::selected_pair_from_stats;

class IceStatsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        gst_init(nullptr, nullptr);
        stats = gst_structure_new_empty("application/x-webrtc-stats");
    }
    void TearDown() override { gst_structure_free(stats); }

    // Adds one stats entry under its id, like webrtcbin does.
    GstStructure* add(const char* id, GstWebRTCStatsType type) {
        GstStructure* s = gst_structure_new("entry", "type", GST_TYPE_WEBRTC_STATS_TYPE, type, "id",
                                            G_TYPE_STRING, id, nullptr);
        entries.push_back(s);
        return s;
    }
    void candidate(const char* id, GstWebRTCStatsType type, const char* cand_type,
                   const char* protocol = "udp") {
        gst_structure_set(add(id, type), "candidate-type", G_TYPE_STRING, cand_type, "protocol",
                          G_TYPE_STRING, protocol, nullptr);
    }
    void pair(const char* id, const char* local, const char* remote) {
        gst_structure_set(add(id, GST_WEBRTC_STATS_CANDIDATE_PAIR), "local-candidate-id",
                          G_TYPE_STRING, local, "remote-candidate-id", G_TYPE_STRING, remote,
                          nullptr);
    }
    void transport(const char* id, const char* selected_pair) {
        gst_structure_set(add(id, GST_WEBRTC_STATS_TRANSPORT), "selected-candidate-pair-id",
                          G_TYPE_STRING, selected_pair, nullptr);
    }
    std::optional<SelectedPair> parse() {
        for (GstStructure* e : entries) {
            const char* id = gst_structure_get_string(e, "id");
            gst_structure_set(stats, id, GST_TYPE_STRUCTURE, e, nullptr);
            gst_structure_free(e);
        }
        entries.clear();
        return selected_pair_from_stats(stats);
    }

    GstStructure* stats = nullptr;
    std::vector<GstStructure*> entries;
};

// What GStreamer 1.22 reports for a loopback call: the candidates' own type fields are
// swapped (local-candidate on the remote entry); the pair's ids are right.
TEST_F(IceStatsTest, HostPairAsGStreamer122ReportsIt) {
    candidate("ice-candidate-local_1_127.0.0.1_47283", GST_WEBRTC_STATS_REMOTE_CANDIDATE, "host");
    candidate("ice-candidate-remote_1_127.0.0.1_37267", GST_WEBRTC_STATS_LOCAL_CANDIDATE, "host");
    pair("ice-candidate-pair_t0", "ice-candidate-local_1_127.0.0.1_47283",
         "ice-candidate-remote_1_127.0.0.1_37267");
    transport("transport-stats_t0", "ice-candidate-pair_t0");
    auto p = parse();
    ASSERT_TRUE(p);
    EXPECT_EQ(*p, (SelectedPair{"host", "host", "udp"}));
}

TEST_F(IceStatsTest, FollowsTheIdsNotTheEntryTypes) {
    candidate("L", GST_WEBRTC_STATS_REMOTE_CANDIDATE, "relay");
    candidate("R", GST_WEBRTC_STATS_LOCAL_CANDIDATE, "srflx");
    pair("P", "L", "R");
    transport("T", "P");
    EXPECT_EQ(parse(), (SelectedPair{"relay", "srflx", "udp"}));
}

TEST_F(IceStatsTest, TransportSelectionWinsOverOtherPairs) {
    candidate("L1", GST_WEBRTC_STATS_LOCAL_CANDIDATE, "host");
    candidate("R1", GST_WEBRTC_STATS_REMOTE_CANDIDATE, "host");
    candidate("L2", GST_WEBRTC_STATS_LOCAL_CANDIDATE, "relay", "tcp");
    candidate("R2", GST_WEBRTC_STATS_REMOTE_CANDIDATE, "prflx", "tcp");
    pair("P1", "L1", "R1");
    pair("P2", "L2", "R2");
    transport("T", "P2");
    EXPECT_EQ(parse(), (SelectedPair{"relay", "prflx", "tcp"}));
}

TEST_F(IceStatsTest, NominatedPairWithoutTransportSelection) {
    candidate("L1", GST_WEBRTC_STATS_LOCAL_CANDIDATE, "host");
    candidate("R1", GST_WEBRTC_STATS_REMOTE_CANDIDATE, "host");
    candidate("L2", GST_WEBRTC_STATS_LOCAL_CANDIDATE, "srflx");
    candidate("R2", GST_WEBRTC_STATS_REMOTE_CANDIDATE, "relay");
    pair("P1", "L1", "R1");
    pair("P2", "L2", "R2");
    gst_structure_set(entries.back(), "nominated", G_TYPE_BOOLEAN, TRUE, nullptr);
    EXPECT_EQ(parse(), (SelectedPair{"srflx", "relay", "udp"}));
}

TEST_F(IceStatsTest, OldSpellingsAreMapped) {
    candidate("L", GST_WEBRTC_STATS_LOCAL_CANDIDATE, "serverreflexive");
    candidate("R", GST_WEBRTC_STATS_REMOTE_CANDIDATE, "peer-reflexive");
    pair("P", "L", "R");
    EXPECT_EQ(parse(), (SelectedPair{"srflx", "prflx", "udp"}));
}

TEST_F(IceStatsTest, NothingSelectedYet) {
    EXPECT_FALSE(parse());  // no entries at all
}

TEST_F(IceStatsTest, TwoPairsAndNoSelectionIsUnknown) {
    candidate("L1", GST_WEBRTC_STATS_LOCAL_CANDIDATE, "host");
    candidate("R1", GST_WEBRTC_STATS_REMOTE_CANDIDATE, "host");
    pair("P1", "L1", "R1");
    pair("P2", "L1", "R1");
    EXPECT_FALSE(parse());
}

TEST_F(IceStatsTest, MissingCandidateEntryIsUnknown) {
    candidate("L", GST_WEBRTC_STATS_LOCAL_CANDIDATE, "host");
    pair("P", "L", "gone");
    transport("T", "P");
    EXPECT_FALSE(parse());
}

TEST(IceFailureHint, NamesTheMissingTurnServer) {
    std::string none = rp::media::ice_failure_hint(false, false);
    EXPECT_NE(none.find("no TURN server is configured (--turn)"), std::string::npos) << none;
    std::string relay = rp::media::ice_failure_hint(true, true);
    EXPECT_NE(relay.find("through the TURN relay"), std::string::npos) << relay;
    EXPECT_NE(rp::media::ice_failure_hint(true, false).find("--turn"), std::string::npos);
}

TEST(RedactUrl, HidesOnlyThePassword) {
    EXPECT_EQ(rp::redact_url("turn://user:pass@host:3478"), "turn://user:***@host:3478");
    EXPECT_EQ(rp::redact_url("turns://u:p@10.0.0.1:5349?transport=tcp"),
              "turns://u:***@10.0.0.1:5349?transport=tcp");
    // A password holding '@' or ':' is hidden whole.
    EXPECT_EQ(rp::redact_url("turn://u:a@b:c@host:3478"), "turn://u:***@host:3478");
    EXPECT_EQ(rp::redact_url("turn://u:p:q@host:1"), "turn://u:***@host:1");
    // Nothing to hide.
    EXPECT_EQ(rp::redact_url("turn://host:3478"), "turn://host:3478");
    EXPECT_EQ(rp::redact_url("turn://user@host:3478"), "turn://user@host:3478");
    EXPECT_EQ(rp::redact_url("stun:stun.example.org:19302"), "stun:stun.example.org:19302");
    EXPECT_EQ(rp::redact_url(""), "");
}

}  // namespace
