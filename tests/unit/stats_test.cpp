// Stats samples: rates from counter deltas, the --stats JSON line, Prometheus text, status line.
#include "report/stats.h"
#include "util/json.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>

namespace {

using rp::PeerStats;
using rp::StatsSample;

PeerStats peer(const std::string& id, std::uint64_t bytes_in, std::uint64_t bytes_out,
               std::uint64_t frames_in, std::uint64_t frames_out) {
    PeerStats p;
    p.id = id;
    p.state = rp::PeerState::Connected;
    p.rtp.bytes_received = bytes_in;
    p.rtp.bytes_sent = bytes_out;
    p.rtp.packets_received = bytes_in / 1000;
    p.rtp.packets_sent = bytes_out / 1000;
    p.frames_decoded = frames_in;
    p.frames_sent = frames_out;
    return p;
}

StatsSample sample(double uptime, std::vector<PeerStats> peers) {
    StatsSample s;
    s.unix_time_s = 1764100000.25 + uptime;
    s.uptime_s = uptime;
    s.room = "demo";
    s.self_id = "me";
    s.state = rp::RoomState::Joined;
    s.members = static_cast<int>(peers.size());
    s.peers = std::move(peers);
    return s;
}

TEST(StatsRates, FromCounterDeltasOverTheInterval) {
    StatsSample a = sample(10, {peer("p1", 100000, 50000, 300, 290)});
    StatsSample b = sample(12, {peer("p1", 300000, 150000, 360, 350)});
    rp::compute_rates(a, b);
    const PeerStats& p = b.peers[0];
    ASSERT_TRUE(p.kbps_in && p.kbps_out && p.fps_in && p.fps_out);
    EXPECT_DOUBLE_EQ(*p.kbps_in, 800);   // 200000 bytes * 8 / 2 s / 1000
    EXPECT_DOUBLE_EQ(*p.kbps_out, 400);  // 100000 bytes * 8 / 2 s / 1000
    EXPECT_DOUBLE_EQ(*p.fps_in, 30);
    EXPECT_DOUBLE_EQ(*p.fps_out, 30);
}

TEST(StatsRates, NoneForANewPeerOrCountersThatWentBack) {
    StatsSample a = sample(1, {peer("old", 1000, 1000, 10, 10), peer("back", 5000, 0, 50, 0)});
    StatsSample b = sample(2, {peer("new", 2000, 2000, 20, 20), peer("back", 100, 0, 1, 0)});
    rp::compute_rates(a, b);
    EXPECT_FALSE(b.peers[0].kbps_in);
    EXPECT_FALSE(b.peers[0].fps_in);
    EXPECT_FALSE(b.peers[1].kbps_in);
    EXPECT_FALSE(b.peers[1].fps_in);
}

TEST(StatsJson, OneLineWithEveryFigureKeyedByPeer) {
    StatsSample a = sample(1, {peer("p1", 0, 0, 0, 0)});
    StatsSample b = sample(1.5, {peer("p1", 50000, 40000, 15, 15)});
    b.peers[0].name = "cam \"one\"";
    b.peers[0].rtp.rtt_ms = 1.25;
    b.peers[0].rtp.jitter_ms = 0.5;
    b.peers[0].rtp.packets_lost = 3;
    rp::compute_rates(a, b);
    std::string line = rp::stats_json_line(b);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    std::string err;
    rp::JsonPtr root = rp::json::parse(line, &err);
    ASSERT_TRUE(root) << err << "\n" << line;
    JsonObject* o = rp::json::as_object(root.get());
    EXPECT_EQ(rp::json::get_string(o, "time").value_or(""), "2025-11-25T19:46:41.750Z");
    EXPECT_EQ(rp::json::get_string(o, "room").value_or(""), "demo");
    EXPECT_EQ(rp::json::get_int(o, "connected").value_or(-1), 1);
    EXPECT_EQ(rp::json::get_int(o, "source_restarts").value_or(-1), 0);
    JsonArray* peers = json_object_get_array_member(o, "peers");
    ASSERT_EQ(json_array_get_length(peers), 1u);
    JsonObject* p = json_array_get_object_element(peers, 0);
    EXPECT_EQ(rp::json::get_string(p, "id").value_or(""), "p1");
    EXPECT_EQ(rp::json::get_string(p, "name").value_or(""), "cam \"one\"");
    EXPECT_DOUBLE_EQ(json_object_get_double_member(p, "rtt_ms"), 1.25);
    EXPECT_DOUBLE_EQ(json_object_get_double_member(p, "jitter_ms"), 0.5);
    EXPECT_EQ(rp::json::get_int(p, "packets_lost").value_or(-1), 3);
    EXPECT_EQ(rp::json::get_int(p, "bytes_received").value_or(-1), 50000);
    EXPECT_EQ(rp::json::get_int(p, "bytes_sent").value_or(-1), 40000);
    EXPECT_DOUBLE_EQ(json_object_get_double_member(p, "kbps_in"), 800);
    EXPECT_DOUBLE_EQ(json_object_get_double_member(p, "fps_in"), 30);
    EXPECT_EQ(rp::json::get_int(p, "frames_decoded").value_or(-1), 15);
    EXPECT_EQ(rp::json::get_int(p, "frames_sent").value_or(-1), 15);
    // Numbers are written short: no 29.899999999999999.
    EXPECT_NE(line.find("\"kbps_in\":800,"), std::string::npos) << line;
}

TEST(StatsJson, UnknownFiguresAreNull) {
    StatsSample s = sample(1, {peer("p1", 0, 0, 0, 0)});
    s.self_id.clear();
    std::string line = rp::stats_json_line(s);
    EXPECT_NE(line.find("\"self_id\":null"), std::string::npos) << line;
    EXPECT_NE(line.find("\"rtt_ms\":null"), std::string::npos) << line;
    EXPECT_NE(line.find("\"kbps_in\":null"), std::string::npos) << line;
    EXPECT_NE(line.find("\"name\":null"), std::string::npos) << line;
    ASSERT_TRUE(rp::json::parse(line));
}

TEST(StatsJson, TheLineByteForByte) {
    // The format README shows: compact, members in this order, short fixed-point numbers.
    StatsSample s = sample(6.593, {peer("p1", 429165, 409629, 153, 144)});
    s.unix_time_s = 1795656869.552;
    PeerStats& p = s.peers[0];
    p.rtp.rtt_ms = 8.698;
    p.rtp.jitter_ms = 0.889;
    p.kbps_in = 550.44;
    p.kbps_out = 660.06;
    p.fps_in = 29.97;
    p.fps_out = 30;
    p.audio_buffers_decoded = 255;
    EXPECT_EQ(rp::stats_json_line(s),
              R"({"time":"2026-11-26T01:34:29.552Z","uptime_s":6.593,"room":"demo",)"
              R"("self_id":"me","state":"joined","members":1,"connected":1,"source_restarts":0,)"
              R"("peers":[{"id":"p1",)"
              R"("name":null,"state":"connected","rtt_ms":8.698,"jitter_ms":0.889,)"
              R"("packets_lost":0,"remote_packets_lost":0,"nack_count":0,"packets_repaired":0,)"
              R"("nacks_received":0,"bytes_received":429165,)"
              R"("bytes_sent":409629,"packets_received":429,"packets_sent":409,)"
              R"("kbps_in":550.4,"kbps_out":660.1,"fps_in":30,"fps_out":30,)"
              R"("frames_decoded":153,"frames_sent":144,"audio_buffers_decoded":255,)"
              R"("video":{"fps":null,"freeze_count":null,"total_freeze_ms":null,)"
              R"("pause_count":null,"max_gap_ms":null,"black":null,"still":null,)"
              R"("frames_lost":null,"from_expected_sender":null,"psnr_db":null,"layer":null,)"
              R"("target_kbps":null},"audio":{"tone_ok":null,"gaps":null,"av_sync_ms":null}}]})");
}

TEST(StatsJson, QualityFiguresAsInTheReport) {
    StatsSample s = sample(1, {peer("p1", 0, 0, 0, 0)});
    PeerStats& p = s.peers[0];
    p.video.fps = 29.814;
    p.video.freeze_count = 1;
    p.video.total_freeze_ms = 420.26;
    p.video.pause_count = 0;
    p.video.max_gap_ms = 420.26;
    p.video.black = 0.0123;
    p.video.still = 0;
    p.video.frames_lost = 3;
    p.video.from_expected_sender = true;
    p.video.psnr_mean_db = 38.123;
    p.video.layer = "low";
    p.video.target_kbps = 300;
    p.audio.tone_ok = false;
    p.audio.gaps = 2;
    p.audio.av_sync_p95_ms = 12.34;
    std::string line = rp::stats_json_line(s);
    EXPECT_NE(
        line.find(R"("video":{"fps":29.81,"freeze_count":1,"total_freeze_ms":420.3,)"
                  R"("pause_count":0,"max_gap_ms":420.3,"black":0.012,"still":0,)"
                  R"("frames_lost":3,"from_expected_sender":true,)"
                  R"("psnr_db":{"mean":38.12,"p5":null},"layer":"low","target_kbps":300},)"
                  R"("audio":{"tone_ok":false,"gaps":2,"av_sync_ms":{"p50":null,"p95":12.3}}})"),
        std::string::npos)
        << line;
    std::string text = rp::prometheus_text(s);
    for (const char* want : {"roompeer_peer_video_fps{peer=\"p1\"} 29.814\n",
                             "roompeer_peer_video_freezes_total{peer=\"p1\"} 1\n",
                             "roompeer_peer_video_freeze_seconds_total{peer=\"p1\"} 0.42026\n",
                             "roompeer_peer_video_black_ratio{peer=\"p1\"} 0.0123\n",
                             "roompeer_peer_video_frames_lost_total{peer=\"p1\"} 3\n",
                             "roompeer_peer_video_from_expected_sender{peer=\"p1\"} 1\n",
                             "roompeer_peer_video_psnr_mean_db{peer=\"p1\"} 38.123\n",
                             "roompeer_peer_video_layer_low{peer=\"p1\"} 1\n",
                             "roompeer_peer_video_target_bits_per_second{peer=\"p1\"} 300000\n",
                             "roompeer_peer_audio_tone_ok{peer=\"p1\"} 0\n",
                             "roompeer_peer_audio_gaps_total{peer=\"p1\"} 2\n",
                             "roompeer_peer_audio_av_sync_p95_seconds{peer=\"p1\"} 0.01234\n"})
        EXPECT_NE(text.find(want), std::string::npos) << want << text;
    // Unknown figures: no series.
    EXPECT_EQ(text.find("roompeer_peer_video_psnr_p5_db{"), std::string::npos);
    EXPECT_EQ(text.find("roompeer_peer_audio_av_sync_p50_seconds{"), std::string::npos);
}

TEST(Prometheus, EveryMetricNamedRoompeerWithHelpTypeAndPeerLabel) {
    StatsSample a = sample(1, {peer("p1", 0, 0, 0, 0)});
    StatsSample b = sample(2, {peer("p1", 1000, 2000, 30, 30)});
    b.peers[0].name = "kitchen";
    b.peers[0].rtp.rtt_ms = 2;
    rp::compute_rates(a, b);
    std::string text = rp::prometheus_text(b);
    std::istringstream in(text);
    std::string line;
    std::set<std::string> typed, helped, sampled;
    while (std::getline(in, line)) {
        ASSERT_FALSE(line.empty());
        if (line.rfind("# HELP ", 0) == 0) {
            helped.insert(line.substr(7, line.find(' ', 7) - 7));
        } else if (line.rfind("# TYPE ", 0) == 0) {
            std::string rest = line.substr(7);
            std::string name = rest.substr(0, rest.find(' '));
            std::string type = rest.substr(rest.find(' ') + 1);
            EXPECT_TRUE(type == "gauge" || type == "counter") << line;
            if (type == "counter") {
                EXPECT_NE(name.find("_total"), std::string::npos) << name;
            }
            typed.insert(name);
        } else {
            std::string name = line.substr(0, line.find_first_of("{ "));
            EXPECT_EQ(name.rfind("roompeer_", 0), 0u) << line;
            EXPECT_TRUE(typed.count(name)) << "sample before its TYPE: " << line;
            if (name.rfind("roompeer_peer_", 0) == 0) {
                EXPECT_NE(line.find("{peer=\"p1\",name=\"kitchen\"} "), std::string::npos) << line;
            }
            sampled.insert(name);
        }
    }
    EXPECT_EQ(typed, helped);
    for (const char* must :
         {"roompeer_up", "roompeer_members", "roompeer_connected", "roompeer_source_restarts_total",
          "roompeer_peer_rtt_seconds", "roompeer_peer_bytes_received_total",
          "roompeer_peer_bytes_sent_total", "roompeer_peer_frames_decoded_total",
          "roompeer_peer_receive_bits_per_second", "roompeer_peer_receive_frames_per_second",
          "roompeer_peer_packets_lost"})
        EXPECT_TRUE(sampled.count(must)) << must << "\n" << text;
    EXPECT_NE(text.find("roompeer_up 1\n"), std::string::npos);
    EXPECT_NE(text.find("roompeer_peer_rtt_seconds{peer=\"p1\",name=\"kitchen\"} 0.002\n"),
              std::string::npos)
        << text;
    EXPECT_NE(
        text.find("roompeer_peer_receive_bits_per_second{peer=\"p1\",name=\"kitchen\"} 8000\n"),
        std::string::npos)
        << text;
}

TEST(Prometheus, LabelValuesAreEscapedAndUnknownGaugesLeftOut) {
    StatsSample s = sample(1, {peer("a\"b\\c", 0, 0, 0, 0)});
    s.peers[0].name = "line\nbreak";
    std::string text = rp::prometheus_text(s);
    EXPECT_NE(text.find("{peer=\"a\\\"b\\\\c\",name=\"line\\nbreak\"}"), std::string::npos) << text;
    // No RTT yet: the series is absent rather than a made-up 0.
    EXPECT_EQ(text.find("roompeer_peer_rtt_seconds{"), std::string::npos) << text;
    EXPECT_NE(text.find("# TYPE roompeer_peer_rtt_seconds gauge"), std::string::npos);
}

TEST(StatusLine, MembersStateFpsBitrateRtt) {
    StatsSample a = sample(1, {peer("p1", 0, 0, 0, 0)});
    StatsSample b = sample(2, {peer("p1", 100000, 90000, 30, 29)});
    b.peers[0].rtp.rtt_ms = 1.5;
    rp::compute_rates(a, b);
    EXPECT_EQ(rp::status_text(b, 200),
              "room demo: 1 member, 1 connected | in 30 fps 800 kbit/s | out 29 fps 720 "
              "kbit/s | rtt 1.5 ms");
}

TEST(StatusLine, SpreadsOverMembersAndStatesBeforeConnecting) {
    StatsSample a = sample(1, {peer("p1", 0, 0, 0, 0), peer("p2", 0, 0, 0, 0)});
    StatsSample b = sample(2, {peer("p1", 1000, 1000, 30, 30), peer("p2", 1000, 1000, 25, 30)});
    rp::compute_rates(a, b);
    EXPECT_NE(rp::status_text(b, 200).find("in 25-30 fps 16 kbit/s"), std::string::npos)
        << rp::status_text(b, 200);
    EXPECT_NE(rp::status_text(b, 200).find("rtt - ms"), std::string::npos);

    StatsSample c = sample(1, {peer("p1", 0, 0, 0, 0)});
    c.peers[0].state = rp::PeerState::Connecting;
    EXPECT_EQ(rp::status_text(c, 200), "room demo: 1 member, 0 connected, 1 connecting");
    c.state = rp::RoomState::Connecting;
    EXPECT_EQ(rp::status_text(c, 200), "room demo: connecting to the server");
}

TEST(StatusLine, NeverWiderThanTheTerminal) {
    StatsSample s = sample(1, {peer("p1", 0, 0, 0, 0)});
    std::string text = rp::status_text(s, 20);
    EXPECT_EQ(text.size(), 19u);  // the last column would wrap on some terminals
}

}  // namespace

TEST(Prometheus, SourceRestartsAreACounter) {
    StatsSample s = sample(1, {});
    s.source_restarts = 3;
    std::string text = rp::prometheus_text(s);
    EXPECT_NE(text.find("# TYPE roompeer_source_restarts_total counter\n"), std::string::npos);
    EXPECT_NE(text.find("\nroompeer_source_restarts_total 3\n"), std::string::npos) << text;
    std::string err;
    rp::JsonPtr root = rp::json::parse(rp::stats_json_line(s), &err);
    ASSERT_TRUE(root) << err;
    EXPECT_EQ(rp::json::get_int(rp::json::as_object(root.get()), "source_restarts").value_or(-1),
              3);
}
