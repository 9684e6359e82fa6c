#include <gtest/gtest.h>

#include "dns/dns_message.hpp"
#include "support/dns_packet.hpp"

namespace bedrock_reach {
namespace {

using testing::DnsPacket;
using testing::DnsRecord;

constexpr const char* kName = "bedrock-runtime.us-east-1.amazonaws.com";

DnsPacket base(int rcode = 0) {
  DnsPacket packet;
  packet.set_id(0x1234).set_response().set_rd().set_ra().set_rcode(rcode).add_question(kName, 1);
  return packet;
}

TEST(DnsMessage, AddressesTtlAndCompression) {
  auto bytes = base()
                   .set_compress()
                   .add_answer(DnsRecord::a(kName, "10.0.1.10", 60))
                   .add_answer(DnsRecord::a(kName, "10.0.2.10", 30))
                   .add_answer(DnsRecord::a(kName, "10.0.1.10", 60))  // duplicate dropped
                   .bytes();
  auto reply = parse_dns_reply(bytes);
  ASSERT_TRUE(reply) << reply.error().message;
  EXPECT_EQ(reply->id, 0x1234);
  EXPECT_EQ(reply->rcode, 0);
  EXPECT_EQ(reply->question, kName);
  ASSERT_EQ(reply->addresses.size(), 2u);
  EXPECT_EQ(reply->addresses[1].address, "10.0.2.10");
  EXPECT_EQ(reply->min_ttl, 30u);
}

TEST(DnsMessage, FollowsCnameChainAndIgnoresStrayRecords) {
  auto bytes = base()
                   .add_answer(DnsRecord::cname(kName, "a.example", 300))
                   .add_answer(DnsRecord::a("stray.example", "192.0.2.66"))
                   .add_answer(DnsRecord::cname("a.example", "B.example", 20))
                   .add_answer(DnsRecord::aaaa("b.example", "2600:1f18::1", 40))
                   .bytes();
  auto reply = parse_dns_reply(bytes);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->cname_chain, (std::vector<std::string>{"a.example", "b.example"}));
  ASSERT_EQ(reply->addresses.size(), 1u);
  EXPECT_EQ(reply->addresses[0].address, "2600:1f18::1");
  EXPECT_EQ(reply->min_ttl, 20u);
  EXPECT_FALSE(reply->cname_loop);
}

TEST(DnsMessage, DetectsCnameLoopsAndOverlongChains) {
  auto loop = base()
                  .add_answer(DnsRecord::cname(kName, "a.example"))
                  .add_answer(DnsRecord::cname("a.example", kName))
                  .bytes();
  auto reply = parse_dns_reply(loop);
  ASSERT_TRUE(reply);
  EXPECT_TRUE(reply->cname_loop);
  EXPECT_TRUE(reply->addresses.empty());

  auto chain = base();
  std::string previous = kName;
  for (int i = 0; i < 20; ++i) {
    std::string next = "c" + std::to_string(i) + ".example";
    chain.add_answer(DnsRecord::cname(previous, next));
    previous = next;
  }
  chain.add_answer(DnsRecord::a(previous, "10.0.0.1"));
  auto long_reply = parse_dns_reply(chain.bytes());
  ASSERT_TRUE(long_reply);
  EXPECT_TRUE(long_reply->cname_loop);
}

TEST(DnsMessage, RcodesAndFlags) {
  for (int rcode : {0, 1, 2, 3, 4, 5, 9, 15}) {
    auto reply = parse_dns_reply(base(rcode).set_tc().set_aa().bytes());
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->rcode, rcode);
    EXPECT_TRUE(reply->truncated);
    EXPECT_TRUE(reply->authoritative);
  }
  EXPECT_EQ(rcode_name(3), "NXDOMAIN");
  EXPECT_EQ(rcode_name(2), "SERVFAIL");
  EXPECT_EQ(rcode_name(15), "RCODE15");
}

TEST(DnsMessage, HugeTtlIsZero) {
  auto reply =
      parse_dns_reply(base().add_answer(DnsRecord::a(kName, "10.0.0.1", 0x80000000u)).bytes());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->min_ttl, 0u);
}

TEST(DnsMessage, RejectsMalformedBytes) {
  auto good = base().set_compress().add_answer(DnsRecord::a(kName, "10.0.1.10")).bytes();
  // Every truncation of a good reply fails cleanly.
  for (std::size_t n = 0; n < good.size(); ++n) {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + static_cast<long>(n));
    EXPECT_FALSE(parse_dns_reply(cut)) << n;
  }
  // Annotated raw replies.
  const std::vector<std::vector<std::uint8_t>> bad = {
      {0x00},
      // Header: id, QR=0 (a query, not a response), one question.
      {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
       0x00, 0x01},
      // Response with zero questions.
      {0x12, 0x34, 0x81, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},
      // Question name is a pointer to itself (0xC00C at offset 12).
      {0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x0C, 0x00,
       0x01, 0x00, 0x01},
      // Reserved label type 0x80.
      {0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x81, 'a', 0x00,
       0x00, 0x01, 0x00, 0x01},
      // ancount=1 but the A record's rdlength is 5.
      {0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
       0x01, 'a',  0x00, 0x00, 0x01, 0x00, 0x01, 0xC0, 0x0C, 0x00, 0x01, 0x00,
       0x01, 0x00, 0x00, 0x00, 0x3C, 0x00, 0x05, 10,   0,    0,    1,    9},
  };
  for (const auto& bytes : bad) EXPECT_FALSE(parse_dns_reply(bytes));
}

TEST(DnsMessage, RejectsOversizedNames) {
  // 5 labels of 63 bytes: 320 bytes on the wire, over the 255 limit.
  std::string name;
  for (int i = 0; i < 5; ++i) name += (i ? "." : "") + std::string(63, 'a');
  auto reply = parse_dns_reply(base().add_answer(DnsRecord::a(name, "10.0.0.1")).bytes());
  EXPECT_FALSE(reply);
}

TEST(DnsMessage, ManyAnswers) {
  auto packet = base().set_compress();
  for (int i = 0; i < 300; ++i)
    packet.add_answer(
        DnsRecord::a(kName, "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1)));
  auto reply = parse_dns_reply(packet.bytes());
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->addresses.size(), 300u);
  EXPECT_EQ(reply->answer_records, 300u);
}

}  // namespace
}  // namespace bedrock_reach
