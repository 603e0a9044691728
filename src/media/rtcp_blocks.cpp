#include "media/rtcp_blocks.h"

#include <algorithm>
#include <utility>

namespace rp::media {

namespace {
std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           p[3];
}
}  // namespace

std::vector<ReportBlock> parse_report_blocks(const std::uint8_t* data, std::size_t size) {
    std::vector<ReportBlock> out;
    std::size_t at = 0;
    while (data && at + 4 <= size) {
        const std::uint8_t* h = data + at;
        if ((h[0] >> 6) != 2) break;  // not RTCP version 2
        unsigned count = h[0] & 0x1f;
        unsigned type = h[1];
        std::size_t length = (std::size_t{h[2]} << 8 | h[3]) * 4 + 4;
        if (at + length > size) break;
        // SR: sender SSRC and 20 bytes of sender info; RR: the SSRC only.
        std::size_t first = type == 200 ? 28 : type == 201 ? 8 : 0;
        if (first && first + count * 24 <= length) {
            for (unsigned i = 0; i < count; ++i) {
                const std::uint8_t* b = h + first + i * 24;
                ReportBlock rb;
                rb.ssrc = be32(b);
                rb.fraction_lost = b[4];
                std::int32_t lost = (std::int32_t{b[5]} << 16) | (b[6] << 8) | b[7];
                if (lost & 0x800000) lost -= 0x1000000;  // 24-bit two's complement
                rb.packets_lost = lost;
                rb.ext_highest_seq = be32(b + 8);
                rb.jitter = be32(b + 12);
                rb.lsr = be32(b + 16);
                rb.dlsr = be32(b + 20);
                out.push_back(rb);
            }
        }
        at += length;
    }
    return out;
}

std::vector<std::uint8_t> receiver_report(std::uint32_t sender_ssrc,
                                          const std::vector<ReportBlock>& blocks) {
    std::size_t n = std::min<std::size_t>(blocks.size(), 31);
    std::vector<std::uint8_t> out;
    auto put = [&](std::uint32_t x) {
        for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(x >> s));
    };
    out.push_back(static_cast<std::uint8_t>(0x80 | n));
    out.push_back(201);
    std::size_t words = 1 + 6 * n;  // length: 32-bit words after the first
    out.push_back(static_cast<std::uint8_t>(words >> 8));
    out.push_back(static_cast<std::uint8_t>(words));
    put(sender_ssrc);
    for (std::size_t i = 0; i < n; ++i) {
        const ReportBlock& b = blocks[i];
        put(b.ssrc);
        auto lost = static_cast<std::uint32_t>(std::clamp(b.packets_lost, -0x800000, 0x7fffff));
        put((std::uint32_t{b.fraction_lost} << 24) | (lost & 0xffffff));
        put(b.ext_highest_seq);
        put(b.jitter);
        put(b.lsr);
        put(b.dlsr);
    }
    return out;
}

void ReceiverReports::update(const std::vector<Counters>& now) {
    std::vector<ReportBlock> blocks;
    std::map<std::uint32_t, Counters> next;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& c : now) {
        ReportBlock b;
        b.ssrc = c.ssrc;
        b.packets_lost =
            static_cast<std::int32_t>(std::clamp<std::int64_t>(c.lost, -0x800000, 0x7fffff));
        // What we expected so far: received plus lost (GStreamer does not give the highest
        // sequence number itself); a sender only uses its differences.
        b.ext_highest_seq =
            static_cast<std::uint32_t>(c.received + std::max<std::int64_t>(0, c.lost));
        b.jitter = c.jitter;
        if (auto it = last_.find(c.ssrc); it != last_.end()) {
            std::int64_t expected = static_cast<std::int64_t>(c.received - it->second.received) +
                                    (c.lost - it->second.lost);
            std::int64_t lost = c.lost - it->second.lost;
            if (expected > 0 && lost > 0)
                b.fraction_lost =
                    static_cast<std::uint8_t>(std::min<std::int64_t>(255, lost * 256 / expected));
        }
        blocks.push_back(b);
        next[c.ssrc] = c;
    }
    last_ = std::move(next);
    blocks_ = std::move(blocks);
}

std::vector<ReportBlock> ReceiverReports::blocks(std::uint32_t now) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<ReportBlock> out = blocks_;
    for (auto& b : out) {
        auto sr = sr_.find(b.ssrc);
        if (now == 0 || sr == sr_.end()) continue;
        b.lsr = sr->second.lsr;
        b.dlsr = now - sr->second.arrival;  // 1/65536 s since it came
    }
    return out;
}

void ReceiverReports::sender_report(std::uint32_t ssrc, std::uint32_t ntp_middle,
                                    std::uint32_t arrival) {
    std::lock_guard<std::mutex> lock(mutex_);
    sr_[ssrc] = {ntp_middle, arrival};
}

std::vector<SenderReportInfo> parse_sender_reports(const std::uint8_t* data, std::size_t size) {
    std::vector<SenderReportInfo> out;
    std::size_t at = 0;
    while (data && at + 4 <= size) {
        const std::uint8_t* h = data + at;
        if ((h[0] >> 6) != 2) break;
        std::size_t length = (std::size_t{h[2]} << 8 | h[3]) * 4 + 4;
        if (at + length > size) break;
        if (h[1] == 200 && length >= 28)
            out.push_back({be32(h + 4), (be32(h + 8) << 16) | (be32(h + 12) >> 16)});
        at += length;
    }
    return out;
}

std::uint32_t ntp_compact(std::int64_t unix_us) {
    constexpr std::uint64_t kNtpToUnixS = 2208988800ull;  // 1900 to 1970
    std::uint64_t sec = static_cast<std::uint64_t>(unix_us / 1000000) + kNtpToUnixS;
    std::uint64_t frac16 = (static_cast<std::uint64_t>(unix_us % 1000000) << 16) / 1000000;
    return static_cast<std::uint32_t>(((sec & 0xffff) << 16) | frac16);
}

std::optional<double> round_trip_ms(const ReportBlock& b, std::uint32_t arrival) {
    if (b.lsr == 0 || arrival == 0) return std::nullopt;
    std::uint32_t rtt = arrival - b.lsr - b.dlsr;  // modulo 2^32, in 1/65536 s
    double ms = rtt * 1000.0 / 65536.0;
    if (ms > 60000) return std::nullopt;  // negative (clocks) or absurd
    return ms;
}

std::optional<double> ReportBlockStore::rtt_ms() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return rtt_ms_;
}

void ReportBlockStore::add(const std::vector<ReportBlock>& blocks, std::uint32_t arrival) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& b : blocks) {
        if (auto rtt = round_trip_ms(b, arrival)) {
            rtt_ms_ = rtt;
            if (!max_rtt_ms_ || *rtt > *max_rtt_ms_) max_rtt_ms_ = rtt;
        }
        Slot& slot = blocks_[b.ssrc];
        slot.last = b;
        ++slot.count;
        slot.fraction_sum += b.fraction_lost / 256.0;
        ++slot.fractions;
    }
}

std::optional<double> ReportBlockStore::take_max_rtt_ms() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(max_rtt_ms_, std::nullopt);
}

std::optional<ReportBlock> ReportBlockStore::latest(std::uint32_t ssrc,
                                                    std::uint64_t* count) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = blocks_.find(ssrc);
    if (count) *count = it == blocks_.end() ? 0 : it->second.count;
    if (it == blocks_.end()) return std::nullopt;
    return it->second.last;
}

std::optional<double> ReportBlockStore::take_fraction_lost(std::uint32_t ssrc) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = blocks_.find(ssrc);
    if (it == blocks_.end() || it->second.fractions == 0) return std::nullopt;
    double mean = it->second.fraction_sum / it->second.fractions;
    it->second.fraction_sum = 0;
    it->second.fractions = 0;
    return mean;
}

}  // namespace rp::media
