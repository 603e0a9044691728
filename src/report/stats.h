// Live figures of a run, sampled every --stats-interval: what webrtcbin's get-stats says about
// each call plus our own frame counters, and the three ways they leave the process (a JSON
// line for --stats, Prometheus text for --metrics-port, the terminal status line). Pure: no
// GStreamer, no I/O, so every format is unit-tested.
#pragma once

#include "report/peer_record.h"
#include "report/quality.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rp {

// Cumulative transport figures of one call, summed over its RTP streams (audio and video).
struct RtpTotals {
    std::uint64_t bytes_received = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t packets_received = 0;
    std::uint64_t packets_sent = 0;
    std::int64_t packets_lost = 0;         // what we lost receiving (RTP sequence gaps)
    std::optional<double> rtt_ms;          // from RTCP receiver reports; none before the first
    std::optional<double> jitter_ms;       // worst inbound stream
    std::int64_t remote_packets_lost = 0;  // of ours, as the member's RTCP reports it
    // Loss recovery (rx, issue #12): NACKs we sent for lost packets, packets the jitter buffer
    // got back by retransmission, NACKs the member sent us.
    std::uint64_t nack_count = 0, packets_repaired = 0, nacks_received = 0;
};

struct PeerStats {
    std::string id;
    std::string name;  // userInfo.name when the member told us, else empty
    PeerState state = PeerState::New;
    RtpTotals rtp;
    std::uint64_t frames_decoded = 0;  // video frames out of our decoder
    std::uint64_t frames_sent = 0;     // video frames handed to this call's payloader
    std::uint64_t audio_buffers_decoded = 0;
    // Rates over the interval since the previous sample of the same peer; none on the first.
    std::optional<double> kbps_in, kbps_out, fps_in, fps_out;
    // The call's quality figures so far (the report's video.* and audio.* fields).
    VideoFigures video;
    AudioFigures audio;
};

// Where the run is with the room service.
enum class RoomState { Connecting, Joined, Leaving };
const char* state_name(RoomState s);

struct StatsSample {
    double unix_time_s = 0;  // wall clock, for the JSON line
    double uptime_s = 0;     // monotonic, since process start; rates use it
    std::string room;
    std::string self_id;  // empty until joined
    RoomState state = RoomState::Connecting;
    int members = 0;  // other members of the room we know of
    // Capture sources (camera, microphone) reopened after an outage (issue #13).
    std::uint64_t source_restarts = 0;
    std::vector<PeerStats> peers;

    int connected() const;
};

// Fills the rate fields of `now` from the same peers' counters in `before` (matched by id).
// Counters that went backwards (a new call under an old id) give no rate.
void compute_rates(const StatsSample& before, StatsSample& now);

// One line, no newline: {"time", "uptime_s", "room", "self_id", "state", "members",
// "connected", "peers": [{"id", "name", "state", "rtt_ms", ..., "video": {"fps", ...},
// "audio": {"tone_ok", ...}}]}.
std::string stats_json_line(const StatsSample& s);

// Prometheus text exposition format 0.0.4, every name starting with roompeer_.
std::string prometheus_text(const StatsSample& s);

// The terminal status line, at most `width` characters (ASCII only, so bytes = columns).
std::string status_text(const StatsSample& s, size_t width);

}  // namespace rp
