// Local capture and encode, done once: source -> convert -> encoder -> tee. Every peer session
// takes a branch from the tee, so N peers never mean N encoders.
#pragma once

#include "media/codecs.h"
#include "media/options.h"

#include <gst/gst.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace rp::media {

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
    void request_keyframe();

    std::uint64_t video_frames_captured() const { return video_frames_captured_.load(); }
    std::uint64_t video_frames_encoded() const { return video_frames_encoded_.load(); }
    std::uint64_t keyframes_encoded() const { return keyframes_encoded_.load(); }

    // Elements every run needs, for the up-front check that names missing packages.
    std::vector<std::string> required_elements() const;

  private:
    std::optional<SourceSpec> resolve_auto(Kind k, const SourceSpec& spec);
    GstElement* build_video(const SourceSpec& src, std::string* error);
    // {placeholder} values for preset fragments (pipelines/presets/README).
    std::map<std::string, std::string> video_vars(const SourceSpec& src) const;
    std::string auto_encode(GstElement* source, std::string* error) const;
    GstElement* build_audio(const SourceSpec& src, std::string* error);
    static GstPadProbeReturn stamp_frame(GstPad* pad, GstPadProbeInfo* info, gpointer self);

    GstElement* pipeline_;
    const Options& cfg_;
    SendCodec video_codec_;
    SendCodec audio_codec_;
    GstElement* video_tee_ = nullptr;
    GstElement* audio_tee_ = nullptr;
    GstElement* video_encoder_ = nullptr;
    void force_keyframe();
    std::atomic<gint64> last_keyframe_us_{0};
    std::atomic<bool> keyframe_pending_{false};
    std::atomic<guint> keyframe_timer_{0};
    std::atomic<std::uint64_t> video_frames_captured_{0};
    std::atomic<std::uint64_t> video_frames_encoded_{0};
    std::atomic<std::uint64_t> keyframes_encoded_{0};
};

}  // namespace rp::media
