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
void add_latency(JsonBuilder* b, std::vector<std::uint32_t> samples) {
    if (samples.size() < 10) {
        json_builder_add_null_value(b);
        return;
    }
    std::sort(samples.begin(), samples.end());
    auto at = [&](double q) { return samples[static_cast<size_t>(q * (samples.size() - 1))]; };
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "p50");
    json_builder_add_int_value(b, at(0.5));
    json_builder_set_member_name(b, "p95");
    json_builder_add_int_value(b, at(0.95));
    json_builder_set_member_name(b, "max");
    json_builder_add_int_value(b, samples.back());
    json_builder_set_member_name(b, "samples");
    json_builder_add_int_value(b, static_cast<gint64>(samples.size()));
    json_builder_end_object(b);
}

}  // namespace

std::string report_json(const RunResult& run, const std::vector<std::string>& failures) {
    JsonBuilder* b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "room");
    json_builder_add_string_value(b, run.room.c_str());
    json_builder_set_member_name(b, "self_id");
    if (run.self_id.empty())
        json_builder_add_null_value(b);
    else
        json_builder_add_string_value(b, run.self_id.c_str());
    json_builder_set_member_name(b, "server");
    if (run.server.empty())
        json_builder_add_null_value(b);
    else
        json_builder_add_string_value(b, redact_url(run.server).c_str());
    json_builder_set_member_name(b, "result");
    json_builder_add_string_value(b, failures.empty() ? "pass" : "fail");
    json_builder_set_member_name(b, "failures");
    json_builder_begin_array(b);
    // Error texts quote libraries and URLs: a URL's password and password= fields are masked,
    // every other byte is as written.
    for (const auto& f : failures) json_builder_add_string_value(b, mask_credentials(f).c_str());
    json_builder_end_array(b);
    json_builder_set_member_name(b, "peers");
    json_builder_begin_array(b);
    for (const auto& p : run.peers) {
        const MediaCounters& c = *p.counters;
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "id");
        json_builder_add_string_value(b, p.id.c_str());
        json_builder_set_member_name(b, "user");
        JsonPtr user = json::parse(p.user_json);
        json_builder_add_value(b, user ? user.release() : json_node_new(JSON_NODE_NULL));
        json_builder_set_member_name(b, "state");
        json_builder_add_string_value(b, p.state.c_str());
        json_builder_set_member_name(b, "video");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "frames_decoded");
        json_builder_add_int_value(b, static_cast<gint64>(c.video_frames.load()));
        json_builder_set_member_name(b, "width");
        json_builder_add_int_value(b, c.width.load());
        json_builder_set_member_name(b, "height");
        json_builder_add_int_value(b, c.height.load());
        json_builder_set_member_name(b, "latency_ms");
        add_latency(b, c.latency.snapshot());
        json_builder_end_object(b);
        json_builder_set_member_name(b, "audio");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "buffers_decoded");
        json_builder_add_int_value(b, static_cast<gint64>(c.audio_buffers.load()));
        json_builder_end_object(b);
        json_builder_set_member_name(b, "first_video_frame_ms");
        double first = c.first_video_frame_ms.load();
        if (first < 0)
            json_builder_add_null_value(b);
        else
            json_builder_add_int_value(b, static_cast<gint64>(first));
        json_builder_set_member_name(b, "selected_pair");
        if (p.selected_pair) {
            json_builder_begin_object(b);
            json_builder_set_member_name(b, "local_type");
            json_builder_add_string_value(b, p.selected_pair->local_type.c_str());
            json_builder_set_member_name(b, "remote_type");
            json_builder_add_string_value(b, p.selected_pair->remote_type.c_str());
            json_builder_set_member_name(b, "protocol");
            json_builder_add_string_value(b, p.selected_pair->protocol.c_str());
            json_builder_end_object(b);
        } else {
            json_builder_add_null_value(b);
        }
        json_builder_set_member_name(b, "end_reason");
        if (p.end_reason.empty())
            json_builder_add_null_value(b);
        else
            json_builder_add_string_value(b, mask_credentials(p.end_reason).c_str());
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    JsonPtr root(json_builder_get_root(b));
    g_object_unref(b);
    return json::to_string(root.get(), true) + "\n";
}

}  // namespace rp
