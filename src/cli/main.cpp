// roompeer entry point: flags to Config, then one run.
#include "cli/options.h"
#include "core/app.h"
#include "util/log.h"
#include "util/redact.h"

#include <gst/gst.h>

#include <cstdio>

namespace {

std::vector<std::string> g_secrets;

void redacting_gst_log(GstDebugCategory* cat, GstDebugLevel level, const gchar* file,
                       const gchar* function, gint line, GObject* object, GstDebugMessage* message,
                       gpointer) {
    if (level > gst_debug_category_get_threshold(cat)) return;
    gchar* text = gst_debug_log_get_line(cat, level, file, function, line, object, message);
    std::string out = rp::hide_secrets(text ? text : "", g_secrets);
    g_free(text);
    std::fputs(out.c_str(), stderr);
}

// GStreamer's own debug lines (GST_DEBUG at level 5 and up) print TURN URLs as given, password
// included. With TURN servers configured, every line passes through here first (lines below
// the threshold never reach a log function, so this costs nothing without GST_DEBUG).
void install_redacting_gst_log(const std::vector<std::string>& turn_urls) {
    for (const auto& url : turn_urls)
        for (auto& s : rp::url_secrets(url)) g_secrets.push_back(std::move(s));
    if (g_secrets.empty()) return;
    gst_debug_remove_log_function(gst_debug_log_default);
    gst_debug_add_log_function(&redacting_gst_log, nullptr, nullptr);
}

}  // namespace

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
    install_redacting_gst_log(cfg.turn);
    int code = rp::run_app(cfg);
    gst_deinit();
    return code;
}
