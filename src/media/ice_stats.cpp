#include "media/ice_stats.h"

#include <gst/webrtc/webrtc.h>

#include <string>

namespace rp::media {

namespace {

const GstStructure* member(const GstStructure* stats, const char* field) {
    if (!field || !*field) return nullptr;
    const GValue* v = gst_structure_get_value(stats, field);
    if (!v || !GST_VALUE_HOLDS_STRUCTURE(v)) return nullptr;
    return gst_value_get_structure(v);
}

bool has_type(const GstStructure* s, GstWebRTCStatsType want) {
    GstWebRTCStatsType type;
    return gst_structure_get(s, "type", GST_TYPE_WEBRTC_STATS_TYPE, &type, nullptr) && type == want;
}

bool flag(const GstStructure* s, const char* name) {
    gboolean v = FALSE;
    return gst_structure_get_boolean(s, name, &v) && v;
}

std::string text(const GstStructure* s, const char* name) {
    const char* v = s ? gst_structure_get_string(s, name) : nullptr;
    return v ? v : "";
}

// libnice and the spec agree on host/srflx/prflx/relay; older spellings are mapped onto them.
std::string candidate_type(const std::string& t) {
    if (t == "serverreflexive" || t == "server-reflexive") return "srflx";
    if (t == "peerreflexive" || t == "peer-reflexive") return "prflx";
    if (t == "relayed") return "relay";
    return t;
}

struct Search {
    const GstStructure* stats;
    std::string selected_id;  // from a transport's selected-candidate-pair-id
    const GstStructure* flagged = nullptr;
    const GstStructure* only = nullptr;
    int pairs = 0;
};

}  // namespace

std::optional<SelectedPair> selected_pair_from_stats(const GstStructure* stats) {
    if (!stats) return std::nullopt;
    Search search{stats, {}};
    gst_structure_foreach(
        stats,
        [](GQuark, const GValue* v, gpointer p) -> gboolean {
            auto* s = static_cast<Search*>(p);
            if (!GST_VALUE_HOLDS_STRUCTURE(v)) return TRUE;
            const GstStructure* entry = gst_value_get_structure(v);
            if (has_type(entry, GST_WEBRTC_STATS_TRANSPORT)) {
                std::string id = text(entry, "selected-candidate-pair-id");
                if (!id.empty() && s->selected_id.empty()) s->selected_id = id;
            } else if (has_type(entry, GST_WEBRTC_STATS_CANDIDATE_PAIR)) {
                ++s->pairs;
                s->only = entry;
                if (!s->flagged && (flag(entry, "selected") || flag(entry, "nominated")))
                    s->flagged = entry;
            }
            return TRUE;
        },
        &search);
    const GstStructure* pair = member(stats, search.selected_id.c_str());
    if (!pair) pair = search.flagged;
    if (!pair && search.pairs == 1) pair = search.only;
    if (!pair) return std::nullopt;
    // Follow the ids, not the entries' own type field: GStreamer 1.22 swaps local-candidate
    // and remote-candidate there, while the ids (and the pair's references) are right.
    const GstStructure* local = member(stats, text(pair, "local-candidate-id").c_str());
    const GstStructure* remote = member(stats, text(pair, "remote-candidate-id").c_str());
    if (!local || !remote) return std::nullopt;
    SelectedPair out;
    out.local_type = candidate_type(text(local, "candidate-type"));
    out.remote_type = candidate_type(text(remote, "candidate-type"));
    out.protocol = text(local, "protocol");
    if (out.protocol.empty()) out.protocol = text(remote, "protocol");
    if (out.local_type.empty() || out.remote_type.empty()) return std::nullopt;
    return out;
}

std::string ice_failure_hint(bool has_turn, bool relay_only) {
    if (!has_turn)
        return "ICE found no working path and no TURN server is configured (--turn): "
               "members behind NATs or firewalls need one";
    if (relay_only)
        return "ICE found no working path through the TURN relay: check --turn's host, port, "
               "user and password";
    return "ICE found no working path, not even through the TURN relay: check --turn";
}

}  // namespace rp::media
