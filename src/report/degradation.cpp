#include "report/degradation.h"

#include "util/json.h"

namespace rp {

namespace {

// Seconds of the call the picture was black (or still), from the share the figures give and
// the time since the first frame.
double share_time(double share, double since_first_s) {
    return share * since_first_s;
}

// A share that kept growing as fast as time went by since the previous sample: the picture
// was black (still) all that time (80% for the imprecision of our clock against theirs).
void run_on(std::optional<double> before, std::optional<double> now, double first_s, double prev_t,
            double t, double& run_s) {
    if (!before || !now) {
        run_s = 0;
        return;
    }
    double grew = share_time(*now, t - first_s) - share_time(*before, prev_t - first_s);
    if (grew >= 0.8 * (t - prev_t))
        run_s += t - prev_t;
    else
        run_s = 0;
}

}  // namespace

std::vector<DegradationWatch::Warning> DegradationWatch::feed(const Sample& s) {
    std::vector<Warning> out;
    State& st = peers_[s.peer];
    if (st.seen && s.frames < st.frames) st = State{};  // a new call under the same id
    auto warn = [&](bool& once, const std::string& what) {
        if (once) return;
        once = true;
        out.push_back({s.peer, "peer " + s.peer + ": " + what, !st.warned_any});
        st.warned_any = true;
    };
    if (!st.first_frame_s && s.frames > 0) {
        st.first_frame_s = s.t_s;
        st.last_new_frame_s = s.t_s;
    }
    bool watching = s.connected && st.first_frame_s && st.seen;
    if (watching) {
        double dt = s.t_s - st.t_s;
        if (s.frames > st.frames) st.last_new_frame_s = s.t_s;
        // Frame rate over the interval since the previous sample.
        if (dt > 0) {
            double fps = static_cast<double>(s.frames - st.frames) / dt;
            if (fps < kLowFps) {
                if (!st.low_fps_since) st.low_fps_since = st.t_s;
                if (s.t_s - *st.low_fps_since >= kLowFpsFor_s)
                    warn(st.warned_fps, "the call degraded: under " + json::fixed(kLowFps, 0) +
                                            " fps for " + json::fixed(kLowFpsFor_s, 0) + " s (" +
                                            json::fixed(fps, 1) + " fps now)");
            } else {
                st.low_fps_since.reset();
            }
        }
        // A freeze: the longest gap the figures measured, else no new frame for over 1 s.
        double gap_ms =
            s.video.max_gap_ms ? *s.video.max_gap_ms : (s.t_s - st.last_new_frame_s) * 1000;
        if (gap_ms > kFreeze_ms)
            warn(st.warned_freeze, "the call degraded: the picture froze for " +
                                       json::fixed(gap_ms / 1000, 1) + " s");
        run_on(st.black, s.video.black, *st.first_frame_s, st.t_s, s.t_s, st.black_run_s);
        run_on(st.still, s.video.still, *st.first_frame_s, st.t_s, s.t_s, st.still_run_s);
        if (st.black_run_s >= kBlackOrStillFor_s)
            warn(st.warned_black, "the call degraded: the picture has been black for " +
                                      json::fixed(st.black_run_s, 0) + " s");
        if (st.still_run_s >= kBlackOrStillFor_s)
            warn(st.warned_still, "the call degraded: the picture has been still for " +
                                      json::fixed(st.still_run_s, 0) + " s");
    } else {
        st.low_fps_since.reset();
        st.black_run_s = st.still_run_s = 0;
        st.last_new_frame_s = s.t_s;
    }
    st.seen = true;
    st.t_s = s.t_s;
    st.frames = s.frames;
    st.black = s.video.black;
    st.still = s.video.still;
    return out;
}

std::string quality_summary(const PeerRecord& p, const PeerFigures& f) {
    const VideoFigures& v = f.video;
    const AudioFigures& a = f.audio;
    std::vector<std::string> parts;
    if (v.fps)
        parts.push_back(json::fixed(*v.fps, 1) + " fps");
    else
        parts.push_back(std::to_string(p.counters->video_frames.load()) + " frames");
    if (v.freeze_count) {
        std::string t =
            std::to_string(*v.freeze_count) + (*v.freeze_count == 1 ? " freeze" : " freezes");
        if (v.total_freeze_ms && *v.total_freeze_ms > 0)
            t += " (" + json::fixed(*v.total_freeze_ms, 0) + " ms)";
        parts.push_back(t);
    }
    if (v.pause_count && *v.pause_count > 0)
        parts.push_back(std::to_string(*v.pause_count) + " pauses");
    if (v.black && *v.black > 0) parts.push_back("black " + json::fixed(*v.black * 100, 0) + "%");
    if (v.still && *v.still > 0) parts.push_back("still " + json::fixed(*v.still * 100, 0) + "%");
    if (v.frames_lost) parts.push_back(std::to_string(*v.frames_lost) + " frames lost");
    if (v.from_expected_sender && !*v.from_expected_sender)
        parts.push_back("NOT from the expected sender");
    if (auto p95 = latency_percentile(p.counters->latency.snapshot(), 0.95))
        parts.push_back("latency p95 " + std::to_string(*p95) + " ms");
    if (v.psnr_mean_db) parts.push_back("psnr " + json::fixed(*v.psnr_mean_db, 1) + " dB");
    if (a.tone_ok) parts.push_back(*a.tone_ok ? "tone ok" : "tone wrong");
    if (a.gaps) parts.push_back(std::to_string(*a.gaps) + " audio gaps");
    if (a.av_sync_p95_ms)
        parts.push_back("a/v sync p95 " + json::fixed(*a.av_sync_p95_ms, 0) + " ms");
    if (v.layer || v.target_kbps) {
        // Appended piece by piece: GCC 12 at -O3 misreports `" " + std::string` as -Wrestrict
        // (PR 105651).
        std::string t = "sending";
        if (v.layer) t.append(" ").append(*v.layer);
        if (v.target_kbps) t.append(" ").append(std::to_string(*v.target_kbps)).append(" kbit/s");
        parts.push_back(t);
    }
    std::string o = "quality peer " + p.id + ":";
    for (size_t i = 0; i < parts.size(); ++i) o.append(i ? ", " : " ").append(parts[i]);
    return o;
}

}  // namespace rp
