// Samples every call's figures on the main loop and hands them to whoever watches: the
// terminal status line (about once a second), the --stats JSON lines (every
// --stats-interval) and the --metrics-port HTTP endpoint (the latest sample).
#pragma once

#include "app/metrics_server.h"
#include "app/options.h"
#include "report/stats.h"

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
    FILE* stats_out_ = nullptr;
    bool stats_owned_ = false;  // fclose it; stdout is not ours
    std::unique_ptr<MetricsServer> metrics_;
    guint timer_ = 0;
    bool in_flight_ = false;
    std::optional<StatsSample> last_;       // rates for status and metrics
    std::optional<StatsSample> last_line_;  // rates for the --stats lines
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace rp
