// Everything downstream of one webrtcbin's source pads: depayload, decode and count, show
// in a window and/or record into one Matroska file per member without re-encoding.
#pragma once

#include "media/audio_output.h"
#include "media/codecs.h"
#include "media/options.h"
#include "media/video_wall.h"
#include "report/peer_record.h"
#include "util/gobj.h"
#include "util/main_thread.h"

#include <gst/gst.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace rp::media {

// For each rtpptdemux webrtcbin makes (any thread): webrtcbin 1.22 turns retransmission
// requests on for every jitter buffer of a bundled session, audio too, where nobody answers them
// (rtx is negotiated for video only). The demuxer after a jitter buffer learns its stream's
// caps from the SDP: when they say audio, that jitter buffer stops asking.
void no_audio_retransmission(GstElement* ptdemux);

class RemoteStreams {
  public:
    // `audio_out` (issue 13, borrowed, may be null): the run's mixed audio output, which
    // outlives every session; with it, decoded audio goes there instead of a sink of its own.
    RemoteStreams(std::string peer, GstElement* pipeline, const std::vector<SinkSpec>& sinks,
                  std::shared_ptr<MediaCounters> counters, AudioOutput* audio_out = nullptr,
                  std::shared_ptr<VideoWall> wall = nullptr);  // grid: --sink window's wall
    ~RemoteStreams();

    // Main loop, once the remote description tells what the member sends: opens the recording
    // so that its muxer waits for every announced track before writing the header.
    void expect(bool video, bool audio);
    // Main loop, for an RTP pad webrtcbin added (its data held back until then): builds and
    // links that stream's branch. False and *error (the codec, what is missing, the package)
    // when we cannot decode what arrives on it; its data is then discarded.
    bool attach(GstPad* rtp_pad, std::string* error);
    // Main loop: EOS through the recording; `done` runs on the main loop when the file is
    // finalized, or after `timeout_ms`.
    void finish(int timeout_ms, std::function<void()> done);
    // Main loop: sets every element to NULL and removes it. The webrtcbin must be stopped.
    // Repeatable: the destructor calls it again.
    void teardown();

  private:
    struct Recording;
    GstElement* add(const char* factory);
    // Sets to NULL and removes the elements added since elements_ had `mark` of them.
    void drop_since(size_t mark);
    bool link_chain(const std::vector<GstElement*>& chain);
    void record(Kind kind, GstElement* tee);
    void finished_recording();
    static GstPadProbeReturn count_video(GstPad*, GstPadProbeInfo*, gpointer self);
    static GstPadProbeReturn count_audio(GstPad*, GstPadProbeInfo*, gpointer self);

    std::string peer_;
    GstElement* pipeline_;  // borrowed: the app's pipeline outlives every session
    bool window_ = false;
    std::string record_dir_;
    std::shared_ptr<MediaCounters> counters_;
    std::weak_ptr<VideoWall> wall_;  // grid: video goes there; audio as before
    unsigned wall_token_ = 0;        // grid: our video's attachment to it
    std::mutex mutex_;  // held by the entry points (all on the main loop; probes only count)
    std::vector<BinElement> elements_;  // every element of every branch, in the order added
    std::unique_ptr<Recording> rec_;
    AudioOutput* audio_out_ = nullptr;    // issue 13 (audio): borrowed
    std::vector<RequestPad> mixer_pads_;  // our inputs of it, released after our branch stops
    Lifetime alive_ = make_lifetime();
};

}  // namespace rp::media
