// The video wall's pure parts: the grid for 1-6 members (aspect kept, letterboxed), the
// --window-size text, and the display sink a machine gets (kmssink's string included: no
// KMS device here to run it on).
#include "media/grid_layout.h"
#include "media/test_pattern.h"

#include <gtest/gtest.h>

#include <cstdio>

using rp::media::DisplayEnv;
using rp::media::Rect;

TEST(GridLayout, ShapeForOneToSixMembers) {
    const int want[][2] = {{1, 1}, {2, 1}, {2, 2}, {2, 2}, {3, 2}, {3, 2}};
    for (int n = 1; n <= 6; ++n) {
        auto g = rp::media::grid_shape(n);
        EXPECT_EQ(g.cols, want[n - 1][0]) << n;
        EXPECT_EQ(g.rows, want[n - 1][1]) << n;
    }
    EXPECT_EQ(rp::media::grid_shape(0).cols, 0);
    EXPECT_TRUE(rp::media::grid_cells(0, 1280, 720).empty());
}

TEST(GridLayout, CellsStayInsideAndNeverOverlap) {
    for (int n = 1; n <= 6; ++n) {
        auto cells = rp::media::grid_cells(n, 1280, 720);
        ASSERT_EQ(cells.size(), static_cast<size_t>(n));
        long area = 0;
        for (size_t i = 0; i < cells.size(); ++i) {
            const Rect& a = cells[i];
            EXPECT_GE(a.x, 0);
            EXPECT_GE(a.y, 0);
            EXPECT_LE(a.x + a.w, 1280);
            EXPECT_LE(a.y + a.h, 720);
            area += static_cast<long>(a.w) * a.h;
            for (size_t j = i + 1; j < cells.size(); ++j) {
                const Rect& b = cells[j];
                bool apart =
                    a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                EXPECT_TRUE(apart) << n << ": cells " << i << " and " << j;
            }
        }
        auto g = rp::media::grid_shape(n);
        // A full grid covers the window; an incomplete last row leaves its sides empty.
        if (g.cols * g.rows == n) {
            EXPECT_EQ(area, 1280L * 720L) << n;
        }
    }
}

TEST(GridLayout, ExactCellsForTwoAndThree) {
    auto two = rp::media::grid_cells(2, 640, 360);
    EXPECT_EQ(two[0], (Rect{0, 0, 320, 360}));
    EXPECT_EQ(two[1], (Rect{320, 0, 320, 360}));
    auto three = rp::media::grid_cells(3, 640, 360);
    EXPECT_EQ(three[0], (Rect{0, 0, 320, 180}));
    EXPECT_EQ(three[1], (Rect{320, 0, 320, 180}));
    EXPECT_EQ(three[2], (Rect{160, 180, 320, 180}));  // the last row centred
    auto five = rp::media::grid_cells(5, 1280, 720);
    EXPECT_EQ(five[3], (Rect{214, 360, 426, 360}));  // cells 426 wide, the row centred
    EXPECT_EQ(five[4], (Rect{640, 360, 426, 360}));
}

TEST(GridLayout, AspectKeptLetterboxed) {
    // 4:3 in a wide cell: bars left and right.
    EXPECT_EQ(rp::media::fit_aspect({0, 0, 320, 360}, 640, 480), (Rect{0, 60, 320, 240}));
    EXPECT_EQ(rp::media::fit_aspect({100, 0, 640, 360}, 640, 480), (Rect{180, 0, 480, 360}));
    // Same aspect: the whole cell; unknown size: the whole cell.
    EXPECT_EQ(rp::media::fit_aspect({0, 0, 640, 360}, 1280, 720), (Rect{0, 0, 640, 360}));
    EXPECT_EQ(rp::media::fit_aspect({5, 6, 7, 8}, 0, 0), (Rect{5, 6, 7, 8}));
    for (int n = 1; n <= 6; ++n)
        for (const Rect& c : rp::media::grid_cells(n, 1280, 720)) {
            Rect r = rp::media::fit_aspect(c, 640, 480);
            EXPECT_NEAR(static_cast<double>(r.w) / r.h, 4.0 / 3.0, 0.02) << n;
            EXPECT_TRUE(r.w == c.w || r.h == c.h) << n;  // as large as fits
            EXPECT_GE(r.x, c.x);
            EXPECT_GE(r.y, c.y);
        }
}

TEST(GridLayout, WindowSize) {
    auto s = rp::media::parse_window_size("1280x720", nullptr);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->first, 1280);
    EXPECT_EQ(s->second, 720);
    for (const char* bad : {"", "x", "1280", "1280x", "x720", "12x720", "1281x720", "-640x480",
                            "640x480x2", "640 x480", "99999x720", "abcxdef"}) {
        std::string error;
        EXPECT_FALSE(rp::media::parse_window_size(bad, &error)) << bad;
        EXPECT_NE(error.find("--window-size"), std::string::npos) << bad;
    }
}

TEST(GridLayout, DisplaySinkFromTheEnvironment) {
    std::string error;
    EXPECT_EQ(
        rp::media::display_sink_description(DisplayEnv{"wayland-0", ":0", true}, false, &error),
        "waylandsink sync=false");
    EXPECT_EQ(rp::media::display_sink_description(DisplayEnv{"wayland-0", "", false}, true, &error),
              "waylandsink sync=false fullscreen=true");
    EXPECT_EQ(rp::media::display_sink_description(DisplayEnv{"", ":0", true}, false, &error),
              "ximagesink sync=false");
    // A Pi kiosk without a desktop. kmssink cannot run on this machine (no KMS device, no
    // screen): only its pipeline string is checked.
    EXPECT_EQ(rp::media::display_sink_description(DisplayEnv{"", "", true}, true, &error),
              "kmssink sync=false");
    std::printf("note: kmssink is not run here (no KMS display); its pipeline string is checked\n");
    EXPECT_TRUE(error.empty());
    EXPECT_EQ(rp::media::display_sink_description(DisplayEnv{"", "", false}, false, &error), "");
    EXPECT_NE(error.find("no display"), std::string::npos);
}

TEST(GridLayout, SenderColoursDifferAndStay) {
    EXPECT_EQ(rp::media::pattern_colour("alice"), rp::media::pattern_colour("alice"));
    // The names the Xvfb test gives its senders land on different colours.
    EXPECT_NE(rp::media::pattern_colour("alice"), rp::media::pattern_colour("bob"));
    int distinct = 0;
    std::uint32_t seen[64] = {};
    for (int i = 0; i < 64; ++i) {
        std::uint32_t c = rp::media::pattern_colour("member-" + std::to_string(i));
        bool dup = false;
        for (int j = 0; j < distinct; ++j) dup = dup || seen[j] == c;
        if (!dup) seen[distinct++] = c;
    }
    EXPECT_EQ(distinct, 8);
}
