#include "media/source_guard.h"

#include "media/pipeline_parts.h"
#include "util/log.h"

namespace rp::media {

namespace {

constexpr gint64 kNoFramesUs = 3 * G_USEC_PER_SEC;  // a source this quiet is lost
constexpr guint kTickMs = 250;

double seconds_since(gint64 us) {
    return static_cast<double>(g_get_monotonic_time() - us) / G_USEC_PER_SEC;
}

}  // namespace

SourceGuard::SourceGuard(GstBin* pipeline, Setup setup)
    : pipeline_(pipeline), setup_(std::move(setup)) {}

const char* SourceGuard::device_word() const {
    return setup_.kind == Kind::Video ? "camera" : "microphone";
}

std::unique_ptr<SourceGuard> SourceGuard::build(GstBin* pipeline, Setup setup, std::string* error) {
    std::unique_ptr<SourceGuard> g(new SourceGuard(pipeline, std::move(setup)));
    GstPtr<GstElement> selector = make_element("input-selector", nullptr, error);
    if (!selector) return nullptr;
    // Buffers of the inactive input are dropped at once: neither input waits for the other.
    g_object_set(selector.get(), "sync-streams", FALSE, "drop-backwards", TRUE, nullptr);
    // gst-launch syntax cannot end a bin in caps: give it an element.
    GstPtr<GstElement> card = make_bin(g->setup_.card + " ! identity", error);
    if (!card) return nullptr;
    // A stand-in takes no input: a textoverlay's text pad, ghosted, would wait for text.
    if (GstPtr<GstPad> in{gst_element_get_static_pad(card.get(), "sink")})
        gst_element_remove_pad(card.get(), in.get());
    // The card idles (NULL) while the source is live: no CPU spent on a picture nobody sees.
    gst_element_set_locked_state(card.get(), TRUE);
    gst_bin_add_many(pipeline, selector.get(), card.get(), nullptr);
    g->card_ = card.get();
    g->selector_ = selector.get();  // the pipeline holds it now
    g->card_pad_ =
        RequestPad(g->selector_, gst_element_request_pad_simple(g->selector_, "sink_%u"));
    GstPtr<GstPad> card_src(gst_element_get_static_pad(card.get(), "src"));
    if (!g->card_pad_ || gst_pad_link(card_src.get(), g->card_pad_.get()) != GST_PAD_LINK_OK) {
        if (error) *error = std::string("the ") + g->device_word() + " card does not link";
        return nullptr;
    }
    if (!g->open(error)) return nullptr;
    SourceGuard* self = g.get();
    g->watchdog_.reset(g_timeout_add(
        kTickMs,
        [](gpointer p) -> gboolean {
            static_cast<SourceGuard*>(p)->tick();
            return G_SOURCE_CONTINUE;
        },
        self));
    return g;
}

SourceGuard::~SourceGuard() {
    watchdog_.reset();
    retry_timer_.reset();
}

bool SourceGuard::open(std::string* error) {
    GstPtr<GstElement> bin = make_bin(setup_.live + " ! identity", error);
    if (!bin) return false;
    buffers_ = 0;
    failed_ = false;
    fail_this_opening_ = setup_.flaky && outages_ < setup_.flaky->times;
    GstPtr<GstPad> src(gst_element_get_static_pad(bin.get(), "src"));
    gst_pad_add_probe(src.get(), GST_PAD_PROBE_TYPE_BUFFER, &SourceGuard::on_buffer, this, nullptr);
    // A failing source ends its stream: that EOS must not reach the shared encoder.
    gst_pad_add_probe(
        src.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
        [](GstPad*, GstPadProbeInfo* info, gpointer) -> GstPadProbeReturn {
            return GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_EOS
                       ? GST_PAD_PROBE_DROP
                       : GST_PAD_PROBE_OK;
        },
        nullptr, nullptr);
    live_ = BinElement(pipeline_, std::move(bin));
    live_pad_ = RequestPad(selector_, gst_element_request_pad_simple(selector_, "sink_%u"));
    if (!live_pad_ || gst_pad_link(src.get(), live_pad_.get()) != GST_PAD_LINK_OK) {
        if (error) *error = std::string("the ") + device_word() + " source does not link";
        return false;
    }
    if (setup_.on_open) setup_.on_open(live_.get());
    if (state_ == State::Starting) {
        g_object_set(selector_, "active-pad", live_pad_.get(), nullptr);
        return true;  // the pipeline starts it
    }
    if (!gst_element_sync_state_with_parent(live_.get())) {
        if (error) *error = "it does not start";
        return false;
    }
    return true;
}

void SourceGuard::retire() {
    if (gst_element_is_locked_state(card_)) {
        gst_element_set_locked_state(card_, FALSE);
        if (!gst_element_sync_state_with_parent(card_))
            log::warn("%s: the stand-in does not start", kind_name(setup_.kind));
    }
    g_object_set(selector_, "active-pad", card_pad_.get(), nullptr);
    live_.reset();  // to NULL: its streaming thread has stopped when this returns
    live_pad_.reset();
}

SourceGuard::Verdict SourceGuard::on_error(GstObject* obj, const std::string& why) {
    GstElement* bin = live_.get();
    if (!bin || (obj != GST_OBJECT(bin) && !gst_object_has_as_ancestor(obj, GST_OBJECT(bin))))
        return Verdict::NotOurs;
    if (state_ == State::Starting && buffers_.load() == 0) return Verdict::Fatal;
    lose(why);
    return Verdict::Handled;
}

void SourceGuard::lose(const std::string& why) {
    const char* kind = kind_name(setup_.kind);
    if (state_ == State::Live || state_ == State::Starting) {
        ++outages_;
        lost_at_us_ = g_get_monotonic_time();
        retire();
        backoff_.reset();
        state_ = State::Down;
        int ms = backoff_.next_ms();
        log::warn("%s: %s lost (%s); members get the %s meanwhile; reopening in %.0f s", kind,
                  device_word(), why.c_str(),
                  setup_.kind == Kind::Video ? "'camera unavailable' card" : "silence",
                  ms / 1000.0);
        schedule_retry_in(ms);
        return;
    }
    if (state_ != State::Trying) return;
    retire();
    state_ = State::Down;
    int ms = backoff_.next_ms();
    log::info("%s: reopening the %s failed (%s); next try in %.0f s", kind, device_word(),
              why.c_str(), ms / 1000.0);
    schedule_retry_in(ms);
}

void SourceGuard::schedule_retry_in(int ms) {
    retry_timer_.reset(g_timeout_add(
        static_cast<guint>(ms),
        [](gpointer p) -> gboolean {
            auto* self = static_cast<SourceGuard*>(p);
            self->retry_timer_.release();
            self->retry();
            return G_SOURCE_REMOVE;
        },
        this));
}

void SourceGuard::retry() {
    state_ = State::Trying;
    attempt_at_us_ = g_get_monotonic_time();
    if (setup_.flaky && seconds_since(lost_at_us_) * 1000 < setup_.flaky->down_ms) {
        lose("test source still down");
        return;
    }
    std::string why;
    if (!open(&why)) lose(why);
}

void SourceGuard::went_live() {
    g_object_set(selector_, "active-pad", live_pad_.get(), nullptr);
    if (!gst_element_is_locked_state(card_)) {  // idle again
        gst_element_set_locked_state(card_, TRUE);
        gst_element_set_state(card_, GST_STATE_NULL);
    }
    bool restart = state_ == State::Trying;
    state_ = State::Live;
    last_frame_at_us_ = g_get_monotonic_time();
    if (!restart) return;
    restarts_.fetch_add(1);
    log::info("%s: %s back after %.1f s (source restart %llu)", kind_name(setup_.kind),
              device_word(), seconds_since(lost_at_us_),
              static_cast<unsigned long long>(restarts_.load()));
    backoff_.reset();
    if (setup_.on_recovered) setup_.on_recovered();
}

void SourceGuard::tick() {
    std::uint64_t seen = buffers_.load();
    gint64 now = g_get_monotonic_time();
    switch (state_) {
        case State::Starting:
            if (seen > 0) went_live();
            break;
        case State::Trying:
            if (seen > 0)
                went_live();
            else if (now - attempt_at_us_ >= kNoFramesUs)
                lose("no data for 3 s");
            break;
        case State::Live:
            if (seen != last_seen_)
                last_frame_at_us_ = now;
            else if (now - last_frame_at_us_ >= kNoFramesUs)
                lose("no data for 3 s");
            break;
        case State::Down:
            break;
    }
    last_seen_ = seen;
}

// Streaming thread: counts, and plays the test fault.
GstPadProbeReturn SourceGuard::on_buffer(GstPad* pad, GstPadProbeInfo*, gpointer p) {
    auto* self = static_cast<SourceGuard*>(p);
    std::uint64_t n = self->buffers_.load();
    if (self->fail_this_opening_.load() && n >= self->setup_.flaky->fail_after) {
        if (!self->setup_.flaky->stall && !self->failed_.exchange(true)) {
            GstPtr<GstElement> bin(gst_pad_get_parent_element(pad));
            GErrorPtr err(g_error_new_literal(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
                                              "test: the flaky source failed"));
            gst_element_post_message(
                bin.get(), gst_message_new_error(GST_OBJECT(bin.get()), err.get(), nullptr));
        }
        return GST_PAD_PROBE_DROP;
    }
    self->buffers_.fetch_add(1);
    return GST_PAD_PROBE_OK;
}

}  // namespace rp::media
