// ICE for one call: a webrtcbin set up with our STUN/TURN servers and addresses, and the
// member's candidates, held until its description is set and capped against floods.
#pragma once

#include "link/peer_link.h"
#include "media/options.h"
#include "util/gobj.h"

#include <gst/gst.h>

#include <string>
#include <vector>

namespace rp::media {

// A new webrtcbin (owned, not yet in a bin) configured from `cfg`; null and *error when the
// element is missing.
GstPtr<GstElement> make_webrtcbin(const std::string& peer, const Options& cfg, std::string* error);

class RemoteCandidates {
  public:
    explicit RemoteCandidates(std::string peer) : peer_(std::move(peer)) {}

    // Hands `cand` to `webrtc`, or holds it while `webrtc` is null (no remote description yet).
    // With max-bundle (`bundled`) every m-line shares the first transport.
    void add(const IceCandidate& cand, GstElement* webrtc, bool bundled);
    // The remote description is set: the held candidates go to `webrtc`.
    void flush(GstElement* webrtc, bool bundled);

  private:
    std::string peer_;
    std::vector<IceCandidate> pending_;
    size_t seen_ = 0;
};

}  // namespace rp::media
