#include "media/layer_plan.h"

#include <gtest/gtest.h>

using rp::media::Layer;
using rp::media::LayerPlanner;
using rp::media::PeerEstimate;

TEST(LayerPlan, ClearRoomIsAllFullAndNoLowEncoding) {
    LayerPlanner lp(100, 800, 30);
    auto p = lp.plan({{"a", 800}, {"b", 800}, {"c", 780}}, 0);
    EXPECT_FALSE(p.low_runs);
    EXPECT_EQ(p.low_kbps, 0);
    EXPECT_EQ(p.full_kbps, 780);
    EXPECT_EQ(p.full_fps, 30);
    for (const auto& [id, l] : p.layers) EXPECT_EQ(l, Layer::Full) << id;
}

TEST(LayerPlan, TheThinMemberGetsTheLowLayer) {
    LayerPlanner lp(100, 800, 30);
    auto p = lp.plan({{"a", 800}, {"thin", 300}, {"c", 760}}, 0);
    EXPECT_TRUE(p.low_runs);
    EXPECT_EQ(p.layers["thin"], Layer::Low);
    EXPECT_EQ(p.layers["a"], Layer::Full);
    EXPECT_EQ(p.layers["c"], Layer::Full);
    EXPECT_EQ(p.full_kbps, 760);  // the weakest member on full, not the thin one
    EXPECT_EQ(p.low_kbps, 240);   // beside members on full: its share of the ceiling
}

// At 640x480@30 the full encoding needs about 300 kbit/s whatever its target: a member alone
// goes low under 0.03 bits per pixel (276 kbit/s), more than a quarter of an 800 ceiling, and
// back up only at 1.6 times that (442), which the low encoding may send first to prove the link.
TEST(LayerPlan, AloneTheFullSizeNeedsItsBitsPerPixel) {
    LayerPlanner lp(100, 800, 30);
    lp.set_size(640, 480);
    auto p = lp.plan({{"a", 270}}, 0);
    EXPECT_EQ(p.layers["a"], Layer::Low);
    EXPECT_EQ(p.low_kbps, 270);
    p = lp.plan({{"a", 360}}, 10);
    EXPECT_EQ(p.layers["a"], Layer::Low);
    EXPECT_EQ(p.low_kbps, 360);  // over the 240 share of the ceiling: the link is tested
    p = lp.plan({{"a", 440}}, 20);
    EXPECT_EQ(p.layers["a"], Layer::Low);
    EXPECT_EQ(p.low_kbps, 440);
    EXPECT_EQ(lp.plan({{"a", 443}}, 21).layers["a"], Layer::Full);
    // A ceiling under what the size needs: low only under kDown of the ceiling.
    LayerPlanner small(100, 300, 30);
    small.set_size(640, 480);
    EXPECT_EQ(small.plan({{"a", 200}}, 0).layers["a"], Layer::Full);
    EXPECT_EQ(small.plan({{"b", 170}}, 0).layers["b"], Layer::Low);
}

TEST(LayerPlan, LowBitrateFollowsTheWeakestLowMemberDownToTheFloor) {
    LayerPlanner lp(120, 800, 30);
    auto p = lp.plan({{"a", 800}, {"thin", 150}, {"thinner", 90}}, 0);
    EXPECT_EQ(p.layers["thin"], Layer::Low);
    EXPECT_EQ(p.layers["thinner"], Layer::Low);
    EXPECT_EQ(p.low_kbps, 120);
    EXPECT_EQ(p.full_kbps, 800);
}

TEST(LayerPlan, AMemberAloneFollowsItsEstimateOnFull) {
    LayerPlanner lp(100, 800, 30);
    auto p = lp.plan({{"a", 420}}, 0);
    EXPECT_FALSE(p.low_runs);
    EXPECT_EQ(p.layers["a"], Layer::Full);
    EXPECT_EQ(p.full_kbps, 420);
}

TEST(LayerPlan, AStarvedMemberAloneGetsTheQuarterSizeOne) {
    LayerPlanner lp(100, 800, 30);
    auto p = lp.plan({{"a", 150}}, 0);
    EXPECT_TRUE(p.low_runs);
    EXPECT_EQ(p.layers["a"], Layer::Low);
    EXPECT_EQ(p.low_kbps, 150);
}

TEST(LayerPlan, HysteresisAndDwellKeepMembersFromFlapping) {
    LayerPlanner lp(100, 800, 30);
    EXPECT_EQ(lp.plan({{"a", 800}, {"b", 400}}, 0).layers["b"], Layer::Low);
    // Between the thresholds (0.6 and 0.8 of the best): stays low.
    EXPECT_EQ(lp.plan({{"a", 800}, {"b", 560}}, 10).layers["b"], Layer::Low);
    // Caught up, but too soon after the last move: still low.
    LayerPlanner lp2(100, 800, 30);
    lp2.plan({{"a", 800}, {"b", 400}}, 0);
    EXPECT_EQ(lp2.plan({{"a", 800}, {"b", 700}}, 1).layers["b"], Layer::Low);
    EXPECT_EQ(lp2.plan({{"a", 800}, {"b", 700}}, 4).layers["b"], Layer::Full);
    // Slightly under the full members (above 0.6 of the best): stays full.
    EXPECT_EQ(lp2.plan({{"a", 800}, {"b", 520}}, 9).layers["b"], Layer::Full);
}

// A call that starts on a thin link goes down at once, not after the dwell; so does every
// move down after it (a link that cannot carry the full encoding fills its queue with every
// second on it). Moves up wait for the dwell.
TEST(LayerPlan, MovesDownComeAtOnceMovesUpWait) {
    LayerPlanner lp(100, 800, 30);
    lp.set_size(640, 480);
    EXPECT_EQ(lp.plan({{"a", 300}}, 0).layers["a"], Layer::Full);
    EXPECT_EQ(lp.plan({{"a", 255}}, 1).layers["a"], Layer::Low);
    EXPECT_EQ(lp.plan({{"a", 600}}, 3).layers["a"], Layer::Low);  // up waits 4 s
    EXPECT_EQ(lp.plan({{"a", 600}}, 5).layers["a"], Layer::Full);
    EXPECT_EQ(lp.plan({{"a", 200}}, 6).layers["a"], Layer::Low);     // down at once
    EXPECT_EQ(lp.plan({{"a", 600}}, 11.5).layers["a"], Layer::Low);  // up waits 6 s now
    EXPECT_EQ(lp.plan({{"a", 600}}, 12).layers["a"], Layer::Full);
}

// A move up whose first cut follows at once: the link refused it. Back down at the cut, even
// though the estimate is still over the thresholds (alone at 640x480 30 fps: down under 276).
TEST(LayerPlan, AMoveUpTheLinkRefusesGoesBackAtTheFirstCut) {
    LayerPlanner lp(100, 800, 30);
    lp.set_size(640, 480);
    lp.plan({{"a", 300}}, 0);
    EXPECT_EQ(lp.plan({{"a", 250}}, 1).layers["a"], Layer::Low);
    EXPECT_EQ(lp.plan({{"a", 450}}, 5).layers["a"], Layer::Full);
    EXPECT_EQ(lp.plan({{"a", 450}}, 5.2).layers["a"], Layer::Full);
    EXPECT_EQ(lp.plan({{"a", 383}}, 5.3).layers["a"], Layer::Low);  // x0.85: refused
    // After the dwell a cut is the link's news, not a refusal: the thresholds decide.
    EXPECT_EQ(lp.plan({{"a", 600}}, 11.3).layers["a"], Layer::Full);
    EXPECT_EQ(lp.plan({{"a", 510}}, 18).layers["a"], Layer::Full);
    EXPECT_EQ(lp.plan({{"a", 270}}, 19).layers["a"], Layer::Low);
}

TEST(LayerPlan, FallingBackSoonAfterMovingUpLengthensTheWait) {
    LayerPlanner lp(100, 800, 30);
    lp.plan({{"a", 800}, {"b", 300}}, 0);                                     // low
    lp.plan({{"a", 800}, {"b", 800}}, 4);                                     // up after 4 s
    EXPECT_EQ(lp.plan({{"a", 800}, {"b", 300}}, 8).layers["b"], Layer::Low);  // down again
    // Now it needs 6 s (kMaxDwellS) before the next move up.
    EXPECT_EQ(lp.plan({{"a", 800}, {"b", 800}}, 13).layers["b"], Layer::Low);
    EXPECT_EQ(lp.plan({{"a", 800}, {"b", 800}}, 14).layers["b"], Layer::Full);
    // And no more, however often it falls back: a link that grew while on low moves up
    // within it.
    EXPECT_EQ(lp.plan({{"a", 800}, {"b", 300}}, 15).layers["b"], Layer::Low);
    EXPECT_EQ(lp.plan({{"a", 800}, {"b", 800}}, 20.5).layers["b"], Layer::Low);
    EXPECT_EQ(lp.plan({{"a", 800}, {"b", 800}}, 21).layers["b"], Layer::Full);
}

TEST(LayerPlan, LowEncodingStopsOnceNobodyNeedsIt) {
    LayerPlanner lp(100, 800, 30);
    EXPECT_TRUE(lp.plan({{"a", 800}, {"b", 300}}, 0).low_runs);
    auto p = lp.plan({{"a", 800}}, 1);  // b left
    EXPECT_FALSE(p.low_runs);
    EXPECT_EQ(p.layers.count("b"), 0u);
}

TEST(LayerPlan, NoLowEncodingPossibleKeepsEveryoneFull) {
    LayerPlanner lp(100, 800, 30, false);
    auto p = lp.plan({{"a", 800}, {"b", 150}}, 0);
    EXPECT_FALSE(p.low_runs);
    EXPECT_EQ(p.layers["b"], Layer::Full);
    EXPECT_EQ(p.full_kbps, 150);
}

TEST(LayerPlan, FullKbpsStaysWithinFloorAndCeiling) {
    LayerPlanner lp(200, 800, 30, false);
    EXPECT_EQ(lp.plan({{"a", 50}}, 0).full_kbps, 200);
    EXPECT_EQ(lp.plan({{"a", 5000}}, 1).full_kbps, 800);
    EXPECT_EQ(lp.plan({}, 2).full_kbps, 800);
}

TEST(LayerPlan, BalancedDegradationDropsTheFrameRateUnderItsBitsPerPixel) {
    LayerPlanner lp(100, 800, 30, false);
    lp.set_size(640, 480);
    // 0.025 bit per pixel at 640x480x30 is 230 kbit/s.
    EXPECT_EQ(lp.plan({{"a", 240}}, 0).full_fps, 30);
    EXPECT_EQ(lp.plan({{"a", 220}}, 1).full_fps, 24);
    EXPECT_EQ(lp.degraded_fps(50, 320, 240), 24);
    EXPECT_EQ(lp.degraded_fps(60, 320, 240), 30);
}

// Before any call has an estimate the full encoding runs at the idle rate (congestion control's
// start rate), so a call's first second does not go out at the ceiling; within floor/ceiling.
TEST(LayerPlan, NoCallYetIsTheIdleRate) {
    EXPECT_EQ(LayerPlanner(100, 800, 30, true, 300).plan({}, 0).full_kbps, 300);
    EXPECT_EQ(LayerPlanner(500, 800, 30, true, 300).plan({}, 0).full_kbps, 500);
    EXPECT_EQ(LayerPlanner(100, 200, 30, true, 300).plan({}, 0).full_kbps, 200);
    LayerPlanner lp(100, 800, 30, true, 300);
    EXPECT_EQ(lp.plan({{"a", 640}}, 1).full_kbps, 640);
    EXPECT_EQ(lp.plan({}, 2).full_kbps, 300) << "the last call left";
}
