#include "app/app.h"

#include "app/bus_watch.h"
#include "app/connection.h"
#include "app/quality_watch.h"
#include "app/stats_monitor.h"
#include "media/dtls_key_cache.h"
#include "media/local_media.h"
#include "media/session_manager.h"
#include "media/video_wall.h"
#include "report/report.h"
#include "report/report_file.h"
#include "signal/room_protocol.h"
#include "util/gobj.h"
#include "util/log.h"

#include <glib-unix.h>

#include <optional>
#include <thread>

namespace rp::app {
namespace {

// Members are declared in the order they are built and die in the reverse order: whatever a
// member borrows is declared before it. The sessions (which remove their elements from the
// pipeline and talk through the room) go before the room, the room (which emits through the
// client) before the connection, and all of them before the pipeline and the loop.
//
// The room reports to the App (a PeerEvents, so a base that exists before any member), which
// hands the events on to the sessions, declared after the room.
class App : private PeerEvents {
  public:
    explicit App(const Options& opts)
        : opts_(opts),
          loop_(g_main_loop_new(nullptr, FALSE)),
          pipeline_(gst_pipeline_new("roompeer")),
          local_(pipeline_.get(), opts),
          connection_(opts, opts.connect_timeout_s, connection_handlers()),
          room_(opts.room, opts.user_json, connection_.emitter(), *this),
          sessions_(pipeline_.get(), local_, opts, room_),
          monitor_(opts, monitor_sources()),
          quality_(opts, [this] { return sessions_.records(); }) {}

    ~App() {
        monitor_.stop();
        // Stop every streaming thread before the owners of its elements go.
        gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
    }

    int run();

  private:
    // PeerEvents: from the room, to the sessions, which refuse anything new once closing.
    void member_joined(const std::string& peer, const std::string& user_json,
                       bool we_call) override {
        sessions_.member_joined(peer, user_json, we_call);
    }
    void joined(const std::string& self_id) override {
        local_.set_sender_id(self_id);
        // grid: a colour per member; by name, unless it is the default one everybody has.
        local_.set_pattern_key(opts_.name != "roompeer" ? opts_.name : self_id);
    }
    void member_left(const std::string& peer) override { sessions_.member_left(peer); }
    void remote_description(const std::string& peer, const SessionDescription& desc) override {
        sessions_.remote_description(peer, desc);
    }
    void remote_candidate(const std::string& peer, const IceCandidate& cand) override {
        sessions_.remote_candidate(peer, cand);
    }

    Connection::Handlers connection_handlers();
    StatsMonitor::Sources monitor_sources();
    void fatal(int code, const std::string& why);
    void leave(const char* why);
    bool start_media();
    bool start_wall(std::string* error);  // grid
    int fail_before_start(const std::string& why, int code = kExitMedia);
    int finish();

    const Options& opts_;
    MainLoopPtr loop_;
    PipelinePtr pipeline_;
    media::LocalMedia local_;
    Connection connection_;
    RoomProtocol room_;
    media::SessionManager sessions_;
    StatsMonitor monitor_;
    QualityWatch quality_;  // issue 12: degradation warnings, the run's verdict
    std::optional<BusWatch> bus_;
    SourceId sigint_, sigterm_, duration_, leave_deadline_;
    std::jthread cert_warmup_;
    bool leaving_ = false;
    std::optional<int> fatal_code_;
    std::vector<std::string> run_errors_;
};

Connection::Handlers App::connection_handlers() {
    Connection::Handlers h;
    h.connected = [this](const std::string& sid, bool again) {
        if (leaving_) return;
        // The server forgot us: new socket id, room to join again, members with new ids.
        if (again) sessions_.drop_all_sessions("room server reconnected");
        room_.on_connected(sid);
    };
    h.event = [this](const std::string& name, JsonArray* args) { room_.on_event(name, args); };
    h.disconnected = [this] { room_.on_disconnected(); };
    h.fatal = [this](const std::string& why) { fatal(kExitServer, why); };
    return h;
}

StatsMonitor::Sources App::monitor_sources() {
    StatsMonitor::Sources src;
    src.room = [this] {
        StatsSample s;
        s.unix_time_s = g_get_real_time() / 1e6;
        s.uptime_s = log::since_start_ms() / 1000;
        s.room = opts_.room;
        s.self_id = room_.self_id();
        s.state = leaving_         ? RoomState::Leaving
                  : room_.joined() ? RoomState::Joined
                                   : RoomState::Connecting;
        s.members = static_cast<int>(room_.member_count());
        s.source_restarts = local_.source_restarts();
        return s;
    };
    src.calls = [this](std::function<void(std::vector<PeerStats>)> done) {
        sessions_.collect_stats(
            [records = sessions_.records(), done = std::move(done)](std::vector<PeerStats> peers) {
                add_quality(peers, records);
                done(std::move(peers));
            });
    };
    return src;
}

void App::fatal(int code, const std::string& why) {
    log::error("%s", why.c_str());
    if (!fatal_code_) fatal_code_ = code;
    run_errors_.push_back(why);
    leave("error");
}

void App::leave(const char* why) {
    if (leaving_) return;
    leaving_ = true;
    if (!connection_.ever_connected() && !fatal_code_) {
        fatal_code_ = kExitServer;
        run_errors_.push_back(connection_.last_error().empty() ? "never reached the room server"
                                                               : connection_.last_error());
    }
    log::info("leaving the room (%s)", why);
    quality_.stop();
    connection_.stop();
    duration_.reset();
    // Recordings get up to 3 s to finalize; never hang on a stuck element.
    leave_deadline_.reset(g_timeout_add_seconds(
        5,
        [](gpointer p) -> gboolean {
            auto* self = static_cast<App*>(p);
            self->leave_deadline_.release();
            log::warn("shutdown took too long; exiting anyway");
            g_main_loop_quit(self->loop_.get());
            return G_SOURCE_REMOVE;
        },
        this));
    sessions_.close_all([this] { g_main_loop_quit(loop_.get()); });
}

// grid: with --sink window, one window for every member (media/video_wall.h).
bool App::start_wall(std::string* error) {
    bool window = false;
    for (const auto& s : opts_.sinks) window = window || s.kind == "window";
    if (!window) return true;
    media::VideoWall::Config wc;
    wc.width = opts_.window_width;
    wc.height = opts_.window_height;
    wc.fullscreen = opts_.fullscreen;
    wc.latency_ms = opts_.latency_ms;
    auto wall = media::VideoWall::create(pipeline_.get(), wc, error);
    if (!wall) return false;
    sessions_.set_wall(std::move(wall));
    return true;
}

bool App::start_media() {
    // What we can decode, probed once here: our offers and answers name nothing else.
    if (std::string dec = media::decoders().summary(); dec.find(';') != std::string::npos)
        log::info("%s", dec.c_str());
    else
        log::debug("%s", dec.c_str());
    auto missing = media::missing_elements(local_.required_elements());
    if (!missing.empty()) {
        std::string text = media::describe_missing(missing);
        log::error("%s", text.c_str());
        fail_before_start(text);
        return false;
    }
    std::string err;
    if (!local_.build(&err)) {
        log::error("media: %s", err.c_str());
        fail_before_start("media: " + err);
        return false;
    }
    if (!start_wall(&err)) {  // grid: --sink window
        log::error("%s", err.c_str());
        fail_before_start(err);
        return false;
    }
    if (!monitor_.start(&err)) {
        log::error("%s", err.c_str());
        fail_before_start(err, kExitUsage);
        return false;
    }
    bus_.emplace(pipeline_.get(), local_,
                 [this](const std::string& why) { fatal(kExitMedia, why); });
    if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        // The bus carries the element's own error; let it name the culprit.
        fatal_code_ = kExitMedia;
        run_errors_.push_back("the local media pipeline failed to start");
        log::error(
            "the local media pipeline failed to start (check --video/--audio devices, or use "
            "'test')");
        for (auto& e : BusWatch::pending_errors(pipeline_.get())) {
            log::error("%s", e.c_str());
            run_errors_.push_back(std::move(e));
        }
        return false;
    }
    return true;
}

int App::run() {
    // The first call would wait for webrtcbin's DTLS certificate: take the key from the cache
    // (or make it) now, while we connect, instead of when the first offer arrives.
    if (opts_.dtls_key_cache != "none")
        media::use_dtls_key_cache(opts_.dtls_key_cache.empty()
                                      ? media::default_dtls_key_cache_path()
                                      : opts_.dtls_key_cache);
    cert_warmup_ = std::jthread([] {
        make_element("dtlsdec");  // its init makes (or loads) the key; the element goes at once
    });
    if (!start_media()) return finish();

    auto on_signal = [](gpointer p) -> gboolean {
        auto* self = static_cast<App*>(p);
        if (self->leaving_) {
            log::warn("second signal: exiting now");
            g_main_loop_quit(self->loop_.get());
        } else {
            self->leave("signal");
        }
        return G_SOURCE_CONTINUE;
    };
    sigint_.reset(g_unix_signal_add(SIGINT, on_signal, this));
    sigterm_.reset(g_unix_signal_add(SIGTERM, on_signal, this));
    if (opts_.duration_s > 0) {
        duration_.reset(g_timeout_add(
            static_cast<guint>(opts_.duration_s * 1000),
            [](gpointer p) -> gboolean {
                auto* self = static_cast<App*>(p);
                self->duration_.release();
                self->leave("--duration reached");
                return G_SOURCE_REMOVE;
            },
            this));
    }
    quality_.start();
    connection_.start();
    g_main_loop_run(loop_.get());
    return finish();
}

// A media error before we ever joined: the report still tells a CI job what went wrong.
int App::fail_before_start(const std::string& why, int code) {
    fatal_code_ = code;
    std::string line = why;
    while (!line.empty() && line.back() == '\n') line.pop_back();
    run_errors_.push_back(line);
    return code;
}

int App::finish() {
    monitor_.stop();
    quality_.stop();
    if (cert_warmup_.joinable()) cert_warmup_.join();
    if (GstPtr<GstClock> clock{gst_element_get_clock(pipeline_.get())}) {
        GstClockTime running =
            gst_clock_get_time(clock.get()) - gst_element_get_base_time(pipeline_.get());
        log::debug("pipeline clock %s: running time %.1f s", GST_OBJECT_NAME(clock.get()),
                   running / 1e9);
    }
    log::debug("captured %llu video frames, encoded %llu, %llu of them keyframes",
               static_cast<unsigned long long>(local_.video_frames_captured()),
               static_cast<unsigned long long>(local_.video_frames_encoded()),
               static_cast<unsigned long long>(local_.keyframes_encoded()));
    RunResult run;
    run.room = opts_.room;
    run.self_id = room_.self_id();
    run.server = connection_.server();
    run.peers = sessions_.records();
    run.errors = run_errors_;
    run.source_restarts = local_.source_restarts();
    // The checks, --expect, the summary lines and --junit.
    auto failures = quality_.judge(run);
    // report_json masks the fields that may hold a secret (the server URL, error texts).
    std::string text = report_json(run, failures);
    std::string err;
    if (!opts_.report_path.empty() && !write_report_file(opts_.report_path, text, &err))
        log::error("cannot write the report to %s: %s", opts_.report_path.c_str(), err.c_str());
    for (const auto& f : failures) log::info("failure: %s", f.c_str());
    if (fatal_code_) return *fatal_code_;
    return failures.empty() ? kExitPass : kExitFail;
}

}  // namespace
}  // namespace rp::app

namespace rp {

int run_app(const app::Options& opts) {
    app::App app(opts);
    return app.run();
}

}  // namespace rp
