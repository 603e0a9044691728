// Timestamped logging on stderr. One process-wide level, set once by main.
#pragma once

#include <cstddef>
#include <string>

namespace rp::log {

enum class Level { Error = 0, Warning = 1, Info = 2, Debug = 3 };

void set_level(Level level);
// GStreamer's own debug lines (webrtcbin prints TURN URLs as given) printed by a handler that
// masks their credential-shaped text (mask_credentials() in util/redact.h), and nothing else
// in them. Call once, before other threads start.
void mask_gst_debug_credentials();
Level level();
double since_start_ms();
// Libraries' own GLib warnings (libnice's unreachable STUN, say) are noise to a user of
// roompeer: they go to debug, with their domain.
void route_library_logs();  // ms since process start, the clock of the report

// The terminal status line: drawn below the log, taken away before each log line and drawn
// again after it, so logs stay whole. Only for a terminal; callers check stderr_is_terminal().
bool stderr_is_terminal();
size_t terminal_columns();  // 80 when unknown
void set_status(const std::string& text);
void clear_status();  // also at exit, so the shell prompt starts on a clean line

void error(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void info(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace rp::log
