// parse_sdp and find_payload on SDP texts shaped like the offers browsers and roompeer send.
#include "media/sdp_info.h"
#include "media/codecs.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using rp::VideoCodec;
using rp::media::audio_send_codec;
using rp::media::find_payload;
using rp::media::Kind;
using rp::media::MediaLine;
using rp::media::parse_sdp;
using rp::media::RtpMap;
using rp::media::SdpInfo;
using rp::media::video_send_codec;

// Joins lines with CRLF, as SDP is sent.
std::string sdp(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\r\n";
    return out;
}

const std::vector<std::string> kSession = {
    "v=0",
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
    "s=-",
    "t=0 0",
};

std::vector<std::string> with_session(std::vector<std::string> body) {
    std::vector<std::string> all = kSession;
    all.insert(all.end(), body.begin(), body.end());
    return all;
}

// A Chromium-like offer: bundled audio, video and a data channel. H.264 comes in three
// flavours; the constrained baseline packetization-mode=1 one (127) is not listed first.
const std::string kBrowserOffer = sdp(with_session({
    "a=group:BUNDLE 0 1 2",
    "a=msid-semantic: WMS stream",
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 110",
    "c=IN IP4 0.0.0.0",
    "a=rtcp:9 IN IP4 0.0.0.0",
    "a=ice-ufrag:abcd",
    "a=ice-pwd:abcdefghijklmnopqrstuvwx",
    "a=fingerprint:sha-256 "
    "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:"
    "EE:FF",
    "a=setup:actpass",
    "a=mid:0",
    "a=sendrecv",
    "a=rtcp-mux",
    "a=rtpmap:111 opus/48000/2",
    "a=rtcp-fb:111 transport-cc",
    "a=fmtp:111 minptime=10;useinbandfec=1",
    "a=rtpmap:63 red/48000/2",
    "a=fmtp:63 111/111",
    "a=rtpmap:9 G722/8000",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:110 telephone-event/48000",
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 102 106 127",
    "c=IN IP4 0.0.0.0",
    "a=mid:1",
    "a=sendrecv",
    "a=rtcp-mux",
    "a=rtpmap:96 VP8/90000",
    "a=rtcp-fb:96 nack pli",
    "a=rtpmap:97 rtx/90000",
    "a=fmtp:97 apt=96",
    "a=rtpmap:98 VP9/90000",
    "a=fmtp:98 profile-id=0",
    "a=rtpmap:102 H264/90000",
    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
    "a=rtpmap:106 H264/90000",
    "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f",
    "a=rtpmap:127 H264/90000",
    "a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
    "c=IN IP4 0.0.0.0",
    "a=mid:2",
    "a=sctp-port:5000",
}));

const RtpMap* format(const MediaLine& m, int pt) {
    for (const auto& f : m.formats)
        if (f.pt == pt) return &f;
    return nullptr;
}

TEST(SdpInfo, BrowserOfferMediaLinesInOrder) {
    std::string error;
    auto info = parse_sdp(kBrowserOffer, &error);
    ASSERT_TRUE(info) << error;
    EXPECT_TRUE(error.empty());
    EXPECT_TRUE(info->bundled);
    ASSERT_EQ(info->media.size(), 3u);

    const MediaLine& audio = info->media[0];
    EXPECT_EQ(audio.kind, Kind::Audio);
    EXPECT_EQ(audio.mid, "0");
    EXPECT_TRUE(audio.sends);
    EXPECT_TRUE(audio.receives);
    EXPECT_FALSE(audio.rejected);

    const MediaLine& video = info->media[1];
    EXPECT_EQ(video.kind, Kind::Video);
    EXPECT_EQ(video.mid, "1");
    EXPECT_TRUE(video.sends);
    EXPECT_TRUE(video.receives);

    // The data channel is neither audio nor video, and has no RTP formats.
    const MediaLine& data = info->media[2];
    EXPECT_FALSE(data.kind.has_value());
    EXPECT_EQ(data.mid, "2");
    EXPECT_TRUE(data.formats.empty());
}

TEST(SdpInfo, RtpMapsKeepOrderWithUpperCaseNamesRatesAndFmtp) {
    auto info = parse_sdp(kBrowserOffer, nullptr);
    ASSERT_TRUE(info);
    const MediaLine& audio = info->media[0];
    std::vector<int> pts;
    for (const auto& f : audio.formats) pts.push_back(f.pt);
    EXPECT_EQ(pts, (std::vector<int>{111, 63, 9, 0, 8, 110}));
    const RtpMap& opus = audio.formats[0];
    EXPECT_EQ(opus.encoding, "OPUS");  // "opus/48000/2": upper case, channels not in the rate
    EXPECT_EQ(opus.clock_rate, 48000);
    EXPECT_EQ(opus.fmtp, "minptime=10;useinbandfec=1");
    ASSERT_TRUE(format(audio, 0));
    EXPECT_EQ(format(audio, 0)->encoding, "PCMU");
    EXPECT_EQ(format(audio, 0)->clock_rate, 8000);
    EXPECT_EQ(format(audio, 0)->fmtp, "");
    ASSERT_TRUE(format(audio, 110));
    EXPECT_EQ(format(audio, 110)->encoding, "TELEPHONE-EVENT");
    EXPECT_EQ(format(audio, 63)->fmtp, "111/111");

    const MediaLine& video = info->media[1];
    ASSERT_EQ(video.formats.size(), 6u);
    EXPECT_EQ(video.formats[0].pt, 96);
    EXPECT_EQ(video.formats[0].encoding, "VP8");
    EXPECT_EQ(video.formats[0].clock_rate, 90000);
    ASSERT_TRUE(format(video, 97));
    EXPECT_EQ(format(video, 97)->encoding, "RTX");
    EXPECT_EQ(format(video, 97)->fmtp, "apt=96");
    EXPECT_EQ(format(video, 98)->fmtp, "profile-id=0");
    EXPECT_EQ(format(video, 127)->fmtp,
              "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
}

TEST(SdpInfo, FindPayloadPicksTheOffersTypeForOurCodec) {
    auto info = parse_sdp(kBrowserOffer, nullptr);
    ASSERT_TRUE(info);
    const MediaLine& audio = info->media[0];
    const MediaLine& video = info->media[1];
    EXPECT_EQ(find_payload(video, video_send_codec(VideoCodec::VP8)), 96);
    EXPECT_EQ(find_payload(video, video_send_codec(VideoCodec::VP9)), 98);
    // 102 (42001f) and 127 (42e01f) both have packetization-mode=1; constrained baseline
    // wins. 106 (packetization-mode=0) never does.
    EXPECT_EQ(find_payload(video, video_send_codec(VideoCodec::H264)), 127);
    EXPECT_EQ(find_payload(audio, audio_send_codec()), 111);
    // Nothing of the other kind's codecs on a line.
    EXPECT_EQ(find_payload(audio, video_send_codec(VideoCodec::VP8)), -1);
    EXPECT_EQ(find_payload(video, audio_send_codec()), -1);
    EXPECT_EQ(find_payload(info->media[2], audio_send_codec()), -1);
}

// A video m-line offering the given H.264 fmtp lines as payload types 100, 101, ...
MediaLine h264_line(const std::vector<std::string>& fmtps) {
    std::vector<std::string> body = {"a=group:BUNDLE v"};
    std::string m = "m=video 9 UDP/TLS/RTP/SAVPF";
    for (size_t i = 0; i < fmtps.size(); ++i) {
        // Appended in two steps: " " + std::to_string(...) trips GCC 12's -Wrestrict at -O3.
        m += ' ';
        m += std::to_string(100 + i);
    }
    body.push_back(m);
    body.push_back("a=mid:v");
    for (size_t i = 0; i < fmtps.size(); ++i) {
        std::string pt = std::to_string(100 + i);
        body.push_back("a=rtpmap:" + pt + " H264/90000");
        if (!fmtps[i].empty()) body.push_back("a=fmtp:" + pt + " " + fmtps[i]);
    }
    auto info = parse_sdp(sdp(with_session(body)), nullptr);
    EXPECT_TRUE(info);
    EXPECT_EQ(info ? info->media.size() : 0u, 1u);
    return info && !info->media.empty() ? info->media[0] : MediaLine{};
}

TEST(SdpInfo, H264NeedsPacketizationModeOne) {
    const auto h264 = video_send_codec(VideoCodec::H264);
    EXPECT_EQ(find_payload(h264_line({"packetization-mode=0;profile-level-id=42e01f", ""}), h264),
              -1);
    EXPECT_EQ(find_payload(h264_line({"profile-level-id=42e01f",
                                      "packetization-mode=1;profile-level-id=640032"}),
                           h264),
              101);
}

TEST(SdpInfo, H264PrefersConstrainedBaselineThenAnyBaselineThenTheFirst) {
    const auto h264 = video_send_codec(VideoCodec::H264);
    // High, main-ish baseline (42001f), constrained baseline: the last one.
    EXPECT_EQ(find_payload(h264_line({"packetization-mode=1;profile-level-id=640032",
                                      "packetization-mode=1;profile-level-id=42001f",
                                      "packetization-mode=1;profile-level-id=42e01f"}),
                           h264),
              102);
    // No 42e01f: a 42 profile beats high profile even when listed later.
    EXPECT_EQ(find_payload(h264_line({"packetization-mode=1;profile-level-id=640032",
                                      "packetization-mode=1;profile-level-id=42001f"}),
                           h264),
              101);
    // Equally good: the first listed.
    EXPECT_EQ(find_payload(h264_line({"packetization-mode=1;profile-level-id=4d001f",
                                      "packetization-mode=1;profile-level-id=640032"}),
                           h264),
              100);
}

TEST(SdpInfo, VP8IgnoresFmtpAndTakesTheFirst) {
    auto info = parse_sdp(sdp(with_session({
                              "m=video 9 UDP/TLS/RTP/SAVPF 120 121",
                              "a=rtpmap:120 vp8/90000",
                              "a=rtpmap:121 VP8/90000",
                              "a=fmtp:121 max-fr=30",
                          })),
                          nullptr);
    ASSERT_TRUE(info);
    EXPECT_FALSE(info->bundled);
    EXPECT_EQ(info->media[0].formats[0].encoding, "VP8");
    EXPECT_EQ(find_payload(info->media[0], video_send_codec(VideoCodec::VP8)), 120);
}

TEST(SdpInfo, DirectionAttributes) {
    auto info = parse_sdp(sdp(with_session({
                              "a=group:BUNDLE a b c d",
                              "m=audio 9 UDP/TLS/RTP/SAVPF 111",
                              "a=mid:a",
                              "a=sendonly",
                              "a=rtpmap:111 opus/48000/2",
                              "m=video 9 UDP/TLS/RTP/SAVPF 96",
                              "a=mid:b",
                              "a=recvonly",
                              "a=rtpmap:96 VP8/90000",
                              "m=video 9 UDP/TLS/RTP/SAVPF 96",
                              "a=mid:c",
                              "a=inactive",
                              "a=rtpmap:96 VP8/90000",
                              "m=audio 9 UDP/TLS/RTP/SAVPF 111",
                              "a=mid:d",
                              "a=rtpmap:111 opus/48000/2",
                          })),
                          nullptr);
    ASSERT_TRUE(info);
    ASSERT_EQ(info->media.size(), 4u);
    // sendonly: the author sends, does not receive.
    EXPECT_TRUE(info->media[0].sends);
    EXPECT_FALSE(info->media[0].receives);
    EXPECT_FALSE(info->media[1].sends);
    EXPECT_TRUE(info->media[1].receives);
    EXPECT_FALSE(info->media[2].sends);
    EXPECT_FALSE(info->media[2].receives);
    // No direction attribute: sendrecv.
    EXPECT_TRUE(info->media[3].sends);
    EXPECT_TRUE(info->media[3].receives);
    EXPECT_EQ(info->media[3].mid, "d");
}

TEST(SdpInfo, PortZeroRejectsUnlessBundleOnly) {
    auto info = parse_sdp(sdp(with_session({
                              "a=group:BUNDLE 0 1",
                              "m=audio 9 UDP/TLS/RTP/SAVPF 111",
                              "a=mid:0",
                              "a=rtpmap:111 opus/48000/2",
                              "m=video 0 UDP/TLS/RTP/SAVPF 96",
                              "a=mid:1",
                              "a=bundle-only",
                              "a=rtpmap:96 VP8/90000",
                              "m=video 0 UDP/TLS/RTP/SAVPF 96",
                              "a=mid:2",
                              "a=rtpmap:96 VP8/90000",
                          })),
                          nullptr);
    ASSERT_TRUE(info);
    ASSERT_EQ(info->media.size(), 3u);
    EXPECT_FALSE(info->media[0].rejected);
    EXPECT_FALSE(info->media[1].rejected);
    EXPECT_TRUE(info->media[2].rejected);
}

TEST(SdpInfo, OnlyABundleGroupCountsAsBundled) {
    auto lines = [](const std::string& group) {
        return sdp(with_session(
            {group, "m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=mid:0", "a=rtpmap:111 opus/48000/2"}));
    };
    auto bundled = parse_sdp(lines("a=group:BUNDLE 0"), nullptr);
    auto lipsync = parse_sdp(lines("a=group:LS 0"), nullptr);
    ASSERT_TRUE(bundled);
    ASSERT_TRUE(lipsync);
    EXPECT_TRUE(bundled->bundled);
    EXPECT_FALSE(lipsync->bundled);
}

TEST(SdpInfo, FmtpMayComeBeforeItsRtpmap) {
    auto info = parse_sdp(sdp(with_session({
                              "m=video 9 UDP/TLS/RTP/SAVPF 102",
                              "a=fmtp:102 packetization-mode=1;profile-level-id=42e01f",
                              "a=rtpmap:102 H264/90000",
                          })),
                          nullptr);
    ASSERT_TRUE(info);
    ASSERT_EQ(info->media[0].formats.size(), 1u);
    EXPECT_EQ(info->media[0].formats[0].fmtp, "packetization-mode=1;profile-level-id=42e01f");
    EXPECT_EQ(find_payload(info->media[0], video_send_codec(VideoCodec::H264)), 102);
}

TEST(SdpInfo, MalformedRtpmapsAreSkipped) {
    auto info = parse_sdp(sdp(with_session({
                              "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98",
                              "a=rtpmap:abc VP8/90000",  // no payload type
                              "a=rtpmap:200 VP8/90000",  // out of the 0-127 range
                              "a=rtpmap:-1 VP8/90000",
                              "a=rtpmap:96VP8/90000",  // no space after the type
                              "a=rtpmap:97 VP9",       // no clock rate
                              "a=fmtp:55 apt=97",      // for a type that has no rtpmap
                              "a=rtpmap:98 H264/90000",
                          })),
                          nullptr);
    ASSERT_TRUE(info);
    const auto& formats = info->media[0].formats;
    ASSERT_EQ(formats.size(), 2u);
    EXPECT_EQ(formats[0].pt, 97);
    EXPECT_EQ(formats[0].encoding, "VP9");
    EXPECT_EQ(formats[0].clock_rate, 0);
    EXPECT_EQ(formats[1].pt, 98);
    EXPECT_EQ(formats[1].fmtp, "");
    EXPECT_EQ(find_payload(info->media[0], video_send_codec(VideoCodec::VP8)), -1);
    // H.264 without packetization-mode=1 is not usable.
    EXPECT_EQ(find_payload(info->media[0], video_send_codec(VideoCodec::H264)), -1);
}

// (Not the empty string: the room protocol drops empty SDPs before parse_sdp, and GStreamer
// logs a CRITICAL for an empty buffer.)
TEST(SdpInfo, NoMediaIsAnError) {
    std::string error;
    EXPECT_FALSE(parse_sdp(sdp(kSession), &error));
    EXPECT_EQ(error, "unparseable SDP or no media");
    error.clear();
    EXPECT_FALSE(parse_sdp("not an SDP at all", &error));
    EXPECT_EQ(error, "unparseable SDP or no media");
    // Without an error string it still just fails.
    EXPECT_FALSE(parse_sdp("v=0\r\n", nullptr));
}

TEST(SdpInfo, AtMost64MediaLines) {
    auto with_lines = [](int n) {
        std::vector<std::string> body;
        for (int i = 0; i < n; ++i) {
            body.push_back("m=audio 9 UDP/TLS/RTP/SAVPF 111");
            body.push_back("a=mid:" + std::to_string(i));
            body.push_back("a=rtpmap:111 opus/48000/2");
        }
        return sdp(with_session(body));
    };
    std::string error;
    auto ok = parse_sdp(with_lines(64), &error);
    ASSERT_TRUE(ok) << error;
    EXPECT_EQ(ok->media.size(), 64u);
    EXPECT_EQ(ok->media[63].mid, "63");
    EXPECT_FALSE(parse_sdp(with_lines(65), &error));
    EXPECT_EQ(error, "more than 64 m-lines");
}

}  // namespace

namespace {

// Issue #12: each m-line's id for the transport-wide-cc header extension, with or without a
// direction, so that our answer uses the offer's id; 0 when the m-line has none.
TEST(SdpInfo, TwccExtensionIdPerMediaLine) {
    std::string error;
    auto info = parse_sdp(
        sdp(with_session({
            "m=audio 9 UDP/TLS/RTP/SAVPF 111",
            "c=IN IP4 0.0.0.0",
            "a=mid:0",
            "a=extmap:1 urn:ietf:params:audio-level",
            "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            "a=rtpmap:111 opus/48000/2",
            "m=video 9 UDP/TLS/RTP/SAVPF 96",
            "c=IN IP4 0.0.0.0",
            "a=mid:1",
            "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=extmap:7/sendrecv "
            "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            "a=rtpmap:96 VP8/90000",
            "m=video 9 UDP/TLS/RTP/SAVPF 96",
            "c=IN IP4 0.0.0.0",
            "a=mid:2",
            "a=rtpmap:96 VP8/90000",
        })),
        &error);
    ASSERT_TRUE(info) << error;
    ASSERT_EQ(info->media.size(), 3u);
    EXPECT_EQ(info->media[0].twcc_ext_id, 3);
    EXPECT_EQ(info->media[1].twcc_ext_id, 7);
    EXPECT_EQ(info->media[2].twcc_ext_id, 0);
    EXPECT_EQ(info->media[1].formats.size(), 1u);  // extmaps are no formats
}

}  // namespace
