#include "cli/options.h"

#include "cli/config_file.h"
#include "media/preset.h"
#include "signal/server_url.h"
#include "util/json.h"
#include "util/redact.h"

#include <gio/gio.h>
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <regex>
#include <sstream>

#ifndef ROOMPEER_VERSION
#define ROOMPEER_VERSION "0.0.0"
#endif

namespace rp {

namespace {

std::string check_json_object(const std::string& text, const char* what) {
    std::string err;
    JsonPtr node = json::parse(text, &err);
    if (!node) return std::string(what) + " is not JSON: " + err;
    if (!json::as_object(node.get())) return std::string(what) + " must be a JSON object";
    return {};
}

SourceSpec parse_source(const std::string& text, const char* device_kind) {
    size_t colon = text.find(':');
    if (colon == std::string::npos) return {text, ""};
    return {text.substr(0, colon), text.substr(colon + 1)};
    (void)device_kind;
}

std::string validate_source(const SourceSpec& s, const char* device_kind, const char* option) {
    if (s.kind == "test" || s.kind == "none" || s.kind == "auto" || s.kind == device_kind) {
        if (!s.device.empty() && s.kind != device_kind)
            return std::string(option) + ": only " + device_kind + " takes a device";
        return {};
    }
    return std::string(option) + ": '" + s.kind + "' is not one of test, " + device_kind +
           "[:DEVICE], none, auto";
}

std::string parse_sink(const std::string& text, SinkSpec& out) {
    if (text == "fake" || text == "window") {
        out = {text, ""};
        return {};
    }
    if (text.rfind("file:", 0) == 0 && text.size() > 5) {
        out = {"file", text.substr(5)};
        return {};
    }
    return "--sink: '" + text + "' is not one of fake, window, file:DIR";
}

namespace fs = std::filesystem;

// PATH made absolute against the working directory, as the option is read: GLib's
// GTlsFileDatabase takes only absolute paths (with a relative one it warns and trusts nothing),
// and no path we keep should depend on where the process is when it is finally used.
std::string absolute_path(const std::string& path) {
    if (path.empty()) return path;
    std::error_code ec;
    fs::path abs = fs::absolute(path, ec);
    if (ec) return path;
    fs::path out;
    for (const auto& part : abs)
        if (part != ".") out /= part;
    return out.string();
}

// Why roompeer could not write the file PATH (absolute), or "" when it can: checked when the
// options are read, so that a mistyped --report is not found out only at exit, after the run.
std::string unwritable_file(const std::string& path) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (fs::exists(st)) {
        if (fs::is_directory(st)) return "it is a directory";
        if (access(path.c_str(), W_OK) != 0) return g_strerror(errno);
        return {};
    }
    std::string dir = fs::path(path).parent_path().string();
    if (!fs::is_directory(dir, ec)) return "there is no directory " + dir;
    if (access(dir.c_str(), W_OK | X_OK) != 0)
        return "cannot create a file in " + dir + " (" + g_strerror(errno) + ")";
    return {};
}

// The same for a directory roompeer writes into: it exists and is writable, or roompeer can
// create it in its parent, which exists.
std::string unwritable_dir(const std::string& path) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (fs::exists(st)) {
        if (!fs::is_directory(st)) return "it is not a directory";
        if (access(path.c_str(), W_OK | X_OK) != 0) return g_strerror(errno);
        return {};
    }
    return unwritable_file(path);
}

// Why the PEM file of CA certificates at PATH (absolute) cannot be used, or "" when it can.
// GLib's own messages ("Error while reading file", or a GLib-Net warning) name no option.
std::string unusable_ca_file(const std::string& path) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (!fs::exists(st)) return "no such file";
    if (fs::is_directory(st)) return "it is a directory, not a PEM file";
    if (access(path.c_str(), R_OK) != 0) return std::string("cannot read it: ") + g_strerror(errno);
    GError* err = nullptr;
    GTlsDatabase* db = g_tls_file_database_new(path.c_str(), &err);
    if (!db) {
        std::string why = err ? err->message : "unknown error";
        g_clear_error(&err);
        return "no PEM certificate could be read from it (" + why + ")";
    }
    g_object_unref(db);
    return {};
}

std::string validate_turn(const std::string& url) {
    // turn(s)://user:pass@host:port
    size_t sep = url.find("://");
    std::string scheme = sep == std::string::npos ? "" : url.substr(0, sep);
    if (scheme != "turn" && scheme != "turns")
        return "--turn: '" + redact_url(url).substr(0, 80) +
               "' must look like turn://user:pass@host:port";
    size_t at = url.rfind('@');
    if (at == std::string::npos || url.find(':', sep + 3) > at)
        return "--turn: the URL needs user:pass@ before the host";
    if (url.find(':', at) == std::string::npos) return "--turn: the URL needs a :port";
    return {};
}

}  // namespace

ParseResult parse_options(int argc, const char* const* argv, Config& cfg) {
    CLI::App app{
        "roompeer: a headless WebRTC member of Socket.IO video-chat rooms.\n"
        "Joins ROOM on the room server, calls every member, sends test or capture\n"
        "audio/video, and decodes, shows or records what every member sends.",
        "roompeer"};
    app.set_version_flag("--version", std::string("roompeer ") + ROOMPEER_VERSION);
    app.get_formatter()->column_width(34);

    std::string video = "test", audio = "test", codec = "vp8", size = "640x480";
    std::string ice_policy = "all";
    std::vector<std::string> sinks, stun, turn;
    int verbose = 0;
    bool quiet = false;

    auto* g_room = "Room";
    std::vector<std::string> servers;
    app.add_option("-s,--server", servers,
                   "Room server URL: ws://, wss://, http:// or https:// (the Socket.IO path is "
                   "added when the URL has none). Repeatable or comma-separated: nodes of one "
                   "room service; the first that answers is used, and when it is lost the next "
                   "one in turn. Required, here or in --config")
        ->delimiter(',')
        ->group(g_room);
    app.add_option("-r,--room", cfg.room, "Room to join. Required, here or in --config")
        ->group(g_room);
    app.add_option("-n,--name", cfg.name, "Our name, sent as userInfo.name")
        ->capture_default_str()
        ->group(g_room);
    app.add_option("--user-json", cfg.user_json, "JSON object merged into userInfo")
        ->capture_default_str()
        ->group(g_room);
    app.add_option("--auth", cfg.auth_json,
                   "JSON object sent as the Socket.IO CONNECT auth payload (its values are "
                   "secret: never logged or printed)")
        ->group(g_room);
    app.add_option("--ca-file", cfg.ca_file,
                   "PEM file of CA certificates trusted for wss:// and https:// servers, besides "
                   "the system store")
        ->group(g_room);
    app.add_flag("--insecure", cfg.insecure,
                 "Do not verify the room server's TLS certificate (warns; tests only)")
        ->group(g_room);

    auto* g_media = "Media";
    app.add_option("--video", video,
                   "Video source: test | v4l2[:DEVICE] | none | auto (with --preset: test runs "
                   "the preset with a test source in place of the camera)")
        ->capture_default_str()
        ->group(g_media);
    app.add_option("--audio", audio, "Audio source: test | alsa[:DEVICE] | none | auto")
        ->capture_default_str()
        ->group(g_media);
    app.add_option("--video-codec", codec,
                   "Video codec we send: vp8 | vp9 | h264 (h264 uses the hardware encoder when "
                   "there is one, else x264)")
        ->capture_default_str()
        ->check(CLI::IsMember({"vp8", "vp9", "h264"}))
        ->group(g_media);
    app.add_option("--video-size", size, "Capture size WxH")->capture_default_str()->group(g_media);
    app.add_option("--fps", cfg.fps, "Capture frame rate")
        ->capture_default_str()
        ->check(CLI::Range(1, 120))
        ->group(g_media);
    app.add_option("--video-bitrate", cfg.video_bitrate_kbps, "Video bitrate in kbit/s")
        ->capture_default_str()
        ->check(CLI::Range(16, 50000))
        ->group(g_media);
    app.add_option("--sink", sinks,
                   "What to do with every member's media, repeatable: fake (decode and count) | "
                   "window | file:DIR "
                   "(one Matroska file per member, no re-encoding). Default: window with a "
                   "display, else fake")
        ->group(g_media);

    app.add_option("--preset", cfg.preset,
                   "Named capture+encode chain from pipelines/presets: rpi-h264 | usb-mjpeg | "
                   "camera-h264 | x264-lowlatency | vp8-realtime | a path to a .preset file")
        ->group(g_media);
    std::string video_pipeline;
    app.add_option("--video-pipeline", video_pipeline,
                   "gst-launch fragment that captures video: ends in raw video (roompeer "
                   "encodes it) or in video of --video-codec (sent as is); {width} {height} "
                   "{fps} {bitrate} {device} are filled in")
        ->group(g_media)
        ->excludes("--preset");
    app.add_option("--audio-pipeline", cfg.audio_pipeline,
                   "gst-launch fragment that captures audio: ends in raw audio (roompeer "
                   "encodes Opus) or in Opus (sent as is)")
        ->group(g_media);

    auto* g_ice = "ICE";
    app.add_option("--stun", stun,
                   "STUN server URL, repeatable; 'none' disables. Default: "
                   "stun:stun.l.google.com:19302 and "
                   "stun:stun.services.mozilla.com")
        ->group(g_ice);
    app.add_option("--turn", turn,
                   "TURN server turn(s)://user:pass@host:port, repeatable (the password is never "
                   "logged or printed)")
        ->group(g_ice);
    app.add_option("--ice-transport-policy", ice_policy,
                   "all: any candidate pair; relay: media only through a --turn relay")
        ->capture_default_str()
        ->check(CLI::IsMember({"all", "relay"}))
        ->group(g_ice);
    app.add_option("--ice-address", cfg.ice_addresses,
                   "Gather host candidates only on this local IP, repeatable (loopback allowed). "
                   "Default: all but loopback")
        ->group(g_ice);
    app.add_option("--latency", cfg.latency_ms, "Receive jitter buffer in ms")
        ->capture_default_str()
        ->check(CLI::Range(0, 10000))
        ->group(g_ice);

    app.add_flag("--latency-probe", cfg.latency_probe,
                 "Stamp every test video frame with its capture time, so receiving roompeers "
                 "report glass-to-glass latency (needs --video test; one clock: same host or "
                 "NTP-synchronized hosts)")
        ->group("Media");
    app.add_option("--max-peers", cfg.max_peers,
                   "Most simultaneous calls; members beyond it are not called or answered")
        ->capture_default_str()
        ->check(CLI::Range(1, 256))
        ->group(g_ice);
    app.add_option("--dtls-key-cache", cfg.dtls_key_cache,
                   "File that keeps our DTLS key between runs, so a call starts without "
                   "waiting for a new RSA key; 'none' makes a new key every run. Default: "
                   "$CACHE_DIRECTORY, $XDG_CACHE_HOME/roompeer or ~/.cache/roompeer, "
                   "dtls-rsa2048.pem")
        ->group(g_ice);

    auto* g_run = "Run control";
    app.add_option("-d,--duration", cfg.duration_s,
                   "Leave after S seconds; 0 runs until SIGINT/SIGTERM")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1e9))
        ->group(g_run);
    app.add_option("--connect-timeout", cfg.connect_timeout_s,
                   "Exit 3 when the room server cannot be reached for S seconds at start; 0 keeps "
                   "trying (backoff 1 s doubling to 5 s) while --duration lasts")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1e9))
        ->group(g_run);
    app.add_option("--report", cfg.report_path,
                   "Write the JSON report to FILE at exit ('-' for stdout)")
        ->group(g_run);
    app.add_option("--expect-peers", cfg.expect_peers,
                   "Fail unless at least N members were connected")
        ->check(CLI::Range(0, 1000))
        ->group(g_run);
    app.add_option("--expect-frames", cfg.expect_frames,
                   "Fail unless every member decoded at least N video frames (1 when only "
                   "--expect-peers is given)")
        ->check(CLI::Range(0, 100000000))
        ->group(g_run);
    auto* g_watch = "Watching";
    app.add_option("--stats", cfg.stats_path,
                   "Write one JSON line per --stats-interval to FILE ('-' for stdout): every "
                   "call's RTT, jitter, packets lost, bitrate and fps (webrtcbin get-stats)")
        ->group(g_watch);
    app.add_option("--stats-interval", cfg.stats_interval_s, "Seconds between two --stats lines")
        ->capture_default_str()
        ->check(CLI::Range(0.1, 3600.0))
        ->group(g_watch);
    app.add_option("--metrics-port", cfg.metrics_port,
                   "Serve the same figures at http://ADDRESS:N/metrics in Prometheus text "
                   "format (0: any free port, logged)")
        ->check(CLI::Range(0, 65535))
        ->group(g_watch);
    app.add_option("--metrics-address", cfg.metrics_address,
                   "Address the --metrics-port endpoint listens on")
        ->capture_default_str()
        ->group(g_watch);
    app.add_flag("-v,--verbose", verbose,
                 "More logs (repeat for GStreamer details; GST_DEBUG works too)")
        ->default_str("0")
        ->group(g_run);
    app.add_flag("-q,--quiet", quiet,
                 "Only errors on stderr (and no status line; it is shown only on a terminal)")
        ->group(g_run);

    auto* g_cfg = "Configuration and devices";
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
        ->group(g_cfg);
    bool print_config = false, list_devices = false, as_json = false;
    app.add_flag("--print-config", print_config,
                 "Print the effective configuration as a --config file (secrets as ***) and exit")
        ->configurable(false)
        ->group(g_cfg);
    auto* list_opt = app.add_flag("--list-devices", list_devices,
                                  "List cameras (formats, sizes, frame rates) and audio capture "
                                  "devices, and exit")
                         ->configurable(false)
                         ->group(g_cfg);
    app.add_flag("--json", as_json, "With --list-devices: print JSON")
        ->configurable(false)
        ->needs(list_opt)
        ->group(g_cfg);
    app.footer(
        "Exit codes: 0 pass, 1 expectations failed, 2 usage or config error, 3 room server "
        "unreachable,\n"
        "its TLS certificate not trusted, or join refused, 4 media error (missing GStreamer "
        "element, device that cannot be "
        "opened).\n"
        "Example: roompeer --server http://127.0.0.1:3000 --room demo --duration 10 --report -");

    ParseResult result;
    // An error about an option whose value came from the config file names the file and line.
    auto attribute = [&](const std::string& why) {
        std::smatch m;
        static const std::regex option("--([a-z0-9][a-z0-9-]+)");
        if (std::regex_search(why, m, option))
            if (int line = file->line_of(m[1].str()); line > 0)
                return "--config " + file->path() + ": line " + std::to_string(line) + ": " + why;
        return why;
    };
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::ostringstream out, err;
        result.kind = ParseResult::Kind::Exit;
        if (dynamic_cast<const CLI::ConfigError*>(&e)) {
            result.exit_code = 2;
            result.message = std::string("roompeer: --config ") + e.what() + "\n";
            return result;
        }
        if (dynamic_cast<const CLI::FileError*>(&e)) {
            result.exit_code = 2;
            std::string path = app.get_config_ptr()->as<std::string>();
            result.message = "roompeer: --config " + path + ": cannot read the file (" +
                             (std::filesystem::exists(path) ? "permission?" : "no such file") +
                             ")\n";
            return result;
        }
        int code = app.exit(e, out, err);
        result.exit_code = code == 0 ? 0 : 2;
        result.message = code == 0 ? out.str() : attribute(err.str());
        if (code != 0 && result.message.rfind("--config ", 0) == 0)
            result.message = "roompeer: " + result.message;
        if (code != 0 && result.message.find("--help") == std::string::npos)
            result.message += "Run with --help for the options.\n";
        return result;
    }

    auto usage_error = [&](const std::string& why) {
        result.kind = ParseResult::Kind::Exit;
        result.exit_code = 2;
        result.message = "roompeer: " + attribute(why) + "\n";
        return result;
    };
    if (list_devices) {
        result.kind = ParseResult::Kind::ListDevices;
        result.json = as_json;
        return result;
    }
    for (const char* opt : {"--server", "--room"})
        if (app.count(opt) == 0) {
            usage_error(std::string(opt) +
                        " is required (on the command line or in the --config file)");
            result.message += "Run with --help for the options.\n";
            return result;
        }

    std::string err;
    for (const auto& server : servers) {
        auto ws = websocket_url(server, &err);
        if (!ws) return usage_error("--server: " + redact_url_in(err, server));
        if (std::find(cfg.ws_urls.begin(), cfg.ws_urls.end(), *ws) != cfg.ws_urls.end())
            return usage_error("--server: '" + redact_url(server) + "' is given twice");
        cfg.servers.push_back(server);
        cfg.ws_urls.push_back(*ws);
    }
    if (cfg.servers.empty()) return usage_error("--server needs a URL");
    cfg.server = cfg.servers.front();
    cfg.ws_url = cfg.ws_urls.front();
    if (cfg.room.empty()) return usage_error("--room must not be empty");
    if (!std::isfinite(cfg.duration_s))
        return usage_error("--duration must be a number of seconds");
    if (!std::isfinite(cfg.connect_timeout_s))
        return usage_error("--connect-timeout must be a number of seconds");

    if (auto e = check_json_object(cfg.user_json, "--user-json"); !e.empty()) return usage_error(e);
    {
        JsonPtr user = json::parse(cfg.user_json);
        JsonObject* obj = json::as_object(user.get());
        if (!json_object_has_member(obj, "name"))
            json_object_set_string_member(obj, "name", cfg.name.c_str());
        cfg.user_json = json::to_string(user.get());
    }
    if (!cfg.auth_json.empty())
        if (auto e = check_json_object(cfg.auth_json, "--auth"); !e.empty()) return usage_error(e);

    cfg.video = parse_source(video, "v4l2");
    cfg.audio = parse_source(audio, "alsa");
    if (auto e = validate_source(cfg.video, "v4l2", "--video"); !e.empty()) return usage_error(e);
    if (auto e = validate_source(cfg.audio, "alsa", "--audio"); !e.empty()) return usage_error(e);
    if (cfg.latency_probe && cfg.video.kind != "test")
        return usage_error("--latency-probe needs --video test (it paints into the test pattern)");
    cfg.codec = codec == "vp9"    ? VideoCodec::VP9
                : codec == "h264" ? VideoCodec::H264
                                  : VideoCodec::VP8;

    int w = 0, h = 0;
    char x = 0, extra = 0;
    if (std::sscanf(size.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X') ||
        w < 16 || h < 16 || w > 7680 || h > 4320 || w % 2 || h % 2)
        return usage_error("--video-size: '" + size +
                           "' must be WxH with even sizes from 16x16 to 7680x4320");
    cfg.width = w;
    cfg.height = h;

    cfg.sinks.clear();
    for (const auto& s : sinks) {
        SinkSpec spec;
        if (auto e = parse_sink(s, spec); !e.empty()) return usage_error(e);
        if (spec.kind == "file") {
            spec.dir = absolute_path(spec.dir);
            if (auto why = unwritable_dir(spec.dir); !why.empty())
                return usage_error("--sink file: cannot record into '" + spec.dir + "': " + why);
        }
        cfg.sinks.push_back(spec);
    }
    if (cfg.sinks.empty()) {
        const char* display = std::getenv("DISPLAY");
        const char* wayland = std::getenv("WAYLAND_DISPLAY");
        bool has_display = (display && *display) || (wayland && *wayland);
        cfg.sinks.push_back({has_display ? "window" : "fake", ""});
    }

    if (!stun.empty()) {
        cfg.stun.clear();
        for (const auto& s : stun) {
            if (s == "none") continue;
            if (s.rfind("stun:", 0) != 0 && s.rfind("stun://", 0) != 0)
                return usage_error("--stun: '" + s + "' must start with stun: (or be 'none')");
            cfg.stun.push_back(s);
        }
    }
    for (const auto& t : turn)
        if (auto e = validate_turn(t); !e.empty()) return usage_error(e);
    cfg.turn = turn;
    cfg.ice_relay_only = ice_policy == "relay";
    if (cfg.ice_relay_only && cfg.turn.empty())
        return usage_error("--ice-transport-policy relay needs a TURN server (--turn)");
    if (cfg.insecure && !cfg.ca_file.empty())
        return usage_error("--insecure and --ca-file exclude each other: verify or do not");
    if (!cfg.ca_file.empty()) {
        cfg.ca_file = absolute_path(cfg.ca_file);
        if (auto why = unusable_ca_file(cfg.ca_file); !why.empty())
            return usage_error("--ca-file: cannot load '" + cfg.ca_file + "': " + why);
    }
    // Output files: checked now rather than found out at exit ('-' is stdout).
    for (auto [option, path] : {std::pair<const char*, std::string*>{"--report", &cfg.report_path},
                                {"--stats", &cfg.stats_path}}) {
        if (path->empty() || *path == "-") continue;
        *path = absolute_path(*path);
        if (auto why = unwritable_file(*path); !why.empty())
            return usage_error(std::string(option) + ": cannot write '" + *path + "': " + why);
    }
    // A cache: one that cannot be written costs only the time to make a new key (no error).
    if (!cfg.dtls_key_cache.empty() && cfg.dtls_key_cache != "none")
        cfg.dtls_key_cache = absolute_path(cfg.dtls_key_cache);
    for (const auto& a : cfg.ice_addresses) {
        GInetAddress* addr = g_inet_address_new_from_string(a.c_str());
        if (!addr) return usage_error("--ice-address: '" + a + "' is not an IP address");
        g_object_unref(addr);
    }
    if (!std::isfinite(cfg.stats_interval_s))
        return usage_error("--stats-interval must be a number of seconds");
    {
        GInetAddress* addr = g_inet_address_new_from_string(cfg.metrics_address.c_str());
        if (!addr)
            return usage_error("--metrics-address: '" + cfg.metrics_address +
                               "' is not an IP address");
        g_object_unref(addr);
    }
    // A counted flag read from a file as "verbose = 0" (or false) comes back from CLI11 as -1.
    verbose = std::max(verbose, 0);
    cfg.verbosity = quiet ? -1 : verbose;
    cfg.status_line = !quiet;

    if (!cfg.preset.empty()) {
        std::string why;
        // A name is looked up in the preset directories; a path (with a '/') is the file.
        if (cfg.preset.find('/') != std::string::npos) cfg.preset = absolute_path(cfg.preset);
        auto preset = media::find_preset(cfg.preset, &why);
        if (!preset) return usage_error("--preset: " + why);
        if (!preset->codec.empty() && preset->codec != codec) {
            if (app.count("--video-codec") > 0 || file->line_of("video-codec") > 0)
                return usage_error("--preset " + preset->name + " sends " + preset->codec +
                                   ", not --video-codec " + codec);
            cfg.codec = preset->codec == "vp9"    ? VideoCodec::VP9
                        : preset->codec == "h264" ? VideoCodec::H264
                                                  : VideoCodec::VP8;
        }
        cfg.video_chain = std::move(*preset);
    } else if (!video_pipeline.empty()) {
        VideoPreset chain;
        chain.name = "--video-pipeline";
        chain.source = chain.test_source = video_pipeline;
        chain.encode = "{auto}";
        cfg.video_chain = std::move(chain);
    }
    if (cfg.video_chain && cfg.video.kind == "none")
        return usage_error((cfg.preset.empty() ? "--video-pipeline" : "--preset") +
                           std::string(" needs a video source, not --video none"));
    if (cfg.latency_probe && cfg.video_chain &&
        cfg.video_chain->test_source.find("{test}") == std::string::npos)
        return usage_error("--latency-probe needs the built-in test source ({test})");

    if (print_config) {
        // The sinks as given (a file: directory as written), or the default one.
        std::vector<std::string> sink_names = sinks;
        if (sink_names.empty()) sink_names.push_back(cfg.sinks.front().kind);
        file->set_effective("sink", sink_names);
        file->set_effective("verbose", {std::to_string(verbose)});
        file->set_effective("stun", cfg.stun.empty() ? std::vector<std::string>{"none"} : cfg.stun);
        result.kind = ParseResult::Kind::Exit;
        result.exit_code = 0;
        result.message = app.config_to_str(true, false);
    }
    return result;
}

}  // namespace rp
