// What we can decode, and what an offer leaves us: the codec table, the Decoders value, and the
// selection our answers make (browser offers with AV1, members sending what we lack).
#include "media/codecs.h"
#include "media/sdp_info.h"
#include "util/gobj.h"

#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

using rp::CapsPtr;
using rp::media::Decoders;
using rp::media::Kind;

// One m-line of a Chrome-like offer: `formats` is "pt rtpmap-text" pairs; each codec gets rtx.
std::string mline(const char* media, int mid,
                  const std::vector<std::pair<int, std::string>>& formats,
                  const char* direction = "sendrecv", int port = 9) {
    std::string pts, attrs;
    for (const auto& [pt, map] : formats) {
        pts += " " + std::to_string(pt);
        attrs += "a=rtpmap:" + std::to_string(pt) + " " + map + "\r\n";
        if (map.rfind("H264", 0) == 0)
            attrs += "a=fmtp:" + std::to_string(pt) +
                     " level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n";
        if (map.rfind("rtx", 0) != 0 && std::string(media) == "video")
            attrs += "a=rtcp-fb:" + std::to_string(pt) + " nack pli\r\n";
    }
    return std::string("m=") + media + " " + std::to_string(port) + " UDP/TLS/RTP/SAVPF" + pts +
           "\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\n"
           "a=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=setup:actpass\r\na=mid:" +
           std::to_string(mid) + "\r\na=" + direction + "\r\na=rtcp-mux\r\n" + attrs;
}

std::string offer(const std::string& video, const std::string& audio = {}) {
    std::string head =
        "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
        "a=group:BUNDLE 0 1\r\na=msid-semantic: WMS\r\n";
    return head +
           (audio.empty()
                ? mline("audio", 0, {{111, "opus/48000/2"}, {126, "telephone-event/8000"}})
                : audio) +
           video;
}

// Chrome offers AV1 first when it has it, then VP8 and the rest, each with its rtx.
const std::vector<std::pair<int, std::string>> kAv1AndVp8 = {
    {45, "AV1/90000"}, {46, "rtx/90000"}, {96, "VP8/90000"}, {97, "rtx/90000"}};
const std::vector<std::pair<int, std::string>> kAv1Only = {{45, "AV1/90000"}, {46, "rtx/90000"}};
const std::vector<std::pair<int, std::string>> kH264Only = {{102, "H264/90000"},
                                                            {103, "rtx/90000"}};

std::vector<std::string> encodings(const std::vector<rp::media::RtpMap>& formats) {
    std::vector<std::string> out;
    for (const auto& f : formats) out.push_back(f.encoding);
    return out;
}

rp::media::SdpInfo parse(const std::string& text) {
    std::string err;
    auto info = rp::media::parse_sdp(text, &err);
    EXPECT_TRUE(info) << err;
    return info.value_or(rp::media::SdpInfo{});
}

TEST(Codecs, TableNamesEveryElementOfEachCodec) {
    const auto* h264 = rp::media::receive_codec("h264");
    ASSERT_TRUE(h264);
    EXPECT_EQ(rp::media::receive_elements(*h264),
              (std::vector<std::string>{"rtph264depay", "h264parse", "avdec_h264"}));
    const auto* vp8 = rp::media::receive_codec("VP8");
    ASSERT_TRUE(vp8);
    EXPECT_EQ(rp::media::receive_elements(*vp8),
              (std::vector<std::string>{"rtpvp8depay", "vp8dec"}));
    EXPECT_FALSE(rp::media::receive_codec("AV1"));
    EXPECT_EQ(rp::media::package_for_element("avdec_h264"), "gstreamer1.0-libav");
}

TEST(Codecs, DecodersWithoutLibav) {
    Decoders d = Decoders::without({"avdec_h264"});
    EXPECT_FALSE(d.can_decode("H264"));
    EXPECT_FALSE(d.can_decode("h264"));
    EXPECT_TRUE(d.can_decode("VP8"));
    EXPECT_TRUE(d.can_decode("OPUS"));
    EXPECT_EQ(d.why_not("H264"),
              "cannot decode H264: avdec_h264 missing (Debian package gstreamer1.0-libav)");
    EXPECT_EQ(d.why_not("VP8"), "");
    EXPECT_EQ(d.why_not("AV1"), "cannot decode AV1: roompeer has no decoder for it");
    EXPECT_EQ(d.decodable(Kind::Video), (std::vector<std::string>{"VP8", "VP9"}));
    EXPECT_EQ(d.decodable(Kind::Audio), (std::vector<std::string>{"OPUS"}));
    EXPECT_NE(d.summary().find("receiving VP8 VP9 OPUS; cannot decode H264"), std::string::npos)
        << d.summary();
}

TEST(Codecs, EveryMissingElementIsNamedWithItsPackage) {
    Decoders d = Decoders::without({"h264parse", "avdec_h264"});
    EXPECT_EQ(d.why_not("H264"),
              "cannot decode H264: h264parse missing (Debian package gstreamer1.0-plugins-bad), "
              "avdec_h264 missing (Debian package gstreamer1.0-libav)");
    EXPECT_NE(rp::media::describe_missing({"avdec_h264"})
                  .find("'avdec_h264' is missing (we need it to receive H264): install the Debian "
                        "package gstreamer1.0-libav"),
              std::string::npos);
}

TEST(Codecs, BrowserOfferWithAv1AndVp8AnswersVp8) {
    auto info = parse(offer(mline("video", 1, kAv1AndVp8)));
    ASSERT_EQ(info.media.size(), 2u);
    Decoders all = Decoders::without({});
    EXPECT_EQ(rp::media::undecodable(info, all), "");
    auto kept = rp::media::decodable_formats(info.media[1], all);
    ASSERT_EQ(encodings(kept), (std::vector<std::string>{"VP8"}));
    EXPECT_EQ(kept[0].pt, 96);
    EXPECT_EQ(encodings(rp::media::decodable_formats(info.media[0], all)),
              (std::vector<std::string>{"OPUS"}));
}

// webrtcbin answers an m-line with the offer's caps intersected with the transceiver's
// codec-preferences: with ours, AV1 and its rtx are gone and VP8 keeps the offer's payload type.
TEST(Codecs, DecodableCapsKeepOnlyVp8OfABrowserOffer) {
    gst_init(nullptr, nullptr);
    std::string text = offer(mline("video", 1, kAv1AndVp8));
    GstSDPMessage* raw = nullptr;
    ASSERT_EQ(gst_sdp_message_new_from_text(text.c_str(), &raw), GST_SDP_OK);
    rp::SdpPtr msg(raw);
    const GstSDPMedia* video = gst_sdp_message_get_media(msg.get(), 1);
    CapsPtr offered(gst_caps_new_empty());
    for (guint i = 0; i < gst_sdp_media_formats_len(video); ++i) {
        GstCaps* c =
            gst_sdp_media_get_caps_from_media(video, atoi(gst_sdp_media_get_format(video, i)));
        for (guint j = 0; c && j < gst_caps_get_size(c); ++j)
            gst_structure_set_name(gst_caps_get_structure(c, j), "application/x-rtp");
        if (c) gst_caps_append(offered.get(), c);
    }
    ASSERT_EQ(gst_caps_get_size(offered.get()), 4u);
    CapsPtr ours = rp::media::decodable_caps(Kind::Video, Decoders::without({}));
    CapsPtr answer(gst_caps_intersect(offered.get(), ours.get()));
    ASSERT_EQ(gst_caps_get_size(answer.get()), 1u);
    const GstStructure* s = gst_caps_get_structure(answer.get(), 0);
    EXPECT_STREQ(gst_structure_get_string(s, "encoding-name"), "VP8");
    int pt = 0;
    EXPECT_TRUE(gst_structure_get_int(s, "payload", &pt));
    EXPECT_EQ(pt, 96);

    // With only AV1 offered nothing is left: webrtcbin rejects such an m-line.
    CapsPtr av1(gst_caps_copy_nth(offered.get(), 0));
    CapsPtr none(gst_caps_intersect(av1.get(), ours.get()));
    EXPECT_TRUE(gst_caps_is_empty(none.get()));
}

TEST(Codecs, BrowserSendingOnlyAv1EndsThatCallWithAClearReason) {
    auto info = parse(offer(mline("video", 1, kAv1Only)));
    std::string why = rp::media::undecodable(info, Decoders::without({}));
    EXPECT_EQ(why, "cannot decode AV1: roompeer has no decoder for it");
    EXPECT_TRUE(rp::media::decodable_formats(info.media[1], Decoders::without({})).empty());
}

TEST(Codecs, Av1WeNeedNotReceiveIsNoReasonToEnd) {
    Decoders all = Decoders::without({});
    // It only receives on that m-line: we would have to send AV1, not decode it.
    EXPECT_EQ(rp::media::undecodable(parse(offer(mline("video", 1, kAv1Only, "recvonly"))), all),
              "");
    // A rejected m-line (port 0) carries nothing.
    EXPECT_EQ(rp::media::undecodable(parse(offer(mline("video", 1, kAv1Only, "sendrecv", 0))), all),
              "");
}

TEST(Codecs, H264OnlyOfferWithoutLibavNamesThePackage) {
    auto info = parse(offer(mline("video", 1, kH264Only)));
    EXPECT_EQ(rp::media::undecodable(info, Decoders::without({"avdec_h264"})),
              "cannot decode H264: avdec_h264 missing (Debian package gstreamer1.0-libav)");
    EXPECT_EQ(rp::media::undecodable(info, Decoders::without({})), "");
    // H.264 next to AV1: both are named.
    auto both = parse(offer(mline("video", 1, {{45, "AV1/90000"}, {102, "H264/90000"}})));
    EXPECT_EQ(rp::media::undecodable(both, Decoders::without({"avdec_h264"})),
              "cannot decode AV1: roompeer has no decoder for it; cannot decode H264: avdec_h264 "
              "missing (Debian package gstreamer1.0-libav)");
}

TEST(Codecs, AudioWeCannotDecodeEndsTheCallToo) {
    auto info = parse(offer(mline("video", 1, kAv1AndVp8)));
    EXPECT_EQ(rp::media::undecodable(info, Decoders::without({"opusdec"})),
              "cannot decode OPUS: opusdec missing (Debian package gstreamer1.0-plugins-base)");
}

}  // namespace

namespace {

// The SDP lines webrtcbin writes for these caps (it uses gst_sdp_media_set_media_from_caps).
std::string sdp_attributes(const GstCaps* caps) {
    GstSDPMedia* raw = nullptr;
    gst_sdp_media_new(&raw);
    std::unique_ptr<GstSDPMedia, decltype(&gst_sdp_media_free)> media(raw, &gst_sdp_media_free);
    EXPECT_EQ(gst_sdp_media_set_media_from_caps(caps, media.get()), GST_SDP_OK);
    std::string out;
    for (guint i = 0; i < gst_sdp_media_attributes_len(media.get()); ++i) {
        const GstSDPAttribute* a = gst_sdp_media_get_attribute(media.get(), i);
        out += std::string(a->key) + ":" + (a->value ? a->value : "") + "\n";
    }
    return out;
}

}  // namespace

// Issue #12: our RTP caps name NACK, transport-cc and the TWCC header extension, so webrtcbin
// offers and answers them (rtx comes with the transceivers' do-nack).
TEST(Codecs, FeedbackFieldsBecomeNackTransportCcAndTheTwccExtmap) {
    gst_init(nullptr, nullptr);
    std::string text =
        "application/x-rtp,media=video,encoding-name=VP8,clock-rate=90000,payload=96" +
        rp::media::feedback_caps_fields(Kind::Video);
    CapsPtr caps(gst_caps_from_string(text.c_str()));
    ASSERT_TRUE(caps) << text;
    std::string attrs = sdp_attributes(caps.get());
    EXPECT_NE(attrs.find("rtcp-fb:96 nack\n"), std::string::npos) << attrs;
    EXPECT_NE(attrs.find("rtcp-fb:96 transport-cc\n"), std::string::npos) << attrs;
    EXPECT_NE(attrs.find("extmap:3 http://www.ietf.org/id/"
                         "draft-holmer-rmcat-transport-wide-cc-extensions-01\n"),
              std::string::npos)
        << attrs;
}

TEST(Codecs, DecodableCapsCarryTheFeedbackFields) {
    gst_init(nullptr, nullptr);
    for (Kind k : {Kind::Audio, Kind::Video}) {
        CapsPtr caps = rp::media::decodable_caps(k, Decoders::without({}));
        ASSERT_GT(gst_caps_get_size(caps.get()), 0u);
        for (guint i = 0; i < gst_caps_get_size(caps.get()); ++i) {
            const GstStructure* s = gst_caps_get_structure(caps.get(), i);
            gboolean nack = FALSE, tcc = FALSE;
            // NACK (and so rtx) for video only: browsers do neither for audio.
            EXPECT_EQ(gst_structure_get_boolean(s, "rtcp-fb-nack", &nack) && nack,
                      k == Kind::Video);
            EXPECT_TRUE(gst_structure_get_boolean(s, "rtcp-fb-transport-cc", &tcc) && tcc);
            EXPECT_STREQ(gst_structure_get_string(s, "extmap-3"), rp::media::kTwccUri);
        }
    }
}
