// roompeer entry point: flags to Config, then one run.
#include "cli/options.h"
#include "core/app.h"
#include "util/log.h"

#include <gst/gst.h>

#include <cstdio>

int main(int argc, char** argv) {
    rp::Config cfg;
    rp::ParseResult parsed = rp::parse_options(argc, argv, cfg);
    if (parsed.kind == rp::ParseResult::Kind::Exit) {
        std::fputs(parsed.message.c_str(), parsed.exit_code == 0 ? stdout : stderr);
        return parsed.exit_code;
    }
    rp::log::set_level(cfg.verbosity < 0    ? rp::log::Level::Error
                       : cfg.verbosity == 0 ? rp::log::Level::Info
                                            : rp::log::Level::Debug);
    gst_init(nullptr, nullptr);
    rp::log::route_library_logs();
    if (cfg.verbosity >= 2 && !g_getenv("GST_DEBUG"))
        gst_debug_set_threshold_from_string("webrtc*:4,nice*:3", TRUE);
    int code = rp::run_app(cfg);
    gst_deinit();
    return code;
}
