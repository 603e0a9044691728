#include "media/video_wall.h"

#include "media/codecs.h"
#include "media/pipeline_parts.h"
#include "util/log.h"

#include <algorithm>

namespace rp::media {

namespace {

constexpr gint64 kFrozenUs = G_USEC_PER_SEC;  // no frame for this long: frozen
constexpr guint kGoneMs = 3000;               // a gone member's card stays this long
constexpr guint kCardColour = 0xff303840;     // dark slate: never a sender's colour
constexpr guint kBackgroundZ = 0, kCardZ = 1, kVideoZ = 2;

// What a tile's card says, by TileState.
const char* const kCardText[] = {"connecting…", "", "video frozen", "gone", "no video"};

}  // namespace

const char* tile_state_name(VideoWall::TileState s) {
    static const char* const names[] = {"connecting", "live", "frozen", "gone", "no video"};
    return names[static_cast<int>(s)];
}

struct VideoWall::Tile {
    std::string peer;
    std::string label;
    TileState state = TileState::Connecting;
    std::vector<BinElement> card;  // videotestsrc, capsfilter, textoverlay
    GstElement* card_text = nullptr;
    RequestPad card_pad;
    std::vector<BinElement> video;  // queue, textoverlay
    RequestPad video_pad;
    GstElement* video_text = nullptr;  // the label's textoverlay, in `video`
    PadProbe video_probe;
    unsigned video_token = 0;  // counts attach_video()s
    bool sends_video = true;   // as far as we know
    std::atomic<gint64> last_frame_us{0};
    GstElement* pipeline = nullptr;  // for the probe's clock
    SourceId gone_timer;

    // The video first (its probe reads this tile), then the card.
    void clear_video() {
        video_probe.reset();
        for (auto& e : video) e.reset();
        video.clear();
        video_text = nullptr;
        video_pad.reset();
        last_frame_us = 0;
    }
    ~Tile() {
        gone_timer.reset();
        clear_video();
        for (auto& e : card) e.reset();
        card.clear();
        card_pad.reset();
    }
};

VideoWall::VideoWall(GstElement* pipeline, const Config& cfg) : pipeline_(pipeline), cfg_(cfg) {}

std::shared_ptr<VideoWall> VideoWall::create(GstElement* pipeline, const Config& cfg,
                                             std::string* error) {
    std::shared_ptr<VideoWall> wall(new VideoWall(pipeline, cfg));
    if (!wall->build(error)) return nullptr;
    return wall;
}

VideoWall::~VideoWall() {
    timer_.reset();
    tiles_.clear();
    background_pad_.reset();
    sink_.reset();
    for (auto it = base_.rbegin(); it != base_.rend(); ++it) it->reset();
}

GstElement* VideoWall::add(std::vector<BinElement>& owner, const char* factory,
                           std::string* error) {
    GstPtr<GstElement> e = rp::make_element(factory);
    if (!e) {
        if (error)
            *error = std::string("--sink window: GStreamer element '") + factory +
                     "' is missing: install " + package_for_element(factory);
        return nullptr;
    }
    owner.emplace_back(GST_BIN(pipeline_), std::move(e));
    return owner.back().get();
}

bool VideoWall::build(std::string* error) {
    std::string sink_text = cfg_.sink;
    if (sink_text.empty()) {
        sink_text = display_sink_description(current_display_env(), cfg_.fullscreen, error);
        if (sink_text.empty()) return false;
    }
    std::string factory = sink_text.substr(0, sink_text.find_first_of(" !"));
    if (GstPtr<GstElementFactory> f{gst_element_factory_find(factory.c_str())}; !f) {
        if (error)
            *error = "--sink window: GStreamer element '" + factory + "' is missing: install " +
                     (factory == "waylandsink" || factory == "kmssink"
                          ? std::string("gstreamer1.0-plugins-bad")
                          : package_for_element(factory));
        return false;
    }
    // ximagesink titles its window with the application's name.
    if (const char* app = g_get_application_name(), *prg = g_get_prgname();
        !app || (prg && g_str_equal(app, prg)))
        g_set_application_name("roompeer");
    GstElement* bg = add(base_, "videotestsrc", error);
    GstElement* bg_caps = bg ? add(base_, "capsfilter", error) : nullptr;
    compositor_ = bg_caps ? add(base_, "compositor", error) : nullptr;
    GstElement* out_caps = compositor_ ? add(base_, "capsfilter", error) : nullptr;
    GstElement* queue = out_caps ? add(base_, "queue", error) : nullptr;
    GstElement* convert = queue ? add(base_, "videoconvert", error) : nullptr;
    if (!convert) return false;
    GstPtr<GstElement> sink_bin = make_bin(sink_text, error);
    if (!sink_bin) return false;
    sink_ = BinElement(GST_BIN(pipeline_), std::move(sink_bin));

    // A tiny transparent live source keeps the compositor producing frames with no member.
    g_object_set(bg, "is-live", TRUE, "pattern", 2 /* black */, nullptr);
    CapsPtr small(gst_caps_from_string("video/x-raw,width=16,height=16,framerate=5/1"));
    g_object_set(bg_caps, "caps", small.get(), nullptr);
    g_object_set(compositor_, "background", 1 /* black */, "min-upstream-latency",
                 static_cast<guint64>(cfg_.latency_ms + 150) * GST_MSECOND, nullptr);
    // BGRx: what X11, Wayland (xrgb8888) and KMS take as is, so that no videoconvert of the
    // whole window runs per frame (measured: 27% of a core at 1280x720, 7% with BGRx).
    CapsPtr caps(gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "BGRx", "width",
                                     G_TYPE_INT, cfg_.width, "height", G_TYPE_INT, cfg_.height,
                                     "framerate", GST_TYPE_FRACTION, cfg_.fps, 1,
                                     "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, nullptr));
    g_object_set(out_caps, "caps", caps.get(), nullptr);
    g_object_set(queue, "max-size-buffers", 2u, "max-size-bytes", 0u, "max-size-time",
                 static_cast<guint64>(0), "leaky", 2 /* downstream */, nullptr);
    if (!gst_element_link(bg, bg_caps) ||
        !gst_element_link_many(compositor_, out_caps, queue, convert, sink_.get(), nullptr)) {
        if (error) *error = "--sink window: the compositor does not link to '" + sink_text + "'";
        return false;
    }
    background_pad_ =
        RequestPad(compositor_, gst_element_request_pad_simple(compositor_, "sink_%u"));
    GstPtr<GstPad> bg_src(gst_element_get_static_pad(bg_caps, "src"));
    if (!background_pad_ || gst_pad_link(bg_src.get(), background_pad_.get()) != GST_PAD_LINK_OK) {
        if (error) *error = "--sink window: cannot link the compositor's background";
        return false;
    }
    g_object_set(background_pad_.get(), "alpha", 0.0, "zorder", kBackgroundZ, nullptr);
    for (auto it = base_.rbegin(); it != base_.rend(); ++it)
        gst_element_sync_state_with_parent(it->get());
    gst_element_sync_state_with_parent(sink_.get());
    log::info("video wall: %dx%d at %d fps into %s", cfg_.width, cfg_.height, cfg_.fps,
              sink_text.c_str());
    // `this` is safe: the source goes with timer_.
    timer_.reset(g_timeout_add(
        250,
        [](gpointer p) -> gboolean {
            static_cast<VideoWall*>(p)->check_tiles();
            return G_SOURCE_CONTINUE;
        },
        this));
    return true;
}

VideoWall::Tile* VideoWall::find(const std::string& peer) const {
    for (const auto& t : tiles_)
        if (t->peer == peer) return t.get();
    return nullptr;
}

std::vector<std::string> VideoWall::members() const {
    std::vector<std::string> out;
    for (const auto& t : tiles_) out.push_back(t->peer);
    return out;
}

VideoWall::TileState VideoWall::state(const std::string& peer) const {
    Tile* t = find(peer);
    return t ? t->state : TileState::Gone;
}

void VideoWall::add_member(const std::string& peer, const std::string& label) {
    if (Tile* t = find(peer)) {
        set_label(peer, label);
        t->gone_timer.reset();
        if (t->state == TileState::Gone) t->state = TileState::Connecting;
        show(*t, t->state);
        return;
    }
    auto t = std::make_unique<Tile>();
    t->peer = peer;
    t->label = label.empty() ? peer : label;
    t->pipeline = pipeline_;
    std::string error;
    GstElement* src = add(t->card, "videotestsrc", &error);
    GstElement* caps = src ? add(t->card, "capsfilter", &error) : nullptr;
    GstElement* text = caps ? add(t->card, "textoverlay", &error) : nullptr;
    if (!text) {
        log::warn("video wall: no card for %s: %s", peer.c_str(), error.c_str());
        return;
    }
    g_object_set(src, "is-live", TRUE, "pattern", 17 /* solid-color */, "foreground-color",
                 kCardColour, nullptr);
    CapsPtr c(gst_caps_from_string("video/x-raw,width=320,height=180,framerate=10/1"));
    g_object_set(caps, "caps", c.get(), nullptr);
    g_object_set(text, "valignment", 4 /* center */, "halignment", 1 /* center */, "font-desc",
                 "Sans 16", "shaded-background", FALSE, nullptr);
    t->card_text = text;
    t->card_pad = RequestPad(compositor_, gst_element_request_pad_simple(compositor_, "sink_%u"));
    GstPtr<GstPad> text_src(gst_element_get_static_pad(text, "src"));
    if (!gst_element_link_many(src, caps, text, nullptr) || !t->card_pad ||
        gst_pad_link(text_src.get(), t->card_pad.get()) != GST_PAD_LINK_OK) {
        log::warn("video wall: cannot link the card of %s", peer.c_str());
        return;
    }
    g_object_set(t->card_pad.get(), "zorder", kCardZ, nullptr);
    show(*t, TileState::Connecting);
    for (auto it = t->card.rbegin(); it != t->card.rend(); ++it)
        gst_element_sync_state_with_parent(it->get());
    log::info("video wall: tile %zu: %s", tiles_.size() + 1, peer.c_str());
    log::info("video wall: label %s (%s)", t->label.c_str(), peer.c_str());
    tiles_.push_back(std::move(t));
    relayout();
}

void VideoWall::set_label(const std::string& peer, const std::string& label) {
    Tile* t = find(peer);
    if (!t || label.empty() || label == t->label) return;
    t->label = label;
    log::info("video wall: label %s (%s)", label.c_str(), peer.c_str());
    std::string text(GCharPtr(g_markup_escape_text(label.c_str(), -1)).get());
    if (t->video_text) g_object_set(t->video_text, "text", text.c_str(), nullptr);
    show(*t, t->state);
}

void VideoWall::set_sends_video(const std::string& peer, bool sends) {
    if (Tile* t = find(peer)) t->sends_video = sends;
    check_tiles();
}

void VideoWall::member_gone(const std::string& peer) {
    Tile* t = find(peer);
    if (!t) return;
    show(*t, TileState::Gone);
    struct Gone {
        VideoWall* self;
        std::string peer;
    };
    // `this` is safe: the source goes with the tile.
    t->gone_timer.reset(g_timeout_add_full(
        G_PRIORITY_DEFAULT, kGoneMs,
        [](gpointer p) -> gboolean {
            auto* g = static_cast<Gone*>(p);
            if (Tile* tile = g->self->find(g->peer)) tile->gone_timer.release();
            g->self->remove_member(g->peer);
            return G_SOURCE_REMOVE;
        },
        new Gone{this, peer}, [](gpointer p) { delete static_cast<Gone*>(p); }));
}

void VideoWall::remove_member(const std::string& peer) {
    auto it =
        std::find_if(tiles_.begin(), tiles_.end(), [&](const auto& t) { return t->peer == peer; });
    if (it == tiles_.end()) return;
    tiles_.erase(it);
    log::info("video wall: %s left the grid", peer.c_str());
    relayout();
}

bool VideoWall::attach_video(const std::string& peer, GstPad* src, std::string* error,
                             unsigned* token) {
    if (!find(peer)) add_member(peer, peer);
    Tile* t = find(peer);
    if (!t) {
        if (error) *error = "no tile";
        return false;
    }
    t->clear_video();
    if (token) *token = ++t->video_token;
    GstElement* queue = add(t->video, "queue", error);
    GstElement* text = queue ? add(t->video, "textoverlay", error) : nullptr;
    if (!text) {
        t->clear_video();
        return false;
    }
    t->video_text = text;
    g_object_set(queue, "max-size-buffers", 3u, "max-size-bytes", 0u, "max-size-time",
                 static_cast<guint64>(0), "leaky", 2 /* downstream */, nullptr);
    std::string label(GCharPtr(g_markup_escape_text(t->label.c_str(), -1)).get());
    g_object_set(text, "text", label.c_str(), "valignment", 1 /* bottom */, "halignment",
                 0 /* left */, "font-desc", "Sans 14", "shaded-background", TRUE, nullptr);
    t->video_pad = RequestPad(compositor_, gst_element_request_pad_simple(compositor_, "sink_%u"));
    GstPtr<GstPad> text_src(gst_element_get_static_pad(text, "src"));
    GstPtr<GstPad> queue_sink(gst_element_get_static_pad(queue, "sink"));
    if (!t->video_pad || !gst_element_link(queue, text) ||
        gst_pad_link(text_src.get(), t->video_pad.get()) != GST_PAD_LINK_OK) {
        if (error) *error = "cannot link into the compositor";
        t->clear_video();
        return false;
    }
    g_object_set(t->video_pad.get(), "zorder", kVideoZ, "sizing-policy", 1 /* keep aspect */,
                 "alpha", 0.0, nullptr);
    // Streaming thread: stamp the frame's arrival, and show it now rather than at the time the
    // sender gave it (as a sink with sync=false would): the compositor drops late frames.
    t->video_probe =
        PadProbe(t->video_pad.get(),
                 gst_pad_add_probe(
                     t->video_pad.get(), GST_PAD_PROBE_TYPE_BUFFER,
                     [](GstPad* pad, GstPadProbeInfo* info, gpointer p) -> GstPadProbeReturn {
                         auto* tile = static_cast<Tile*>(p);
                         tile->last_frame_us = g_get_monotonic_time();
                         GstPtr<GstClock> clock(gst_element_get_clock(tile->pipeline));
                         GstEvent* seg_event = gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0);
                         if (clock && seg_event) {
                             const GstSegment* seg = nullptr;
                             gst_event_parse_segment(seg_event, &seg);
                             GstClockTime now = gst_clock_get_time(clock.get());
                             GstClockTime base = gst_element_get_base_time(tile->pipeline);
                             if (seg && seg->format == GST_FORMAT_TIME && now > base) {
                                 guint64 pos = gst_segment_position_from_running_time(
                                     seg, GST_FORMAT_TIME, now - base);
                                 if (pos != GST_CLOCK_TIME_NONE) {
                                     GstBuffer* buf =
                                         gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
                                     GST_BUFFER_PTS(buf) = pos;
                                     GST_BUFFER_DTS(buf) = GST_CLOCK_TIME_NONE;
                                     GST_PAD_PROBE_INFO_DATA(info) = buf;
                                 }
                             }
                         }
                         if (seg_event) gst_event_unref(seg_event);
                         return GST_PAD_PROBE_OK;
                     },
                     t, nullptr));
    gst_element_sync_state_with_parent(text);
    gst_element_sync_state_with_parent(queue);
    if (gst_pad_link(src, queue_sink.get()) != GST_PAD_LINK_OK) {
        if (error) *error = "the decoded video does not link into the wall";
        t->clear_video();
        return false;
    }
    relayout();
    log::debug("video wall: %s's video attached", peer.c_str());
    return true;
}

void VideoWall::detach_video(const std::string& peer, unsigned token) {
    Tile* t = find(peer);
    if (!t || (token && token != t->video_token)) return;  // a later call's video
    t->clear_video();
    if (t->state != TileState::Gone) show(*t, TileState::Connecting);
}

void VideoWall::relayout() {
    std::vector<Rect> cells = this->cells();
    for (size_t i = 0; i < tiles_.size(); ++i) {
        const Rect& r = cells[i];
        for (GstPad* pad : {tiles_[i]->card_pad.get(), tiles_[i]->video_pad.get()})
            if (pad)
                g_object_set(pad, "xpos", r.x, "ypos", r.y, "width", r.w, "height", r.h, nullptr);
    }
    GridShape g = grid_shape(static_cast<int>(tiles_.size()));
    log::info("video wall: %zu tile%s (%dx%d)", tiles_.size(), tiles_.size() == 1 ? "" : "s",
              g.cols, g.rows);
}

void VideoWall::show(Tile& t, TileState s) {
    if (t.state != s) log::info("video wall: %s %s", t.peer.c_str(), tile_state_name(s));
    t.state = s;
    bool live = s == TileState::Live;
    std::string text = "<b>" +
                       std::string(GCharPtr(g_markup_escape_text(t.label.c_str(), -1)).get()) +
                       "</b>\n" + kCardText[static_cast<int>(s)];
    if (t.card_text) g_object_set(t.card_text, "text", text.c_str(), nullptr);  // Pango markup
    if (t.card_pad) g_object_set(t.card_pad.get(), "alpha", live ? 0.0 : 1.0, nullptr);
    if (t.video_pad) g_object_set(t.video_pad.get(), "alpha", live ? 1.0 : 0.0, nullptr);
}

void VideoWall::check_tiles() {
    gint64 now = g_get_monotonic_time();
    for (auto& t : tiles_) {
        if (t->state == TileState::Gone) continue;
        gint64 last = t->last_frame_us.load();
        TileState want = !t->video_pad || last == 0
                             ? (t->sends_video ? TileState::Connecting : TileState::NoVideo)
                         : now - last < kFrozenUs ? TileState::Live
                                                  : TileState::Frozen;
        if (want != t->state) show(*t, want);
    }
}

}  // namespace rp::media
