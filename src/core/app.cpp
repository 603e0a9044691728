#include "core/app.h"

#include "core/stats_monitor.h"
#include "media/dtls_key_cache.h"
#include "media/local_media.h"
#include "media/session_manager.h"
#include "report/report.h"
#include "signal/backoff.h"
#include "signal/room_protocol.h"
#include "signal/socketio_client.h"
#include "util/gobj.h"
#include "util/log.h"

#include <glib-unix.h>
#include <sys/stat.h>

#include <cerrno>
#include <thread>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>

namespace rp {
namespace {

class App {
  public:
    explicit App(const Config& cfg)
        : cfg_(cfg),
          loop_(g_main_loop_new(nullptr, FALSE)),
          pipeline_(gst_pipeline_new("roompeer")),
          local_(pipeline_, cfg),
          sessions_(pipeline_, local_, cfg),
          room_(cfg.room, cfg.user_json, client_proxy_, sessions_),
          monitor_(cfg, monitor_sources()) {
        sessions_.set_signaller(&room_);
    }

    ~App() {
        monitor_.stop();
        client_.reset();
        gst_element_set_state(pipeline_, GST_STATE_NULL);
        gst_object_unref(pipeline_);
        g_main_loop_unref(loop_);
    }

    int run();

  private:
    // RoomProtocol is built before the client exists; it emits through this forwarder.
    struct ClientProxy : EventEmitter {
        SocketIoClient* client = nullptr;
        void emit(std::string_view name, JsonArray* args) override {
            if (client) client->emit(name, args);
        }
    };

    void connect();
    void on_link_failed(LinkFailure kind, const std::string& why);
    void fatal(int code, const std::string& why);
    void leave(const char* why);
    bool on_bus_message(GstMessage* msg);
    int fail_before_start(const std::string& why, int code = kExitMedia);
    StatsMonitor::Sources monitor_sources();
    bool is_local_element(GstObject* obj) const;
    int finish();

    const Config& cfg_;
    GMainLoop* loop_;
    GstElement* pipeline_;
    media::LocalMedia local_;
    media::SessionManager sessions_;
    ClientProxy client_proxy_;
    RoomProtocol room_;
    StatsMonitor monitor_;
    std::unique_ptr<SocketIoClient> client_;
    Backoff backoff_;
    size_t server_index_ = 0;  // into cfg_.servers: the node we are on or trying next
    std::string server_;       // the last one we connected to, for the report
    bool ever_connected_ = false;
    gint64 started_us_ = g_get_monotonic_time();
    std::string last_connect_error_;
    std::thread cert_warmup_;
    bool leaving_ = false;
    std::optional<int> fatal_code_;
    std::vector<std::string> run_errors_;
    guint reconnect_timer_ = 0;
};

StatsMonitor::Sources App::monitor_sources() {
    StatsMonitor::Sources src;
    src.room = [this] {
        StatsSample s;
        s.unix_time_s = g_get_real_time() / 1e6;
        s.uptime_s = log::since_start_ms() / 1000;
        s.room = cfg_.room;
        s.self_id = room_.self_id();
        s.state = leaving_ ? "leaving" : room_.joined() ? "joined" : "connecting";
        s.members = static_cast<int>(room_.member_count());
        return s;
    };
    src.calls = [this](std::function<void(std::vector<PeerStats>)> done) {
        sessions_.collect_stats(std::move(done));
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
    if (!ever_connected_ && !fatal_code_) {
        fatal_code_ = kExitServer;
        run_errors_.push_back(last_connect_error_.empty() ? "never reached the room server"
                                                          : last_connect_error_);
    }
    log::info("leaving the room (%s)", why);
    if (reconnect_timer_) g_source_remove(reconnect_timer_);
    reconnect_timer_ = 0;
    // Recordings get up to 3 s to finalize; never hang on a stuck element.
    g_timeout_add_seconds(
        5,
        [](gpointer loop) -> gboolean {
            log::warn("shutdown took too long; exiting anyway");
            g_main_loop_quit(static_cast<GMainLoop*>(loop));
            return G_SOURCE_REMOVE;
        },
        loop_);
    sessions_.close_all([this] { g_main_loop_quit(loop_); });
}

void App::connect() {
    SocketIoClient::Handlers h;
    h.connected = [this](const std::string& sid) {
        backoff_.reset();
        server_ = cfg_.servers[server_index_];
        if (cfg_.servers.size() > 1 || ever_connected_)
            log::info("on room server %s", cfg_.servers[server_index_].c_str());
        if (ever_connected_) {
            // The server forgot us: new socket id, room to join again, members with new ids.
            sessions_.drop_all_sessions("room server reconnected");
        }
        ever_connected_ = true;
        room_.on_connected(sid);
    };
    h.event = [this](const std::string& name, JsonArray* args) { room_.on_event(name, args); };
    h.failed = [this](LinkFailure kind, const std::string& why) { on_link_failed(kind, why); };
    client_ = std::make_unique<SocketIoClient>(cfg_.ws_urls[server_index_], cfg_.auth_json,
                                               SocketIoClient::Tls{cfg_.ca_file, cfg_.insecure},
                                               std::move(h));
    client_proxy_.client = client_.get();
    client_->connect();
}

void App::on_link_failed(LinkFailure kind, const std::string& why) {
    if (leaving_) return;
    room_.on_disconnected();
    if (kind == LinkFailure::Refused) {
        fatal(kExitServer, "the room server refused the connection: " + why);
        return;
    }
    // Retrying cannot make an untrusted certificate trusted; after a start that worked, the
    // server may be mid-way through a certificate change, and calls keep running meanwhile.
    if (kind == LinkFailure::Untrusted && !ever_connected_) {
        fatal(kExitServer,
              "cannot trust the room server at " + cfg_.ws_urls[server_index_] + ": " + why);
        return;
    }
    int delay = backoff_.next_ms();
    const std::string& failed_server = cfg_.servers[server_index_];
    // Several nodes: a dead one is not tried again before every other one was.
    server_index_ = (server_index_ + 1) % cfg_.servers.size();
    client_->set_url(cfg_.ws_urls[server_index_]);
    std::string next =
        cfg_.servers.size() > 1 ? " (next: " + cfg_.servers[server_index_] + ")" : "";
    if (!ever_connected_) {
        std::string what = "cannot reach the room server at " + failed_server + ": " + why +
                           (cfg_.servers.size() > 1 ? "" : " (is it running? check --server)");
        double waited_s = (g_get_monotonic_time() - started_us_) / 1e6;
        double left_s = cfg_.connect_timeout_s - waited_s;
        if (cfg_.connect_timeout_s > 0 && left_s * 1000 < delay)
            delay = std::max(0, static_cast<int>(left_s * 1000));
        if (cfg_.connect_timeout_s > 0 && left_s <= 0) {
            fatal(kExitServer, what + "; gave up after --connect-timeout " +
                                   std::to_string(static_cast<int>(cfg_.connect_timeout_s)) + " s");
            return;
        }
        last_connect_error_ = what;
        log::warn("%s; retrying in %d ms%s", what.c_str(), delay, next.c_str());
    } else {
        log::warn("lost the room server %s (%s); reconnecting in %d ms%s, media keeps flowing",
                  failed_server.c_str(), why.c_str(), delay, next.c_str());
    }
    reconnect_timer_ = g_timeout_add(
        static_cast<guint>(delay),
        [](gpointer p) -> gboolean {
            auto* self = static_cast<App*>(p);
            self->reconnect_timer_ = 0;
            self->client_->connect();
            return G_SOURCE_REMOVE;
        },
        this);
}

bool App::is_local_element(GstObject* obj) const {
    for (GstElement* tee : {local_.tee(media::Kind::Audio), local_.tee(media::Kind::Video)}) {
        if (!tee) continue;
        GstPad* sink = gst_element_get_static_pad(tee, "sink");
        GstPad* peer = sink ? gst_pad_get_peer(sink) : nullptr;
        GstElement* bin = peer ? gst_pad_get_parent_element(peer) : nullptr;
        bool inside =
            bin && (obj == GST_OBJECT(bin) || gst_object_has_as_ancestor(obj, GST_OBJECT(bin)));
        if (bin) gst_object_unref(bin);
        if (peer) gst_object_unref(peer);
        if (sink) gst_object_unref(sink);
        if (inside) return true;
    }
    return false;
}

bool App::on_bus_message(GstMessage* msg) {
    switch (GST_MESSAGE_TYPE(msg)) {
        case GST_MESSAGE_ERROR: {
            GError* err = nullptr;
            gchar* dbg = nullptr;
            gst_message_parse_error(msg, &err, &dbg);
            GErrorPtr e(err);
            GCharPtr d(dbg);
            std::string src = GST_OBJECT_NAME(GST_MESSAGE_SRC(msg));
            log::debug("GStreamer error details: %s", dbg ? dbg : "");
            if (is_local_element(GST_MESSAGE_SRC(msg)))
                fatal(kExitMedia, "local capture failed in " + src + ": " +
                                      (err ? err->message : "?") +
                                      " (check the device with --video/--audio, or use 'test')");
            else
                log::warn("media error in %s: %s (other members go on)", src.c_str(),
                          err ? err->message : "?");
            break;
        }
        case GST_MESSAGE_WARNING: {
            GError* err = nullptr;
            gst_message_parse_warning(msg, &err, nullptr);
            GErrorPtr e(err);
            log::debug("GStreamer warning from %s: %s", GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)),
                       err ? err->message : "?");
            break;
        }
        case GST_MESSAGE_LATENCY:
            // A branch added at run time changed the pipeline latency: redistribute it.
            gst_bin_recalculate_latency(GST_BIN(pipeline_));
            break;
        case GST_MESSAGE_CLOCK_LOST:
            log::debug("pipeline clock lost; selecting a new one");
            gst_element_set_state(pipeline_, GST_STATE_PAUSED);
            gst_element_set_state(pipeline_, GST_STATE_PLAYING);
            break;
        case GST_MESSAGE_STATE_CHANGED:
            if (GST_MESSAGE_SRC(msg) == GST_OBJECT(pipeline_)) {
                GstState old_state, new_state;
                gst_message_parse_state_changed(msg, &old_state, &new_state, nullptr);
                log::debug("pipeline %s -> %s", gst_element_state_get_name(old_state),
                           gst_element_state_get_name(new_state));
            }
            break;
        case GST_MESSAGE_STREAM_STATUS:
        case GST_MESSAGE_TAG:
        case GST_MESSAGE_QOS:
            break;  // routine, one per thread or per stream: noise even at -v
        default:
            log::debug("bus: %s from %s", GST_MESSAGE_TYPE_NAME(msg),
                       GST_OBJECT_NAME(GST_MESSAGE_SRC(msg)));
            break;
    }
    return true;
}

int App::run() {
    // The first call would wait for webrtcbin's DTLS certificate: take the key from the cache
    // (or make it) now, while we connect, instead of when the first offer arrives.
    if (cfg_.dtls_key_cache != "none")
        media::use_dtls_key_cache(cfg_.dtls_key_cache.empty() ? media::default_dtls_key_cache_path()
                                                              : cfg_.dtls_key_cache);
    cert_warmup_ = std::thread([] {
        if (GstElement* dtls = gst_element_factory_make("dtlsdec", nullptr)) gst_object_unref(dtls);
    });
    auto missing = media::missing_elements(local_.required_elements());
    if (!missing.empty()) {
        std::string text = media::describe_missing(missing);
        log::error("%s", text.c_str());
        return fail_before_start(text);
    }
    std::string err;
    if (!local_.build(&err)) {
        log::error("media: %s", err.c_str());
        return fail_before_start("media: " + err);
    }
    if (!monitor_.start(&err)) {
        log::error("%s", err.c_str());
        return fail_before_start(err, kExitUsage);
    }
    GstBus* bus = gst_pipeline_get_bus(GST_PIPELINE(pipeline_));
    gst_bus_add_watch(
        bus,
        [](GstBus*, GstMessage* m, gpointer p) -> gboolean {
            return static_cast<App*>(p)->on_bus_message(m);
        },
        this);
    gst_object_unref(bus);
    if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        // The bus carries the element's own error; let it name the culprit.
        fatal_code_ = kExitMedia;
        run_errors_.push_back("the local media pipeline failed to start");
        log::error(
            "the local media pipeline failed to start (check --video/--audio devices, or use "
            "'test')");
        GstBus* b = gst_pipeline_get_bus(GST_PIPELINE(pipeline_));
        while (GstMessage* m = gst_bus_pop_filtered(b, GST_MESSAGE_ERROR)) {
            GError* e = nullptr;
            gst_message_parse_error(m, &e, nullptr);
            log::error("%s: %s", GST_OBJECT_NAME(GST_MESSAGE_SRC(m)), e ? e->message : "?");
            run_errors_.push_back(std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(m))) + ": " +
                                  (e ? e->message : "?"));
            g_clear_error(&e);
            gst_message_unref(m);
        }
        gst_object_unref(b);
        return finish();
    }

    auto on_signal = [](gpointer p) -> gboolean {
        auto* self = static_cast<App*>(p);
        if (self->leaving_) {
            log::warn("second signal: exiting now");
            g_main_loop_quit(self->loop_);
        } else {
            self->leave("signal");
        }
        return G_SOURCE_CONTINUE;
    };
    guint sigint = g_unix_signal_add(SIGINT, on_signal, this);
    guint sigterm = g_unix_signal_add(SIGTERM, on_signal, this);
    guint duration = 0;
    if (cfg_.duration_s > 0) {
        duration = g_timeout_add(
            static_cast<guint>(cfg_.duration_s * 1000),
            [](gpointer p) -> gboolean {
                static_cast<App*>(p)->leave("--duration reached");
                return G_SOURCE_REMOVE;
            },
            this);
    }
    if (cfg_.insecure)
        log::warn(
            "--insecure: the room server's TLS certificate is not verified; anyone on the "
            "path can read and change the signalling");
    connect();
    g_main_loop_run(loop_);
    g_source_remove(sigint);
    g_source_remove(sigterm);
    (void)duration;
    return finish();
}

// A regular file is replaced atomically (FILE.tmp, then rename), so a reader never sees half a
// report; anything else (/dev/stdout, a FIFO, /dev/null) is written in place, never replaced.
bool write_report(const std::string& path, const std::string& text) {
    struct stat st {};
    bool special = stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
    if (special) {
        std::ofstream out(path, std::ios::binary);
        out << text;
        return static_cast<bool>(out.flush());
    }
    std::string tmp = path + ".tmp";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return false;
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

// A media error before we ever joined: the report still tells a CI job what went wrong.
int App::fail_before_start(const std::string& why, int code) {
    fatal_code_ = code;
    std::string line = why;
    while (!line.empty() && line.back() == '\n') line.pop_back();
    run_errors_.push_back(line);
    return finish();
}

int App::finish() {
    monitor_.stop();
    if (cert_warmup_.joinable()) cert_warmup_.join();
    if (GstClock* clock = gst_element_get_clock(pipeline_)) {
        GstClockTime running = gst_clock_get_time(clock) - gst_element_get_base_time(pipeline_);
        log::debug("pipeline clock %s: running time %.1f s", GST_OBJECT_NAME(clock), running / 1e9);
        gst_object_unref(clock);
    }
    log::debug("captured %llu video frames, encoded %llu, %llu of them keyframes",
               static_cast<unsigned long long>(local_.video_frames_captured()),
               static_cast<unsigned long long>(local_.video_frames_encoded()),
               static_cast<unsigned long long>(local_.keyframes_encoded()));
    RunResult run;
    run.room = cfg_.room;
    run.self_id = room_.self_id();
    run.server = server_;
    run.peers = sessions_.records();
    run.errors = run_errors_;
    auto failures =
        check_expectations(run, make_expectations(cfg_.expect_peers, cfg_.expect_frames));
    // report_json masks the fields that may hold a secret (the server URL, error texts).
    std::string text = report_json(run, failures);
    if (cfg_.report_path == "-") {
        fwrite(text.data(), 1, text.size(), stdout);
        fflush(stdout);
    } else if (!cfg_.report_path.empty()) {
        if (!write_report(cfg_.report_path, text))
            log::error("cannot write the report to %s: %s", cfg_.report_path.c_str(),
                       g_strerror(errno));
    }
    for (const auto& f : failures) log::info("failure: %s", f.c_str());
    if (fatal_code_) return *fatal_code_;
    return failures.empty() ? kExitPass : kExitFail;
}

}  // namespace

int run_app(const Config& cfg) {
    App app(cfg);
    return app.run();
}

}  // namespace rp
