// Which encoding each call gets, from every call's bandwidth estimate. One encoder is shared by
// every member, so the weakest link would set everyone's quality: at most two encodings run,
// full and low (a quarter of the pixels, a fraction of the bitrate). A member whose estimate
// cannot carry what the others can gets the low one at once, and moves back up once it can,
// after a dwell on low that grows when it flaps. The low encoding runs only while some
// member is on it. Also the "balanced" degradation of the full encoding: below set bits per
// pixel it drops the frame rate before the picture falls apart. Pure: no GStreamer.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace rp::media {

enum class Layer { Full = 0, Low = 1 };

struct PeerEstimate {
    std::string id;
    int estimate_kbps = 0;
};

struct LayerPlan {
    int full_kbps = 0;      // the full encoder's target
    bool low_runs = false;  // the low encoding is needed
    int low_kbps = 0;       // its target, when it runs
    int full_fps = 0;       // the full encoding's frame rate after degradation
    std::map<std::string, Layer> layers;
};

class LayerPlanner {
  public:
    // Kbit/s and frames per second of the full encoding as configured; floor <= ceiling.
    // `low_possible`: the chain can make a low encoding at all (roompeer's own encoders).
    // `idle_kbps`: the full encoding's rate while no call is planned yet (0: the ceiling), so
    // that a call's first second is not sent at the ceiling before its estimate exists.
    LayerPlanner(int floor_kbps, int ceiling_kbps, int fps, bool low_possible = true,
                 int idle_kbps = 0);

    // One tick at `now_s` (any monotonic seconds).
    LayerPlan plan(const std::vector<PeerEstimate>& peers, double now_s);

    // A member goes low under kDown times the best member's estimate (or under
    // kAloneLowShare of the ceiling), and back up at kUp times both.
    static constexpr double kDown = 0.6;
    static constexpr double kUp = 0.8;
    // The low encoding's most: this share of the ceiling; with nobody on full, the rate at
    // which a member alone moves back up, if more. A member alone on low then proves its link
    // at that rate before the full encoding goes out to it (its estimate is not capped by what
    // it receives).
    static constexpr double kLowShare = 0.3;
    // Least time on the low layer before a move up; doubled (up to kMaxDwellS) each time a
    // member falls back down soon after it moved up. A move down comes at once: a link that
    // cannot carry the full encoding fills its queue with every second on it (a move up
    // refused on a 500 kbit/s link held the full encoding 4 s more, with four cuts of its
    // estimate and a freeze). kMaxDwellS bounds how long a link that grew waits on low: the
    // estimate there is not capped by what arrives, so nothing else tells that it grew, and a
    // lifted limit must see the target climb back within 10 s (issue 12). A refused move up
    // goes back within half a second (kRefused), and kAloneUp makes one rare on a link that
    // cannot carry the full encoding.
    static constexpr double kMinDwellS = 4.0;
    static constexpr double kMaxDwellS = 6.0;
    // A move up that the link refuses: the member's estimate cut under kRefused of what it
    // was at the move, within kRefusedWithinS of it. Back down at once, whatever the
    // thresholds: the first cut came a quarter to half a second after the move in the traced
    // runs, the next ones each half second while the queue grew.
    static constexpr double kRefused = 0.9;
    static constexpr double kRefusedWithinS = 2.0;
    // A member alone (or every member) under this share of the ceiling, or under
    // kAloneLowBitsPerPixel of the full size (whichever is more, but at most kDown of the
    // ceiling): the full encoding would fall apart at full size, so it gets the quarter-size
    // one. Back up at kAloneUp times that. The bits per pixel count because an encoder cannot
    // go far under what its size needs: VP8 sends the 640x480 test picture at about 300
    // kbit/s whatever its target under that, plus keyframes; moving it up at 267 kbit/s (a
    // share of an 800 ceiling) on a 500 kbit/s link with audio filled the link's queue and
    // froze the picture three or four times in the next two seconds.
    static constexpr double kAloneLowShare = 0.25;
    static constexpr double kAloneLowBitsPerPixel = 0.03;
    // The low encoding proves the link at the rate a move up needs before it goes (its most,
    // for a member alone). Not 4/3 as between members: at 640x480 VP8 sends a target of 368
    // kbit/s as 400 and more, and a 500 kbit/s link with audio took that move up and
    // refused it within half a second, with a freeze of 520 ms.
    static constexpr double kAloneUp = 1.6;
    // Bits per pixel and frame under which the full encoding drops to kDegradedFps share.
    static constexpr double kMinBitsPerPixel = 0.025;
    static constexpr double kDegradedFpsShare = 0.8;

    int degraded_fps(int kbps, int width, int height) const;
    void set_low_possible(bool possible) { low_possible_ = possible; }
    void set_size(int width, int height) {
        width_ = width;
        height_ = height;
    }

  private:
    struct State {
        Layer layer = Layer::Full;
        double since_s = -1e9;
        double dwell_s = kMinDwellS;
        bool moved = false;  // it moved once (its first layer is not a move)
        double up_kbps = 0;  // its estimate at its last move up
    };
    int floor_, ceiling_, fps_;
    int idle_kbps_;
    bool low_possible_;
    int width_ = 640, height_ = 480;
    std::map<std::string, State> state_;
};

}  // namespace rp::media
