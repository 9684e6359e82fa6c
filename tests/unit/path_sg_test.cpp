// Security groups for TCP 443: AWS DescribeSecurityGroups sample (aws-reference.md §4.5) plus
// protocol, port, family, SG-reference and prefix-list cases.
#include <gtest/gtest.h>

#include "path/sg_rules.hpp"

namespace bedrock_reach {
namespace {

IpAddress ip(const char* text) { return IpAddress::parse(text).value(); }

IpPermission perm(std::string protocol, std::optional<int> from, std::optional<int> to,
                  std::vector<std::string> v4 = {}, std::vector<std::string> v6 = {}) {
  IpPermission p;
  p.protocol = std::move(protocol);
  p.from_port = from;
  p.to_port = to;
  p.ipv4_ranges = std::move(v4);
  p.ipv6_ranges = std::move(v6);
  return p;
}

// The two groups of the sample: the endpoint SG and the app tier's SG.
std::vector<SecurityGroup> sample_groups() {
  SecurityGroup endpoint;
  endpoint.id = "sg-0be4d12345678abcd";
  endpoint.name = "bedrock-endpoint-sg";
  IpPermission in = perm("tcp", 443, 443, {"10.0.0.0/16"});
  in.groups.push_back({"sg-0a990000000000001", "123456789012", ""});
  endpoint.ingress.push_back(in);
  endpoint.egress.push_back(perm("-1", std::nullopt, std::nullopt, {"0.0.0.0/0"}));

  SecurityGroup app;
  app.id = "sg-0a990000000000001";
  app.name = "app-tier";
  IpPermission s3 = perm("tcp", 443, 443);
  s3.prefix_list_ids.push_back("pl-63a5400a");
  app.egress.push_back(s3);
  app.egress.push_back(perm("udp", 53, 53, {"10.0.0.2/32"}));
  return {endpoint, app};
}

const std::vector<std::string> kApp{"sg-0a990000000000001"};
const std::vector<std::string> kEndpoint{"sg-0be4d12345678abcd"};

TEST(SecurityGroups, SampleAppEgressOnlyToPrefixListIsUnknownWithoutItsCidrs) {
  SgVerdict v =
      check_security_groups(sample_groups(), {kApp, ip("10.0.1.25"), kEndpoint, 443, true});
  EXPECT_EQ(v.result, RuleCheck::unknown);
  EXPECT_NE(v.why_unknown.find("pl-63a5400a"), std::string::npos) << v.why_unknown;
  ASSERT_EQ(v.rules_seen.size(), 2u);
  EXPECT_EQ(v.rules_seen[0], "sg-0a990000000000001 egress tcp 443 -> pl-63a5400a");
  EXPECT_EQ(v.rules_seen[1], "sg-0a990000000000001 egress udp 53 -> 10.0.0.2/32");
}

TEST(SecurityGroups, PrefixListsNamedWhenDescribed) {
  // Described but its entries unread (GetManagedPrefixListEntries denied): named, still unknown.
  const std::vector<PrefixList> named{
      {"pl-63a5400a", {}, false, "com.amazonaws.us-east-1.s3", "AWS"}};
  SgVerdict v =
      check_security_groups(sample_groups(), {kApp, ip("10.0.1.25"), kEndpoint, 443, true}, named);
  EXPECT_EQ(v.result, RuleCheck::unknown);
  ASSERT_FALSE(v.rules_seen.empty());
  EXPECT_EQ(v.rules_seen[0],
            "sg-0a990000000000001 egress tcp 443 -> pl-63a5400a (com.amazonaws.us-east-1.s3, "
            "AWS-managed)");
  IpPermission customer = perm("tcp", 443, 443);
  customer.prefix_list_ids.push_back("pl-0a1b2c3d4e5f60001");
  const std::vector<PrefixList> lists{
      {"pl-0a1b2c3d4e5f60001", {"10.0.1.0/24"}, true, "app-subnets", "123456789012"}};
  EXPECT_EQ(describe_permission("sg-e", false, customer, lists),
            "sg-e ingress tcp 443 <- pl-0a1b2c3d4e5f60001 (app-subnets, customer-managed, owner "
            "123456789012)");
  EXPECT_EQ(describe_permission("sg-e", false, customer),
            "sg-e ingress tcp 443 <- "
            "pl-0a1b2c3d4e5f60001");
}

TEST(SecurityGroups, SampleAppEgressBlocksEniWhenPrefixListKnown) {
  const std::vector<PrefixList> lists{{"pl-63a5400a", {"52.216.0.0/15", "3.5.0.0/19"}}};
  SgVerdict v =
      check_security_groups(sample_groups(), {kApp, ip("10.0.1.25"), kEndpoint, 443, true}, lists);
  EXPECT_EQ(v.result, RuleCheck::blocked);
  // ...and allows S3 through the listed CIDRs.
  v = check_security_groups(sample_groups(), {kApp, ip("52.216.8.9"), {}, 443, true}, lists);
  EXPECT_EQ(v.result, RuleCheck::allowed);
  EXPECT_EQ(v.allowing_rule, "sg-0a990000000000001 egress tcp 443 -> pl-63a5400a");
}

TEST(SecurityGroups, SampleEndpointIngress) {
  struct Case {
    const char* source;
    std::vector<std::string> source_groups;
    RuleCheck want;
  };
  const Case cases[] = {
      {"10.0.3.7", {}, RuleCheck::allowed},    // VPC CIDR rule
      {"10.0.3.7", kApp, RuleCheck::allowed},  // both rules
      {"10.1.0.5", {}, RuleCheck::blocked},    // outside the VPC, no group
      {"10.1.0.5", kApp, RuleCheck::allowed},  // SG-reference rule
      {"10.1.0.5", {"sg-other"}, RuleCheck::blocked},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.source);
    SgVerdict v = check_security_groups(sample_groups(),
                                        {kEndpoint, ip(c.source), c.source_groups, 443, false});
    EXPECT_EQ(v.result, c.want);
  }
  // The same flow on another port is blocked.
  EXPECT_EQ(
      check_security_groups(sample_groups(), {kEndpoint, ip("10.0.3.7"), {}, 80, false}).result,
      RuleCheck::blocked);
}

TEST(SecurityGroups, ProtocolPortAndFamilyTable) {
  struct Case {
    const char* name;
    IpPermission permission;
    const char* peer;
    RuleCheck want;
  };
  const Case cases[] = {
      {"all traffic v4", perm("-1", std::nullopt, std::nullopt, {"0.0.0.0/0"}), "10.0.1.25",
       RuleCheck::allowed},
      {"all traffic v4 only, v6 peer", perm("-1", std::nullopt, std::nullopt, {"0.0.0.0/0"}),
       "2600:1f18::25", RuleCheck::blocked},
      {"all traffic v6", perm("-1", std::nullopt, std::nullopt, {}, {"::/0"}), "2600:1f18::25",
       RuleCheck::allowed},
      {"tcp all ports", perm("tcp", 0, 65535, {"10.0.0.0/8"}), "10.0.1.25", RuleCheck::allowed},
      {"protocol number 6", perm("6", 443, 443, {"10.0.1.25/32"}), "10.0.1.25", RuleCheck::allowed},
      {"TCP upper case", perm("TCP", 400, 500, {"10.0.1.0/24"}), "10.0.1.25", RuleCheck::allowed},
      {"tcp 80 only", perm("tcp", 80, 80, {"0.0.0.0/0"}), "10.0.1.25", RuleCheck::blocked},
      {"udp 443", perm("udp", 443, 443, {"0.0.0.0/0"}), "10.0.1.25", RuleCheck::blocked},
      {"icmp", perm("icmp", -1, -1, {"0.0.0.0/0"}), "10.0.1.25", RuleCheck::blocked},
      {"wrong CIDR", perm("tcp", 443, 443, {"10.0.2.0/24"}), "10.0.1.25", RuleCheck::blocked},
      {"v4-mapped peer", perm("tcp", 443, 443, {"10.0.1.0/24"}), "::ffff:10.0.1.25",
       RuleCheck::allowed},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    SecurityGroup group;
    group.id = "sg-1";
    group.egress.push_back(c.permission);
    SgVerdict v = check_security_groups({group}, {{"sg-1"}, ip(c.peer), {}, 443, true});
    EXPECT_EQ(v.result, c.want);
  }
}

TEST(SecurityGroups, AnyAttachedGroupMayAllow) {
  SecurityGroup a;
  a.id = "sg-a";
  a.egress.push_back(perm("tcp", 22, 22, {"0.0.0.0/0"}));
  SecurityGroup b;
  b.id = "sg-b";
  b.egress.push_back(perm("tcp", 443, 443, {"10.0.0.0/16"}));
  SgVerdict v = check_security_groups({a, b}, {{"sg-a", "sg-b"}, ip("10.0.1.25"), {}, 443, true});
  EXPECT_EQ(v.result, RuleCheck::allowed);
  EXPECT_EQ(v.allowing_rule, "sg-b egress tcp 443 -> 10.0.0.0/16");
}

TEST(SecurityGroups, UndescribedGroupMakesItUnknown) {
  SecurityGroup a;
  a.id = "sg-a";
  SgVerdict v =
      check_security_groups({a}, {{"sg-a", "sg-missing"}, ip("10.0.1.25"), {}, 443, true});
  EXPECT_EQ(v.result, RuleCheck::unknown);
  EXPECT_EQ(v.undescribed_groups, std::vector<std::string>{"sg-missing"});
  // ...but an allow from a described group still decides.
  a.egress.push_back(perm("-1", std::nullopt, std::nullopt, {"0.0.0.0/0"}));
  v = check_security_groups({a}, {{"sg-a", "sg-missing"}, ip("10.0.1.25"), {}, 443, true});
  EXPECT_EQ(v.result, RuleCheck::allowed);
}

TEST(SecurityGroups, NoGroupsAllowNothing) {
  EXPECT_EQ(check_security_groups({}, {{}, ip("10.0.1.25"), {}, 443, true}).result,
            RuleCheck::blocked);
}

TEST(SecurityGroups, DescribePermission) {
  IpPermission p = perm("tcp", 1024, 65535, {"10.0.0.0/16"}, {"2600:1f18::/56"});
  p.groups.push_back({"sg-9", "", ""});
  EXPECT_EQ(describe_permission("sg-1", false, p),
            "sg-1 ingress tcp 1024-65535 <- 10.0.0.0/16, 2600:1f18::/56, sg-9");
  EXPECT_EQ(describe_permission("sg-1", true, perm("-1", std::nullopt, std::nullopt)),
            "sg-1 egress all traffic -> (nothing)");
}

}  // namespace
}  // namespace bedrock_reach
