// What we know about one member for the report. Counters are written by streaming threads
// (atomics only); everything else by the main loop.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace rp {

struct MediaCounters {
    std::atomic<std::uint64_t> video_frames{0};
    std::atomic<int> width{0};
    std::atomic<int> height{0};
    std::atomic<std::uint64_t> audio_buffers{0};
    std::atomic<double> first_video_frame_ms{-1};  // since process start; -1 = none yet
};

struct PeerRecord {
    std::string id;
    std::string user_json = "{}";
    std::string state = "new";  // new|connecting|connected|disconnected|failed|closed
    bool ever_connected = false;
    std::string end_reason;  // why the call ended, when it did: "left the room", "no media..."
    bool remote_sends_video = false;
    bool remote_sends_audio = false;
    std::shared_ptr<MediaCounters> counters = std::make_shared<MediaCounters>();
};

}  // namespace rp
