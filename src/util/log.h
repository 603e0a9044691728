// Timestamped logging on stderr. One process-wide level, set once by main.
#pragma once

namespace rp::log {

enum class Level { Error = 0, Warning = 1, Info = 2, Debug = 3 };

void set_level(Level level);
Level level();
double since_start_ms();
// Libraries' own GLib warnings (libnice's unreachable STUN, say) are noise to a user of
// roompeer: they go to debug, with their domain.
void route_library_logs();  // ms since process start, the clock of the report

void error(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void info(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void debug(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace rp::log
