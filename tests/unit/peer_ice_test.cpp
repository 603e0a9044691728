// The webrtcbin a call gets: its RTP session's RTCP budget is set as the session is made,
// before rtpsession draws its first report interval from the default budget.
#include "media/peer_ice.h"
#include "loopback_media.h"
#include "util/gobj.h"

#include <gtest/gtest.h>

namespace rp::media {
namespace {

TEST(PeerIce, TheRtpSessionGetsTheFeedbackBudgetAsItIsAdded) {
    gst_init(nullptr, nullptr);
    Options opts = testing::loopback_options();
    std::string err;
    GstPtr<GstElement> webrtc = make_webrtcbin("p", opts, &err);
    ASSERT_TRUE(webrtc) << err;
    GstPtr<GstElement> rtpbin(gst_bin_get_by_name(GST_BIN(webrtc.get()), "rtpbin"));
    ASSERT_TRUE(rtpbin);
    // What rtpbin does when webrtcbin asks it for session 0.
    GstElement* session = gst_element_factory_make("rtpsession", nullptr);
    ASSERT_NE(session, nullptr);
    double fraction = 0;
    g_object_get(session, "rtcp-fraction", &fraction, nullptr);
    EXPECT_LT(fraction, 1.0);  // the default: a share of the RTP rate
    ASSERT_TRUE(gst_bin_add(GST_BIN(rtpbin.get()), session));
    guint64 min_interval = 0;
    g_object_get(session, "rtcp-fraction", &fraction, "rtcp-min-interval", &min_interval, nullptr);
    EXPECT_DOUBLE_EQ(fraction, 30000);  // bits per second: early feedback every ~0.1 s
    EXPECT_EQ(min_interval, static_cast<guint64>(GST_SECOND));
    gst_bin_remove(GST_BIN(rtpbin.get()), session);
}

}  // namespace
}  // namespace rp::media
