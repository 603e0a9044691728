#include "media/rtcp_blocks.h"

#include <gtest/gtest.h>

#include <vector>

using rp::media::parse_report_blocks;
using rp::media::ReportBlockStore;

namespace {

void put32(std::vector<std::uint8_t>& v, std::uint32_t x) {
    for (int s = 24; s >= 0; s -= 8) v.push_back(static_cast<std::uint8_t>(x >> s));
}

void block(std::vector<std::uint8_t>& v, std::uint32_t ssrc, std::uint8_t fraction, int lost,
           std::uint32_t seq) {
    put32(v, ssrc);
    v.push_back(fraction);
    auto l = static_cast<std::uint32_t>(lost) & 0xffffff;
    v.push_back(static_cast<std::uint8_t>(l >> 16));
    v.push_back(static_cast<std::uint8_t>(l >> 8));
    v.push_back(static_cast<std::uint8_t>(l));
    put32(v, seq);
    put32(v, 7);   // jitter
    put32(v, 11);  // lsr
    put32(v, 13);  // dlsr
}

// An RR from 0x1111 about two of our sources, then an SR about one, in one compound packet.
std::vector<std::uint8_t> compound() {
    std::vector<std::uint8_t> v = {0x82, 201, 0, 13};  // RR, 2 blocks: (4 + 2*24)/4 words
    put32(v, 0x1111);
    block(v, 0xA, 25, 40, 1000);
    block(v, 0xB, 0, -1, 2000);
    std::vector<std::uint8_t> sr = {0x81, 200, 0, 12};  // SR, 1 block: (24 + 24)/4 words
    put32(sr, 0x2222);
    for (int i = 0; i < 5; ++i) put32(sr, 0);  // sender info
    block(sr, 0xA, 51, 45, 1100);
    v.insert(v.end(), sr.begin(), sr.end());
    std::vector<std::uint8_t> sdes = {0x81, 202, 0, 1};
    put32(sdes, 0x1111);
    v.insert(v.end(), sdes.begin(), sdes.end());
    return v;
}

}  // namespace

TEST(RtcpBlocks, ParsesEveryBlockOfSrAndRr) {
    auto data = compound();
    auto blocks = parse_report_blocks(data.data(), data.size());
    ASSERT_EQ(blocks.size(), 3u);
    EXPECT_EQ(blocks[0].ssrc, 0xAu);
    EXPECT_EQ(blocks[0].fraction_lost, 25);
    EXPECT_EQ(blocks[0].packets_lost, 40);
    EXPECT_EQ(blocks[0].ext_highest_seq, 1000u);
    EXPECT_EQ(blocks[0].jitter, 7u);
    EXPECT_EQ(blocks[0].lsr, 11u);
    EXPECT_EQ(blocks[0].dlsr, 13u);
    EXPECT_EQ(blocks[1].packets_lost, -1);  // duplicates: negative
    EXPECT_EQ(blocks[2].ssrc, 0xAu);
    EXPECT_EQ(blocks[2].ext_highest_seq, 1100u);
}

TEST(RtcpBlocks, StopsAtMalformedPackets) {
    auto data = compound();
    EXPECT_TRUE(parse_report_blocks(data.data(), 3).empty());
    data[2] = 0xff;  // length beyond the buffer
    EXPECT_TRUE(parse_report_blocks(data.data(), data.size()).empty());
    std::vector<std::uint8_t> v1 = {0x41, 201, 0, 1, 0, 0, 0, 0};  // version 1
    EXPECT_TRUE(parse_report_blocks(v1.data(), v1.size()).empty());
    EXPECT_TRUE(parse_report_blocks(nullptr, 0).empty());
    // A count that does not fit the length: the packet is skipped.
    std::vector<std::uint8_t> liar = {0x85, 201, 0, 1, 0, 0, 0, 1};
    EXPECT_TRUE(parse_report_blocks(liar.data(), liar.size()).empty());
}

TEST(RtcpBlocks, StoreKeepsTheLatestPerSsrcAndCounts) {
    ReportBlockStore store;
    std::uint64_t n = 99;
    EXPECT_FALSE(store.latest(0xA, &n));
    EXPECT_EQ(n, 0u);
    auto data = compound();
    store.add(parse_report_blocks(data.data(), data.size()));
    auto a = store.latest(0xA, &n);
    ASSERT_TRUE(a);
    EXPECT_EQ(n, 2u);
    EXPECT_EQ(a->ext_highest_seq, 1100u);
    EXPECT_EQ(store.latest(0xB)->packets_lost, -1);
    // 25 and 51 of 256 about 0xA: their mean, once.
    auto f = store.take_fraction_lost(0xA);
    ASSERT_TRUE(f);
    EXPECT_NEAR(*f, 38.0 / 256, 1e-9);
    EXPECT_FALSE(store.take_fraction_lost(0xA));
    EXPECT_FALSE(store.take_fraction_lost(0xC));
}

TEST(RtcpBlocks, ReceiverReportRoundTrips) {
    rp::media::ReportBlock a;
    a.ssrc = 0xABCDEF01;
    a.fraction_lost = 12;
    a.packets_lost = -3;
    a.ext_highest_seq = 70000;
    a.jitter = 5;
    auto rr = rp::media::receiver_report(0x1234, {a, a});
    EXPECT_EQ(rr.size(), 8u + 2 * 24);
    auto back = parse_report_blocks(rr.data(), rr.size());
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[0].ssrc, 0xABCDEF01u);
    EXPECT_EQ(back[0].fraction_lost, 12);
    EXPECT_EQ(back[0].packets_lost, -3);
    EXPECT_EQ(back[0].ext_highest_seq, 70000u);
    EXPECT_EQ(back[0].jitter, 5u);
    EXPECT_EQ(rp::media::receiver_report(1, {}).size(), 8u);
}

TEST(RtcpBlocks, ReceiverReportsCountLossBetweenUpdates) {
    rp::media::ReceiverReports rr;
    EXPECT_TRUE(rr.blocks().empty());
    rr.update({{7, 1000, 10, 3}});
    auto b = rr.blocks();
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].fraction_lost, 0);  // no interval yet
    EXPECT_EQ(b[0].ext_highest_seq, 1010u);
    rr.update({{7, 1090, 20, 3}});  // 100 expected, 10 lost
    b = rr.blocks();
    EXPECT_EQ(b[0].fraction_lost, 25);  // 10 % of 256
    EXPECT_EQ(b[0].packets_lost, 20);
    EXPECT_EQ(b[0].ext_highest_seq, 1110u);
    rr.update({});  // the sender went away
    EXPECT_TRUE(rr.blocks().empty());
}

// RFC 3550 6.4.1: arrival - LSR - DLSR, in 1/65536 s; no LSR, no round trip.
TEST(RtcpBlocks, RoundTripFromLsrAndDlsr) {
    using rp::media::ReportBlock;
    std::int64_t sent_us = 1'700'000'000'000'000;  // our sender report left then
    ReportBlock b;
    b.ssrc = 7;
    b.lsr = rp::media::ntp_compact(sent_us);
    b.dlsr = 65536 / 10;                                                // the member held it 100 ms
    std::uint32_t arrival = rp::media::ntp_compact(sent_us + 130'000);  // back 130 ms later
    auto rtt = rp::media::round_trip_ms(b, arrival);
    ASSERT_TRUE(rtt);
    EXPECT_NEAR(*rtt, 30, 0.1);
    b.lsr = 0;
    EXPECT_FALSE(rp::media::round_trip_ms(b, arrival));
    // Arrival before LSR + DLSR (clocks apart): no round trip.
    b.lsr = rp::media::ntp_compact(sent_us);
    EXPECT_FALSE(rp::media::round_trip_ms(b, rp::media::ntp_compact(sent_us + 50'000)));
    rp::media::ReportBlockStore store;
    EXPECT_FALSE(store.rtt_ms());
    store.add({b}, arrival);
    ASSERT_TRUE(store.rtt_ms());
    EXPECT_NEAR(*store.rtt_ms(), 30, 0.1);
}

// Between two takes the store keeps the largest round trip (a queue shows in any report), and
// a take empties it.
TEST(RtcpBlocks, TakesTheLargestRoundTripSinceTheLastTake) {
    using rp::media::ReportBlock;
    std::int64_t sent_us = 1'700'000'000'000'000;
    ReportBlock b;
    b.ssrc = 7;
    b.lsr = rp::media::ntp_compact(sent_us);
    rp::media::ReportBlockStore store;
    EXPECT_FALSE(store.take_max_rtt_ms());
    store.add({b}, rp::media::ntp_compact(sent_us + 40'000));
    store.add({b}, rp::media::ntp_compact(sent_us + 250'000));
    store.add({b}, rp::media::ntp_compact(sent_us + 90'000));
    auto max = store.take_max_rtt_ms();
    ASSERT_TRUE(max);
    EXPECT_NEAR(*max, 250, 0.1);
    EXPECT_NEAR(*store.rtt_ms(), 90, 0.1);  // the newest stays the newest
    EXPECT_FALSE(store.take_max_rtt_ms());
}

// Our blocks answer the member's newest sender report: LSR its NTP middle, DLSR the time since.
TEST(RtcpBlocks, OurBlocksCarryLsrAndDlsrOfTheMembersSenderReport) {
    // An SR of SSRC 0x01020304 with NTP 0xAABBCCDD.EEFF0011, no report blocks.
    std::vector<std::uint8_t> sr = {0x80, 200,  0,    6,    0x01, 0x02, 0x03, 0x04, 0xAA, 0xBB,
                                    0xCC, 0xDD, 0xEE, 0xFF, 0x00, 0x11, 0,    0,    0,    0,
                                    0,    0,    0,    0,    0,    0,    0,    0};
    auto srs = rp::media::parse_sender_reports(sr.data(), sr.size());
    ASSERT_EQ(srs.size(), 1u);
    EXPECT_EQ(srs[0].ssrc, 0x01020304u);
    EXPECT_EQ(srs[0].ntp_middle, 0xCCDDEEFFu);
    rp::media::ReceiverReports reports;
    reports.update({{0x01020304u, 100, 0, 0}});
    reports.update({{0x01020304u, 200, 0, 0}});
    reports.sender_report(0x01020304u, 0xCCDDEEFFu, 1000);
    auto blocks = reports.blocks(1000 + 65536 / 4);  // 250 ms later
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(blocks[0].lsr, 0xCCDDEEFFu);
    EXPECT_EQ(blocks[0].dlsr, 65536u / 4);
    // No sender report yet from another source: no LSR.
    rp::media::ReceiverReports fresh;
    fresh.update({{5, 10, 0, 0}});
    fresh.update({{5, 20, 0, 0}});
    for (const auto& b : fresh.blocks(1000)) EXPECT_EQ(b.lsr, 0u);
}
