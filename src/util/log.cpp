#include "util/log.h"

#include "util/gobj.h"
#include "util/redact.h"

#include <glib.h>
#include <gst/gst.h>

#include <sys/ioctl.h>
#include <unistd.h>
#include <atomic>

#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace rp::log {
namespace {

std::atomic<Level> g_level{Level::Info};
// Log lines come from any thread; one lock keeps them and the status line from interleaving.
std::mutex g_out_mutex;
std::string g_status;  // on screen now, under g_out_mutex
constexpr const char* kClearLine = "\r\033[K";
const gint64 g_start_us = g_get_monotonic_time();

void emit(Level lvl, const char* tag, const char* fmt, va_list ap) {
    if (lvl > g_level.load()) return;
    char text[4096];
    vsnprintf(text, sizeof text, fmt, ap);
    // Secrets are masked where a line is written (redact_url, redact_json); a URL quoted by a
    // library error or the wiring may still carry user:pass@, and only that is masked here.
    std::string clean = mask_credentials(text);
    gint64 now = g_get_real_time();
    time_t secs = static_cast<time_t>(now / G_USEC_PER_SEC);
    struct tm tm_utc;
    gmtime_r(&secs, &tm_utc);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%H:%M:%S", &tm_utc);
    char line[4200];
    snprintf(line, sizeof line, "%s.%03d %s %s\n", stamp, static_cast<int>((now / 1000) % 1000),
             tag, clean.c_str());
    std::lock_guard<std::mutex> lock(g_out_mutex);
    if (g_status.empty()) {
        fputs(line, stderr);
    } else {
        std::string out = std::string(kClearLine) + line + g_status;
        fwrite(out.data(), 1, out.size(), stderr);
    }
}

// GStreamer's default log handler prints arguments as they are (webrtcbin logs TURN URLs):
// ours prints the same line with its credentials masked, every other byte as it was.
void gst_log_masked(GstDebugCategory* category, GstDebugLevel level, const gchar* file,
                    const gchar* function, gint line, GObject* object, GstDebugMessage* message,
                    gpointer) {
    if (level > gst_debug_category_get_threshold(category)) return;
    std::string clean = mask_credentials(take_string(
        gst_debug_log_get_line(category, level, file, function, line, object, message)));
    fputs(clean.c_str(), stderr);
}

}  // namespace

bool stderr_is_terminal() {
    return isatty(STDERR_FILENO) == 1;
}

size_t terminal_columns() {
    struct winsize ws {};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

void set_status(const std::string& text) {
    std::lock_guard<std::mutex> lock(g_out_mutex);
    g_status = text;
    std::string out = kClearLine + g_status;
    fwrite(out.data(), 1, out.size(), stderr);
}

void clear_status() {
    std::lock_guard<std::mutex> lock(g_out_mutex);
    if (g_status.empty()) return;
    g_status.clear();
    fputs(kClearLine, stderr);
}

void mask_gst_debug_credentials() {
    gst_debug_remove_log_function(gst_debug_log_default);
    gst_debug_add_log_function(gst_log_masked, nullptr, nullptr);
}

void set_level(Level level) {
    g_level = level;
}

void route_library_logs() {
    for (const char* domain : {"libnice", "GLib-Net", "GUPnP-IGD", "GSSDP", "GUPnP"}) {
        g_log_set_handler(
            domain,
            static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE |
                                        G_LOG_LEVEL_INFO),
            [](const gchar* d, GLogLevelFlags, const gchar* message, gpointer) {
                debug("%s: %s", d ? d : "?", message ? message : "");
            },
            nullptr);
    }
}
Level level() {
    return g_level.load();
}
double since_start_ms() {
    return (g_get_monotonic_time() - g_start_us) / 1000.0;
}

#define RP_LOG_FN(name, lvl, tag)     \
    void name(const char* fmt, ...) { \
        va_list ap;                   \
        va_start(ap, fmt);            \
        emit(lvl, tag, fmt, ap);      \
        va_end(ap);                   \
    }
RP_LOG_FN(error, Level::Error, "error:")
RP_LOG_FN(warn, Level::Warning, "warning:")
RP_LOG_FN(info, Level::Info, "")
RP_LOG_FN(debug, Level::Debug, "debug:")

}  // namespace rp::log
