#include <gtest/gtest.h>

#include "classify/address_class.hpp"

namespace bedrock_reach {
namespace {

ClassifyInput vpc_input() {
  ClassifyInput input;
  // Primary, secondary (RFC 6598 space) and an IPv6 block.
  input.vpc_cidrs = parse_cidrs({"10.0.0.0/16", "100.64.0.0/16", "2600:1f18:aa00::/56"});
  input.endpoint_eni_ips = {"10.0.1.10", "10.0.2.10", "2600:1f18:aa00:1::10"};
  input.topology_known = true;
  return input;
}

TEST(AddressClass, Table) {
  struct Case {
    const char* address;
    const char* klass;
  } const cases[] = {
      {"10.0.1.10", "endpoint-eni"},
      {"2600:1f18:aa00:1::10", "endpoint-eni"},
      {"10.0.3.7", "vpc-private"},
      {"100.64.5.5", "vpc-private"},  // secondary CIDR
      {"2600:1f18:aa00:2::5", "vpc-private"},
      {"10.1.0.5", "private-outside-vpc"},  // hub VPC
      {"172.16.0.1", "private-outside-vpc"},
      {"192.168.10.10", "private-outside-vpc"},
      {"100.65.0.1", "private-outside-vpc"},  // RFC 6598 outside the VPC
      {"fd12:3456::1", "private-outside-vpc"},
      {"52.94.133.131", "public"},
      {"2600:1f18:ffff::1", "public"},
      {"127.0.0.1", "special"},
      {"::1", "special"},
      {"169.254.169.254", "special"},
      {"fe80::1", "special"},
      {"192.0.2.10", "special"},
      {"2001:db8::1", "special"},
      {"224.0.0.1", "special"},
      {"ff02::1", "special"},
      {"0.0.0.0", "special"},
      {"::", "special"},
      {"::ffff:10.0.1.10", "special"},  // v4-mapped is never a service address
  };
  auto input = vpc_input();
  for (const auto& c : cases) {
    auto address = IpAddress::parse(c.address);
    ASSERT_TRUE(address) << c.address;
    EXPECT_EQ(classify_address(*address, input), c.klass) << c.address;
  }
}

TEST(AddressClass, WithoutTopologyNothingIsAnEndpointEni) {
  ClassifyInput input;
  input.vpc_cidrs = parse_cidrs({"10.0.0.0/16"});
  EXPECT_EQ(classify_address_text("10.0.1.10", input), "vpc-private");
  EXPECT_EQ(classify_address_text("not-an-ip", input), "special");
  EXPECT_EQ(classify_address_text("10.9.9.9", ClassifyInput{}), "private-outside-vpc");
}

TEST(AddressClass, ParseCidrsSkipsMalformedAndClearsHostBits) {
  auto prefixes = parse_cidrs({"10.0.0.0/16", "garbage", "10.1.2.3/16", ""});
  ASSERT_EQ(prefixes.size(), 2u);
  EXPECT_EQ(prefixes[1].to_string(), "10.1.0.0/16");
}

}  // namespace
}  // namespace bedrock_reach
