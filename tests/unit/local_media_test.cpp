// LocalMedia's keyframe requests: merged within 500 ms into one that still comes, and a merged
// request still waiting when LocalMedia goes is dropped with it (its timer is owned).
#include "media/local_media.h"
#include "util/gobj.h"

#include <gst/gst.h>
#include <gtest/gtest.h>

#include <functional>
#include <optional>

namespace {

using rp::PipelinePtr;
using rp::media::LocalMedia;
using rp::media::Options;

bool spin_until(const std::function<bool()>& done, int timeout_ms) {
    gint64 until = g_get_monotonic_time() + timeout_ms * 1000LL;
    while (!done() && g_get_monotonic_time() < until) g_main_context_iteration(nullptr, FALSE);
    return done();
}

void spin_for(int ms) {
    spin_until([] { return false; }, ms);
}

struct Sender {
    Options opts;
    PipelinePtr pipeline{gst_pipeline_new(nullptr)};
    std::optional<LocalMedia> local;

    Sender() {
        opts.audio = {"none", ""};
        opts.width = 160;
        opts.height = 120;
        local.emplace(pipeline.get(), opts);
        std::string err;
        EXPECT_TRUE(local->build(&err)) << err;
        EXPECT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING),
                  GST_STATE_CHANGE_FAILURE);
    }
    ~Sender() {
        // Probes point at LocalMedia: stop the streaming threads first.
        gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    }
};

class LocalMediaTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
};

TEST_F(LocalMediaTest, MergedKeyframeRequestStillComes) {
    Sender s;
    ASSERT_TRUE(spin_until([&] { return s.local->video_frames_encoded() >= 5; }, 5000));
    std::uint64_t before = s.local->keyframes_encoded();
    s.local->request_keyframe();  // goes now
    s.local->request_keyframe();  // too soon: these two become one, 500 ms later
    s.local->request_keyframe();
    EXPECT_TRUE(spin_until([&] { return s.local->keyframes_encoded() >= before + 2; }, 3000))
        << "keyframes: " << before << " -> " << s.local->keyframes_encoded();
}

TEST_F(LocalMediaTest, PendingRequestGoesWithLocalMedia) {
    Sender s;
    ASSERT_TRUE(spin_until([&] { return s.local->video_frames_encoded() >= 1; }, 5000));
    s.local->request_keyframe();
    s.local->request_keyframe();  // pending: a timer 500 ms out
    gst_element_set_state(s.pipeline.get(), GST_STATE_NULL);
    s.local.reset();
    spin_for(700);  // the timer would have fired here, on a LocalMedia that is gone
    SUCCEED();
}

}  // namespace

// A member whose call just connected waits for a keyframe before it gets any frame: its
// request skips the 500 ms gap (the keyframe made for its caps while it negotiated never
// reached it), so the picture does not stop for up to half a second after the first frame.
TEST_F(LocalMediaTest, KeyframeForAConnectedMemberSkipsTheGap) {
    Sender s;
    ASSERT_TRUE(spin_until([&] { return s.local->video_frames_encoded() >= 5; }, 5000));
    std::uint64_t k = s.local->keyframes_encoded();
    s.local->request_keyframe();  // goes now: the 500 ms gap starts
    ASSERT_TRUE(spin_until([&] { return s.local->keyframes_encoded() >= k + 1; }, 3000));
    // Four frames later (over 100 ms at 30 fps), well inside the gap:
    std::uint64_t f = s.local->video_frames_encoded();
    ASSERT_TRUE(spin_until([&] { return s.local->video_frames_encoded() >= f + 4; }, 3000));
    std::uint64_t f0 = s.local->video_frames_encoded();
    s.local->request_keyframe_now();
    ASSERT_TRUE(spin_until([&] { return s.local->keyframes_encoded() >= k + 2; }, 3000));
    // Within a few frames, not the ~10 left of the gap.
    EXPECT_LE(s.local->video_frames_encoded() - f0, 5u);
}
