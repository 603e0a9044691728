#include "media/layer_plan.h"

#include <algorithm>

namespace rp::media {

LayerPlanner::LayerPlanner(int floor_kbps, int ceiling_kbps, int fps, bool low_possible,
                           int idle_kbps)
    : floor_(std::max(1, std::min(floor_kbps, ceiling_kbps))),
      ceiling_(std::max(1, ceiling_kbps)),
      fps_(std::max(1, fps)),
      idle_kbps_(idle_kbps > 0 ? idle_kbps : ceiling_),
      low_possible_(low_possible) {}

int LayerPlanner::degraded_fps(int kbps, int width, int height) const {
    double pixels = static_cast<double>(std::max(1, width)) * std::max(1, height);
    double bpp = kbps * 1000.0 / (pixels * fps_);
    if (bpp >= kMinBitsPerPixel) return fps_;
    return std::max(1, static_cast<int>(fps_ * kDegradedFpsShare + 0.5));
}

LayerPlan LayerPlanner::plan(const std::vector<PeerEstimate>& peers, double now_s) {
    LayerPlan out;
    // Forget members that are gone.
    for (auto it = state_.begin(); it != state_.end();)
        it = std::any_of(peers.begin(), peers.end(),
                         [&](const PeerEstimate& p) { return p.id == it->first; })
                 ? std::next(it)
                 : state_.erase(it);
    int best = 0;
    for (const auto& p : peers) best = std::max(best, p.estimate_kbps);
    double pixel_rate = static_cast<double>(std::max(1, width_)) * std::max(1, height_) * fps_;
    double alone_down =
        std::min(kDown * ceiling_,
                 std::max(kAloneLowShare * ceiling_, kAloneLowBitsPerPixel * pixel_rate / 1000.0));
    double alone_up = alone_down * kAloneUp;
    for (const auto& p : peers) {
        State& s = state_[p.id];
        double est = p.estimate_kbps;
        Layer want = s.layer;
        if (!low_possible_)
            want = Layer::Full;
        else if (s.layer == Layer::Full && (est < kDown * best || est < alone_down))
            want = Layer::Low;
        else if (s.layer == Layer::Full && s.up_kbps > 0 && now_s - s.since_s < kRefusedWithinS &&
                 est < kRefused * s.up_kbps)
            want = Layer::Low;
        else if (s.layer == Layer::Low && est >= kUp * best && est >= alone_up)
            want = Layer::Full;
        bool first = s.since_s < -1e8;
        // Down at once (a link that cannot carry the full encoding); up after the dwell.
        bool at_once = first || want == Layer::Low;
        if (want != s.layer && (at_once || now_s - s.since_s >= s.dwell_s)) {
            // Back down soon after moving up: it could not carry it, wait longer next time.
            if (want == Layer::Low && s.moved)
                s.dwell_s = now_s - s.since_s < 2 * s.dwell_s ? std::min(s.dwell_s * 2, kMaxDwellS)
                                                              : kMinDwellS;
            s.layer = want;
            s.up_kbps = want == Layer::Full && !first ? est : 0;
            s.since_s = now_s;
            s.moved = !first;
        } else if (first) {
            s.since_s = now_s;
        }
        out.layers[p.id] = s.layer;
    }
    int full_min = ceiling_, low_min = ceiling_;
    bool any_full = false;
    for (const auto& p : peers) {
        if (out.layers[p.id] == Layer::Full) {
            any_full = true;
            full_min = std::min(full_min, p.estimate_kbps);
        } else {
            out.low_runs = true;
            low_min = std::min(low_min, p.estimate_kbps);
        }
    }
    // Nobody on full: the full encoder keeps what the best member could take (it runs for
    // nobody, but is ready when one moves back up).
    // Nobody at all: the idle rate, where a call's estimate starts.
    out.full_kbps = std::clamp(any_full        ? full_min
                               : peers.empty() ? idle_kbps_
                                               : best,
                               floor_, ceiling_);
    // Everyone on low: up to where they move back up, so that their links are proven at that
    // rate first. Beside members on full, a share of the ceiling: more would only fill a thin
    // member's link (its estimate is not capped by what it receives).
    int low_cap = std::max({floor_, static_cast<int>(kLowShare * ceiling_),
                            any_full ? 0 : static_cast<int>(alone_up + 0.5)});
    out.low_kbps = out.low_runs ? std::clamp(low_min, floor_, low_cap) : 0;
    out.full_fps = degraded_fps(out.full_kbps, width_, height_);
    return out;
}

}  // namespace rp::media
