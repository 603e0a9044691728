// roompeer entry point: flags to Config, then one run.
#include "cli/options.h"
#include "app/app.h"
#include "media/devices.h"
#include "util/log.h"
#include "util/redact.h"

#include <gst/gst.h>

#include <cstdio>

int main(int argc, char** argv) {
    rp::Config cfg;
    rp::ParseResult parsed = rp::parse_options(argc, argv, cfg);
    if (parsed.kind == rp::ParseResult::Kind::Exit) {
        std::fputs(parsed.message.c_str(), parsed.exit_code == 0 ? stdout : stderr);
        return parsed.exit_code;
    }
    if (parsed.kind == rp::ParseResult::Kind::ListDevices) {
        gst_init(nullptr, nullptr);
        rp::media::DeviceList devices = rp::media::list_devices();
        std::fputs(
            (parsed.json ? rp::media::devices_json(devices) : rp::media::devices_text(devices))
                .c_str(),
            stdout);
        gst_deinit();
        return 0;
    }
    rp::log::set_level(cfg.verbosity < 0    ? rp::log::Level::Error
                       : cfg.verbosity == 0 ? rp::log::Level::Info
                                            : rp::log::Level::Debug);
    gst_init(nullptr, nullptr);
    // Before any thread exists: from here on every log line, GStreamer's own debug lines (which
    // print TURN URLs as given) included, is scrubbed of these.
    std::vector<std::string> secrets = rp::json_secrets(cfg.auth_json);
    if (!cfg.auth_json.empty()) secrets.push_back(cfg.auth_json);
    for (const auto& t : cfg.turn)
        for (auto& s : rp::url_secrets(t)) secrets.push_back(std::move(s));
    for (const auto& server : cfg.servers)
        for (auto& s : rp::url_secrets(server)) secrets.push_back(std::move(s));
    rp::log::set_secrets(std::move(secrets));
    rp::log::route_library_logs();
    if (cfg.verbosity >= 2 && !g_getenv("GST_DEBUG"))
        gst_debug_set_threshold_from_string("webrtc*:4,nice*:3", TRUE);
    int code = rp::run_app(cfg);
    gst_deinit();
    return code;
}
