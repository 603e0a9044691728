// The test audio source's call-quality tone (report/test_tone.h): a pad probe on
// audiotestsrc overwrites its samples with the tone our sender tag gives, marked once a
// second on the stamp clock. Only roompeer's own test source carries it (not alsasrc, not
// --audio-pipeline).
#pragma once

#include "report/test_tone.h"

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <memory>

namespace rp::media {

// The name build_audio_chain gives the test source, and its raw format (S16LE, mono).
inline constexpr const char* kToneSourceName = "rp_test_tone";
inline constexpr int kToneRate = 48000;

class ToneSource {
  public:
    // Attaches to the element named kToneSourceName in `pipeline`; null when there is none.
    // The probe holds the ToneSource too, so it never outlives the pad's use of it.
    static std::shared_ptr<ToneSource> attach(GstElement* pipeline, std::uint16_t tag);
    // Any thread: the tag of the frequency from the next buffer on.
    void set_tag(std::uint16_t tag) { tag_.store(tag); }

  private:
    static GstPadProbeReturn on_buffer(GstPad* pad, GstPadProbeInfo* info, gpointer self);
    std::atomic<std::uint16_t> tag_{0};
    GstElement* source_ = nullptr;  // borrowed: the pipeline owns it and stops before we go
    tone::Generator generator_;     // streaming thread only
};

}  // namespace rp::media
