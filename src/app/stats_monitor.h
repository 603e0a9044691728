// Samples every call's figures on the main loop and hands them to whoever watches: the
// terminal status line (about once a second), the --stats JSON lines (every
// --stats-interval) and the --metrics-port HTTP endpoint (the latest sample).
#pragma once

#include "app/metrics_server.h"
#include "app/options.h"
#include "report/stats.h"
#include "util/gobj.h"
#include "util/main_thread.h"

#include <glib.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rp {

class StatsMonitor {
  public:
    struct Sources {
        // Room-level fields of a sample (room, self id, state, members); peers left empty.
        std::function<StatsSample()> room;
        // The running calls' figures; calls back on the main loop.
        std::function<void(std::function<void(std::vector<PeerStats>)>)> calls;
    };

    StatsMonitor(const app::WatchOptions& cfg, Sources sources);
    ~StatsMonitor();
    StatsMonitor(const StatsMonitor&) = delete;
    StatsMonitor& operator=(const StatsMonitor&) = delete;

    // Opens --stats and binds --metrics-port; false (and *error) is a configuration error.
    bool start(std::string* error);
    // Stops sampling and takes the status line off the terminal.
    void stop();

  private:
    void tick();
    void publish(StatsSample sample);

    const app::WatchOptions& cfg_;
    Sources sources_;
    bool status_ = false;
    struct FileClose {
        void operator()(FILE* f) const {
            if (f) fclose(f);
        }
    };
    std::unique_ptr<FILE, FileClose> stats_file_;  // --stats FILE
    FILE* stats_out_ = nullptr;                    // stats_file_, or stdout for "-"
    std::unique_ptr<MetricsServer> metrics_;
    SourceId timer_;
    bool in_flight_ = false;
    std::optional<StatsSample> last_;       // rates for status and metrics
    std::optional<StatsSample> last_line_;  // rates for the --stats lines
    Lifetime alive_ = make_lifetime();
};

}  // namespace rp
