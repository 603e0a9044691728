// Local capture and encode, done once: source -> convert -> encoder -> tee. Every peer session
// takes a branch from the tee, so N peers never mean N encoders.
#pragma once

#include "media/codecs.h"
#include "media/low_encoding.h"
#include "media/options.h"
#include "media/source_guard.h"
#include "util/gobj.h"

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace rp::media {

class ToneSource;
class AudioOutput;

class LocalMedia {
  public:
    LocalMedia(GstElement* pipeline, const Options& cfg);
    ~LocalMedia();
    LocalMedia(const LocalMedia&) = delete;
    LocalMedia& operator=(const LocalMedia&) = delete;

    // Builds the capture branches into the pipeline; false (and *error) on a media error.
    bool build(std::string* error);

    bool sends(Kind k) const { return tee(k) != nullptr; }
    GstElement* tee(Kind k) const { return k == Kind::Audio ? audio_tee_ : video_tee_; }
    const SendCodec& codec(Kind k) const { return k == Kind::Audio ? audio_codec_ : video_codec_; }

    // Asks the shared video encoder for a keyframe: at most one per 500 ms reaches it;
    // requests in between are merged into one at the end of the gap. Any thread.
    void request_keyframe() { request_keyframe(kKeyframeGapUs); }
    // For a member whose call just connected: its send gate waits for a keyframe and lets
    // nothing through until then, and the one made for its caps while it negotiated never
    // reached it. At most one per 100 ms, so that it does not wait out the 500 ms gap.
    void request_keyframe_now() { request_keyframe(kUrgentKeyframeGapUs); }

    // Main loop: our id in the room, so that test sources mark what they send as ours (the
    // --latency-probe stamp's sender tag, the test tone's frequency). Any id before the first.
    void set_sender_id(const std::string& id);
    std::uint32_t sender_tag() const { return sender_tag_.load(); }
    // grid: main loop; the test picture's background colour from `key` (our name, or our id),
    // so that every member's picture looks different on a video wall.
    void set_pattern_key(const std::string& key);

    // Main loop: a bus error from `src`. Handled: a capture source went away and is being
    // reopened (the calls go on). Fatal: it failed before it ever ran.
    enum class CaptureError { NotOurs, Handled, Fatal };
    CaptureError on_capture_error(GstObject* src, const std::string& why);
    // Capture sources (camera, microphone) that came back after an outage; any thread.
    std::uint64_t source_restarts() const;
    std::uint64_t source_restarts(Kind k) const;

    std::uint64_t video_frames_captured() const { return video_frames_captured_.load(); }
    std::uint64_t video_frames_encoded() const { return video_frames_encoded_.load(); }
    std::uint64_t keyframes_encoded() const { return keyframes_encoded_.load(); }

    // Congestion control (media/adaptation.h), main loop. The full encoding's bitrate (where
    // the encoder can change it while running) and frame rate (frames dropped before the
    // encoder, with any encoder named venc).
    void set_full_target(int kbps, int fps);
    // A low encoding can be made: roompeer's own software encoder.
    bool low_possible() const { return low_ != nullptr; }
    // Starts (or retargets) the low encoding, or stops it; false when it cannot run.
    bool set_low(bool on, int kbps);
    GstElement* low_tee() const { return low_ && low_->running() ? low_->tee() : nullptr; }
    int full_fps() const { return target_fps_.load(); }

    // Elements every run needs, for the up-front check that names missing packages.
    std::vector<std::string> required_elements() const;

    // issue 13 (audio): the run's one mixed audio output (made by build(), before the
    // microphone, whose echo canceller reads it); null when there is none.
    AudioOutput* audio_output() const { return audio_out_.get(); }

  private:
    std::optional<SourceSpec> resolve_auto(Kind k, const SourceSpec& spec);
    void add_counters(GstElement* encoder, GstElement* tee);
    void on_video_open(GstElement* live_bin);
    void stamp_frames_of(GstElement* test_source);
    static GstPadProbeReturn stamp_frame(GstPad* pad, GstPadProbeInfo* info, gpointer self);
    void force_keyframe();
    void request_keyframe(gint64 min_gap_us);
    static constexpr gint64 kKeyframeGapUs = 500 * 1000;
    static constexpr gint64 kUrgentKeyframeGapUs = 100 * 1000;
    static GstPadProbeReturn decimate(GstPad*, GstPadProbeInfo* info, gpointer self);

    GstElement* pipeline_;  // borrowed: the App owns the pipeline and outlives us
    const Options& cfg_;
    SendCodec video_codec_;
    SendCodec audio_codec_;
    // Borrowed: the pipeline owns the elements of the capture chains.
    GstElement* video_tee_ = nullptr;
    GstElement* audio_tee_ = nullptr;
    GstElement* video_encoder_ = nullptr;
    // grid: videotestsrc vtest, when it is ours (the live one: a camera-loss guard may make a
    // new one), and the key its colour comes from.
    GstPtr<GstElement> test_source_;
    std::string pattern_key_;
    std::atomic<gint64> last_keyframe_us_{0};
    std::atomic<bool> keyframe_pending_{false};
    // The merged keyframe request waiting for its gap to pass. Made on a streaming thread and
    // fired on the main loop; destroyed with us whether or not it fired.
    std::mutex keyframe_mutex_;
    GSourcePtr keyframe_timer_;  // guarded by keyframe_mutex_
    std::atomic<std::uint32_t> sender_tag_{0};
    std::atomic<std::uint32_t> stamp_frames_{0};  // --latency-probe frames stamped so far
    std::shared_ptr<ToneSource> tone_;            // the test source's tone, when it is ours
    std::atomic<std::uint64_t> video_frames_captured_{0};
    std::atomic<std::uint64_t> video_frames_encoded_{0};
    std::atomic<std::uint64_t> keyframes_encoded_{0};
    // Frame-rate degradation: the encoder sees target_fps_ of every cfg_.fps frames.
    std::atomic<int> target_fps_{0};
    double frame_credit_ = 0;  // the encoder's streaming thread only
    int full_kbps_ = 0;
    bool encoder_takes_bitrate_ = true;
    std::unique_ptr<LowEncoding> low_;
    // Raw capture sources that may go away and come back (media/source_guard.h).
    std::unique_ptr<SourceGuard> video_guard_;
    std::unique_ptr<SourceGuard> audio_guard_;
    std::unique_ptr<AudioOutput> audio_out_;  // issue 13 (audio)
};

}  // namespace rp::media
