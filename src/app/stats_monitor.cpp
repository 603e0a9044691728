#include "app/stats_monitor.h"

#include "util/log.h"

#include <cerrno>
#include <cstring>

namespace rp {

StatsMonitor::StatsMonitor(const app::WatchOptions& cfg, Sources sources)
    : cfg_(cfg), sources_(std::move(sources)) {}

StatsMonitor::~StatsMonitor() {
    stop();
}

bool StatsMonitor::start(std::string* error) {
    status_ = cfg_.status_line && log::stderr_is_terminal();
    if (!cfg_.stats_path.empty()) {
        if (cfg_.stats_path == "-") {
            stats_out_ = stdout;
        } else {
            stats_file_.reset(fopen(cfg_.stats_path.c_str(), "w"));
            stats_out_ = stats_file_.get();
            if (!stats_out_) {
                if (error)
                    *error = "--stats: cannot write " + cfg_.stats_path + ": " + strerror(errno);
                return false;
            }
        }
    }
    if (cfg_.metrics_port >= 0) {
        metrics_ = std::make_unique<MetricsServer>();
        if (!metrics_->listen(cfg_.metrics_address, cfg_.metrics_port, error)) return false;
        log::info("metrics at %s", metrics_->url().c_str());
    }
    if (!status_ && !stats_out_ && !metrics_) return true;
    // The status line wants about a second; --stats lines may want it more often.
    double period = 1.0;
    if (stats_out_) period = std::min(period, cfg_.stats_interval_s);
    timer_.reset(g_timeout_add(
        static_cast<guint>(period * 1000),
        [](gpointer p) -> gboolean {
            static_cast<StatsMonitor*>(p)->tick();
            return G_SOURCE_CONTINUE;
        },
        this));
    if (metrics_) metrics_->set_body(prometheus_text(sources_.room()));
    return true;
}

void StatsMonitor::stop() {
    timer_.reset();
    if (status_) log::clear_status();
    status_ = false;
}

void StatsMonitor::tick() {
    // A webrtcbin busy with a renegotiation may answer late; never stack requests behind it.
    if (in_flight_) return;
    in_flight_ = true;
    std::weak_ptr<int> alive = alive_;
    sources_.calls([this, alive](std::vector<PeerStats> peers) {
        if (!alive.lock()) return;
        in_flight_ = false;
        if (!timer_) return;  // stopped meanwhile
        StatsSample s = sources_.room();
        s.peers = std::move(peers);
        publish(std::move(s));
    });
}

void StatsMonitor::publish(StatsSample sample) {
    StatsSample live = sample;
    if (last_) compute_rates(*last_, live);
    last_ = sample;
    if (metrics_) metrics_->set_body(prometheus_text(live));
    if (status_) log::set_status(status_text(live, log::terminal_columns()));
    if (!stats_out_) return;
    // Lines keep their own interval, so their rates cover exactly the time between two lines.
    if (last_line_ && sample.uptime_s - last_line_->uptime_s < cfg_.stats_interval_s * 0.9) return;
    StatsSample line = sample;
    if (last_line_) compute_rates(*last_line_, line);
    last_line_ = sample;
    std::string text = stats_json_line(line) + "\n";
    fwrite(text.data(), 1, text.size(), stats_out_);
    fflush(stats_out_);
}

}  // namespace rp
