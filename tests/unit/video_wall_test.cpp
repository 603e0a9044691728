// The video wall's compositor output, read through an appsink: for 1-6 members, each
// member's picture in the tile the grid predicts (aspect kept, black bars), a card where video
// is not flowing (connecting, frozen), and the grid closing up when a member leaves.
#include "media/video_wall.h"
#include "media/grid_layout.h"
#include "util/gobj.h"

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace {

using rp::GstPtr;
using rp::PipelinePtr;
using rp::media::Rect;
using rp::media::VideoWall;

constexpr int kW = 480, kH = 270;
constexpr guint32 kColours[] = {0xd03030, 0x30b040, 0x3050d0, 0xd0c020, 0xc040c0, 0x20b8c0};
constexpr guint32 kCard = 0x303840, kBlack = 0x000000;

bool spin_until(const std::function<bool()>& done, int timeout_ms) {
    gint64 until = g_get_monotonic_time() + timeout_ms * 1000LL;
    while (!done() && g_get_monotonic_time() < until) g_main_context_iteration(nullptr, FALSE);
    return done();
}

struct Frame {
    std::vector<guint8> rgb;  // kW x kH, packed RGB
    guint32 at(int x, int y) const {
        const guint8* p = rgb.data() + (static_cast<size_t>(y) * kW + x) * 3;
        return (guint32(p[0]) << 16) | (guint32(p[1]) << 8) | p[2];
    }
};

bool near(guint32 a, guint32 b, int tolerance = 28) {
    for (int shift : {16, 8, 0}) {
        int d = static_cast<int>((a >> shift) & 0xff) - static_cast<int>((b >> shift) & 0xff);
        if (std::abs(d) > tolerance) return false;
    }
    return true;
}

struct Wall {
    PipelinePtr pipeline{gst_pipeline_new(nullptr)};
    std::shared_ptr<VideoWall> wall;
    GstElement* appsink = nullptr;  // borrowed: in the pipeline
    std::vector<rp::BinElement> sources;

    Wall() {
        VideoWall::Config cfg;
        cfg.width = kW;
        cfg.height = kH;
        cfg.fps = 10;
        cfg.sink =
            "videoconvert ! video/x-raw,format=RGB ! appsink name=wallout sync=false "
            "max-buffers=1 drop=true";
        std::string error;
        wall = VideoWall::create(pipeline.get(), cfg, &error);
        EXPECT_TRUE(wall) << error;
        GstPtr<GstElement> sink(gst_bin_get_by_name(GST_BIN(pipeline.get()), "wallout"));
        appsink = sink.get();
        EXPECT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING),
                  GST_STATE_CHANGE_FAILURE);
    }
    ~Wall() {
        gst_element_set_state(pipeline.get(), GST_STATE_NULL);
        wall.reset();
        sources.clear();
    }
    // A member sending a solid 4:3 picture; `frames` 0: forever.
    void send(const std::string& peer, guint32 rgb, int frames = 0) {
        std::string text = "videotestsrc is-live=true pattern=solid-color foreground-color=" +
                           std::to_string(0xff000000u | rgb) +
                           (frames ? " num-buffers=" + std::to_string(frames) : "") +
                           " ! video/x-raw,width=160,height=120,framerate=10/1 ! identity";
        GError* err = nullptr;
        GstElement* bin = gst_parse_bin_from_description(text.c_str(), TRUE, &err);
        ASSERT_TRUE(bin) << (err ? err->message : "?");
        sources.emplace_back(GST_BIN(pipeline.get()),
                             GstPtr<GstElement>(GST_ELEMENT(gst_object_ref_sink(bin))));
        wall->add_member(peer, peer);
        GstPtr<GstPad> src(gst_element_get_static_pad(bin, "src"));
        std::string error;
        ASSERT_TRUE(wall->attach_video(peer, src.get(), &error)) << error;
        gst_element_sync_state_with_parent(bin);
    }
    Frame frame() {
        GstSample* sample = nullptr;
        g_signal_emit_by_name(appsink, "try-pull-sample", GST_SECOND, &sample);
        Frame f;
        if (!sample) return f;
        GstBuffer* buf = gst_sample_get_buffer(sample);
        GstVideoInfo info;
        GstVideoFrame vf;
        if (gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) &&
            gst_video_frame_map(&vf, &info, buf, GST_MAP_READ)) {
            f.rgb.resize(static_cast<size_t>(kW) * kH * 3);
            for (int y = 0; y < kH; ++y)
                memcpy(f.rgb.data() + static_cast<size_t>(y) * kW * 3,
                       static_cast<guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&vf, 0)) +
                           static_cast<size_t>(y) * GST_VIDEO_FRAME_PLANE_STRIDE(&vf, 0),
                       static_cast<size_t>(kW) * 3);
            gst_video_frame_unmap(&vf);
        }
        gst_sample_unref(sample);
        return f;
    }
    // Spins the main loop until a frame passes `check` (which says why not), or 10 s.
    std::string wait_frame(const std::function<std::string(const Frame&)>& check) {
        std::string why = "no frame";
        spin_until(
            [&] {
                Frame f = frame();
                if (f.rgb.empty()) return false;
                why = check(f);
                return why.empty();
            },
            10000);
        return why;
    }
};

std::string hex(guint32 c) {
    char s[16];
    snprintf(s, sizeof s, "#%06x", c);
    return s;
}

// The picture fills its letterboxed rectangle (corners inset 3 px, and the centre), and where
// the rectangle leaves room in its cell, the bar is black.
std::string check_tile(const Frame& f, const Rect& cell, guint32 want) {
    Rect r = rp::media::fit_aspect(cell, 160, 120);
    const int pts[][2] = {
        {r.x + 3, r.y + 3}, {r.x + r.w - 4, r.y + 3}, {r.x + r.w / 2, r.y + r.h / 2}};
    for (auto& p : pts)
        if (!near(f.at(p[0], p[1]), want))
            return "at " + std::to_string(p[0]) + "," + std::to_string(p[1]) + ": " +
                   hex(f.at(p[0], p[1])) + ", want " + hex(want);
    if (r.x - cell.x >= 6 && !near(f.at(cell.x + 2, cell.y + cell.h / 2), kBlack))
        return "left bar not black: " + hex(f.at(cell.x + 2, cell.y + cell.h / 2));
    return {};
}

}  // namespace

TEST(VideoWall, TilesForOneToSixMembers) {
    gst_init(nullptr, nullptr);
    for (int n = 1; n <= 6; ++n) {
        Wall w;
        // Running, as in roompeer, where the wall starts with the pipeline and members come
        // later: an empty black grid first.
        EXPECT_EQ(w.wait_frame([](const Frame& f) {
            return near(f.at(kW / 2, kH / 2), kBlack) ? std::string() : "not black";
        }),
                  "");
        for (int i = 0; i < n; ++i) w.send("m" + std::to_string(i), kColours[i]);
        auto cells = rp::media::grid_cells(n, kW, kH);
        ASSERT_EQ(w.wall->cells(), cells);
        std::string why = w.wait_frame([&](const Frame& f) {
            for (int i = 0; i < n; ++i)
                if (auto e = check_tile(f, cells[i], kColours[i]); !e.empty())
                    return "member " + std::to_string(i) + " " + e;
            return std::string();
        });
        EXPECT_EQ(why, "") << n << " members";
        for (int i = 0; i < n; ++i)
            EXPECT_EQ(w.wall->state("m" + std::to_string(i)), VideoWall::TileState::Live);
    }
}

TEST(VideoWall, CardsWhereVideoDoesNotFlowAndTheGridClosesUp) {
    gst_init(nullptr, nullptr);
    Wall w;
    // As in roompeer, members come once the wall runs: an empty black grid first.
    ASSERT_EQ(w.wait_frame([](const Frame& f) {
        return near(f.at(kW / 2, kH / 2), kBlack) ? std::string() : "not black";
    }),
              "");
    w.send("live", kColours[0]);
    w.wall->add_member("waiting", "waiting");  // no video yet: "connecting"
    w.send("stops", kColours[2], 10);          // one second of video, then nothing
    auto cells = rp::media::grid_cells(3, kW, kH);
    auto corner = [](const Rect& c) { return std::make_pair(c.x + 3, c.y + 3); };
    EXPECT_EQ(w.wait_frame([&](const Frame& f) {
        auto [x, y] = corner(cells[1]);
        if (!near(f.at(x, y), kCard)) return "connecting tile: " + hex(f.at(x, y));
        return check_tile(f, cells[0], kColours[0]);
    }),
              "");
    EXPECT_EQ(w.wall->state("waiting"), VideoWall::TileState::Connecting);
    // Its call is up without video: the card says so.
    w.wall->set_sends_video("waiting", false);
    EXPECT_EQ(w.wall->state("waiting"), VideoWall::TileState::NoVideo);
    // The stopped member shows a card, not its last frame forever.
    EXPECT_TRUE(
        spin_until([&] { return w.wall->state("stops") == VideoWall::TileState::Frozen; }, 5000));
    EXPECT_EQ(w.wait_frame([&](const Frame& f) {
        auto [x, y] = corner(cells[2]);
        return near(f.at(x, y), kCard) ? std::string() : "frozen tile: " + hex(f.at(x, y));
    }),
              "");
    // The waiting member leaves: two tiles, "stops" moves into the second cell.
    w.wall->remove_member("waiting");
    auto two = rp::media::grid_cells(2, kW, kH);
    ASSERT_EQ(w.wall->members(), (std::vector<std::string>{"live", "stops"}));
    EXPECT_EQ(w.wait_frame([&](const Frame& f) {
        if (auto e = check_tile(f, two[0], kColours[0]); !e.empty()) return e;
        auto [x, y] = corner(two[1]);
        return near(f.at(x, y), kCard) ? std::string() : "moved card: " + hex(f.at(x, y));
    }),
              "");
}
