#include <gtest/gtest.h>

#include "bedrock_reach/ip.hpp"

namespace bedrock_reach {
namespace {

TEST(IpAddress, ParsesAndFormatsV4AndV6) {
  auto v4 = IpAddress::parse("10.0.1.10");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->is_v4());
  EXPECT_EQ(v4->to_string(), "10.0.1.10");
  auto v6 = IpAddress::parse("2600:1f18:0:1::a");
  ASSERT_TRUE(v6);
  EXPECT_FALSE(v6->is_v4());
  EXPECT_EQ(v6->to_string(), "2600:1f18:0:1::a");
}

TEST(IpAddress, RejectsMalformed) {
  for (const char* bad : {"", "10.0.0", "10.0.0.256", "1.2.3.4.5", "::g", "10.0.0.1 ", " 10.0.0.1",
                          "1:2:3:4:5:6:7:8:9", "10.0.0.1/8", "a.b.c.d",
                          "0000000000000000000000000000000000000000000000000000000000"}) {
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
  }
}

TEST(IpAddress, UnmapsV4MappedV6) {
  auto mapped = IpAddress::parse("::ffff:10.0.1.5");
  ASSERT_TRUE(mapped);
  auto plain = mapped->unmapped_v4();
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->to_string(), "10.0.1.5");
  EXPECT_FALSE(IpAddress::parse("2600::1")->unmapped_v4());
  EXPECT_FALSE(IpAddress::parse("10.0.1.5")->unmapped_v4());
}

TEST(IpAddress, PlusComputesVpcResolver) {
  EXPECT_EQ(IpAddress::parse("10.0.0.0")->plus(2).to_string(), "10.0.0.2");
  EXPECT_EQ(IpAddress::parse("10.0.0.255")->plus(2).to_string(), "10.0.1.1");
  EXPECT_EQ(IpAddress::parse("fd00::ff")->plus(1).to_string(), "fd00::100");
}

TEST(IpPrefix, ContainsAtEdges) {
  auto all4 = IpPrefix::parse("0.0.0.0/0");
  ASSERT_TRUE(all4);
  EXPECT_TRUE(all4->contains(*IpAddress::parse("203.0.113.9")));
  EXPECT_FALSE(all4->contains(*IpAddress::parse("::1")));
  auto host = IpPrefix::parse("10.0.1.10/32");
  ASSERT_TRUE(host);
  EXPECT_TRUE(host->contains(*IpAddress::parse("10.0.1.10")));
  EXPECT_FALSE(host->contains(*IpAddress::parse("10.0.1.11")));
  auto host6 = IpPrefix::parse("2600::1/128");
  ASSERT_TRUE(host6);
  EXPECT_TRUE(host6->contains(*IpAddress::parse("2600::1")));
  EXPECT_FALSE(host6->contains(*IpAddress::parse("2600::2")));
  auto all6 = IpPrefix::parse("::/0");
  ASSERT_TRUE(all6);
  EXPECT_TRUE(all6->contains(*IpAddress::parse("2600::2")));
  auto vpc = IpPrefix::parse("10.0.0.0/16");
  EXPECT_TRUE(vpc->contains(*IpAddress::parse("10.0.255.255")));
  EXPECT_FALSE(vpc->contains(*IpAddress::parse("10.1.0.0")));
  EXPECT_TRUE(vpc->contains(*IpPrefix::parse("10.0.3.0/24")));
  EXPECT_FALSE(IpPrefix::parse("10.0.3.0/24")->contains(*vpc));
  auto odd = IpPrefix::parse("172.16.0.0/12");
  EXPECT_TRUE(odd->contains(*IpAddress::parse("172.31.255.1")));
  EXPECT_FALSE(odd->contains(*IpAddress::parse("172.32.0.1")));
}

TEST(IpPrefix, RejectsMalformedAndHostBits) {
  for (const char* bad : {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/1a", "::/129",
                          "10.0.0.1/16", "/16", "10.0.0.0/0016"}) {
    EXPECT_FALSE(IpPrefix::parse(bad)) << bad;
  }
  auto lenient = IpPrefix::parse("10.0.0.1/16", true);
  ASSERT_TRUE(lenient);
  EXPECT_EQ(lenient->to_string(), "10.0.0.0/16");
  EXPECT_EQ(IpPrefix::parse("10.0.0.7")->to_string(), "10.0.0.7/32");
}

struct RangeCase {
  const char* address;
  SpecialRange range;
};

TEST(SpecialRange, ClassifiesTable) {
  const RangeCase cases[] = {
      {"127.0.0.1", SpecialRange::loopback},         {"::1", SpecialRange::loopback},
      {"169.254.169.253", SpecialRange::link_local}, {"fe80::1", SpecialRange::link_local},
      {"224.0.0.251", SpecialRange::multicast},      {"ff02::1", SpecialRange::multicast},
      {"0.0.0.0", SpecialRange::unspecified},        {"::", SpecialRange::unspecified},
      {"192.0.2.1", SpecialRange::documentation},    {"2001:db8::1", SpecialRange::documentation},
      {"::ffff:1.2.3.4", SpecialRange::v4_mapped},   {"10.0.1.5", SpecialRange::private_rfc1918},
      {"172.20.0.1", SpecialRange::private_rfc1918}, {"192.168.1.1", SpecialRange::private_rfc1918},
      {"100.64.0.1", SpecialRange::shared_cgnat},    {"fd12::1", SpecialRange::unique_local},
      {"52.94.133.131", SpecialRange::none},         {"2600:1f18::1", SpecialRange::none},
      {"255.255.255.255", SpecialRange::broadcast},  {"240.0.0.1", SpecialRange::reserved},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(special_range(*IpAddress::parse(c.address)), c.range) << c.address;
  }
}

}  // namespace
}  // namespace bedrock_reach
