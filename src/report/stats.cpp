#include "report/stats.h"

#include "report/quality_json.h"
#include "util/json.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>
#include <map>

namespace rp {

const char* state_name(RoomState s) {
    switch (s) {
        case RoomState::Connecting:
            return "connecting";
        case RoomState::Joined:
            return "joined";
        case RoomState::Leaving:
            return "leaving";
    }
    return "connecting";
}

int StatsSample::connected() const {
    return static_cast<int>(std::count_if(peers.begin(), peers.end(), [](const PeerStats& p) {
        return p.state == PeerState::Connected;
    }));
}

namespace {

// Fixed precision without trailing zeros, as json::Writer::number writes JSON numbers.
std::string number(double v, int decimals = 3) {
    return std::isfinite(v) ? json::fixed(v, decimals) : "NaN";
}

std::string iso_time(double unix_s) {
    auto secs = static_cast<time_t>(std::floor(unix_s));
    int ms = static_cast<int>((unix_s - std::floor(unix_s)) * 1000);
    struct tm tm_utc;
    gmtime_r(&secs, &tm_utc);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm_utc);
    char out[96];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, std::min(ms, 999));
    return out;
}

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
std::string label_value(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string peer_labels(const PeerStats& p) {
    std::string l = "{peer=\"" + label_value(p.id) + "\"";
    if (!p.name.empty()) l += ",name=\"" + label_value(p.name) + "\"";
    return l + "}";
}

std::optional<double> rate(std::uint64_t before, std::uint64_t now, double seconds, double scale) {
    if (now < before || seconds <= 0) return std::nullopt;
    return static_cast<double>(now - before) * scale / seconds;
}

using PerPeer = std::function<void(const char*, const char*, const char*,
                                   const std::function<std::optional<double>(const PeerStats&)>&)>;

template <typename T>
std::optional<double> num(const std::optional<T>& v, double scale = 1) {
    return v ? std::optional<double>(static_cast<double>(*v) * scale) : std::nullopt;
}

// The quality figures (report fields video.* and audio.*), in base units: seconds, bits/s.
void add_quality_metrics(const PerPeer& per_peer) {
    per_peer("roompeer_peer_video_fps", "gauge", "Decoded video frames/s since the first frame.",
             [](const PeerStats& p) { return p.video.fps; });
    per_peer("roompeer_peer_video_freezes_total", "counter", "Video freezes (W3C rule).",
             [](const PeerStats& p) { return num(p.video.freeze_count); });
    per_peer("roompeer_peer_video_freeze_seconds_total", "counter", "Time the video was frozen.",
             [](const PeerStats& p) { return num(p.video.total_freeze_ms, 1e-3); });
    per_peer("roompeer_peer_video_pauses_total", "counter", "Video gaps over 5 s.",
             [](const PeerStats& p) { return num(p.video.pause_count); });
    per_peer("roompeer_peer_video_max_gap_seconds", "gauge", "Longest gap between two frames.",
             [](const PeerStats& p) { return num(p.video.max_gap_ms, 1e-3); });
    per_peer("roompeer_peer_video_black_ratio", "gauge", "Share of the call the picture was black.",
             [](const PeerStats& p) { return p.video.black; });
    per_peer("roompeer_peer_video_still_ratio", "gauge",
             "Share of the call the picture did not change.",
             [](const PeerStats& p) { return p.video.still; });
    per_peer("roompeer_peer_video_frames_lost_total", "counter",
             "Stamped frames that never arrived (--latency-probe).",
             [](const PeerStats& p) { return num(p.video.frames_lost); });
    per_peer("roompeer_peer_video_from_expected_sender", "gauge",
             "1 when the stamps name the member we expect (--latency-probe).",
             [](const PeerStats& p) { return num(p.video.from_expected_sender); });
    per_peer("roompeer_peer_video_psnr_mean_db", "gauge", "Mean PSNR of the received picture.",
             [](const PeerStats& p) { return p.video.psnr_mean_db; });
    per_peer("roompeer_peer_video_psnr_p5_db", "gauge", "5th percentile PSNR of the picture.",
             [](const PeerStats& p) { return p.video.psnr_p5_db; });
    per_peer("roompeer_peer_video_layer_low", "gauge", "Layer we send this member: 0 full, 1 low.",
             [](const PeerStats& p) {
                 return p.video.layer ? std::optional<double>(*p.video.layer == "low" ? 1 : 0)
                                      : std::nullopt;
             });
    per_peer("roompeer_peer_video_target_bits_per_second", "gauge",
             "Video bitrate congestion control aims at for this member.",
             [](const PeerStats& p) { return num(p.video.target_kbps, 1000); });
    per_peer("roompeer_peer_audio_tone_ok", "gauge",
             "1 when the member's test tone is at the frequency its id gives.",
             [](const PeerStats& p) { return num(p.audio.tone_ok); });
    per_peer("roompeer_peer_audio_gaps_total", "counter", "Silences of 20 ms or more in the tone.",
             [](const PeerStats& p) { return num(p.audio.gaps); });
    per_peer("roompeer_peer_audio_av_sync_p50_seconds", "gauge",
             "Audio minus video delay, median (> 0: audio late).",
             [](const PeerStats& p) { return num(p.audio.av_sync_p50_ms, 1e-3); });
    per_peer("roompeer_peer_audio_av_sync_p95_seconds", "gauge",
             "Audio minus video delay, 95th percentile.",
             [](const PeerStats& p) { return num(p.audio.av_sync_p95_ms, 1e-3); });
}

}  // namespace

void compute_rates(const StatsSample& before, StatsSample& now) {
    double dt = now.uptime_s - before.uptime_s;
    for (auto& p : now.peers) {
        auto it = std::find_if(before.peers.begin(), before.peers.end(),
                               [&](const PeerStats& b) { return b.id == p.id; });
        if (it == before.peers.end()) continue;
        p.kbps_in = rate(it->rtp.bytes_received, p.rtp.bytes_received, dt, 8.0 / 1000);
        p.kbps_out = rate(it->rtp.bytes_sent, p.rtp.bytes_sent, dt, 8.0 / 1000);
        p.fps_in = rate(it->frames_decoded, p.frames_decoded, dt, 1);
        p.fps_out = rate(it->frames_sent, p.frames_sent, dt, 1);
    }
}

std::string stats_json_line(const StatsSample& s) {
    json::Writer w = json::Writer::compact();
    w.begin_object();
    w.key("time").string(iso_time(s.unix_time_s));
    w.key("uptime_s").number(s.uptime_s, 3);
    w.key("room").string(s.room);
    w.key("self_id").string_or_null(s.self_id);
    w.key("state").string(state_name(s.state));
    w.key("members").integer(s.members);
    w.key("connected").integer(s.connected());
    w.key("source_restarts").integer(s.source_restarts);
    w.key("peers").begin_array();
    for (const auto& p : s.peers) {
        w.begin_object();
        w.key("id").string(p.id);
        w.key("name").string_or_null(p.name);
        w.key("state").string(state_name(p.state));
        w.key("rtt_ms").number(p.rtp.rtt_ms, 3);
        w.key("jitter_ms").number(p.rtp.jitter_ms, 3);
        w.key("packets_lost").integer(p.rtp.packets_lost);
        w.key("remote_packets_lost").integer(p.rtp.remote_packets_lost);
        w.key("nack_count").integer(p.rtp.nack_count);  // rx: loss recovery
        w.key("packets_repaired").integer(p.rtp.packets_repaired);
        w.key("nacks_received").integer(p.rtp.nacks_received);
        w.key("bytes_received").integer(p.rtp.bytes_received);
        w.key("bytes_sent").integer(p.rtp.bytes_sent);
        w.key("packets_received").integer(p.rtp.packets_received);
        w.key("packets_sent").integer(p.rtp.packets_sent);
        w.key("kbps_in").number(p.kbps_in, 1);
        w.key("kbps_out").number(p.kbps_out, 1);
        w.key("fps_in").number(p.fps_in, 1);
        w.key("fps_out").number(p.fps_out, 1);
        w.key("frames_decoded").integer(p.frames_decoded);
        w.key("frames_sent").integer(p.frames_sent);
        w.key("audio_buffers_decoded").integer(p.audio_buffers_decoded);
        w.key("video").begin_object();
        add_video_figures(w, p.video);
        w.end_object();
        w.key("audio").begin_object();
        add_audio_figures(w, p.audio);
        w.end_object();
        w.end_object();
    }
    w.end_array().end_object();
    return w.str();
}

std::string prometheus_text(const StatsSample& s) {
    std::string o;
    auto family = [&](const char* name, const char* type, const char* help) {
        o += std::string("# HELP ") + name + " " + help + "\n";
        o += std::string("# TYPE ") + name + " " + type + "\n";
    };
    auto process = [&](const char* name, const char* type, const char* help, double v) {
        family(name, type, help);
        o += std::string(name) + " " + number(v) + "\n";
    };
    process("roompeer_up", "gauge", "1 while roompeer runs.", 1);
    process("roompeer_uptime_seconds", "gauge", "Seconds since roompeer started.", s.uptime_s);
    process("roompeer_joined", "gauge", "1 when joined to the room.",
            s.state == RoomState::Joined ? 1 : 0);
    process("roompeer_members", "gauge", "Other members of the room.", s.members);
    process("roompeer_connected", "gauge", "Calls whose connection state is connected.",
            s.connected());
    process("roompeer_source_restarts_total", "counter",
            "Capture sources (camera, microphone) reopened after an outage.",
            static_cast<double>(s.source_restarts));

    using Get = std::function<std::optional<double>(const PeerStats&)>;
    auto per_peer = [&](const char* name, const char* type, const char* help, const Get& get) {
        family(name, type, help);
        for (const auto& p : s.peers) {
            auto v = get(p);
            if (v && std::isfinite(*v)) o += name + peer_labels(p) + " " + number(*v, 6) + "\n";
        }
    };
    auto u = [](std::uint64_t v) { return std::optional<double>(static_cast<double>(v)); };
    auto ms_to_s = [](const std::optional<double>& ms) {
        return ms ? std::optional<double>(*ms / 1000) : std::nullopt;
    };
    per_peer("roompeer_peer_connected", "gauge", "1 when the call with this member is connected.",
             [](const PeerStats& p) { return p.state == PeerState::Connected ? 1.0 : 0.0; });
    per_peer("roompeer_peer_bytes_received_total", "counter", "RTP bytes received (get-stats).",
             [&](const PeerStats& p) { return u(p.rtp.bytes_received); });
    per_peer("roompeer_peer_bytes_sent_total", "counter", "RTP bytes sent (get-stats).",
             [&](const PeerStats& p) { return u(p.rtp.bytes_sent); });
    per_peer("roompeer_peer_packets_received_total", "counter", "RTP packets received.",
             [&](const PeerStats& p) { return u(p.rtp.packets_received); });
    per_peer("roompeer_peer_packets_sent_total", "counter", "RTP packets sent.",
             [&](const PeerStats& p) { return u(p.rtp.packets_sent); });
    per_peer("roompeer_peer_packets_lost", "gauge",
             "RTP packets lost on the way to us (can fall when late packets arrive).",
             [](const PeerStats& p) { return static_cast<double>(p.rtp.packets_lost); });
    per_peer("roompeer_peer_remote_packets_lost", "gauge",
             "Our RTP packets the member reports lost (RTCP).",
             [](const PeerStats& p) { return static_cast<double>(p.rtp.remote_packets_lost); });
    per_peer("roompeer_peer_rtt_seconds", "gauge", "Round-trip time from RTCP receiver reports.",
             [&](const PeerStats& p) { return ms_to_s(p.rtp.rtt_ms); });
    per_peer("roompeer_peer_jitter_seconds", "gauge", "Interarrival jitter of what we receive.",
             [&](const PeerStats& p) { return ms_to_s(p.rtp.jitter_ms); });
    per_peer("roompeer_peer_receive_bits_per_second", "gauge",
             "Received RTP bitrate over the last interval.", [](const PeerStats& p) {
                 return p.kbps_in ? std::optional<double>(*p.kbps_in * 1000) : std::nullopt;
             });
    per_peer("roompeer_peer_send_bits_per_second", "gauge",
             "Sent RTP bitrate over the last interval.", [](const PeerStats& p) {
                 return p.kbps_out ? std::optional<double>(*p.kbps_out * 1000) : std::nullopt;
             });
    per_peer("roompeer_peer_receive_frames_per_second", "gauge",
             "Video frames decoded per second over the last interval.",
             [](const PeerStats& p) { return p.fps_in; });
    per_peer("roompeer_peer_send_frames_per_second", "gauge",
             "Video frames sent per second over the last interval.",
             [](const PeerStats& p) { return p.fps_out; });
    per_peer("roompeer_peer_frames_decoded_total", "counter", "Video frames decoded.",
             [&](const PeerStats& p) { return u(p.frames_decoded); });
    per_peer("roompeer_peer_frames_sent_total", "counter", "Video frames sent.",
             [&](const PeerStats& p) { return u(p.frames_sent); });
    per_peer("roompeer_peer_audio_buffers_decoded_total", "counter", "Audio buffers decoded.",
             [&](const PeerStats& p) { return u(p.audio_buffers_decoded); });
    add_quality_metrics(per_peer);
    return o;
}

namespace {

// "30" for one value or equal values, "29-30" for a spread over several members.
std::string span(std::vector<double> v, int decimals) {
    if (v.empty()) return "-";
    auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    std::string a = number(*lo, decimals), b = number(*hi, decimals);
    return a == b ? a : a + "-" + b;
}

}  // namespace

std::string status_text(const StatsSample& s, size_t width) {
    std::string o = "room " + s.room + ": ";
    if (s.state != RoomState::Joined) {
        o += s.state == RoomState::Leaving ? "leaving" : "connecting to the server";
    } else {
        int n = s.members;
        o += std::to_string(n) + (n == 1 ? " member, " : " members, ") +
             std::to_string(s.connected()) + " connected";
        std::vector<double> fps_in, fps_out, rtt;
        double kin = 0, kout = 0;
        for (const auto& p : s.peers) {
            if (p.state != PeerState::Connected) continue;
            if (p.fps_in) fps_in.push_back(*p.fps_in);
            if (p.fps_out) fps_out.push_back(*p.fps_out);
            if (p.rtp.rtt_ms) rtt.push_back(*p.rtp.rtt_ms);
            kin += p.kbps_in.value_or(0);
            kout += p.kbps_out.value_or(0);
        }
        if (s.connected() > 0) {
            o += " | in " + span(fps_in, 0) + " fps " + number(kin, 0) + " kbit/s";
            o += " | out " + span(fps_out, 0) + " fps " + number(kout, 0) + " kbit/s";
            o += " | rtt " +
                 span(rtt, rtt.empty() || *std::max_element(rtt.begin(), rtt.end()) >= 10 ? 0 : 1) +
                 " ms";
        } else {
            std::map<std::string, int> states;
            for (const auto& p : s.peers) ++states[state_name(p.state)];
            for (const auto& [state, count] : states)
                o += ", " + std::to_string(count) + " " + state;
        }
    }
    if (width > 0 && o.size() >= width) o.resize(width - 1);
    return o;
}

}  // namespace rp
