// Reads the selected ICE candidate pair out of webrtcbin's get-stats reply. Pure: no element.
#pragma once

#include "report/peer_record.h"

#include <gst/gst.h>

#include <optional>
#include <string>

namespace rp::media {

// The pair webrtcbin reports as selected (else nominated, else the only succeeded one), with
// the types and protocol of its two candidates; nullopt while nothing is selected.
std::optional<SelectedPair> selected_pair_from_stats(const GstStructure* stats);

// What to add to "connection failed": the likely cause given the TURN configuration.
std::string ice_failure_hint(bool has_turn, bool relay_only);

}  // namespace rp::media
