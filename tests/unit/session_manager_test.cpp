// The end of a run: once SessionManager::close_all has started, an offer, a join or a
// candidate that arrives (the room keeps talking while recordings finalize) starts nothing,
// and everything the manager made is gone by the time it is destroyed. Run under ASan by
// scripts/sanitize, which is where a session created after close_all used to be freed after
// the pipeline it was removed from.
#include "media/session_manager.h"
#include "link/peer_link.h"
#include "loopback_media.h"
#include "media/local_media.h"
#include "util/gobj.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace rp::media {
namespace {

using testing::spin_until;

struct Recorder : PeerSignaller {
    std::vector<std::pair<std::string, SessionDescription>> descriptions;
    std::vector<std::string> ended;
    void send_description(const std::string& peer, const SessionDescription& d) override {
        descriptions.emplace_back(peer, d);
    }
    void send_candidate(const std::string&, const IceCandidate&) override {}
    void session_ended(const std::string& peer) override { ended.push_back(peer); }
};

// Declared in teardown order, as the app declares them.
struct Node {
    Options opts = testing::loopback_options();
    PipelinePtr pipeline{gst_pipeline_new(nullptr)};
    std::optional<LocalMedia> local;
    Recorder signaller;
    std::optional<SessionManager> sessions;

    Node() {
        local.emplace(pipeline.get(), opts);
        std::string err;
        EXPECT_TRUE(local->build(&err)) << err;
        sessions.emplace(pipeline.get(), *local, opts, signaller);
        EXPECT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING),
                  GST_STATE_CHANGE_FAILURE);
    }
};

class SessionManagerTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
    // Own the default context, as g_main_loop_run does in the app: work handed to the main loop
    // from streaming threads then waits for this thread instead of running where it was posted.
    void SetUp() override { ASSERT_TRUE(g_main_context_acquire(nullptr)); }
    void TearDown() override { g_main_context_release(nullptr); }
};

TEST_F(SessionManagerTest, NothingStartsOnceClosing) {
    Node caller, callee;
    // A real offer from a real webrtcbin.
    caller.sessions->member_joined("callee", "{}", true);
    ASSERT_TRUE(spin_until([&] { return !caller.signaller.descriptions.empty(); }, 10000));
    SessionDescription offer = caller.signaller.descriptions.front().second;
    ASSERT_EQ(offer.type, "offer");

    callee.sessions->remote_description("first", offer);
    EXPECT_EQ(callee.sessions->session_count(), 1u);

    bool closed = false;
    callee.sessions->close_all([&] { closed = true; });
    EXPECT_TRUE(callee.sessions->closing());
    EXPECT_EQ(callee.sessions->session_count(), 0u);

    // The window between leave and exit: the room still delivers.
    callee.sessions->remote_description("late", offer);
    callee.sessions->member_joined("joiner", "{}", true);
    callee.sessions->remote_candidate("late", {"candidate:1 1 UDP 1 127.0.0.1 9 typ host", "0", 0});
    EXPECT_EQ(callee.sessions->session_count(), 0u);
    EXPECT_TRUE(callee.signaller.descriptions.empty()) << "answered an offer while closing";

    EXPECT_TRUE(spin_until([&] { return closed; }, 5000));
    auto records = callee.sessions->records();
    for (const auto& r : records) EXPECT_NE(r.id, "late");
    for (const auto& r : records) EXPECT_NE(r.id, "joiner");
}

}  // namespace
}  // namespace rp::media
