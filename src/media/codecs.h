// What each codec needs on the send and receive side, and where missing elements come from.
#pragma once

#include "media/options.h"
#include "util/gobj.h"

#include <map>
#include <string>
#include <vector>

namespace rp::media {

enum class Kind { Audio, Video };
const char* kind_name(Kind k);

struct SendCodec {
    Kind kind;
    std::string encoding_name;  // as in SDP rtpmap: VP8, VP9, H264, OPUS
    int clock_rate;
    int default_pt;
    std::string payloader;
    std::string extra_fmtp;  // caps fields added to the RTP caps (H.264 profile)
};

SendCodec video_send_codec(VideoCodec c);
SendCodec audio_send_codec();

struct ReceiveCodec {
    std::string encoding_name;
    Kind kind;
    int clock_rate;
    std::string depayloader;
    std::string parser;  // before the muxer / decoder; empty when none is needed
    std::string decoder;
};

// Every codec roompeer can receive when its elements are installed, in our order of preference.
const std::vector<ReceiveCodec>& receive_codecs();
// nullptr when roompeer has no way to depayload/decode this encoding at all (AV1, say).
const ReceiveCodec* receive_codec(const std::string& encoding_name);
// The elements one received stream of this codec needs: depayloader, parser (if any), decoder.
std::vector<std::string> receive_elements(const ReceiveCodec& c);

// Which of receive_codecs() this machine can depayload and decode. A plain value: probe() reads
// the GStreamer registry, tests describe a machine by the elements it lacks.
class Decoders {
  public:
    static Decoders probe();
    static Decoders without(const std::vector<std::string>& missing_elements);

    bool can_decode(const std::string& encoding_name) const;
    // Empty when we can; else "cannot decode H264: avdec_h264 missing (Debian package
    // gstreamer1.0-libav)", or for an encoding roompeer has no decoder for at all, "cannot
    // decode AV1: roompeer has no decoder for it".
    std::string why_not(const std::string& encoding_name) const;
    // The encoding names of one kind we can decode, in our order of preference.
    std::vector<std::string> decodable(Kind k) const;
    // For the log: what we receive, and what not and why.
    std::string summary() const;

  private:
    std::map<std::string, std::vector<std::string>> missing_;  // encoding -> missing elements
};

// This machine's decoders, probed from the registry once, the first time they are asked for
// (App::run asks at start); read-only afterwards, so any thread may use them.
const Decoders& decoders();

// Loss recovery and congestion feedback, both ways (issue #12): every RTP caps of ours (sink
// pads, codec-preferences) names transport-wide congestion control feedback and the TWCC header
// extension, video also NACK, so that webrtcbin offers and answers them; rtx comes with the
// video transceivers' do-nack (browsers do neither NACK nor rtx for audio, and Chromium refuses
// our offer when its audio carries rtx). Chromium uses id 3 for this extension.
inline constexpr const char* kTwccUri =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
inline constexpr int kTwccExtId = 3;

// application/x-rtp caps of every codec of `kind` that `d` decodes, without payload types: as a
// transceiver's codec-preferences they keep only those of an offer's codecs in our answer.
CapsPtr decodable_caps(Kind kind, const Decoders& d, int twcc_ext_id = kTwccExtId);

// ",rtcp-fb-transport-cc=(boolean)true,extmap-3=(string)URI" (video: and
// ",rtcp-fb-nack=(boolean)true"): to append to an application/x-rtp caps string of `kind`.
// An answer uses the offer's id for the extension (`twcc_ext_id`); 0 (the offer has none):
// no transport-cc at all.
std::string feedback_caps_fields(Kind kind, int twcc_ext_id = kTwccExtId);
// The same fields set on every structure of `caps` (writable).
void add_feedback_fields(GstCaps* caps, Kind kind, int twcc_ext_id = kTwccExtId);

// The Debian package that ships a GStreamer element, for error messages.
std::string package_for_element(const std::string& element);
// Returns the names of the elements in `names` that this machine lacks.
std::vector<std::string> missing_elements(const std::vector<std::string>& names);
// "element X is missing: install the Debian package Y" lines.
std::string describe_missing(const std::vector<std::string>& missing);

}  // namespace rp::media
