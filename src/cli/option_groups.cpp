// One function per group of options: each registers its options with CLI11, in --help order,
// and binds them to the fields of its own layer's options (or to RawOptions for text that the
// checks in option_checks.cpp read afterwards).
#include "cli/options_internal.h"

#include "media/grid_layout.h"  // grid: --window-size
#include "util/redact.h"

namespace rp::cli {

void add_server_options(CLI::App& app, app::ServerOptions& server, RawOptions& raw) {
    auto* group = "Room";
    app.add_option("-s,--server", raw.servers,
                   "Room server URL: ws://, wss://, http:// or https:// (the Socket.IO path is "
                   "added when the URL has none). Repeatable or comma-separated: nodes of one "
                   "room service; the first that answers is used, and when it is lost the next "
                   "one in turn. Required, here or in --config")
        ->delimiter(',')
        ->group(group);
    app.add_option("-r,--room", server.room, "Room to join. Required, here or in --config")
        ->group(group);
    app.add_option("-n,--name", server.name, "Our name, sent as userInfo.name")
        ->capture_default_str()
        ->group(group);
    app.add_option("--user-json", server.user_json, "JSON object merged into userInfo")
        ->capture_default_str()
        ->group(group);
    app.add_option("--auth", server.auth_json,
                   "JSON object sent as the Socket.IO CONNECT auth payload (its values are "
                   "secret: never logged or printed)")
        ->group(group);
    app.add_option("--ca-file", server.ca_file,
                   "PEM file of CA certificates trusted for wss:// and https:// servers, besides "
                   "the system store")
        ->group(group);
    app.add_flag("--insecure", server.insecure,
                 "Do not verify the room server's TLS certificate (warns; tests only)")
        ->group(group);
}

void add_media_options(CLI::App& app, media::Options& media, std::string& preset, RawOptions& raw) {
    auto* group = "Media";
    app.add_option("--video", raw.video,
                   "Video source: test | v4l2[:DEVICE] | libcamera[:CAMERA-ID] (a Raspberry Pi "
                   "camera module) | none | auto (a camera module, else a USB camera; on a Pi "
                   "4/5 with no --preset it picks rpi4-camera/rpi5-camera). With --preset: test "
                   "runs the preset with a test source in place of the camera")
        ->capture_default_str()
        ->group(group);
    app.add_option("--audio", raw.audio, "Audio source: test | alsa[:DEVICE] | none | auto")
        ->capture_default_str()
        ->group(group);
    app.add_option("--video-codec", raw.codec,
                   "Video codec we send: vp8 | vp9 | h264 (h264 uses the hardware encoder when "
                   "there is one, else x264)")
        ->capture_default_str()
        ->check(CLI::IsMember({"vp8", "vp9", "h264"}))
        ->group(group);
    app.add_option("--video-size", raw.size, "Capture size WxH")
        ->capture_default_str()
        ->group(group);
    app.add_option("--fps", media.fps, "Capture frame rate")
        ->capture_default_str()
        ->check(CLI::Range(1, 120))
        ->group(group);
    app.add_option("--video-bitrate", media.video_bitrate_kbps,
                   "Ceiling of the video bitrate in kbit/s; congestion control sends at most "
                   "this (default 800, or 600 up to 320x240 pixels, as browsers do)")
        ->check(CLI::Range(16, 50000))
        ->group(group);
    app.add_option("--min-video-bitrate", media.min_video_bitrate_kbps,
                   "Floor of the video bitrate in kbit/s that congestion control keeps to "
                   "(default 100, or --video-bitrate when lower)")
        ->check(CLI::Range(16, 50000))
        ->group(group);
    app.add_option("--sink", raw.sinks,
                   "What to do with every member's media, repeatable: fake (decode and count) | "
                   "window | file:DIR "
                   "(one Matroska file per member, no re-encoding). Default: window with a "
                   "display, else fake")
        ->group(group);
    // grid: the video wall of --sink window
    app.add_option_function<std::string>(
           "--window-size",
           [&media](const std::string& text) {
               if (auto size = media::parse_window_size(text, nullptr)) {
                   media.window_width = size->first;
                   media.window_height = size->second;
               }
           },
           "--sink window: size of the one window that shows every member, tiled in a grid "
           "(WIDTHxHEIGHT, even, 16 to 7680)")
        ->default_str("1280x720")
        ->type_name("WxH")
        ->check(CLI::Validator(
            [](std::string& text) {
                std::string error;
                return media::parse_window_size(text, &error) ? std::string() : error;
            },
            ""))
        ->group(group);
    app.add_flag("--fullscreen", media.fullscreen,
                 "--sink window: fill the screen (Wayland; the console's kmssink always does; "
                 "under X11 give --window-size the screen's size)")
        ->group(group);
    app.add_option("--preset", preset,
                   "Named capture+encode chain from pipelines/presets: rpi4-camera | "
                   "rpi5-camera | rpi-h264 | usb-mjpeg | camera-h264 | x264-lowlatency | "
                   "vp8-realtime | a path to a .preset file")
        ->group(group);
    app.add_option("--video-pipeline", raw.video_pipeline,
                   "gst-launch fragment that captures video: ends in raw video (roompeer "
                   "encodes it) or in video of --video-codec (sent as is); {width} {height} "
                   "{fps} {bitrate} {device} are filled in")
        ->group(group)
        ->excludes("--preset");
    app.add_option("--audio-pipeline", media.audio_pipeline,
                   "gst-launch fragment that captures audio: ends in raw audio (roompeer "
                   "encodes Opus) or in Opus (sent as is)")
        ->group(group);
    // issue 13 (audio): one mixed output, echo cancellation.
    app.add_option("--audio-out", media.audio_out,
                   "Where every member's audio is played, mixed into one output: auto | "
                   "alsa[:DEVICE] | pulse | none | file:PATH.wav (a WAV file, finalized on exit). "
                   "Default: auto with --sink window, else none")
        ->group(group);
    app.add_flag("--echo-cancel", media.echo_cancel,
                 "Echo cancellation and noise suppression on the microphone (webrtcdsp), "
                 "against what the audio output plays (webrtcechoprobe), for two-way kiosks. "
                 "Needs an audio output and a microphone")
        ->group(group);
}

void add_ice_options(CLI::App& app, media::Options& media, RawOptions& raw) {
    auto* group = "ICE";
    app.add_option("--stun", raw.stun,
                   "STUN server URL, repeatable; 'none' disables. Default: "
                   "stun:stun.l.google.com:19302 and "
                   "stun:stun.services.mozilla.com")
        ->group(group);
    app.add_option("--turn", raw.turn,
                   "TURN server turn(s)://user:pass@host:port, repeatable (the password is never "
                   "logged or printed)")
        ->group(group);
    app.add_option("--ice-transport-policy", raw.ice_policy,
                   "all: any candidate pair; relay: media only through a --turn relay")
        ->capture_default_str()
        ->check(CLI::IsMember({"all", "relay"}))
        ->group(group);
    app.add_option("--ice-address", media.ice_addresses,
                   "Gather host candidates only on this local IP, repeatable (loopback allowed). "
                   "Default: all but loopback")
        ->group(group);
    app.add_option("--latency", media.latency_ms,
                   "Receive jitter buffer in ms: how long a late or lost packet is waited for. "
                   "Raise it for jittery links; on a thin lossy link a longer wait shows as "
                   "freezes (man page)")
        ->capture_default_str()
        ->check(CLI::Range(0, 10000))
        ->group(group);
    // Shown with the media options; registered here, after --latency, because the order of
    // registration is the order of CLI11's checks.
    app.add_flag("--latency-probe", media.latency_probe,
                 "Stamp every test video frame with its capture time, so receiving roompeers "
                 "report glass-to-glass latency (needs --video test; one clock: same host or "
                 "NTP-synchronized hosts)")
        ->group("Media");
    app.add_option("--max-peers", media.max_peers,
                   "Most simultaneous calls; members beyond it are not called or answered")
        ->capture_default_str()
        ->check(CLI::Range(1, 256))
        ->group(group);
    app.add_option("--dtls-key-cache", media.dtls_key_cache,
                   "File that keeps our DTLS key between runs, so a call starts without "
                   "waiting for a new RSA key; 'none' makes a new key every run. Default: "
                   "$CACHE_DIRECTORY, $XDG_CACHE_HOME/roompeer or ~/.cache/roompeer, "
                   "dtls-rsa2048.pem")
        ->group(group);
}

void add_run_options(CLI::App& app, app::RunOptions& run) {
    auto* group = "Run control";
    app.add_option("-d,--duration", run.duration_s,
                   "Leave after S seconds; 0 runs until SIGINT/SIGTERM")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1e9))
        ->group(group);
    app.add_option("--connect-timeout", run.connect_timeout_s,
                   "Exit 3 when the room server cannot be reached for S seconds at start; 0 keeps "
                   "trying (backoff 1 s doubling to 5 s) while --duration lasts")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1e9))
        ->group(group);
    app.add_option("--report", run.report_path,
                   "Write the JSON report to FILE at exit ('-' for stdout)")
        ->group(group);
    app.add_option("--expect-peers", run.expect_peers,
                   "Fail unless at least N members were connected")
        ->check(CLI::Range(0, 1000))
        ->group(group);
    app.add_option("--expect-frames", run.expect_frames,
                   "Fail unless every member decoded at least N video frames (1 when only "
                   "--expect-peers is given)")
        ->check(CLI::Range(0, 100000000))
        ->group(group);
    app.add_option("--expect", run.expect,
                   "Fail unless 'FIELD OP NUMBER' holds for every connected member, repeatable: "
                   "FIELD is any numeric field of a peer in the report, dotted "
                   "(video.fps, video.latency_ms.p95, audio.gaps; booleans are 1 and 0), OP one "
                   "of < <= > >= == !=. A field that is null fails")
        ->type_name("EXPR")
        ->group(group);
    app.add_option("--junit", run.junit_path,
                   "Write the checks as JUnit XML to FILE at exit: one test case per run check "
                   "and per member and --expect ('-' for stdout)")
        ->group(group);
}

void add_watch_options(CLI::App& app, app::WatchOptions& watch) {
    auto* group = "Watching";
    app.add_option("--stats", watch.stats_path,
                   "Write one JSON line per --stats-interval to FILE ('-' for stdout): every "
                   "call's RTT, jitter, packets lost, bitrate and fps (webrtcbin get-stats)")
        ->group(group);
    app.add_option("--stats-interval", watch.stats_interval_s, "Seconds between two --stats lines")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 3600.0))
        ->group(group);
    app.add_option("--metrics-port", watch.metrics_port,
                   "Serve the same figures at http://ADDRESS:N/metrics in Prometheus text "
                   "format (0: any free port, logged)")
        ->check(CLI::Range(0, 65535))
        ->group(group);
    app.add_option("--metrics-address", watch.metrics_address,
                   "Address the --metrics-port endpoint listens on")
        ->capture_default_str()
        ->group(group);
}

// Shown with the run control options, after the watching ones in CLI11's order of checks.
void add_log_options(CLI::App& app, RawOptions& raw) {
    auto* group = "Run control";
    app.add_flag("-v,--verbose", raw.verbose,
                 "More logs (repeat for GStreamer details; GST_DEBUG works too)")
        ->default_str("0")
        ->group(group);
    app.add_flag("-q,--quiet", raw.quiet,
                 "Only errors on stderr (and no status line; it is shown only on a terminal)")
        ->group(group);
}

std::shared_ptr<ConfigFile> add_config_options(CLI::App& app, RawOptions& raw) {
    auto* group = "Configuration and devices";
    auto file = std::make_shared<ConfigFile>(app, [](const std::string& key, const std::string& v) {
        if (key == "auth") return redact_json(v);
        if (key == "turn" || key == "server") return redact_url(v);
        return v;
    });
    app.config_formatter(file);
    app.set_config("--config", "",
                   "Read options from a TOML file (key = value; keys are the long option names, "
                   "lists are [\"a\", \"b\"]); flags given too override it")
        ->type_name("FILE")
        ->group(group);
    app.add_flag("--print-config", raw.print_config,
                 "Print the effective configuration as a --config file (secrets as ***) and exit")
        ->configurable(false)
        ->group(group);
    auto* list_opt = app.add_flag("--list-devices", raw.list_devices,
                                  "List cameras (formats, sizes, frame rates) and audio capture "
                                  "devices, and exit")
                         ->configurable(false)
                         ->group(group);
    app.add_flag("--json", raw.as_json, "With --list-devices: print JSON")
        ->configurable(false)
        ->needs(list_opt)
        ->group(group);
    return file;
}

}  // namespace rp::cli
