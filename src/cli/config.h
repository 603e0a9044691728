// Everything the command line says, as plain data. Built by options.cpp, read by everyone else.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rp {

enum class VideoCodec { VP8, VP9, H264 };

struct SourceSpec {
    std::string kind;    // "test", "v4l2"/"alsa", "none", "auto"
    std::string device;  // optional device path or ALSA name
};

struct SinkSpec {
    std::string kind;  // "fake", "window", "file"
    std::string dir;   // for "file"
};

// A video capture+encode chain: a preset file, or --video-pipeline. Fragments are gst-launch
// text with {placeholders} (see pipelines/presets/README).
struct VideoPreset {
    std::string name;                   // preset name, or "--video-pipeline"
    std::string path;                   // file it came from; empty for --video-pipeline
    std::string codec;                  // "vp8", "vp9", "h264"; empty: whatever --video-codec says
    std::string source;                 // with --video v4l2 / auto
    std::string test_source;            // with --video test
    std::string encode;                 // raw (or camera) video in, encoded video of `codec` out
    std::vector<std::string> required;  // elements that must exist (hardware encoders)
};

struct Config {
    std::string server;                // the first --server, as given
    std::string ws_url;                // its normalized WebSocket endpoint
    std::vector<std::string> servers;  // every --server, as given, in order
    std::vector<std::string> ws_urls;  // their WebSocket endpoints, same order
    std::string room;
    std::string name = "roompeer";
    std::string user_json = "{}";
    std::string auth_json;
    std::string ca_file;    // PEM CA trusted for wss:// besides the system store
    bool insecure = false;  // no TLS certificate verification at all

    SourceSpec video{"test", ""};
    SourceSpec audio{"test", ""};
    VideoCodec codec = VideoCodec::VP8;
    int width = 640;
    int height = 480;
    int fps = 30;
    int video_bitrate_kbps = 800;
    std::vector<SinkSpec> sinks;
    std::string preset;                      // --preset NAME as given
    std::optional<VideoPreset> video_chain;  // from --preset or --video-pipeline
    std::string audio_pipeline;              // --audio-pipeline fragment; empty: built in

    std::vector<std::string> stun{"stun:stun.l.google.com:19302", "stun:stun.services.mozilla.com"};
    std::vector<std::string> turn;  // with passwords: print only through redact_url()
    bool ice_relay_only = false;    // --ice-transport-policy relay
    std::vector<std::string> ice_addresses;
    int latency_ms = 50;         // LAN-friendly; raise it for lossy or jittery links
    bool latency_probe = false;  // stamp test frames with their capture time
    int max_peers = 16;          // simultaneous calls; each costs a decoder and a send branch
    std::string dtls_key_cache;  // empty: the default place; "none": no cache

    double duration_s = 0;
    double connect_timeout_s = 0;  // first connection only; 0: keep trying while the run lasts
    std::string report_path;
    int expect_peers = -1;   // -1: no expectation
    int expect_frames = -1;  // -1: derived (1 with --expect-peers, else none)

    std::string stats_path;         // --stats: JSON lines to FILE, "-" for stdout; empty: off
    double stats_interval_s = 1.0;  // between two --stats lines
    int metrics_port = -1;          // -1: no metrics endpoint; 0: any free port
    std::string metrics_address = "127.0.0.1";
    bool status_line = true;  // on a terminal only; --quiet turns it off

    int verbosity = 0;  // -1 quiet, 0 normal, 1+ verbose
};

const char* codec_name(VideoCodec c);

}  // namespace rp
