// roompeer entry point: flags to Config, then one run.
#include "app/app.h"
#include "cli/options.h"
#include "media/devices.h"
#include "util/log.h"
#include "util/redact.h"

#include <gst/gst.h>

#include <cstdio>

int main(int argc, char** argv) {
    // libcamera (issue 13: Pi camera modules) logs every probe at INFO, and a warning on
    // machines without its IPA modules; only its errors, unless the user asks for more.
    g_setenv("LIBCAMERA_LOG_LEVELS", "*:ERROR", FALSE);
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
    // Before any thread exists: GStreamer's own debug lines print TURN URLs as given, so with a
    // TURN password they go through a handler that masks credentials (and only those).
    for (const auto& t : cfg.turn)
        if (rp::redact_url(t) != t) {
            rp::log::mask_gst_debug_credentials();
            break;
        }
    rp::log::route_library_logs();
    if (!cfg.preset_pick_note.empty())  // issue 13: Pi models
        rp::log::info("%s", cfg.preset_pick_note.c_str());
    if (cfg.verbosity >= 2 && !g_getenv("GST_DEBUG"))
        gst_debug_set_threshold_from_string("webrtc*:4,nice*:3", TRUE);
    int code = rp::run_app(cfg);
    gst_deinit();
    return code;
}
