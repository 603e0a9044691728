#include "report/report.h"

#include "util/json.h"
#include "util/redact.h"

#include <algorithm>

namespace rp {

Expectations make_expectations(int expect_peers, int expect_frames) {
    Expectations e;
    e.peers = expect_peers;
    e.frames = expect_frames >= 0 ? expect_frames : (expect_peers >= 0 ? 1 : -1);
    return e;
}

std::vector<std::string> check_expectations(const RunResult& run, const Expectations& expect) {
    std::vector<std::string> failures = run.errors;
    int connected = 0;
    for (const auto& p : run.peers) connected += p.ever_connected ? 1 : 0;
    if (expect.peers >= 0 && connected < expect.peers)
        failures.push_back("expected at least " + std::to_string(expect.peers) +
                           " connected peers, got " + std::to_string(connected));
    if (expect.frames >= 0) {
        if (connected == 0 && expect.frames > 0 && expect.peers != 0)
            failures.push_back("no member was ever connected");
        for (const auto& p : run.peers) {
            if (!p.ever_connected) continue;
            auto frames = p.counters->video_frames.load();
            if (frames < static_cast<std::uint64_t>(expect.frames))
                failures.push_back("peer " + p.id + ": decoded " + std::to_string(frames) +
                                   " video frames, expected at least " +
                                   std::to_string(expect.frames));
            if (p.remote_sends_audio && p.counters->audio_buffers.load() == 0)
                failures.push_back("peer " + p.id + ": sends audio but none was decoded");
        }
    }
    return failures;
}

namespace {

// {p50, p95, max, samples} from --latency-probe stamps; null without enough of them.
void add_latency(json::Writer& w, std::vector<std::uint32_t> samples) {
    if (samples.size() < 10) {
        w.null();
        return;
    }
    std::sort(samples.begin(), samples.end());
    auto at = [&](double q) { return samples[static_cast<size_t>(q * (samples.size() - 1))]; };
    w.begin_object();
    w.key("p50").integer(at(0.5));
    w.key("p95").integer(at(0.95));
    w.key("max").integer(samples.back());
    w.key("samples").integer(samples.size());
    w.end_object();
}

}  // namespace

const char* state_name(PeerState s) {
    switch (s) {
        case PeerState::New:
            return "new";
        case PeerState::Connecting:
            return "connecting";
        case PeerState::Connected:
            return "connected";
        case PeerState::Disconnected:
            return "disconnected";
        case PeerState::Failed:
            return "failed";
        case PeerState::Closed:
            return "closed";
    }
    return "new";
}

std::string report_json(const RunResult& run, const std::vector<std::string>& failures) {
    json::Writer w = json::Writer::pretty();
    w.begin_object();
    w.key("room").string(run.room);
    w.key("self_id").string_or_null(run.self_id);
    w.key("server").string_or_null(run.server.empty() ? "" : redact_url(run.server));
    w.key("result").string(failures.empty() ? "pass" : "fail");
    w.key("failures").begin_array();
    // Error texts quote libraries and URLs: a URL's password and password= fields are masked,
    // every other byte is as written.
    for (const auto& f : failures) w.string(mask_credentials(f));
    w.end_array();
    w.key("peers").begin_array();
    for (const auto& p : run.peers) {
        const MediaCounters& c = *p.counters;
        w.begin_object();
        w.key("id").string(p.id);
        JsonPtr user = json::parse(p.user_json);
        w.key("user").node(user.get());
        w.key("state").string(state_name(p.state));
        w.key("video").begin_object();
        w.key("frames_decoded").integer(c.video_frames.load());
        w.key("width").integer(c.width.load());
        w.key("height").integer(c.height.load());
        w.key("latency_ms");
        add_latency(w, c.latency.snapshot());
        // cc (rep's version wins at merge): what we send this member.
        int layer = c.layer.load(), target = c.target_kbps.load();
        w.key("layer").string_or_null(layer < 0 ? "" : layer == 1 ? "low" : "full");
        target < 0 ? w.key("target_kbps").null() : w.key("target_kbps").integer(target);
        w.end_object();
        w.key("audio").begin_object();
        w.key("buffers_decoded").integer(c.audio_buffers.load());
        w.end_object();
        double first = c.first_video_frame_ms.load();
        if (first < 0)
            w.key("first_video_frame_ms").null();
        else
            w.key("first_video_frame_ms").integer(static_cast<std::int64_t>(first));
        w.key("selected_pair");
        if (p.selected_pair) {
            w.begin_object();
            w.key("local_type").string(p.selected_pair->local_type);
            w.key("remote_type").string(p.selected_pair->remote_type);
            w.key("protocol").string(p.selected_pair->protocol);
            w.end_object();
        } else {
            w.null();
        }
        w.key("end_reason").string_or_null(mask_credentials(p.end_reason));
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.str() + "\n";
}

}  // namespace rp
