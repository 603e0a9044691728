// The pieces of parse_options (options.cpp), internal to src/cli: one function per group of
// options that registers them with CLI11 (option_groups.cpp), and the steps that check and
// normalise what was given once CLI11 has parsed it (option_checks.cpp). Each layer's options
// are filled from its own group: app::ServerOptions from the room group, media::Options from
// the media and ICE groups, app::RunOptions and app::WatchOptions from theirs.
#pragma once

#include "cli/config.h"
#include "cli/config_file.h"

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace rp::cli {

// What the command line gives as text, before the checks turn it into Config fields.
struct RawOptions {
    std::vector<std::string> servers;
    std::string video = "test", audio = "test", codec = "vp8", size = "640x480";
    std::string video_pipeline;
    std::vector<std::string> sinks;
    std::vector<std::string> stun, turn;
    std::string ice_policy = "all";
    int verbose = 0;
    bool quiet = false;
    bool print_config = false, list_devices = false, as_json = false;
    bool codec_given = false;    // --video-codec on the command line or in the --config file
    bool bitrate_given = false;  // --video-bitrate on the command line or in the --config file
};

// Option groups, registered in this order: it is the order of --help, of --print-config and
// of CLI11's own checks (which error is reported when there are several).
void add_server_options(CLI::App& app, app::ServerOptions& server, RawOptions& raw);
void add_media_options(CLI::App& app, media::Options& media, std::string& preset, RawOptions& raw);
void add_ice_options(CLI::App& app, media::Options& media, RawOptions& raw);
void add_run_options(CLI::App& app, app::RunOptions& run);
void add_watch_options(CLI::App& app, app::WatchOptions& watch);
void add_log_options(CLI::App& app, RawOptions& raw);
// --config, --print-config, --list-devices, --json; returns the file hook, also set on APP.
std::shared_ptr<ConfigFile> add_config_options(CLI::App& app, RawOptions& raw);

// Checks after parsing, in the order parse_options runs them. Each returns why the options
// cannot be used (a usage error, exit 2), or "" when they can, and fills in what it derives.
std::string read_servers(const std::vector<std::string>& given, app::ServerOptions& server);
std::string check_run_times(const app::RunOptions& run);
// --expect: each parses and names a field a peer's report entry has.
std::string check_expect(const app::RunOptions& run);
std::string read_user_info(app::ServerOptions& server);
std::string read_sources(const RawOptions& raw, media::Options& media);
std::string read_sinks(const RawOptions& raw, media::Options& media);
std::string read_ice_servers(const RawOptions& raw, media::Options& media);
std::string check_ca_file(app::ServerOptions& server);
std::string resolve_output_paths(app::Options& options);
std::string check_ice_addresses(const media::Options& media);
std::string check_watch(const app::WatchOptions& watch);
std::string read_video_chain(const RawOptions& raw, Config& cfg);

}  // namespace rp::cli
