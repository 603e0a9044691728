// The pure parts of capture-loss recovery: the reopen schedule and the test fault's spec.
#include "media/source_guard.h"
#include "media/flaky_source.h"
#include "media/pipeline_parts.h"
#include "media/video_chain.h"
#include "util/gobj.h"
#include "util/retry_backoff.h"

#include <gst/gst.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <vector>

namespace rp {
namespace {

TEST(RetryBackoff, OneSecondDoublingToThirty) {
    RetryBackoff b;
    std::vector<int> got;
    for (int i = 0; i < 8; ++i) got.push_back(b.next_ms());
    EXPECT_EQ(got, (std::vector<int>{1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000}));
    EXPECT_EQ(b.attempts(), 8);
}

TEST(RetryBackoff, ResetStartsAgainAtOneSecond) {
    RetryBackoff b;
    b.next_ms();
    b.next_ms();
    b.next_ms();
    b.reset();
    EXPECT_EQ(b.attempts(), 0);
    EXPECT_EQ(b.next_ms(), 1000);
    EXPECT_EQ(b.next_ms(), 2000);
}

TEST(FlakySpec, Defaults) {
    auto s = media::parse_flaky_spec("", nullptr);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->fail_after, 90u);
    EXPECT_EQ(s->down_ms, 2500);
    EXPECT_EQ(s->times, 1);
    EXPECT_FALSE(s->stall);
    EXPECT_TRUE(s->video);
    EXPECT_FALSE(s->audio);
}

TEST(FlakySpec, ParsesEveryKey) {
    auto s =
        media::parse_flaky_spec("fail-after=30,down-ms=1200,times=2,mode=stall,kind=both", nullptr);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->fail_after, 30u);
    EXPECT_EQ(s->down_ms, 1200);
    EXPECT_EQ(s->times, 2);
    EXPECT_TRUE(s->stall);
    EXPECT_TRUE(s->video);
    EXPECT_TRUE(s->audio);
    s = media::parse_flaky_spec("kind=audio", nullptr);
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->video);
    EXPECT_TRUE(s->audio);
}

TEST(FlakySpec, RejectsNonsenseWithAReason) {
    std::string why;
    EXPECT_FALSE(media::parse_flaky_spec("fail-after=-3", &why));
    EXPECT_NE(why.find("fail-after"), std::string::npos);
    EXPECT_FALSE(media::parse_flaky_spec("colour=red", &why));
    EXPECT_NE(why.find("colour"), std::string::npos);
    EXPECT_FALSE(media::parse_flaky_spec("mode=sometimes", &why));
    EXPECT_FALSE(media::parse_flaky_spec("times", &why));
}

}  // namespace

// ---- SourceGuard in a running pipeline ----------------------------------------------------------

namespace {

struct Frame {
    GstClockTime pts;
    int mean;  // luma, 0..255
    int max;
};

struct Seen {
    std::mutex mutex;
    std::vector<Frame> frames;
};

GstPadProbeReturn record(GstPad*, GstPadProbeInfo* info, gpointer p) {
    auto* seen = static_cast<Seen*>(p);
    GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
    GstMapInfo map;
    if (!gst_buffer_map(buf, &map, GST_MAP_READ)) return GST_PAD_PROBE_OK;
    long sum = 0;
    int max = 0;
    const size_t luma = 160 * 120;  // I420: the Y plane first, stride 160
    for (size_t i = 0; i < luma && i < map.size; ++i) {
        sum += map.data[i];
        max = std::max<int>(max, map.data[i]);
    }
    gst_buffer_unmap(buf, &map);
    std::lock_guard<std::mutex> lock(seen->mutex);
    seen->frames.push_back({GST_BUFFER_PTS(buf), static_cast<int>(sum / long(luma)), max});
    return GST_PAD_PROBE_OK;
}

class SourceGuardTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
};

TEST_F(SourceGuardTest, SharedCapsKeepTheSourcesOwnSizeElseTheOptions) {
    media::Options cfg;
    cfg.width = 640;
    cfg.height = 480;
    cfg.fps = 30;
    std::string error;
    GstPtr<GstElement> own = media::make_bin(
        "videotestsrc ! video/x-raw,width=320,height=240,framerate=15/1 ! identity", &error);
    ASSERT_TRUE(own) << error;
    EXPECT_EQ(media::live_caps(own.get(), cfg),
              "video/x-raw,format=I420,width=320,height=240,framerate=15/1,pixel-aspect-ratio=1/1");
    GstPtr<GstElement> any = media::make_bin("videotestsrc ! identity", &error);
    ASSERT_TRUE(any) << error;
    EXPECT_EQ(media::live_caps(any.get(), cfg),
              "video/x-raw,format=I420,width=640,height=480,framerate=30/1,pixel-aspect-ratio=1/1");
}

// A source that fails before its first frame is the user's mistake (a wrong device: exit 4),
// not an outage; an error from anything else is not the guard's.
TEST_F(SourceGuardTest, ErrorBeforeTheFirstFrameIsFatalOthersAreNotOurs) {
    const std::string caps = "video/x-raw,format=I420,width=160,height=120,framerate=30/1";
    PipelinePtr pipeline(gst_pipeline_new(nullptr));
    GstElement* live = nullptr;
    media::SourceGuard::Setup setup{media::Kind::Video,
                                    "videotestsrc is-live=true ! " + caps,
                                    media::camera_card(caps),
                                    {},
                                    [&](GstElement* bin) { live = bin; },
                                    {}};
    std::string error;
    auto guard = media::SourceGuard::build(GST_BIN(pipeline.get()), std::move(setup), &error);
    ASSERT_TRUE(guard) << error;
    ASSERT_TRUE(live);
    GstPtr<GstElement> stranger = make_element("fakesink");
    EXPECT_EQ(guard->on_error(GST_OBJECT(stranger.get()), "x"),
              media::SourceGuard::Verdict::NotOurs);
    EXPECT_EQ(guard->on_error(GST_OBJECT(live), "no such device"),
              media::SourceGuard::Verdict::Fatal);
    EXPECT_EQ(guard->restarts(), 0u);
}

// A white live source fails after 20 frames and is down for 1.5 s, twice: the output goes
// white -> the dark "camera unavailable" card (with its bright text) -> white, twice, with
// timestamps that only go forward (the card stops and starts again), two restarts counted.
TEST_F(SourceGuardTest, CardWhileDownThenLiveAgainTwiceWithMonotonicTimestamps) {
    const std::string caps =
        "video/x-raw,format=I420,width=160,height=120,framerate=30/1,pixel-aspect-ratio=1/1";
    PipelinePtr pipeline(gst_pipeline_new(nullptr));
    media::FlakySpec flaky;
    flaky.fail_after = 20;
    flaky.down_ms = 1500;
    flaky.times = 2;
    int recovered = 0;
    media::SourceGuard::Setup setup{media::Kind::Video,
                                    "videotestsrc is-live=true pattern=white ! " + caps,
                                    media::camera_card(caps),
                                    flaky,
                                    {},
                                    [&] { ++recovered; }};
    std::string error;
    auto guard = media::SourceGuard::build(GST_BIN(pipeline.get()), std::move(setup), &error);
    ASSERT_TRUE(guard) << error;
    GstPtr<GstElement> sink = make_element("fakesink");
    ASSERT_TRUE(sink);
    g_object_set(sink.get(), "sync", FALSE, nullptr);
    gst_bin_add(GST_BIN(pipeline.get()), sink.get());
    ASSERT_TRUE(gst_element_link(guard->output(), sink.get()));
    Seen seen;
    GstPtr<GstPad> in(gst_element_get_static_pad(sink.get(), "sink"));
    gst_pad_add_probe(in.get(), GST_PAD_PROBE_TYPE_BUFFER, record, &seen, nullptr);
    ASSERT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);

    GstPtr<GstBus> bus(gst_pipeline_get_bus(GST_PIPELINE(pipeline.get())));
    auto white_after_restart = [&] {
        std::lock_guard<std::mutex> lock(seen.mutex);
        int n = 0;
        for (auto it = seen.frames.rbegin(); it != seen.frames.rend() && it->mean > 200; ++it) ++n;
        return guard->restarts() == 2 && n >= 15;
    };
    gint64 until = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    while (!white_after_restart() && g_get_monotonic_time() < until) {
        g_main_context_iteration(nullptr, FALSE);
        if (GstMessage* m = gst_bus_pop_filtered(bus.get(), GST_MESSAGE_ERROR)) {
            MessagePtr owner(m);
            EXPECT_EQ(guard->on_error(GST_MESSAGE_SRC(m), "test"),
                      media::SourceGuard::Verdict::Handled);
        }
    }
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    ASSERT_TRUE(white_after_restart());
    EXPECT_EQ(recovered, 2);
    // The phases, in order: white, card, white, card, white.
    std::vector<Frame> frames = seen.frames;
    size_t i = 0;
    std::vector<size_t> phases;
    for (int phase = 0; phase < 5; ++phase) {
        size_t n = 0;
        bool card = phase % 2 == 1;
        for (; i < frames.size() && (card ? frames[i].mean < 60 : frames[i].mean > 200); ++i) {
            ++n;
            // The card carries its text: bright pixels on black.
            if (card) {
                EXPECT_GT(frames[i].max, 150) << "card frame " << i;
            }
        }
        phases.push_back(n);
    }
    EXPECT_EQ(i, frames.size()) << "white, card, white, card, white: nothing else";
    EXPECT_EQ(phases[0], 20u);
    // A reopened source's first frames go by until the main loop (every 250 ms) switches.
    EXPECT_GE(phases[2], 10u);
    EXPECT_LE(phases[2], 20u);
    // 1.5 s down, the first retry after 1 s fails, the second 2 s later: about 3 s of card.
    EXPECT_GE(phases[1], 30u);
    EXPECT_GE(phases[3], 30u);
    EXPECT_GE(phases[4], 15u);
    for (size_t k = 1; k < frames.size(); ++k)
        ASSERT_GT(frames[k].pts, frames[k - 1].pts) << "frame " << k << " of " << frames.size();
    std::printf("frames: white %zu, card %zu, white %zu, card %zu, white %zu\n", phases[0],
                phases[1], phases[2], phases[3], phases[4]);
}

}  // namespace
}  // namespace rp
