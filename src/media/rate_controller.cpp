#include "media/rate_controller.h"

#include <algorithm>
#include <cmath>

namespace rp::media {

int default_ceiling_kbps(int width, int height) {
    long pixels = static_cast<long>(width) * height;
    return pixels <= 320L * 240 ? std::min(600, kDefaultCeilingKbps) : kDefaultCeilingKbps;
}

int RateController::start_kbps(int floor_kbps, int ceiling_kbps) {
    return std::min(std::max(1, ceiling_kbps), std::max(floor_kbps, kStartKbps));
}

RateController::RateController(int floor_kbps, int ceiling_kbps, std::optional<int> start_kbps)
    : floor_(std::max(1, std::min(floor_kbps, ceiling_kbps))),
      ceiling_(std::max(1, ceiling_kbps)),
      estimate_(start_kbps ? std::clamp(static_cast<double>(*start_kbps), floor_, ceiling_)
                           : ceiling_) {}

double RateController::clamp(double v) const {
    return std::clamp(v, floor_, ceiling_);
}

bool RateController::on_round_trip(double rtt, double now) {
    if (rtt <= 0) return false;
    if (!min_rtt_ || rtt < *min_rtt_) min_rtt_ = rtt;
    // The reports after a cut still show the queue it drains: a shrinking one cuts no more.
    bool draining = last_round_trip_ && rtt < *last_round_trip_ - kDrainingMs;
    last_round_trip_ = rtt;
    if (rtt - *min_rtt_ <= kQueueMs || draining) return false;
    double gap = std::max(kQueueCutGapS, 1.5 * rtt / 1000);
    if (last_queue_cut_s_ && now - *last_queue_cut_s_ < gap) return false;
    // The first cut of a run remembers where the link congested (the increase is slow there);
    // the cuts that follow it within a few seconds are the same congestion.
    bool new_run = !last_queue_cut_s_ || now - *last_queue_cut_s_ > kQueueRunS;
    last_queue_cut_s_ = now;
    cut(kQueueCut, new_run);
    return true;
}

void RateController::cut(double factor, bool new_run) {
    if (new_run) congested_at_ = estimate_;
    grown_ = false;
    estimate_ = clamp(estimate_ * factor);
    hold_s_ = 1.0;
    clear_s_ = 0;
    since_cut_s_ = 0;
    action_ = "decrease";
}

int RateController::update(const RateInput& in) {
    double dt = std::clamp(in.dt_s, 0.05, 5.0);
    // Loss: the worse of RTCP's and TWCC's view.
    double loss = std::max(in.fraction_lost.value_or(0), in.twcc_loss.value_or(0));
    // Delay: the RTT over its floor, and how fast it grows. The floor drifts up slowly so a
    // route change does not look like a queue for ever.
    bool delay_growing = false;
    bool no_queue = false;  // the round trip at its floor: what is lost is not our doing
    if (in.rtt_ms && *in.rtt_ms > 0) {
        double rtt = *in.rtt_ms;
        if (!min_rtt_ || rtt < *min_rtt_)
            min_rtt_ = rtt;
        else
            *min_rtt_ += (rtt - *min_rtt_) * std::min(1.0, 0.01 * dt);
        bool above = rtt - *min_rtt_ > kDelayGrowthMs;
        no_queue = !above;
        bool rising = last_rtt_ && rtt > *last_rtt_ + kDelayGrowthMs / 3;
        // A queue that drains (the link cleared) is no congestion, however long it still is.
        bool falling = last_rtt_ && rtt < *last_rtt_ - kDelayGrowthMs / 3;
        delay_growing = above && !falling && (rising || rtt - *min_rtt_ > 3 * kDelayGrowthMs);
        last_rtt_ = rtt;
    }
    if (in.twcc_delay_ms && *in.twcc_delay_ms > kDelayGrowthMs) delay_growing = true;

    double next = estimate_;
    since_cut_s_ += dt;
    // The reports after a cut still describe the rate before it: one cut per kCutGapS.
    bool congested = loss > kHighLoss || delay_growing;
    if (congested && since_cut_s_ < kCutGapS) {
        hold_s_ = std::max(hold_s_, 1.0);
        action_ = "hold";
    } else if (congested) {
        // As GCC's loss-based part: by half the share lost, at least x0.5, at most x0.85.
        cut(std::clamp(1.0 - 0.5 * loss, 0.5, kDecrease), true);
        next = estimate_;
    } else if (hold_s_ > 0 || (loss >= kLowLoss && !no_queue)) {
        hold_s_ = std::max(0.0, hold_s_ - dt);
        clear_s_ = 0;
        action_ = "hold";
    } else {
        // Faster the longer the link stays clear, but slowly near where it last congested.
        // Clear here means (nearly) no loss: a link that loses a little at random (under
        // kLowLoss) keeps the slow increase.
        bool lossless = loss < kClearLoss;
        if (!lossless) clear_s_ = 0;
        if (congested_at_ > 0 && estimate_ > kAbove * congested_at_) {
            congested_at_ = 0;
            grown_ = true;
        }
        bool near = congested_at_ > 0 && estimate_ >= kNear * congested_at_;
        double clear = clear_s_ + kTickSlackS;
        double rate = near || clear < kFastAfterS        ? kIncreasePerS
                      : !grown_ || clear < kFasterAfterS ? kFastIncreasePerS
                                                         : kFasterIncreasePerS;
        if (lossless) clear_s_ += dt;
        // Not capped by what arrived: a member on the low layer receives less than it could
        // take, and its estimate must be able to grow back to the full one.
        next = estimate_ * std::pow(1.0 + rate, dt) + 1.0;
        action_ = "increase";
    }
    // The member's own estimate caps ours.
    if (in.remb_kbps && *in.remb_kbps > 0) next = std::min(next, *in.remb_kbps);
    estimate_ = clamp(next);
    return estimate_kbps();
}

}  // namespace rp::media
