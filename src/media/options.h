// What the media layer needs to know, as plain data: capture sources, the shared encoder,
// ICE servers and what to do with remote streams. Filled by src/cli; read by src/media only.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace rp {

enum class VideoCodec { VP8, VP9, H264 };
const char* codec_name(VideoCodec c);

struct SourceSpec {
    std::string kind;    // "test", "v4l2"/"libcamera"/"alsa", "none", "auto"
    std::string device;  // optional device path, libcamera camera id or ALSA name
};

struct SinkSpec {
    std::string kind;  // "fake", "window", "file"
    std::string dir;   // for "file": an absolute path
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

namespace media {

// --video-bitrate's default for pictures over 320x240 (rate_controller.h: default_ceiling_kbps).
inline constexpr int kDefaultCeilingKbps = 800;

struct Options {
    SourceSpec video{"test", ""};
    SourceSpec audio{"test", ""};
    VideoCodec codec = VideoCodec::VP8;
    int width = 640;
    int height = 480;
    int fps = 30;
    int video_bitrate_kbps = kDefaultCeilingKbps;  // the ceiling of congestion control
    int min_video_bitrate_kbps = 0;  // its floor; 0 until the options are read (then >= 16)
    std::vector<SinkSpec> sinks;
    // grid: --sink window's one window (media/video_wall.h)
    int window_width = 1280;  // --window-size
    int window_height = 720;
    bool fullscreen = false;                 // --fullscreen
    std::optional<VideoPreset> video_chain;  // from --preset or --video-pipeline
    std::string
        preset_pick_note;  // issue 13: the preset a Pi model got with --video auto, or why not
    std::string audio_pipeline;  // --audio-pipeline fragment; empty: built in
    // issue 13 (audio): --audio-out (empty: auto with --sink window, else none; see
    // media/audio_output.h) and --echo-cancel (webrtcdsp on the microphone).
    std::string audio_out;
    bool echo_cancel = false;

    std::vector<std::string> stun{"stun:stun.l.google.com:19302", "stun:stun.services.mozilla.com"};
    std::vector<std::string> turn;  // with passwords: print only through redact_url()
    bool ice_relay_only = false;    // --ice-transport-policy relay
    std::vector<std::string> ice_addresses;
    int latency_ms = 50;         // jittery links want more; lossy thin ones freeze with more
    bool latency_probe = false;  // stamp test frames with their capture time
    int max_peers = 16;          // simultaneous calls; each costs a decoder and a send branch
    std::string dtls_key_cache;  // empty: the default place; "none": no cache
};

}  // namespace media
}  // namespace rp
