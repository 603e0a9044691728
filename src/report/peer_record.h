// What we know about one member for the report. Counters are written by streaming threads
// (atomics only); everything else by the main loop.
#pragma once

#include "report/audio_quality.h"
#include "report/video_quality.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rp {

// Glass-to-glass latencies from --latency-probe stamps: the newest kMax, written by the
// decoder's streaming thread, read by the main loop for the report.
class LatencySamples {
  public:
    static constexpr size_t kMax = 10000;
    void add(std::uint32_t ms) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (ring_.size() < kMax)
            ring_.push_back(ms);
        else
            ring_[next_++ % kMax] = ms;
    }
    std::vector<std::uint32_t> snapshot() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return ring_;
    }

    // The median of the newest `n` samples (the video latency "now"); empty before the first.
    std::optional<double> recent_median(size_t n) const {
        std::vector<std::uint32_t> recent;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            size_t size = ring_.size(), newest = size < kMax ? size : next_ % kMax + kMax;
            for (size_t i = 1; i <= n && i <= size; ++i)
                recent.push_back(ring_[(newest - i) % kMax]);
        }
        if (recent.empty()) return std::nullopt;
        std::nth_element(recent.begin(), recent.begin() + recent.size() / 2, recent.end());
        return recent[recent.size() / 2];
    }

  private:
    mutable std::mutex mutex_;
    std::vector<std::uint32_t> ring_;
    size_t next_ = 0;
};

struct MediaCounters {
    std::atomic<std::uint64_t> video_frames{0};
    std::atomic<int> width{0};
    std::atomic<int> height{0};
    std::atomic<std::uint64_t> audio_buffers{0};
    std::atomic<double> first_video_frame_ms{-1};  // since process start; -1 = none yet
    LatencySamples latency;
    VideoQuality video_quality;  // fed per decoded frame at the sink
    AudioQuality audio_quality;  // fed per decoded audio buffer
    // What we send to this member (congestion control, main loop): -1 none yet.
    std::atomic<int> target_kbps{-1};
    std::atomic<int> layer{-1};
    // Round trip from the member's RTCP report blocks, computed by us (main loop); -1 none.
    std::atomic<double> rtt_ms{-1};      // 0 full, 1 low
    std::atomic<int> estimate_kbps{-1};  // cc: the call's bandwidth estimate
};

// The ICE candidate pair a call's media uses, from webrtcbin's get-stats.
struct SelectedPair {
    std::string local_type;   // host | srflx | prflx | relay
    std::string remote_type;  // host | srflx | prflx | relay
    std::string protocol;     // udp | tcp
    bool operator==(const SelectedPair&) const = default;
};

// A call's state, as webrtcbin's connection-state names it (and the report prints it).
enum class PeerState { New, Connecting, Connected, Disconnected, Failed, Closed };
const char* state_name(PeerState s);

struct PeerRecord {
    std::string id;
    std::string user_json = "{}";
    PeerState state = PeerState::New;
    bool ever_connected = false;
    std::string end_reason;  // why the call ended, when it did: "left the room", "no media..."
    bool remote_sends_video = false;
    bool remote_sends_audio = false;
    std::optional<SelectedPair> selected_pair;  // once connected and known
    std::shared_ptr<MediaCounters> counters = std::make_shared<MediaCounters>();
};

}  // namespace rp
