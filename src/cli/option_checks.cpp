// The checks parse_options runs once CLI11 has parsed the options: they turn the text given
// into each layer's options (URLs normalised, sources, sinks and ICE servers read, paths made
// absolute, the preset found), and say why when it cannot be done.
#include "cli/options_internal.h"

#include "cli/paths.h"
#include "media/pi_camera.h"
#include "media/preset.h"
#include "media/rate_controller.h"
#include "report/expect.h"
#include "report/report.h"
#include "signal/server_url.h"
#include "util/gobj.h"
#include "util/json.h"
#include "util/redact.h"

#include <gio/gio.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rp::cli {

namespace {

std::string check_json_object(const std::string& text, const char* what) {
    std::string err;
    JsonPtr node = json::parse(text, &err);
    if (!node) return std::string(what) + " is not JSON: " + err;
    if (!json::as_object(node.get())) return std::string(what) + " must be a JSON object";
    return {};
}

SourceSpec parse_source(const std::string& text) {
    size_t colon = text.find(':');
    if (colon == std::string::npos) return {text, ""};
    return {text.substr(0, colon), text.substr(colon + 1)};
}

// `second_kind` (issue 13: --video libcamera[:CAMERA-ID]) takes a device as well.
std::string validate_source(const SourceSpec& s, const char* device_kind, const char* option,
                            const char* second_kind = nullptr) {
    bool second = second_kind && s.kind == second_kind;
    if (s.kind == "test" || s.kind == "none" || s.kind == "auto" || s.kind == device_kind ||
        second) {
        if (!s.device.empty() && s.kind != device_kind && !second)
            return std::string(option) + ": only " + device_kind +
                   (second_kind ? std::string(" and ") + second_kind : "") + " take a device";
        return {};
    }
    return std::string(option) + ": '" + s.kind + "' is not one of test, " + device_kind +
           "[:DEVICE], " + (second_kind ? std::string(second_kind) + "[:CAMERA-ID], " : "") +
           "none, auto";
}

// Issue 13: `--video auto` with no --preset or --video-pipeline on a known Raspberry Pi picks
// the model's preset (media/pi_camera.h), unless --video-codec asks for another codec.
void pick_model_preset(const RawOptions& raw, Config& cfg) {
    if (!cfg.preset.empty() || !raw.video_pipeline.empty() || cfg.video.kind != "auto") return;
    std::string model = media::board_model();
    std::string name = media::model_preset(model);
    if (name.empty()) return;
    std::string on = "--video auto on a " + model + ": ";
    if (raw.codec_given && raw.codec != "h264") {
        cfg.preset_pick_note = on + "not preset " + name + " (--video-codec " + raw.codec + ")";
        return;
    }
    std::string why;
    auto preset = media::find_preset(name, &why);
    if (!preset) {
        cfg.preset_pick_note = on + "no preset: " + why;
        return;
    }
    cfg.preset_pick_note = on + "preset " + name;
    cfg.codec = VideoCodec::H264;
    cfg.video_chain = std::move(*preset);
}

VideoCodec codec_named(const std::string& name) {
    return name == "vp9" ? VideoCodec::VP9 : name == "h264" ? VideoCodec::H264 : VideoCodec::VP8;
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

// turn(s)://user:pass@host:port, read by GLib's URI parser (escapes kept as written: webrtcbin
// gets the URL exactly as given).
std::string validate_turn(const std::string& url) {
    const std::string shape =
        "--turn: '" + redact_url(url).substr(0, 80) + "' must look like turn://user:pass@host:port";
    const char* scheme = g_uri_peek_scheme(url.c_str());
    GUri* raw = g_uri_parse(url.c_str(),
                            static_cast<GUriFlags>(G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED),
                            nullptr);
    std::unique_ptr<GUri, decltype(&g_uri_unref)> uri(raw, &g_uri_unref);
    bool turn =
        scheme && (std::string_view(scheme) == "turn" || std::string_view(scheme) == "turns");
    if (!turn || !uri || !g_uri_get_host(uri.get()) || !*g_uri_get_host(uri.get())) return shape;
    if (!g_uri_get_user(uri.get()) || !g_uri_get_password(uri.get()))
        return "--turn: the URL needs user:pass@ before the host";
    if (g_uri_get_port(uri.get()) <= 0) return "--turn: the URL needs a :port";
    return {};
}

bool is_ip_address(const std::string& text) {
    return GObjectPtr<GInetAddress>(g_inet_address_new_from_string(text.c_str())) != nullptr;
}

}  // namespace

std::string read_servers(const std::vector<std::string>& given, app::ServerOptions& server) {
    std::string err;
    for (const auto& url : given) {
        auto ws = websocket_url(url, &err);
        if (!ws) return "--server: " + redact_url_in(err, url);
        if (std::find(server.ws_urls.begin(), server.ws_urls.end(), *ws) != server.ws_urls.end())
            return "--server: '" + redact_url(url) + "' is given twice";
        server.servers.push_back(url);
        server.ws_urls.push_back(*ws);
    }
    if (server.servers.empty()) return "--server needs a URL";
    server.server = server.servers.front();
    server.ws_url = server.ws_urls.front();
    if (server.room.empty()) return "--room must not be empty";
    return {};
}

std::string check_run_times(const app::RunOptions& run) {
    if (!std::isfinite(run.duration_s)) return "--duration must be a number of seconds";
    if (!std::isfinite(run.connect_timeout_s))
        return "--connect-timeout must be a number of seconds";
    return {};
}

// --user-json gets our --name unless it has a name of its own.
std::string read_user_info(app::ServerOptions& server) {
    if (auto e = check_json_object(server.user_json, "--user-json"); !e.empty()) return e;
    JsonPtr user = json::parse(server.user_json);
    JsonObject* obj = json::as_object(user.get());
    if (!json_object_has_member(obj, "name"))
        json_object_set_string_member(obj, "name", server.name.c_str());
    server.user_json = json::to_string(user.get());
    if (!server.auth_json.empty()) return check_json_object(server.auth_json, "--auth");
    return {};
}

std::string read_sources(const RawOptions& raw, media::Options& media) {
    media.video = parse_source(raw.video);
    media.audio = parse_source(raw.audio);
    if (auto e = validate_source(media.video, "v4l2", "--video", "libcamera"); !e.empty()) return e;
    if (auto e = validate_source(media.audio, "alsa", "--audio"); !e.empty()) return e;
    if (media.latency_probe && media.video.kind != "test")
        return "--latency-probe needs --video test (it paints into the test pattern)";
    media.codec = codec_named(raw.codec);

    int w = 0, h = 0;
    char x = 0, extra = 0;
    if (std::sscanf(raw.size.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 ||
        (x != 'x' && x != 'X') || w < 16 || h < 16 || w > 7680 || h > 4320 || w % 2 || h % 2)
        return "--video-size: '" + raw.size +
               "' must be WxH with even sizes from 16x16 to 7680x4320";
    media.width = w;
    media.height = h;

    // Without --video-bitrate the ceiling follows the size (600 kbit/s up to 320x240); a
    // --min-video-bitrate over that lifts it, up to the usual default.
    if (!raw.bitrate_given)
        media.video_bitrate_kbps =
            std::min(media::kDefaultCeilingKbps,
                     std::max(media::default_ceiling_kbps(w, h), media.min_video_bitrate_kbps));
    if (media.min_video_bitrate_kbps == 0)
        media.min_video_bitrate_kbps = std::min(100, media.video_bitrate_kbps);
    else if (media.min_video_bitrate_kbps > media.video_bitrate_kbps)
        return "--min-video-bitrate (" + std::to_string(media.min_video_bitrate_kbps) +
               ") must not be above --video-bitrate (" + std::to_string(media.video_bitrate_kbps) +
               ")";
    return {};
}

// A file: directory is made absolute and checked now; no --sink: a window with a display.
std::string read_sinks(const RawOptions& raw, media::Options& media) {
    media.sinks.clear();
    for (const auto& s : raw.sinks) {
        SinkSpec spec;
        if (auto e = parse_sink(s, spec); !e.empty()) return e;
        if (spec.kind == "file") {
            spec.dir = absolute_path(spec.dir);
            if (auto why = unwritable_dir(spec.dir); !why.empty())
                return "--sink file: cannot record into '" + spec.dir + "': " + why;
        }
        media.sinks.push_back(spec);
    }
    if (media.sinks.empty()) {
        const char* display = std::getenv("DISPLAY");
        const char* wayland = std::getenv("WAYLAND_DISPLAY");
        bool has_display = (display && *display) || (wayland && *wayland);
        media.sinks.push_back({has_display ? "window" : "fake", ""});
    }
    return {};
}

std::string read_ice_servers(const RawOptions& raw, media::Options& media) {
    if (!raw.stun.empty()) {
        media.stun.clear();
        for (const auto& s : raw.stun) {
            if (s == "none") continue;
            if (s.rfind("stun:", 0) != 0 && s.rfind("stun://", 0) != 0)
                return "--stun: '" + s + "' must start with stun: (or be 'none')";
            media.stun.push_back(s);
        }
    }
    for (const auto& t : raw.turn)
        if (auto e = validate_turn(t); !e.empty()) return e;
    media.turn = raw.turn;
    media.ice_relay_only = raw.ice_policy == "relay";
    if (media.ice_relay_only && media.turn.empty())
        return "--ice-transport-policy relay needs a TURN server (--turn)";
    return {};
}

std::string check_ca_file(app::ServerOptions& server) {
    if (server.insecure && !server.ca_file.empty())
        return "--insecure and --ca-file exclude each other: verify or do not";
    if (!server.ca_file.empty()) {
        server.ca_file = absolute_path(server.ca_file);
        if (auto why = unusable_ca_file(server.ca_file); !why.empty())
            return "--ca-file: cannot load '" + server.ca_file + "': " + why;
    }
    return {};
}

std::string resolve_output_paths(app::Options& options) {
    // Output files: checked now rather than found out at exit ('-' is stdout).
    for (auto [option, path] :
         {std::pair<const char*, std::string*>{"--report", &options.report_path},
          {"--stats", &options.stats_path},
          {"--junit", &options.junit_path}}) {
        if (path->empty() || *path == "-") continue;
        *path = absolute_path(*path);
        if (auto why = unwritable_file(*path); !why.empty())
            return std::string(option) + ": cannot write '" + *path + "': " + why;
    }
    // A cache: one that cannot be written costs only the time to make a new key (no error).
    if (!options.dtls_key_cache.empty() && options.dtls_key_cache != "none")
        options.dtls_key_cache = absolute_path(options.dtls_key_cache);
    return {};
}

std::string check_expect(const app::RunOptions& run) {
    std::vector<std::string> fields;
    for (const auto& text : run.expect) {
        if (fields.empty()) fields = expectable_fields();
        std::string why;
        if (!parse_expectation(text, fields, &why)) return why;
    }
    return {};
}

std::string check_ice_addresses(const media::Options& media) {
    for (const auto& a : media.ice_addresses)
        if (!is_ip_address(a)) return "--ice-address: '" + a + "' is not an IP address";
    return {};
}

std::string check_watch(const app::WatchOptions& watch) {
    if (!std::isfinite(watch.stats_interval_s))
        return "--stats-interval must be a number of seconds";
    if (!is_ip_address(watch.metrics_address))
        return "--metrics-address: '" + watch.metrics_address + "' is not an IP address";
    return {};
}

// --preset or --video-pipeline as the video chain; a preset's codec wins over the default one.
std::string read_video_chain(const RawOptions& raw, Config& cfg) {
    if (!cfg.preset.empty()) {
        std::string why;
        // A name is looked up in the preset directories; a path (with a '/') is the file.
        if (cfg.preset.find('/') != std::string::npos) cfg.preset = absolute_path(cfg.preset);
        auto preset = media::find_preset(cfg.preset, &why);
        if (!preset) return "--preset: " + why;
        if (!preset->codec.empty() && preset->codec != raw.codec) {
            if (raw.codec_given)
                return "--preset " + preset->name + " sends " + preset->codec +
                       ", not --video-codec " + raw.codec;
            cfg.codec = codec_named(preset->codec);
        }
        cfg.video_chain = std::move(*preset);
    } else if (!raw.video_pipeline.empty()) {
        VideoPreset chain;
        chain.name = "--video-pipeline";
        chain.source = chain.test_source = raw.video_pipeline;
        chain.encode = "{auto}";
        cfg.video_chain = std::move(chain);
    } else {
        pick_model_preset(raw, cfg);
    }
    if (cfg.video_chain && cfg.video.kind == "none")
        return (cfg.preset.empty() ? "--video-pipeline" : "--preset") +
               std::string(" needs a video source, not --video none");
    if (cfg.latency_probe && cfg.video_chain &&
        cfg.video_chain->test_source.find("{test}") == std::string::npos)
        return "--latency-probe needs the built-in test source ({test})";
    return {};
}

}  // namespace rp::cli
