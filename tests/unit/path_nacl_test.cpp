// Network ACLs: AWS DescribeNetworkAcls sample, the nacl-blocks-return scenario's ACL, rule
// order, default deny, partial ephemeral ranges, IPv6.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "path/nacl_rules.hpp"

namespace bedrock_reach {
namespace {

IpAddress ip(const char* text) { return IpAddress::parse(text).value(); }

NaclEntry entry(int rule, bool egress, std::string protocol, std::string action, std::string cidr,
                std::optional<int> from = std::nullopt, std::optional<int> to = std::nullopt) {
  NaclEntry e;
  e.rule_number = rule;
  e.egress = egress;
  e.protocol = std::move(protocol);
  e.rule_action = std::move(action);
  (cidr.find(':') != std::string::npos ? e.ipv6_cidr : e.cidr) = cidr;
  e.port_from = from;
  e.port_to = to;
  return e;
}

// acl-0d0fa017000000001 from tests/unit/aws_samples/DescribeNetworkAcls.xml.
NetworkAcl sample_acl() {
  NetworkAcl acl;
  acl.id = "acl-0d0fa017000000001";
  acl.vpc_id = "vpc-0123456789abcdef0";
  acl.is_default = true;
  acl.entries = {
      entry(100, true, "-1", "allow", "0.0.0.0/0"),
      entry(32767, true, "-1", "deny", "0.0.0.0/0"),
      entry(90, false, "6", "deny", "10.0.0.0/16", 443, 443),
      entry(100, false, "-1", "allow", "0.0.0.0/0"),
      entry(32767, false, "-1", "deny", "0.0.0.0/0"),
  };
  acl.subnet_ids = {"subnet-0aaa1111bbbb2222c"};
  return acl;
}

TEST(Nacl, SampleInboundRule90DeniesHttpsFromVpc) {
  NaclFlow flow{false, ip("10.0.3.7"), 443, 443};
  NaclVerdict v = evaluate_nacl(sample_acl(), flow);
  ASSERT_EQ(v.segments.size(), 1u);
  EXPECT_FALSE(v.segments[0].allowed);
  EXPECT_EQ(v.segments[0].rule_number, 90);
  EXPECT_EQ(describe_nacl_block(v, flow),
            "NACL acl-0d0fa017000000001 inbound rule 90 denies TCP 443 from 10.0.0.0/16");
}

TEST(Nacl, SampleAllowsOtherTraffic) {
  EXPECT_TRUE(evaluate_nacl(sample_acl(), {false, ip("8.8.8.8"), 443, 443}).all_allowed());
  EXPECT_TRUE(evaluate_nacl(sample_acl(), {false, ip("10.0.3.7"), 32768, 60999}).all_allowed());
  EXPECT_TRUE(evaluate_nacl(sample_acl(), {true, ip("10.0.3.7"), 32768, 60999}).all_allowed());
}

TEST(Nacl, ScenarioEndpointSubnetDeniesReturnTraffic) {
  // tests/sim/scenarios/nacl-blocks-return.json: acl endpoints-bc.
  NetworkAcl acl;
  acl.id = "acl-0e1d2c3b4a5968778";
  acl.entries = {entry(100, false, "-1", "allow", "0.0.0.0/0"),
                 entry(90, true, "6", "deny", "10.0.1.0/24", 1024, 65535),
                 entry(100, true, "-1", "allow", "0.0.0.0/0")};
  NaclFlow flow{true, ip("10.0.1.7"), 32768, 60999};
  NaclVerdict v = evaluate_nacl(acl, flow);
  EXPECT_FALSE(v.any_allowed());
  EXPECT_EQ(describe_nacl_block(v, flow),
            "NACL acl-0e1d2c3b4a5968778 outbound rule 90 denies TCP 32768-60999 to 10.0.1.0/24");
  // Requests into the subnet pass.
  EXPECT_TRUE(evaluate_nacl(acl, {false, ip("10.0.1.7"), 443, 443}).all_allowed());
  // Return traffic to another subnet passes.
  EXPECT_TRUE(evaluate_nacl(acl, {true, ip("10.0.2.7"), 32768, 60999}).all_allowed());
}

TEST(Nacl, PartialEphemeralRangeBlocksSomeConnections) {
  NetworkAcl acl;
  acl.id = "acl-1";
  acl.entries = {entry(100, false, "6", "allow", "10.0.2.0/24", 32768, 40000)};
  NaclFlow flow{false, ip("10.0.2.61"), 32768, 60999};
  NaclVerdict v = evaluate_nacl(acl, flow);
  ASSERT_EQ(v.segments.size(), 2u);
  EXPECT_TRUE(v.segments[0].allowed);
  EXPECT_EQ(v.segments[0].port_to, 40000);
  EXPECT_FALSE(v.segments[1].allowed);
  EXPECT_EQ(v.segments[1].port_from, 40001);
  EXPECT_EQ(v.segments[1].rule_number, kNaclDefaultRule);
  EXPECT_TRUE(v.any_allowed());
  EXPECT_FALSE(v.all_allowed());
  std::string text = describe_nacl_block(v, flow);
  EXPECT_EQ(text,
            "NACL acl-1 inbound rule * (32767, the default deny) denies TCP 40001-60999 from "
            "10.0.2.61 (20999 of the 28232 ports 32768-60999 are blocked: some connections "
            "fail, depending on the ephemeral port)");
}

TEST(Nacl, FirstMatchByRuleNumberNotListingOrder) {
  NetworkAcl acl;
  acl.id = "acl-1";
  acl.entries = {entry(200, true, "6", "deny", "0.0.0.0/0", 443, 443),
                 entry(100, true, "6", "allow", "10.0.0.0/16", 443, 443)};
  EXPECT_TRUE(evaluate_nacl(acl, {true, ip("10.0.1.25"), 443, 443}).all_allowed());
  NaclVerdict v = evaluate_nacl(acl, {true, ip("54.1.2.3"), 443, 443});
  ASSERT_EQ(v.blocked().size(), 1u);
  EXPECT_EQ(v.blocked()[0].rule_number, 200);
}

TEST(Nacl, ProtocolAndPortTable) {
  struct Case {
    const char* name;
    NaclEntry allow;
    bool want_allowed;
  };
  const Case cases[] = {
      {"all protocols", entry(10, true, "-1", "allow", "0.0.0.0/0"), true},
      {"tcp without port range", entry(10, true, "6", "allow", "0.0.0.0/0"), true},
      {"tcp 443", entry(10, true, "6", "allow", "10.0.1.0/24", 443, 443), true},
      {"tcp 80", entry(10, true, "6", "allow", "0.0.0.0/0", 80, 80), false},
      {"udp", entry(10, true, "17", "allow", "0.0.0.0/0"), false},
      {"icmp", entry(10, true, "1", "allow", "0.0.0.0/0"), false},
      {"inbound rule", entry(10, false, "-1", "allow", "0.0.0.0/0"), false},
      {"other CIDR", entry(10, true, "-1", "allow", "10.0.2.0/24"), false},
      {"ipv6 rule", entry(10, true, "-1", "allow", "::/0"), false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    NetworkAcl acl;
    acl.id = "acl-t";
    acl.entries = {c.allow};
    EXPECT_EQ(evaluate_nacl(acl, {true, ip("10.0.1.25"), 443, 443}).all_allowed(), c.want_allowed);
  }
}

TEST(Nacl, Ipv6UsesIpv6Entries) {
  NetworkAcl acl;
  acl.id = "acl-6";
  acl.entries = {entry(100, true, "-1", "allow", "0.0.0.0/0"),
                 entry(101, true, "-1", "allow", "::/0"), entry(32768, true, "-1", "deny", "::/0")};
  EXPECT_TRUE(evaluate_nacl(acl, {true, ip("2600:1f18::25"), 443, 443}).all_allowed());
  acl.entries = {entry(100, true, "-1", "allow", "0.0.0.0/0")};
  NaclVerdict v = evaluate_nacl(acl, {true, ip("2600:1f18::25"), 443, 443});
  EXPECT_FALSE(v.any_allowed());
  EXPECT_EQ(v.segments[0].rule_number, kNaclDefaultRule);
}

TEST(Nacl, EmptyAclDeniesEverything) {
  NetworkAcl acl;
  acl.id = "acl-empty";
  NaclFlow flow{true, ip("10.0.1.25"), 443, 443};
  NaclVerdict v = evaluate_nacl(acl, flow);
  EXPECT_FALSE(v.any_allowed());
  EXPECT_EQ(describe_nacl_block(v, flow),
            "NACL acl-empty outbound rule * (32767, the default deny) denies TCP 443 to "
            "10.0.1.25");
}

TEST(Nacl, SegmentsNameEachDecidingRule) {
  NetworkAcl acl;
  acl.id = "acl-s";
  acl.entries = {entry(10, false, "6", "allow", "0.0.0.0/0", 32768, 40000),
                 entry(20, false, "6", "deny", "0.0.0.0/0", 40001, 50000),
                 entry(30, false, "6", "allow", "0.0.0.0/0", 1024, 65535)};
  NaclVerdict v = evaluate_nacl(acl, {false, ip("10.0.2.61"), 32768, 60999});
  ASSERT_EQ(v.segments.size(), 3u);
  EXPECT_EQ(v.segments[0].rule_number, 10);
  EXPECT_EQ(v.segments[1].rule_number, 20);
  EXPECT_EQ(v.segments[1].port_from, 40001);
  EXPECT_EQ(v.segments[1].port_to, 50000);
  EXPECT_EQ(v.segments[2].rule_number, 30);
  EXPECT_EQ(v.segments[2].port_from, 50001);
  EXPECT_EQ(v.segments[2].port_to, 60999);
}

TEST(Nacl, AclForSubnet) {
  NetworkAcl custom = sample_acl();
  custom.is_default = false;
  NetworkAcl fallback;
  fallback.id = "acl-default";
  fallback.vpc_id = "vpc-0123456789abcdef0";
  fallback.is_default = true;
  std::vector<NetworkAcl> acls{fallback, custom};
  EXPECT_EQ(nacl_for_subnet(acls, "subnet-0aaa1111bbbb2222c", "vpc-0123456789abcdef0")->id,
            "acl-0d0fa017000000001");
  EXPECT_EQ(nacl_for_subnet(acls, "subnet-other", "vpc-0123456789abcdef0")->id, "acl-default");
  EXPECT_EQ(nacl_for_subnet(acls, "subnet-other", "vpc-else"), nullptr);
  EXPECT_EQ(nacl_for_subnet({}, "subnet-other", ""), nullptr);
}

}  // namespace
}  // namespace bedrock_reach

namespace bedrock_reach {
namespace {

// Segments checked port by port against a direct first-match walk, on random ACLs.
TEST(NaclRandomized, SegmentsMatchPerPortEvaluation) {
  std::mt19937 rng(4242);
  for (int round = 0; round < 300; ++round) {
    NetworkAcl acl;
    acl.id = "acl-r";
    int count = static_cast<int>(rng() % 12);
    for (int i = 0; i < count; ++i) {
      NaclEntry e;
      e.rule_number = 1 + static_cast<int>(rng() % 200);
      e.egress = rng() % 2 == 0;
      e.protocol = std::vector<std::string>{"-1", "6", "17"}[rng() % 3];
      e.rule_action = rng() % 2 ? "allow" : "deny";
      e.cidr = rng() % 4 ? "10.0.0.0/16" : "10.1.0.0/16";
      if (rng() % 3) {
        int from = 30000 + static_cast<int>(rng() % 4000);
        e.port_from = from;
        e.port_to = from + static_cast<int>(rng() % 1500);
      }
      acl.entries.push_back(e);
    }
    std::vector<NaclEntry> ordered = acl.entries;
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const auto& a, const auto& b) { return a.rule_number < b.rule_number; });
    NaclFlow flow{rng() % 2 == 0, ip("10.0.9.9"), 30500, 33500};
    NaclVerdict v = evaluate_nacl(acl, flow);
    ASSERT_FALSE(v.segments.empty());
    ASSERT_EQ(v.segments.front().port_from, flow.port_from);
    ASSERT_EQ(v.segments.back().port_to, flow.port_to);
    for (size_t s = 0; s < v.segments.size(); ++s) {
      const auto& segment = v.segments[s];
      if (s > 0) {
        ASSERT_EQ(segment.port_from, v.segments[s - 1].port_to + 1);
      }
      for (int port = segment.port_from; port <= segment.port_to; ++port) {
        bool allowed = false;
        int rule = kNaclDefaultRule;
        for (const auto& e : ordered) {
          if (e.egress != flow.egress || (e.protocol != "-1" && e.protocol != "6")) continue;
          if (e.cidr != "10.0.0.0/16") continue;
          if (e.protocol == "6" && e.port_from && (port < *e.port_from || port > *e.port_to)) {
            continue;
          }
          allowed = e.rule_action == "allow";
          rule = e.rule_number;
          break;
        }
        ASSERT_EQ(segment.allowed, allowed) << "round " << round << " port " << port;
        ASSERT_EQ(segment.rule_number, rule) << "round " << round << " port " << port;
      }
    }
  }
}

}  // namespace
}  // namespace bedrock_reach
