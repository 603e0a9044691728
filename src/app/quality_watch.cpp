#include "app/quality_watch.h"

#include "report/junit.h"
#include "report/quality_json.h"
#include "report/report_file.h"
#include "util/log.h"

#include <glib.h>

namespace rp::app {

void QualityWatch::start() {
    timer_.reset(g_timeout_add(
        1000,
        [](gpointer p) -> gboolean {
            static_cast<QualityWatch*>(p)->tick();
            return G_SOURCE_CONTINUE;
        },
        this));
}

void QualityWatch::tick() {
    std::int64_t now_us = g_get_monotonic_time();
    double now_ms = log::since_start_ms();
    for (const auto& r : records_()) {
        std::uint64_t frames = r.counters->video_frames.load();
        Seen& seen = seen_[r.id];
        if (frames != seen.frames) seen = {frames, now_ms};
        if (!opts_.expect.empty()) continue;  // --expect judges the call, at exit
        DegradationWatch::Sample s;
        s.peer = r.id;
        s.connected = r.state == PeerState::Connected;
        s.t_s = static_cast<double>(now_us) / 1e6;
        s.frames = frames;
        s.video = peer_figures(*r.counters, now_us).video;
        for (const auto& w : watch_.feed(s)) {
            if (w.first)
                log::warn("%s", w.text.c_str());
            else
                log::debug("%s", w.text.c_str());
        }
    }
}

void add_quality(std::vector<PeerStats>& peers, const std::vector<PeerRecord>& records) {
    std::int64_t now_us = g_get_monotonic_time();
    for (auto& p : peers) {
        for (const auto& r : records) {
            if (r.id != p.id) continue;
            PeerFigures f = peer_figures(*r.counters, now_us, log::since_start_ms());
            p.video = std::move(f.video);
            p.audio = std::move(f.audio);
            break;
        }
    }
}

double QualityWatch::video_end_ms(const PeerRecord& r, double now_ms) const {
    auto it = seen_.find(r.id);
    if (it == seen_.end() || r.counters->video_frames.load() != it->second.frames) return now_ms;
    return it->second.at_ms;
}

std::vector<std::string> QualityWatch::judge(RunResult& run) const {
    const Options& opts = opts_;
    std::int64_t now_us = g_get_monotonic_time();
    double now_ms = log::since_start_ms();
    run.figures.clear();
    for (const auto& p : run.peers)
        run.figures.push_back(peer_figures(*p.counters, now_us, video_end_ms(p, now_ms)));

    std::vector<FieldExpectation> expect;
    const std::vector<std::string> fields = expectable_fields();
    for (const auto& text : opts.expect) {
        std::string why;
        // Checked when the options were read: a failure here names the expression all the same.
        if (auto e = parse_expectation(text, fields, &why))
            expect.push_back(std::move(*e));
        else
            run.errors.push_back(why);
    }
    auto checks = run_checks(run, make_expectations(opts.expect_peers, opts.expect_frames));
    auto results = check_field_expectations(run, expect);
    std::vector<std::string> failures;
    for (const auto& c : checks)
        failures.insert(failures.end(), c.failures.begin(), c.failures.end());
    for (const auto& r : results)
        if (!r.pass) failures.push_back(r.failure());

    if (expect.empty()) {
        for (size_t i = 0; i < run.peers.size(); ++i)
            if (run.peers[i].ever_connected)
                log::info("%s", quality_summary(run.peers[i], run.figures[i]).c_str());
    } else {
        for (const auto& r : results)
            if (r.pass) log::info("expect: peer %s: %s", r.peer_id.c_str(), r.message.c_str());
    }

    if (!opts.junit_path.empty()) {
        JunitSuite suite = junit_suite(run, checks, results);
        suite.duration_s = log::since_start_ms() / 1000;
        suite.unix_time_s = static_cast<double>(g_get_real_time()) / 1e6 - suite.duration_s;
        std::string err;
        if (!write_report_file(opts.junit_path, junit_xml(suite), &err))
            log::error("cannot write the JUnit file %s: %s", opts.junit_path.c_str(), err.c_str());
    }
    return failures;
}

}  // namespace rp::app
