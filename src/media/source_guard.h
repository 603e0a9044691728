// A capture source that may go away while the calls stay up (issue #13 section 4).
//
//   live bin (source ! convert ! CAPS) --+
//                                         +-- input-selector --> the shared encoder --> tee
//   card (stand-in ! CAPS) --------------+
//
// The live source sits in a bin of its own in front of an input-selector; the card (a
// "camera unavailable" picture, or silence) runs beside it at the same caps, so the encoder
// and webrtcbin never see a change. When the live source fails (a bus error from inside its
// bin, or no buffer for 3 s) the selector switches to the card, the bin is dropped, and a new
// one is tried after 1 s, doubling to 30 s; its first buffer switches back and forces a
// keyframe. The card runs only while it is shown. Every state change happens on the main loop; the
// streaming thread only counts.
#pragma once

#include "media/codecs.h"
#include "media/flaky_source.h"
#include "util/gobj.h"
#include "util/retry_backoff.h"

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace rp::media {

class SourceGuard {
  public:
    struct Setup {
        Kind kind = Kind::Video;
        std::string live;  // gst-launch text of the live source, ending in the shared caps
        std::string card;  // the stand-in, ending in the same caps
        std::optional<FlakySpec> flaky;
        std::function<void(GstElement* live_bin)> on_open;  // main loop, each new live bin
        std::function<void()> on_recovered;                 // main loop, live again
    };
    // Builds the selector, the card and the first live bin into `pipeline`; null and *error
    // on a media error.
    static std::unique_ptr<SourceGuard> build(GstBin* pipeline, Setup setup, std::string* error);
    ~SourceGuard();
    SourceGuard(const SourceGuard&) = delete;
    SourceGuard& operator=(const SourceGuard&) = delete;

    // What the encoder links to (the selector), borrowed.
    GstElement* output() const { return selector_; }

    enum class Verdict { NotOurs, Handled, Fatal };
    // Main loop: a bus error from `obj`. Fatal when the source failed before it ever ran (a
    // missing device is the user's mistake, not an outage).
    Verdict on_error(GstObject* obj, const std::string& why);

    // Outages recovered from so far; any thread.
    std::uint64_t restarts() const { return restarts_.load(); }

    // The device's word in the log: "camera" or "microphone".
    const char* device_word() const;

  private:
    enum class State { Starting, Live, Down, Trying };
    explicit SourceGuard(GstBin* pipeline, Setup setup);
    bool open(std::string* error);  // a new live bin, linked and started
    void retire();                  // the card on, the live bin gone
    void lose(const std::string& why);
    void schedule_retry_in(int ms);
    void retry();
    void went_live();
    void tick();  // the watchdog, every 250 ms
    static GstPadProbeReturn on_buffer(GstPad*, GstPadProbeInfo* info, gpointer self);

    GstBin* pipeline_;  // borrowed: it owns the selector and the card, and outlives us
    Setup setup_;
    GstElement* selector_ = nullptr;
    GstElement* card_ = nullptr;  // borrowed: the pipeline owns it
    RequestPad card_pad_;
    BinElement live_;
    RequestPad live_pad_;
    State state_ = State::Starting;
    RetryBackoff backoff_;
    SourceId retry_timer_;
    SourceId watchdog_;
    gint64 lost_at_us_ = 0;
    gint64 attempt_at_us_ = 0;
    gint64 last_frame_at_us_ = 0;
    std::uint64_t last_seen_ = 0;
    int outages_ = 0;
    std::atomic<std::uint64_t> buffers_{0};  // of the current live bin; streaming thread counts
    std::atomic<bool> fail_this_opening_{false};
    std::atomic<bool> failed_{false};
    std::atomic<std::uint64_t> restarts_{0};
};

}  // namespace rp::media
