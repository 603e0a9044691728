// The pure parts of capture-loss recovery: the reopen schedule and the test fault's spec.
#include "media/flaky_source.h"
#include "util/retry_backoff.h"

#include <gtest/gtest.h>

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
}  // namespace rp
