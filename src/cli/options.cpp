// parse_options: the option groups (option_groups.cpp) registered with CLI11, CLI11's errors
// turned into roompeer's, then the checks (option_checks.cpp) in order, and --print-config.
#include "cli/options.h"

#include "cli/options_internal.h"
#include "media/audio_output.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#ifndef ROOMPEER_VERSION
#define ROOMPEER_VERSION "0.0.0"
#endif

namespace rp {

namespace {

void describe(CLI::App& app) {
    app.set_version_flag("--version", std::string("roompeer ") + ROOMPEER_VERSION);
    app.get_formatter()->column_width(34);
    app.footer(
        "Exit codes: 0 pass, 1 expectations failed, 2 usage or config error, 3 room server "
        "unreachable,\n"
        "its TLS certificate not trusted, or join refused, 4 media error (missing GStreamer "
        "element, device that cannot be "
        "opened).\n"
        "Example: roompeer --server http://127.0.0.1:3000 --room demo --duration 10 --report -");
}

// An error about an option whose value came from the config file names the file and line.
std::string attribute(const ConfigFile& file, const std::string& why) {
    std::smatch m;
    static const std::regex option("--([a-z0-9][a-z0-9-]+)");
    if (std::regex_search(why, m, option))
        if (int line = file.line_of(m[1].str()); line > 0)
            return "--config " + file.path() + ": line " + std::to_string(line) + ": " + why;
    return why;
}

ParseResult exit_with(int code, std::string message) {
    ParseResult result;
    result.kind = ParseResult::Kind::Exit;
    result.exit_code = code;
    result.message = std::move(message);
    return result;
}

// CLI11's exception as roompeer's result: help and version exit 0, the rest is a usage error.
ParseResult parse_error(CLI::App& app, const ConfigFile& file, const CLI::ParseError& e) {
    if (dynamic_cast<const CLI::ConfigError*>(&e))
        return exit_with(2, std::string("roompeer: --config ") + e.what() + "\n");
    if (dynamic_cast<const CLI::FileError*>(&e)) {
        std::string path = app.get_config_ptr()->as<std::string>();
        return exit_with(2, "roompeer: --config " + path + ": cannot read the file (" +
                                (std::filesystem::exists(path) ? "permission?" : "no such file") +
                                ")\n");
    }
    std::ostringstream out, err;
    int code = app.exit(e, out, err);
    ParseResult result =
        exit_with(code == 0 ? 0 : 2, code == 0 ? out.str() : attribute(file, err.str()));
    if (code != 0 && result.message.rfind("--config ", 0) == 0)
        result.message = "roompeer: " + result.message;
    if (code != 0 && result.message.find("--help") == std::string::npos)
        result.message += "Run with --help for the options.\n";
    return result;
}

// Every check after parsing, in order; the first that fails says why.
std::string check_all(const cli::RawOptions& raw, Config& cfg) {
    std::string why = cli::read_servers(raw.servers, cfg);
    if (why.empty()) why = cli::check_run_times(cfg);
    if (why.empty()) why = cli::check_expect(cfg);  // issue 12: --expect
    if (why.empty()) why = cli::read_user_info(cfg);
    if (why.empty()) why = cli::read_sources(raw, cfg);
    if (why.empty()) why = cli::read_sinks(raw, cfg);
    if (why.empty()) why = media::check_audio_out(cfg);  // issue 13: --audio-out, --echo-cancel
    if (why.empty()) why = cli::read_ice_servers(raw, cfg);
    if (why.empty()) why = cli::check_ca_file(cfg);
    if (why.empty()) why = cli::resolve_output_paths(cfg);
    if (why.empty()) why = cli::check_ice_addresses(cfg);
    if (why.empty()) why = cli::check_watch(cfg);
    return why;
}

// --print-config: what CLI11 holds, with the values it does not know (computed or counted).
std::string effective_config(const CLI::App& app, ConfigFile& file, const cli::RawOptions& raw,
                             const Config& cfg) {
    // The sinks as given (a file: directory as written), or the default one.
    std::vector<std::string> sink_names = raw.sinks;
    if (sink_names.empty()) sink_names.push_back(cfg.sinks.front().kind);
    file.set_effective("sink", sink_names);
    file.set_effective("verbose", {std::to_string(raw.verbose)});
    file.set_effective("stun", cfg.stun.empty() ? std::vector<std::string>{"none"} : cfg.stun);
    // The ceiling that follows the size when none was given.
    if (!raw.bitrate_given)
        file.set_effective("video-bitrate", {std::to_string(cfg.video_bitrate_kbps)});
    return app.config_to_str(true, false);
}

}  // namespace

ParseResult parse_options(int argc, const char* const* argv, Config& cfg) {
    CLI::App app{
        "roompeer: a headless WebRTC member of Socket.IO video-chat rooms.\n"
        "Joins ROOM on the room server, calls every member, sends test or capture\n"
        "audio/video, and decodes, shows or records what every member sends.",
        "roompeer"};
    describe(app);
    cli::RawOptions raw;
    cli::add_server_options(app, cfg, raw);
    cli::add_media_options(app, cfg, cfg.preset, raw);
    cli::add_ice_options(app, cfg, raw);
    cli::add_run_options(app, cfg);
    cli::add_watch_options(app, cfg);
    cli::add_log_options(app, raw);
    std::shared_ptr<ConfigFile> file = cli::add_config_options(app, raw);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return parse_error(app, *file, e);
    }
    auto usage_error = [&](const std::string& why) {
        return exit_with(2, "roompeer: " + attribute(*file, why) + "\n");
    };
    if (raw.list_devices) {
        ParseResult result;
        result.kind = ParseResult::Kind::ListDevices;
        result.json = raw.as_json;
        return result;
    }
    for (const char* opt : {"--server", "--room"})
        if (app.count(opt) == 0) {
            ParseResult result = usage_error(
                std::string(opt) + " is required (on the command line or in the --config file)");
            result.message += "Run with --help for the options.\n";
            return result;
        }

    raw.bitrate_given = app.count("--video-bitrate") > 0 || file->line_of("video-bitrate") > 0;
    if (auto why = check_all(raw, cfg); !why.empty()) return usage_error(why);
    // A counted flag read from a file as "verbose = 0" (or false) comes back from CLI11 as -1.
    raw.verbose = std::max(raw.verbose, 0);
    cfg.verbosity = raw.quiet ? -1 : raw.verbose;
    cfg.status_line = !raw.quiet;
    raw.codec_given = app.count("--video-codec") > 0 || file->line_of("video-codec") > 0;
    if (auto why = cli::read_video_chain(raw, cfg); !why.empty()) return usage_error(why);

    if (!raw.print_config) return {};
    return exit_with(0, effective_config(app, *file, raw, cfg));
}

}  // namespace rp
