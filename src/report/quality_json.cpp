#include "report/quality_json.h"

namespace rp {

namespace {

void integer(json::Writer& w, const char* key, const std::optional<std::int64_t>& v) {
    w.key(key);
    if (v)
        w.integer(*v);
    else
        w.null();
}

void boolean(json::Writer& w, const char* key, const std::optional<bool>& v) {
    w.key(key);
    if (v)
        w.boolean(*v);
    else
        w.null();
}

// {a, b} with each member null when empty; null as a whole when both are.
void pair(json::Writer& w, const char* key, const char* a_name, const std::optional<double>& a,
          const char* b_name, const std::optional<double>& b, int decimals) {
    w.key(key);
    if (!a && !b) {
        w.null();
        return;
    }
    w.begin_object();
    w.key(a_name).number(a, decimals);
    w.key(b_name).number(b, decimals);
    w.end_object();
}

}  // namespace

PeerFigures peer_figures(const MediaCounters& c, std::int64_t now_us,
                         std::optional<double> since_start_ms) {
    PeerFigures f;
    f.video = c.video_quality.figures(now_us);
    f.audio = c.audio_quality.figures();
    double first = c.first_video_frame_ms.load();
    std::uint64_t frames = c.video_frames.load();
    if (!f.video.fps && since_start_ms && first >= 0 && frames >= 2 && *since_start_ms > first)
        f.video.fps = static_cast<double>(frames - 1) * 1000 / (*since_start_ms - first);
    if (int kbps = c.target_kbps.load(); kbps >= 0) f.video.target_kbps = kbps;
    if (int layer = c.layer.load(); layer >= 0) f.video.layer = layer == 0 ? "full" : "low";
    return f;
}

void add_video_figures(json::Writer& w, const VideoFigures& v) {
    w.key("fps").number(v.fps, 2);
    integer(w, "freeze_count", v.freeze_count);
    w.key("total_freeze_ms").number(v.total_freeze_ms, 1);
    integer(w, "pause_count", v.pause_count);
    w.key("max_gap_ms").number(v.max_gap_ms, 1);
    w.key("black").number(v.black, 3);
    w.key("still").number(v.still, 3);
    integer(w, "frames_lost", v.frames_lost);
    boolean(w, "from_expected_sender", v.from_expected_sender);
    pair(w, "psnr_db", "mean", v.psnr_mean_db, "p5", v.psnr_p5_db, 2);
    w.key("layer").string_or_null(v.layer.value_or(""));
    integer(w, "target_kbps", v.target_kbps);
}

void add_audio_figures(json::Writer& w, const AudioFigures& a) {
    boolean(w, "tone_ok", a.tone_ok);
    integer(w, "gaps", a.gaps);
    pair(w, "av_sync_ms", "p50", a.av_sync_p50_ms, "p95", a.av_sync_p95_ms, 1);
}

}  // namespace rp
