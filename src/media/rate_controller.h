// Send-side bandwidth estimate of one call, from what webrtcbin 1.22 reports about our
// outbound video: RTCP receiver reports (fraction lost, round-trip time, jitter) always, and
// transport-wide congestion control or REMB figures when the member sends them. A small
// loss/delay controller in the spirit of GCC: cut (x0.5..x0.85) on heavy loss or a growing
// delay, hold on moderate loss while the round trip shows a queue (without one, that loss is
// the link's own: raise slowly), raise slowly (~+8 %/s) near where the link last congested
// and faster (+25 %/s, +50 %/s once past that point) while it is clear, and never leave
// [floor, ceiling]; between ticks, a queue the member's reports show cuts at once
// (on_round_trip). Pure: no GStreamer, one tick per second or so from the main loop.
#pragma once

#include "media/options.h"

#include <optional>

namespace rp::media {

// The default ceiling for a picture of WIDTH x HEIGHT when --video-bitrate is not given:
// kDefaultCeilingKbps (options.h), or less for small pictures, as browsers cap by size
// (libwebrtc's GetMaxDefaultVideoBitrateKbps: 600 kbit/s up to 320x240, where the quality
// stops improving). Without it a 240x240 call climbs toward 800 kbit/s that it cannot use,
// and each climb over a thin link costs a queue.
int default_ceiling_kbps(int width, int height);

struct RateInput {
    double dt_s = 1.0;                    // since the previous tick
    std::optional<double> fraction_lost;  // 0..1 over the last RTCP interval
    std::optional<double> rtt_ms;
    std::optional<double> jitter_ms;
    std::optional<double> remb_kbps;      // the member's REMB, when it sends one
    std::optional<double> twcc_loss;      // TWCC's packet loss over the tick, 0..1
    std::optional<double> twcc_delay_ms;  // TWCC's average delta between send and receive
};

class RateController {
  public:
    // Kbit/s; floor <= ceiling. Starts at `start_kbps` (within them; default the ceiling). Calls
    // start at kStartKbps, as browsers do: a call that starts at the ceiling on a thin link
    // fills its queue with the first keyframes and shows nothing for seconds; from kStartKbps a
    // clear link reaches a 2 Mbit/s ceiling in about 9 s.
    RateController(int floor_kbps, int ceiling_kbps, std::optional<int> start_kbps = {});

    // One tick: returns the new estimate (kbit/s, within [floor, ceiling]).
    int update(const RateInput& in);
    // Between ticks, as the member's reports come (about every 0.1 s): the largest round trip
    // they told since the last call, at `now_s` (any monotonic clock). A queue, the round trip
    // over its floor by more than kQueueMs and not draining, cuts at once by kQueueCut, at most
    // once per max(kQueueCutGapS, 1.5 round trips). update() hears of a queue up to a second
    // late, and by then the link's queue is full: it drops packets, and retransmissions come
    // after the receiver gave up on them. Returns whether it cut.
    bool on_round_trip(double rtt_ms, double now_s);
    int estimate_kbps() const { return static_cast<int>(estimate_ + 0.5); }
    // Why the last update moved: "increase", "hold", "decrease".
    const char* last_action() const { return action_; }

    static constexpr int kStartKbps = 300;
    // Where a call starts between `floor_kbps` and `ceiling_kbps`: kStartKbps within them (the
    // ceiling wins over the floor). What a new RateController starts at, and what the shared
    // encoder sends before the first call's first estimate.
    static int start_kbps(int floor_kbps, int ceiling_kbps);
    static constexpr double kDecrease = 0.85;  // on loss above kHighLoss or delay growth
    static constexpr double kHighLoss = 0.10;  // fraction lost that cuts
    // Least time between two cuts: the reports in between still describe the old rate.
    static constexpr double kCutGapS = 2.5;
    static constexpr double kLowLoss = 0.02;  // below it, loss is noise: increase
    // Below it the link is clear (the increase speeds up): a report that averages one packet
    // lost in a few hundred, as one late on the way, is not a lossy link.
    static constexpr double kClearLoss = 0.005;
    static constexpr double kIncreasePerS = 0.08;      // the first seconds of a clear link
    static constexpr double kFastIncreasePerS = 0.25;  // once it stayed clear kFastAfterS
    static constexpr double kFastAfterS = 1.0;
    // The ticks come about once a second, from get-stats answers: a little early or late. The
    // clear time counts them with this slack (a tick of 0.998 s once left a whole climb on the
    // slow increase).
    static constexpr double kTickSlackS = 0.1;
    // A link that grew: past where it last congested (kAbove), and clear kFasterAfterS. Only
    // then: on a link's first climb nothing says where it ends, and +50 %/s ran a 1 Mbit/s
    // link's queue over before the round trip showed it (bench, 2026-11-30).
    static constexpr double kFasterIncreasePerS = 0.5;
    static constexpr double kFasterAfterS = 3.0;
    // Where the link last congested (the estimate when a run of cuts began): from kNear under
    // it to kAbove over it the increase stays slow, however long the link has been clear, so a
    // link that did not change is crossed gently and fills its queue slowly. Over kAbove it
    // has room it did not have then: the point is forgotten.
    static constexpr double kNear = 0.85;
    static constexpr double kAbove = 1.1;
    static constexpr double kDelayGrowthMs = 30;  // RTT above its floor by this much: queueing
    static constexpr double kQueueMs = 60;        // on_round_trip: RTT over its floor, a queue
    static constexpr double kQueueCut = 0.85;
    static constexpr double kQueueCutGapS = 0.5;
    static constexpr double kDrainingMs = 15;  // a round trip this much under the last: draining
    static constexpr double kQueueRunS = 3.0;  // queue cuts this close are one congestion

  private:
    double clamp(double v) const;
    // Cuts the estimate by `factor`, holds the increase a moment; a new run of congestion
    // remembers the estimate it began at (the increase is slow near it).
    void cut(double factor, bool new_run);

    double floor_;
    double ceiling_;
    double estimate_;
    std::optional<double> min_rtt_;  // the link's propagation floor, slowly forgotten
    std::optional<double> last_rtt_;
    double hold_s_ = 0;   // after a decrease: no increase for a moment
    double clear_s_ = 0;  // how long the link has been clear: the increase speeds up
    double since_cut_s_ = 1e9;
    std::optional<double> last_queue_cut_s_;  // on_round_trip's clock
    std::optional<double> last_round_trip_;   // on_round_trip's previous figure
    double congested_at_ = 0;                 // the estimate when the last run of cuts began
    bool grown_ = false;                      // past that estimate since the last cut
    const char* action_ = "hold";
};

}  // namespace rp::media
