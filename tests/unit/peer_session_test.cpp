// PeerSession's negotiation states through one real offer/answer exchange between two
// sessions on loopback, and the descriptions each state refuses.
#include "media/peer_session.h"
#include "loopback_media.h"
#include "media/local_media.h"
#include "util/gobj.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace rp::media {
namespace {

using testing::spin_until;

// Declared in teardown order.
struct Side {
    Options opts = testing::loopback_options();
    PipelinePtr pipeline{gst_pipeline_new(nullptr)};
    std::optional<LocalMedia> local;
    std::vector<SessionDescription> sent;
    std::vector<std::string> failures;
    std::shared_ptr<MediaCounters> counters = std::make_shared<MediaCounters>();
    Side* other = nullptr;  // where our ICE candidates go, when set
    bool connected = false;
    std::optional<PeerSession> session;

    explicit Side(const char* peer) {
        local.emplace(pipeline.get(), opts);
        std::string err;
        EXPECT_TRUE(local->build(&err)) << err;
        SessionCallbacks cb;
        cb.send_description = [this](const SessionDescription& d) { sent.push_back(d); };
        cb.send_candidate = [this](const IceCandidate& c) {
            if (other && other->session) other->session->add_candidate(c);
        };
        cb.state_changed = [this](PeerState s) {
            connected = connected || s == PeerState::Connected;
        };
        cb.failed = [this](const std::string& why) { failures.push_back(why); };
        session.emplace(peer, pipeline.get(), *local, opts, counters, std::move(cb));
        EXPECT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING),
                  GST_STATE_CHANGE_FAILURE);
    }
};

class PeerSessionTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
};

// Held for the whole test, as g_main_loop_run holds it in the app: while nobody owns the
// default context, g_main_context_invoke runs the work on the calling (streaming) thread.
struct OwnMainContext {
    OwnMainContext() { g_main_context_acquire(nullptr); }
    ~OwnMainContext() { g_main_context_release(nullptr); }
};

TEST_F(PeerSessionTest, OfferAndAnswerWalkTheStates) {
    OwnMainContext owner;
    Side caller("callee"), callee("caller");
    EXPECT_EQ(caller.session->negotiation(), Negotiation::Idle);
    EXPECT_FALSE(caller.session->is_caller());

    std::string err;
    ASSERT_TRUE(caller.session->start_offer(&err)) << err;
    EXPECT_TRUE(caller.session->is_caller());
    EXPECT_FALSE(caller.session->has_remote());

    // Before our offer exists, an answer has nothing to answer.
    SessionDescription early{"answer",
                             "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
                             "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\n"
                             "a=mid:0\r\na=recvonly\r\na=rtpmap:96 VP8/90000\r\n"};
    EXPECT_FALSE(caller.session->apply_remote(early, &err));
    EXPECT_EQ(err, "an answer before our offer");

    ASSERT_TRUE(spin_until([&] { return !caller.sent.empty(); }, 10000));
    EXPECT_EQ(caller.session->negotiation(), Negotiation::Offering);
    const SessionDescription offer = caller.sent.front();
    ASSERT_EQ(offer.type, "offer");
    EXPECT_FALSE(caller.session->apply_remote(offer, &err));
    EXPECT_EQ(err, "an offer while we are calling");

    ASSERT_TRUE(callee.session->apply_remote(offer, &err)) << err;
    EXPECT_TRUE(callee.session->has_remote());
    EXPECT_FALSE(callee.session->is_caller());
    ASSERT_TRUE(spin_until([&] { return !callee.sent.empty(); }, 10000))
        << static_cast<int>(callee.session->negotiation()) << " "
        << (callee.failures.empty() ? "" : callee.failures.front());
    EXPECT_EQ(callee.session->negotiation(), Negotiation::Answering);
    const SessionDescription answer = callee.sent.front();
    ASSERT_EQ(answer.type, "answer");
    EXPECT_FALSE(callee.session->apply_remote(answer, &err));
    EXPECT_EQ(err, "a second answer");

    ASSERT_TRUE(caller.session->apply_remote(answer, &err)) << err;
    EXPECT_EQ(caller.session->negotiation(), Negotiation::Answered);
    EXPECT_TRUE(caller.session->has_remote());
    EXPECT_FALSE(caller.session->apply_remote(answer, &err));
    EXPECT_EQ(err, "a second answer");
    EXPECT_TRUE(caller.failures.empty());
    EXPECT_TRUE(callee.failures.empty());
}

// A member moved to the low encoding and back (congestion control's layer switch) keeps its
// picture: the branch feeds from the old encoding until the new one's keyframe is at hand.
// Right after a keyframe the shared encoder's next one waits up to 500 ms (its rate limit);
// a branch that let go of the old encoding first showed nothing for that long.
TEST_F(PeerSessionTest, ASwitchOfEncodingStopsNoPicture) {
    OwnMainContext owner;
    Side caller("callee"), callee("caller");
    caller.other = &callee;
    callee.other = &caller;
    ASSERT_TRUE(caller.local->set_low(true, 100));
    ASSERT_NE(caller.local->low_tee(), nullptr);
    std::string err;
    ASSERT_TRUE(caller.session->start_offer(&err)) << err;
    ASSERT_TRUE(spin_until([&] { return !caller.sent.empty(); }, 10000));
    ASSERT_TRUE(callee.session->apply_remote(caller.sent.front(), &err)) << err;
    ASSERT_TRUE(spin_until([&] { return !callee.sent.empty(); }, 10000));
    ASSERT_TRUE(caller.session->apply_remote(callee.sent.front(), &err)) << err;
    auto frames = [&] { return callee.counters->video_frames.load(); };
    ASSERT_TRUE(spin_until([&] { return caller.connected && frames() >= 30; }, 20000))
        << frames() << " frames; " << (callee.failures.empty() ? "" : callee.failures.front());

    PeerSenders& senders = caller.session->senders();
    for (GstElement* tee : {caller.local->low_tee(), caller.local->tee(Kind::Video)}) {
        // A keyframe goes out (frames from both encodings): the switch's own now waits.
        caller.local->request_keyframe_now();
        auto sent = frames();
        ASSERT_TRUE(spin_until([&] { return frames() >= sent + 4; }, 5000));
        senders.switch_video_tee(tee);
        EXPECT_TRUE(senders.switching());
        ASSERT_TRUE(spin_until([&] { return !senders.switching(); }, 5000));
        auto at = frames();
        ASSERT_TRUE(spin_until([&] { return frames() >= at + 20; }, 10000));
    }
    VideoFigures v = callee.counters->video_quality.figures(g_get_monotonic_time());
    EXPECT_EQ(v.freeze_count.value_or(-1), 0) << "max gap " << v.max_gap_ms.value_or(-1) << " ms";
    EXPECT_LT(v.max_gap_ms.value_or(1e9), 300);
    EXPECT_TRUE(caller.failures.empty());
    EXPECT_TRUE(callee.failures.empty());
}

// The owners in util/gobj.h give back what they hold: a bin's child, a request pad, a probe.
TEST(GObjOwners, ReleaseWhatTheyHold) {
    gst_init(nullptr, nullptr);
    PipelinePtr bin(gst_pipeline_new(nullptr));
    GstElement* tee = nullptr;
    {
        BinElement owned(GST_BIN(bin.get()), make_element("tee"));
        tee = owned.get();
        ASSERT_NE(tee, nullptr);
        EXPECT_EQ(GST_OBJECT_PARENT(tee), GST_OBJECT(bin.get()));
        {
            RequestPad pad(tee, gst_element_request_pad_simple(tee, "src_%u"));
            ASSERT_TRUE(pad);
            EXPECT_EQ(GST_ELEMENT(tee)->numsrcpads, 1);
            PadProbe probe(pad.get(), gst_pad_add_probe(pad.get(), GST_PAD_PROBE_TYPE_BUFFER,
                                                        nullptr, nullptr, nullptr));
            EXPECT_TRUE(probe);
        }
        EXPECT_EQ(GST_ELEMENT(tee)->numsrcpads, 0);
    }
    EXPECT_EQ(GST_BIN(bin.get())->numchildren, 0);
}

}  // namespace
}  // namespace rp::media
