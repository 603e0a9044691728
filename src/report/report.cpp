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

std::vector<RunCheck> run_checks(const RunResult& run, const Expectations& expect) {
    std::vector<RunCheck> checks;
    checks.push_back({"run", run.errors});
    int connected = 0;
    for (const auto& p : run.peers) connected += p.ever_connected ? 1 : 0;
    if (expect.peers >= 0) {
        RunCheck& c =
            checks.emplace_back(RunCheck{"expect-peers>=" + std::to_string(expect.peers), {}});
        if (connected < expect.peers)
            c.failures.push_back("expected at least " + std::to_string(expect.peers) +
                                 " connected peers, got " + std::to_string(connected));
    }
    if (expect.frames >= 0) {
        RunCheck& c =
            checks.emplace_back(RunCheck{"expect-frames>=" + std::to_string(expect.frames), {}});
        if (connected == 0 && expect.frames > 0 && expect.peers != 0)
            c.failures.push_back("no member was ever connected");
        for (const auto& p : run.peers) {
            if (!p.ever_connected) continue;
            auto frames = p.counters->video_frames.load();
            if (frames < static_cast<std::uint64_t>(expect.frames))
                c.failures.push_back("peer " + p.id + ": decoded " + std::to_string(frames) +
                                     " video frames, expected at least " +
                                     std::to_string(expect.frames));
            if (p.remote_sends_audio && p.counters->audio_buffers.load() == 0)
                c.failures.push_back("peer " + p.id + ": sends audio but none was decoded");
        }
    }
    return checks;
}

std::vector<std::string> check_expectations(const RunResult& run, const Expectations& expect) {
    std::vector<std::string> failures;
    for (auto& c : run_checks(run, expect))
        failures.insert(failures.end(), c.failures.begin(), c.failures.end());
    return failures;
}

namespace {

// {p50, p95, max, samples} from --latency-probe stamps; null without enough of them.
void add_latency(json::Writer& w, std::vector<std::uint32_t> samples) {
    if (samples.size() < kMinLatencySamples) {
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

// One entry of peers[]: the same members in the report and in what --expect reads.
void write_peer(json::Writer& w, const PeerRecord& p, const PeerFigures& f) {
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
    add_video_figures(w, f.video);
    w.end_object();
    w.key("audio").begin_object();
    w.key("buffers_decoded").integer(c.audio_buffers.load());
    add_audio_figures(w, f.audio);
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

std::string peer_name(const PeerRecord& p) {
    JsonPtr user = json::parse(p.user_json);
    return json::get_string(json::as_object(user.get()), "name").value_or("");
}

}  // namespace

std::optional<std::uint32_t> latency_percentile(std::vector<std::uint32_t> samples, double q) {
    if (samples.size() < kMinLatencySamples) return std::nullopt;
    std::sort(samples.begin(), samples.end());
    return samples[static_cast<size_t>(q * (samples.size() - 1))];
}

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
    w.key("source_restarts").integer(run.source_restarts);
    w.key("failures").begin_array();
    // Error texts quote libraries and URLs: a URL's password and password= fields are masked,
    // every other byte is as written.
    for (const auto& f : failures) w.string(mask_credentials(f));
    w.end_array();
    w.key("peers").begin_array();
    for (size_t i = 0; i < run.peers.size(); ++i)
        write_peer(w, run.peers[i], i < run.figures.size() ? run.figures[i] : PeerFigures{});
    w.end_array();
    w.end_object();
    return w.str() + "\n";
}

}  // namespace rp

namespace rp {

std::string peer_json(const PeerRecord& p, const PeerFigures& f) {
    json::Writer w = json::Writer::compact();
    write_peer(w, p, f);
    return w.str();
}

std::vector<std::string> expectable_fields() {
    PeerRecord specimen;
    specimen.id = "specimen";
    specimen.counters->first_video_frame_ms = 1.0;
    specimen.selected_pair = SelectedPair{"host", "host", "udp"};
    specimen.end_reason = "left the room";
    for (std::uint32_t ms = 1; ms <= 10; ++ms) specimen.counters->latency.add(ms);
    // Every figure known, so that objects (psnr_db, av_sync_ms) show their members; a field
    // added later and not set here is a null leaf, which counts too.
    PeerFigures f;
    VideoFigures& v = f.video;
    v.fps = v.total_freeze_ms = v.max_gap_ms = v.black = v.still = 1.0;
    v.psnr_mean_db = v.psnr_p5_db = 1.0;
    v.freeze_count = v.pause_count = v.frames_lost = v.target_kbps = 1;
    v.from_expected_sender = true;
    v.layer = "full";
    AudioFigures& a = f.audio;
    a.tone_ok = true;
    a.gaps = 1;
    a.av_sync_p50_ms = a.av_sync_p95_ms = 1.0;
    JsonPtr node = json::parse(peer_json(specimen, f));
    return numeric_paths(json::as_object(node.get()));
}

std::string ExpectationResult::failure() const {
    if (peer_id.empty()) return message;
    // The id and the name are what the server and the member sent: no control characters of
    // theirs reach the log (a forged line, a terminal escape).
    auto printable = [](std::string s) {
        for (char& c : s)
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
        return s;
    };
    std::string who = "peer " + printable(peer_id);
    if (!peer_name.empty()) who += " (" + printable(peer_name) + ")";
    return who + ": " + message;
}

std::vector<ExpectationResult> check_field_expectations(
    const RunResult& run, const std::vector<FieldExpectation>& expect) {
    std::vector<ExpectationResult> out;
    if (expect.empty()) return out;
    for (size_t i = 0; i < run.peers.size(); ++i) {
        const PeerRecord& p = run.peers[i];
        if (!p.ever_connected) continue;
        JsonPtr node =
            json::parse(peer_json(p, i < run.figures.size() ? run.figures[i] : PeerFigures{}));
        JsonObject* obj = json::as_object(node.get());
        for (const auto& e : expect) {
            ExpectOutcome o = evaluate(e, obj);
            out.push_back({p.id, peer_name(p), e.text(), o.pass, o.message});
        }
    }
    if (out.empty()) {
        std::string all;
        for (const auto& e : expect) all += (all.empty() ? "" : ", ") + e.text();
        out.push_back({"", "", all, false,
                       "--expect " + all + ": no member was ever connected, nothing to check"});
    }
    return out;
}

}  // namespace rp
