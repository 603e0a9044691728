// The calls' quality on the main loop: the degradation warnings while the run lasts (without
// --expect, once a second), the figures of the --stats lines and /metrics, and at exit the
// run's verdict: the checks, --expect, the per-peer summary lines and the --junit file.
#pragma once

#include "app/options.h"
#include "report/degradation.h"
#include "report/report.h"
#include "report/stats.h"
#include "util/gobj.h"

#include <functional>
#include <string>
#include <vector>

namespace rp::app {

class QualityWatch {
  public:
    using Records = std::function<std::vector<PeerRecord>()>;
    QualityWatch(const Options& opts, Records records)
        : opts_(opts), records_(std::move(records)) {}
    QualityWatch(const QualityWatch&) = delete;
    QualityWatch& operator=(const QualityWatch&) = delete;

    // Watches for degradation once a second, unless --expect judges the run instead.
    void start();
    void stop() { timer_.reset(); }

  private:
    void tick();

    const Options& opts_;
    Records records_;
    DegradationWatch watch_;
    SourceId timer_;
};

// Fills each sample's video and audio figures from the record of the same id.
void add_quality(std::vector<PeerStats>& peers, const std::vector<PeerRecord>& records);

// The run's failures (run checks, then --expect), logged; the quality summary lines (without
// --expect); the --junit file. `run.figures` is filled here.
std::vector<std::string> judge_run(const Options& opts, RunResult& run);

}  // namespace rp::app
