// RTCP report blocks (RFC 3550 6.4) of sender and receiver reports, parsed from a compound
// RTCP packet, and the latest block per reported SSRC. webrtcbin 1.22 keeps one report block
// per remote source, so with audio and video bundled the video's is overwritten by the
// audio's; congestion control reads the packets themselves. Pure: no GStreamer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace rp::media {

struct ReportBlock {
    std::uint32_t ssrc = 0;          // the source reported on: ours
    std::uint8_t fraction_lost = 0;  // of 256, since the previous report
    std::int32_t packets_lost = 0;   // cumulative, 24-bit signed
    std::uint32_t ext_highest_seq = 0;
    std::uint32_t jitter = 0;  // RTP timestamp units
    std::uint32_t lsr = 0;
    std::uint32_t dlsr = 0;
};

// Every report block of the SR and RR packets in `data` (a compound or reduced-size RTCP
// packet); stops at the first malformed packet.
std::vector<ReportBlock> parse_report_blocks(const std::uint8_t* data, std::size_t size);

struct SenderReportInfo {
    std::uint32_t ssrc = 0;
    std::uint32_t ntp_middle = 0;  // the middle 32 bits of its NTP timestamp: a block's LSR
};
// The sender info of every SR packet in `data`.
std::vector<SenderReportInfo> parse_sender_reports(const std::uint8_t* data, std::size_t size);

// An RR packet from `sender_ssrc` carrying `blocks` (at most 31), in wire format.
std::vector<std::uint8_t> receiver_report(std::uint32_t sender_ssrc,
                                          const std::vector<ReportBlock>& blocks);

// The report blocks we send as a receiver: GStreamer 1.22 puts none in the early RTCP packets
// that carry our keyframe requests, and on a lossy link nearly every packet is early, so the
// sender never hears how its streams arrive (and the regular ones report on one source only).
// From the receive counters of each remote sender (sampled on the main loop) this makes the
// blocks that RtcpWatch appends for the sources a packet does not report on.
class ReceiverReports {
  public:
    struct Counters {
        std::uint32_t ssrc = 0;
        std::uint64_t received = 0;
        std::int64_t lost = 0;  // cumulative, as GStreamer counts it
        std::uint32_t jitter = 0;
    };
    // Main loop: the current counters of every remote sender.
    void update(const std::vector<Counters>& now);
    // Any thread: the blocks to send (fraction lost over the last update interval), with the
    // LSR and DLSR of each sender's newest sender report when one came (`now`: ntp_compact of
    // the time they leave), so that the member can compute its round trip.
    std::vector<ReportBlock> blocks(std::uint32_t now = 0) const;
    // Streaming thread: a sender report of `ssrc` (middle 32 bits of its NTP time) arrived at
    // `arrival` (ntp_compact).
    void sender_report(std::uint32_t ssrc, std::uint32_t ntp_middle, std::uint32_t arrival);

  private:
    struct LastSr {
        std::uint32_t lsr = 0;
        std::uint32_t arrival = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::uint32_t, LastSr> sr_;
    std::map<std::uint32_t, Counters> last_;
    std::vector<ReportBlock> blocks_;
};

// The latest block per SSRC, written by a streaming thread and read by the main loop.
// The round trip a report block tells (RFC 3550 6.4.1): the middle 32 bits of the NTP time it
// arrived at, minus its LSR and DLSR. Nullopt when the block has no LSR (its sender had no
// sender report of ours yet) or the result is not a plausible round trip (over 60 s).
std::optional<double> round_trip_ms(const ReportBlock& b, std::uint32_t arrival_ntp_compact);
// The middle 32 bits of the NTP time of `unix_us` microseconds since 1970.
std::uint32_t ntp_compact(std::int64_t unix_us);

class ReportBlockStore {
  public:
    // `arrival_ntp_compact`: ntp_compact() of the time the packet arrived; 0: not known.
    void add(const std::vector<ReportBlock>& blocks, std::uint32_t arrival_ntp_compact = 0);
    // The newest round trip any block with an LSR told; nullopt before the first.
    std::optional<double> rtt_ms() const;
    // The largest round trip the blocks told since the last take; nullopt when none did.
    std::optional<double> take_max_rtt_ms();
    // The latest block about `ssrc` and how many arrived so far; nullopt before the first.
    std::optional<ReportBlock> latest(std::uint32_t ssrc, std::uint64_t* count = nullptr) const;
    // The mean fraction lost (0..1) of the blocks about `ssrc` since the last take; nullopt
    // when none came. Each block's fraction covers its sender's own interval, so blocks made
    // by different generators (GStreamer's, ReceiverReports') mix safely.
    std::optional<double> take_fraction_lost(std::uint32_t ssrc);

  private:
    struct Slot {
        ReportBlock last;
        std::uint64_t count = 0;
        double fraction_sum = 0;  // since the last take
        unsigned fractions = 0;
    };
    mutable std::mutex mutex_;
    std::map<std::uint32_t, Slot> blocks_;
    std::optional<double> rtt_ms_;
    std::optional<double> max_rtt_ms_;  // since the last take
};

}  // namespace rp::media
