#include "report/audio_quality.h"
#include "report/peer_record.h"
#include "report/test_tone.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <vector>

using rp::AudioBlock;
using rp::AudioQuality;

namespace {

constexpr int kRate = 48000;
constexpr std::uint16_t kTag = 4242;
constexpr std::int64_t kStartUs = 1700000000000000 + 300000;  // 300 ms into a second

// `ms` of the sender's tone for `tag`, as the receiver decodes it (-1..1).
std::vector<float> tone(int ms, std::uint16_t tag = kTag, std::int64_t first_us = kStartUs) {
    std::vector<std::int16_t> s(static_cast<std::size_t>(kRate) * ms / 1000);
    rp::tone::Generator g;
    g.fill(s.data(), s.size(), kRate, first_us, tag);
    std::vector<float> out;
    for (auto v : s) out.push_back(v / 32768.0f);
    return out;
}

std::vector<float> sine(int ms, double hz, double amp = 0.8) {
    std::vector<float> out(static_cast<std::size_t>(kRate) * ms / 1000);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<float>(amp * std::sin(2 * std::numbers::pi * hz * i / kRate));
    return out;
}

// Feeds `x` in 20 ms blocks, as Opus decodes, arriving `latency_ms` after capture.
void feed(AudioQuality& q, const std::vector<float>& x, double latency_ms = 60,
          std::optional<double> video_ms = std::nullopt, std::uint16_t tag = kTag) {
    const std::size_t n = kRate / 50;
    for (std::size_t at = 0; at < x.size(); at += n) {
        AudioBlock b;
        b.samples = x.data() + at;
        b.count = std::min(n, x.size() - at);
        b.rate = kRate;
        double capture_ms = kStartUs / 1000.0 + 1000.0 * at / kRate;
        b.arrival_ms = capture_ms + latency_ms;
        b.pts_ns = static_cast<std::int64_t>(at) * 1000000000 / kRate;
        b.expected_hz = rp::tone::frequency_hz(tag);
        b.video_latency_ms = video_ms;
        q.feed(b);
    }
}

void punch_hole(std::vector<float>& x, int at_ms, int ms) {
    for (int i = at_ms * kRate / 1000; i < (at_ms + ms) * kRate / 1000; ++i) x[i] = 0;
}

}  // namespace

TEST(AudioQuality, NothingFedIsAllNull) {
    AudioQuality q;
    auto f = q.figures();
    EXPECT_FALSE(f.tone_ok);
    EXPECT_FALSE(f.gaps);
    EXPECT_FALSE(f.av_sync_p50_ms);
    EXPECT_FALSE(f.av_sync_p95_ms);
}

TEST(AudioQuality, SilenceIsNull) {
    AudioQuality q;
    feed(q, std::vector<float>(kRate * 2, 0.0f));
    EXPECT_FALSE(q.figures().tone_ok);
    EXPECT_FALSE(q.figures().gaps);
}

TEST(AudioQuality, TheExpectedToneIsOk) {
    AudioQuality q;
    feed(q, tone(3000));
    auto f = q.figures();
    ASSERT_TRUE(f.tone_ok);
    EXPECT_TRUE(*f.tone_ok);
    ASSERT_TRUE(f.gaps);
    EXPECT_EQ(*f.gaps, 0);
    // No video stamps: no sync.
    EXPECT_FALSE(f.av_sync_p50_ms);
}

TEST(AudioQuality, AnotherSendersToneIsNotOk) {
    AudioQuality q;
    feed(q, tone(2000, kTag + 1));  // the next frequency up, 25 Hz away
    ASSERT_TRUE(q.figures().tone_ok);
    EXPECT_FALSE(*q.figures().tone_ok);
}

TEST(AudioQuality, APlainTestToneIsNotOk) {
    for (double hz : {440.0, 1000.0}) {
        AudioQuality q;
        feed(q, sine(2000, hz));
        ASSERT_TRUE(q.figures().tone_ok) << hz;
        EXPECT_FALSE(*q.figures().tone_ok) << hz;
        EXPECT_EQ(*q.figures().gaps, 0);
    }
}

TEST(AudioQuality, NoIdsToneIsAPlainTestTone) {
    for (std::uint32_t tag = 0; tag < 65536; tag += 7) {
        double f = rp::tone::frequency_hz(static_cast<std::uint16_t>(tag));
        EXPECT_GE(std::fabs(f - 1000), 12.5);
        EXPECT_GE(std::fabs(f - 440), 2.5);
    }
}

TEST(AudioQuality, AFortyMsHoleIsOneGap) {
    AudioQuality q;
    auto x = tone(3000);
    punch_hole(x, 1513, 40);
    feed(q, x);
    EXPECT_EQ(*q.figures().gaps, 1);
    EXPECT_TRUE(*q.figures().tone_ok);
}

TEST(AudioQuality, TwentyMsHolesAreGapsWhereverTheyFall) {
    for (int at = 1500; at < 1510; ++at) {
        AudioQuality q;
        auto x = tone(2000);
        punch_hole(x, at, 20);
        feed(q, x);
        EXPECT_EQ(*q.figures().gaps, 1) << at;
    }
}

TEST(AudioQuality, ATenMsHoleIsNoGap) {
    for (int at = 1500; at < 1510; ++at) {
        AudioQuality q;
        auto x = tone(2000);
        punch_hole(x, at, 10);
        feed(q, x);
        EXPECT_EQ(*q.figures().gaps, 0) << at;
    }
}

TEST(AudioQuality, SilenceBeforeTheFirstToneAndAtTheEndIsNoGap) {
    AudioQuality q;
    std::vector<float> x(kRate / 2, 0.0f);
    auto t = tone(1000);
    x.insert(x.end(), t.begin(), t.end());
    x.insert(x.end(), kRate / 2, 0.0f);
    feed(q, x);
    EXPECT_EQ(*q.figures().gaps, 0);
}

TEST(AudioQuality, HolesInTheFirstSecondAreStartUp) {
    AudioQuality q;
    auto x = tone(3000);
    punch_hole(x, 200, 100);
    punch_hole(x, 800, 40);
    feed(q, x);
    EXPECT_EQ(*q.figures().gaps, 0);
    EXPECT_TRUE(*q.figures().tone_ok);
}

TEST(AudioQuality, ATimestampJumpIsAGap) {
    AudioQuality q;
    auto x = tone(1000);
    AudioBlock b;
    b.rate = kRate;
    b.expected_hz = rp::tone::frequency_hz(kTag);
    b.count = kRate / 50;
    for (int i = 0; i < 120; ++i) {
        b.samples = x.data() + (i % 50) * b.count;
        // Half a second missing after the 60th block.
        b.pts_ns = std::int64_t{20000000} * i + (i >= 60 ? 500000000 : 0);
        q.feed(b);
    }
    EXPECT_EQ(*q.figures().gaps, 1);
}

TEST(AudioQuality, MarksGiveAudioLatencyMinusVideoLatency) {
    AudioQuality q;
    // Audio arrives 75 ms after capture, video 50 ms: audio is 25 ms late.
    feed(q, tone(6000), 75, 50.0);
    auto f = q.figures();
    ASSERT_TRUE(f.av_sync_p50_ms);
    ASSERT_TRUE(f.av_sync_p95_ms);
    EXPECT_NEAR(*f.av_sync_p50_ms, 25, 2);
    EXPECT_NEAR(*f.av_sync_p95_ms, 25, 2);
    EXPECT_TRUE(*f.tone_ok);  // the marks are the same tone, louder
    EXPECT_EQ(*f.gaps, 0);
}

TEST(AudioQuality, AudioAheadOfVideoIsNegative) {
    AudioQuality q;
    feed(q, tone(4000), 20, 90.0);
    ASSERT_TRUE(q.figures().av_sync_p50_ms);
    EXPECT_NEAR(*q.figures().av_sync_p50_ms, -70, 2);
}

TEST(AudioQuality, NoMarksFromAnotherTone) {
    AudioQuality q;
    feed(q, sine(3000, 1000, 0.8), 60, 40.0);
    EXPECT_FALSE(q.figures().av_sync_p50_ms);
}

TEST(AudioQuality, Percentiles) {
    EXPECT_FALSE(rp::percentile({}, 0.5));
    EXPECT_DOUBLE_EQ(*rp::percentile({7}, 0.95), 7);
    EXPECT_DOUBLE_EQ(*rp::percentile({3, 1, 2}, 0.5), 2);
    EXPECT_DOUBLE_EQ(*rp::percentile({0, 10}, 0.5), 5);
    EXPECT_NEAR(*rp::percentile({0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 0.95), 95, 1e-9);
}

TEST(TestTone, MarksTheFirstHundredMsOfEachSecond) {
    // Starts 950 ms into a second: the mark begins 50 ms in.
    auto x = tone(300, kTag, 1700000000950000);
    auto peak = [&](int from_ms, int to_ms) {
        float p = 0;
        for (int i = from_ms * kRate / 1000; i < to_ms * kRate / 1000; ++i)
            p = std::max(p, std::fabs(x[i]));
        return p;
    };
    EXPECT_NEAR(peak(0, 49), 0.2, 0.01);
    EXPECT_NEAR(peak(51, 149), 0.6, 0.01);
    EXPECT_NEAR(peak(151, 300), 0.2, 0.01);
}

TEST(TestTone, ANewTagKeepsThePhase) {
    rp::tone::Generator g;
    std::vector<std::int16_t> a(480), b(480);
    g.fill(a.data(), a.size(), kRate, kStartUs, 1);
    g.fill(b.data(), b.size(), kRate, kStartUs + 10000, 2);
    // No step bigger than the faster tone makes between two samples.
    double max_step = 0.2 * 32767 * 2 * std::numbers::pi * rp::tone::frequency_hz(2) / kRate;
    EXPECT_LE(std::abs(b[0] - a.back()), max_step + 2);
}

TEST(LatencySamples, RecentMedianIsOfTheNewest) {
    rp::LatencySamples s;
    EXPECT_FALSE(s.recent_median(15));
    for (std::uint32_t v : {500u, 500u, 500u, 40u, 60u, 50u}) s.add(v);
    EXPECT_EQ(*s.recent_median(3), 50);
    EXPECT_EQ(*s.recent_median(100), 500);  // all six: 40 50 60 500 500 500
    // Past the ring's size the newest are still the ones taken.
    for (std::size_t i = 0; i < rp::LatencySamples::kMax; ++i) s.add(900);
    s.add(10);
    s.add(10);
    EXPECT_EQ(*s.recent_median(3), 10);
    EXPECT_EQ(*s.recent_median(5), 900);
}
