// Admission control in front of one peer's send queue. The shared encoder must never wait for
// a slow peer, so a full queue drops; but a dropped video frame breaks every frame after it
// until the next keyframe, so after a drop the gate discards delta frames, asks the encoder
// for a keyframe and reopens on it. Audio frames stand alone and are simply dropped.
#pragma once

#include "util/gobj.h"

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <functional>

namespace rp::media {

class SendGate {
  public:
    enum class Verdict { Pass, Drop, DropAndRequestKeyframe };

    SendGate(bool video, unsigned max_queued)
        : video_(video), max_queued_(max_queued), waiting_for_keyframe_(video) {}

    // Until the call is connected nothing is queued: frames held back before then would
    // reach the member late, all at once. Any thread.
    void open() { open_ = true; }

    // Pure decision for one buffer; `queued` is how many buffers wait in the queue now.
    Verdict admit(bool keyframe, unsigned queued);

    // Installs the gate on `queue`'s sink pad; `request_keyframe` may run on any thread.
    // The gate must outlive the queue's streaming; the probe goes with the gate.
    void install(GstElement* queue, std::function<void()> request_keyframe);

    std::uint64_t dropped() const { return dropped_.load(); }
    // Buffers let through to the payloader: for video, the frames this member is sent.
    std::uint64_t passed() const { return passed_.load(); }

  private:
    static GstPadProbeReturn on_buffer(GstPad* pad, GstPadProbeInfo* info, gpointer self);

    bool video_;
    std::atomic<bool> open_{false};
    unsigned max_queued_;
    // Only touched by the one streaming thread. A new branch starts mid-GOP: wait for a keyframe.
    bool waiting_for_keyframe_;
    bool keyframe_requested_ = false;
    bool closed_request_sent_ = false;
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> passed_{0};
    std::function<void()> request_keyframe_;
    GstPtr<GstElement> queue_;
    PadProbe probe_;  // last: removed before what it reads
};

}  // namespace rp::media
