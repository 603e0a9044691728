// Issue #12: what roompeer's own offers and answers say about loss recovery and congestion
// feedback, from one real offer/answer exchange between two sessions on loopback, and from the
// answer to a Chromium-shaped offer: each video m-line names nack, an rtx payload for the codec,
// transport-cc, and the TWCC header extension.
#include "loopback_media.h"
#include "media/codecs.h"
#include "media/local_media.h"
#include "media/peer_session.h"
#include "media/webrtc_stats.h"
#include "util/gobj.h"

#include <gtest/gtest.h>

#include <optional>
#include <regex>
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
    std::optional<PeerSession> session;

    explicit Side(const char* peer, bool audio = false) {
        if (audio) opts.audio = {"test", ""};
        local.emplace(pipeline.get(), opts);
        std::string err;
        EXPECT_TRUE(local->build(&err)) << err;
        SessionCallbacks cb;
        cb.send_description = [this](const SessionDescription& d) { sent.push_back(d); };
        cb.send_candidate = [](const IceCandidate&) {};
        cb.state_changed = [](PeerState) {};
        cb.failed = [this](const std::string& why) { failures.push_back(why); };
        session.emplace(peer, pipeline.get(), *local, opts, std::make_shared<MediaCounters>(),
                        std::move(cb));
        EXPECT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING),
                  GST_STATE_CHANGE_FAILURE);
    }
};

struct OwnMainContext {
    OwnMainContext() { g_main_context_acquire(nullptr); }
    ~OwnMainContext() { g_main_context_release(nullptr); }
};

std::string section(const std::string& sdp, const char* media) {
    auto at = sdp.find(std::string("m=") + media);
    if (at == std::string::npos) return {};
    auto end = sdp.find("\nm=", at);
    return sdp.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// nack, an rtx payload whose apt is the codec's, transport-cc and the TWCC extmap.
void expect_feedback(const std::string& sdp, int codec_pt, const char* what) {
    std::string v = section(sdp, "video");
    std::string pt = std::to_string(codec_pt);
    EXPECT_NE(v.find("a=rtcp-fb:" + pt + " nack\r\n"), std::string::npos) << what << "\n" << sdp;
    EXPECT_NE(v.find("a=rtcp-fb:" + pt + " transport-cc\r\n"), std::string::npos) << what << "\n"
                                                                                  << sdp;
    EXPECT_NE(v.find(std::string(" ") + kTwccUri), std::string::npos) << what << "\n" << sdp;
    EXPECT_TRUE(std::regex_search(v, std::regex("a=rtpmap:\\d+ rtx/90000"))) << what << "\n" << sdp;
    EXPECT_TRUE(std::regex_search(v, std::regex("a=fmtp:\\d+ apt=" + pt + "\\b"))) << what << "\n"
                                                                                   << sdp;
}

class FeedbackSdpTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
};

TEST_F(FeedbackSdpTest, OurOfferAndAnswerCarryNackRtxAndTransportCc) {
    OwnMainContext owner;
    Side caller("callee"), callee("caller");
    std::string err;
    ASSERT_TRUE(caller.session->start_offer(&err)) << err;
    ASSERT_TRUE(spin_until([&] { return !caller.sent.empty(); }, 10000));
    expect_feedback(caller.sent.front().sdp, 96, "our offer");
    ASSERT_TRUE(callee.session->apply_remote(caller.sent.front(), &err)) << err;
    ASSERT_TRUE(spin_until([&] { return !callee.sent.empty(); }, 10000));
    expect_feedback(callee.sent.front().sdp, 96, "our answer");
    EXPECT_TRUE(caller.failures.empty());
    EXPECT_TRUE(callee.failures.empty());
}

// With audio: no rtx and no nack for it (Chromium refuses an offer whose audio has rtx), and
// no SSRC in two m-lines.
TEST_F(FeedbackSdpTest, AudioGetsTransportCcButNoRtx) {
    OwnMainContext owner;
    Side caller("callee", true);
    std::string err;
    ASSERT_TRUE(caller.session->start_offer(&err)) << err;
    ASSERT_TRUE(spin_until([&] { return !caller.sent.empty(); }, 10000));
    const std::string& offer = caller.sent.front().sdp;
    expect_feedback(offer, 96, "our offer");
    std::string audio = section(offer, "audio");
    ASSERT_FALSE(audio.empty()) << offer;
    EXPECT_EQ(audio.find("rtx/"), std::string::npos) << offer;
    EXPECT_EQ(audio.find(" nack"), std::string::npos) << offer;
    EXPECT_NE(audio.find("a=rtcp-fb:111 transport-cc"), std::string::npos) << offer;
    std::smatch m;
    std::string v = section(offer, "video");
    for (auto it = audio.cbegin();
         std::regex_search(it, audio.cend(), m, std::regex("a=ssrc:(\\d+) ")); it = m[0].second)
        EXPECT_EQ(v.find("a=ssrc:" + m[1].str() + " "), std::string::npos) << offer;
}

// Chromium's offer: VP8 with its rtx, transport-cc at extmap 3 among other extensions.
const char* kChromiumOffer =
    "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "a=group:BUNDLE 0\r\na=msid-semantic: WMS\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=ice-options:trickle\r\n"
    "a=fingerprint:sha-256 "
    "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:"
    "DD:EE:FF\r\n"
    "a=setup:actpass\r\na=mid:0\r\n"
    "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\r\n"
    "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
    "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
    "a=sendrecv\r\na=msid:s t\r\na=rtcp-mux\r\na=rtcp-rsize\r\n"
    "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 goog-remb\r\na=rtcp-fb:96 transport-cc\r\n"
    "a=rtcp-fb:96 ccm fir\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n"
    "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
    "a=ssrc-group:FID 1111 2222\r\na=ssrc:1111 cname:c\r\na=ssrc:2222 cname:c\r\n";

TEST_F(FeedbackSdpTest, OurAnswerToChromiumCarriesNackRtxAndTransportCc) {
    OwnMainContext owner;
    Side callee("chromium");
    std::string err;
    ASSERT_TRUE(callee.session->apply_remote({"offer", kChromiumOffer}, &err)) << err;
    ASSERT_TRUE(spin_until([&] { return !callee.sent.empty(); }, 10000))
        << (callee.failures.empty() ? "" : callee.failures.front());
    const std::string& answer = callee.sent.front().sdp;
    expect_feedback(answer, 96, "our answer to Chromium");
    // The TWCC extension keeps the offer's id, and nothing we do not handle is accepted.
    EXPECT_NE(answer.find("a=extmap:3 " + std::string(kTwccUri)), std::string::npos) << answer;
    EXPECT_EQ(answer.find("abs-send-time"), std::string::npos) << answer;
    EXPECT_EQ(answer.find("toffset"), std::string::npos) << answer;
}

// Firefox numbers its extensions otherwise: transport-cc at 7, and 3 is the mid. Our answer
// still takes its VP8 and answers transport-cc under the offer's id.
TEST_F(FeedbackSdpTest, OurAnswerKeepsTheOffersTwccId) {
    OwnMainContext owner;
    Side callee("firefox");
    std::string offer = kChromiumOffer;
    auto replace = [&](const std::string& from, const std::string& to) {
        auto at = offer.find(from);
        ASSERT_NE(at, std::string::npos) << from;
        offer.replace(at, from.size(), to);
    };
    replace("a=extmap:3 http", "a=extmap:7 http");
    replace("a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid");
    std::string err;
    ASSERT_TRUE(callee.session->apply_remote({"offer", offer}, &err)) << err;
    ASSERT_TRUE(spin_until([&] { return !callee.sent.empty(); }, 10000))
        << (callee.failures.empty() ? "" : callee.failures.front());
    const std::string& answer = callee.sent.front().sdp;
    std::string v = section(answer, "video");
    EXPECT_NE(v.find("a=rtpmap:96 VP8/90000"), std::string::npos) << answer;
    EXPECT_EQ(v.find("m=video 0 "), std::string::npos) << answer;
    EXPECT_NE(v.find("a=extmap:7 " + std::string(kTwccUri)), std::string::npos) << answer;
    EXPECT_EQ(v.find("a=extmap:3 " + std::string(kTwccUri)), std::string::npos) << answer;
}

// Transport-wide feedback once per 100 ms, as browsers send it, not with every frame: per
// frame, it and the reports it pulls along were 15 % of a 500 kbit/s link.
TEST_F(FeedbackSdpTest, TransportWideFeedbackGoesOutEvery100Ms) {
    GstPtr<GstElement> session(gst_element_factory_make("rtpsession", nullptr));
    ASSERT_TRUE(session);
    gst_object_ref_sink(session.get());
    set_feedback_budget(G_OBJECT(session.get()));
    GObject* internal = nullptr;
    g_object_get(session.get(), "internal-session", &internal, nullptr);
    GObjectPtr<GObject> owned(internal);
    ASSERT_TRUE(internal);
    guint64 interval = 0;
    g_object_get(internal, "twcc-feedback-interval", &interval, nullptr);
    EXPECT_EQ(interval, 100 * GST_MSECOND);
    gdouble budget = 0;
    g_object_get(session.get(), "rtcp-fraction", &budget, nullptr);
    EXPECT_GE(budget, 1.0);  // a budget in bits per second, not a share of the RTP rate
}

}  // namespace
}  // namespace rp::media
