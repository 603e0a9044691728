// The calls' quality on the main loop: the degradation warnings while the run lasts (without
// --expect, once a second), the figures of the --stats lines and /metrics, and at exit the
// run's verdict: the checks, --expect, the per-peer summary lines and the --junit file.
#pragma once

#include "app/options.h"
#include "report/degradation.h"
#include "report/report.h"
#include "report/stats.h"
#include "util/gobj.h"

#include <cstdint>
#include <functional>
#include <map>
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

    // Looks at every call once a second: warns when one degrades (unless --expect judges the
    // run instead) and notes when its video stopped.
    void start();
    void stop() { timer_.reset(); }

    // The run's failures (run checks, then --expect), logged; the quality summary lines
    // (without --expect); the --junit file. `run.figures` is filled here.
    std::vector<std::string> judge(RunResult& run) const;

  private:
    void tick();
    // When the call's video ended (ms since start): now while frames still come, else the
    // tick that saw the last of them. For the frame rate until the video owner measures it.
    double video_end_ms(const PeerRecord& r, double now_ms) const;

    struct Seen {
        std::uint64_t frames = 0;
        double at_ms = 0;  // since start, when `frames` was first seen
    };
    const Options& opts_;
    Records records_;
    DegradationWatch watch_;
    std::map<std::string, Seen> seen_;
    SourceId timer_;
};

// Fills each sample's video and audio figures from the record of the same id.
void add_quality(std::vector<PeerStats>& peers, const std::vector<PeerRecord>& records);

}  // namespace rp::app
