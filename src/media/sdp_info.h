// What we need to know from a remote SDP before handing it to webrtcbin. Pure.
#pragma once

#include "media/codecs.h"

#include <optional>
#include <string>
#include <vector>

namespace rp::media {

struct RtpMap {
    int pt;
    std::string encoding;  // upper case
    int clock_rate;
    std::string fmtp;
};

struct MediaLine {
    std::optional<Kind> kind;  // nullopt for application/data m-lines
    std::string mid;
    bool sends = false;     // the SDP's author sends on this m-line (sendrecv/sendonly)
    bool receives = false;  // ... and receives (sendrecv/recvonly)
    bool rejected = false;  // port 0
    std::vector<RtpMap> formats;
    int twcc_ext_id = 0;  // a=extmap id of the transport-wide-cc extension; 0 when absent
};

struct SdpInfo {
    std::vector<MediaLine> media;
    bool bundled = false;
};

std::optional<SdpInfo> parse_sdp(const std::string& text, std::string* error);

// The offer's payload type for our codec on this m-line, or -1. For H.264, prefers
// packetization-mode=1 with constrained baseline (42e01f) as browsers do.
int find_payload(const MediaLine& m, const SendCodec& codec);

// The formats of this m-line that `d` decodes, in the offer's order: all an answer may keep.
std::vector<RtpMap> decodable_formats(const MediaLine& m, const Decoders& d);
// Why we cannot take this offer: an m-line its author sends on has no codec we decode (the
// reason names each codec and what it lacks). Empty when every such m-line has one.
std::string undecodable(const SdpInfo& offer, const Decoders& d);

}  // namespace rp::media
