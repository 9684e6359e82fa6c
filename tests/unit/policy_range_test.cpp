// aws:VpcSourceIp as a range (the audit's source subnet): the cover of a subnet by a condition's
// CIDRs, and IpAddress / NotIpAddress decided per subnet through the whole evaluator.
#include <gtest/gtest.h>

#include "policy/policy_eval.hpp"
#include "policy/policy_range.hpp"

namespace bedrock_reach {
namespace {

IpPrefix prefix(const char* text) { return *IpPrefix::parse(text); }

struct CoverCase {
  const char* range;
  std::vector<std::string> cidrs;
  RangeCover::Kind kind;
  std::vector<std::string> covered;
};

TEST(PolicyRange, CoverTable) {
  const CoverCase cases[] = {
      {"10.0.1.0/24", {"10.0.1.0/24"}, RangeCover::all, {"10.0.1.0/24"}},        // exact cover
      {"10.0.1.0/24", {"10.0.0.0/16"}, RangeCover::all, {"10.0.1.0/24"}},        // superset
      {"10.0.1.0/24", {"10.0.1.77/16"}, RangeCover::all, {"10.0.1.0/24"}},       // host bits
      {"10.0.1.0/24", {"10.0.2.0/24", "192.168.0.0/16"}, RangeCover::none, {}},  // disjoint
      {"10.0.1.0/24", {"10.0.1.0/25"}, RangeCover::part, {"10.0.1.0/25"}},       // partial
      {"10.0.1.0/24", {"10.0.1.10"}, RangeCover::part, {"10.0.1.10/32"}},        // one address
      // Two halves make the whole; a nested part adds nothing.
      {"10.0.1.0/24", {"10.0.1.128/25", "10.0.1.0/25"}, RangeCover::all, {"10.0.1.0/24"}},
      {"10.0.1.0/24",
       {"10.0.1.0/26", "10.0.1.64/26", "10.0.1.128/26"},
       RangeCover::part,
       {"10.0.1.0/26", "10.0.1.64/26", "10.0.1.128/26"}},
      {"10.0.1.0/24", {"10.0.1.0/25", "10.0.1.0/27"}, RangeCover::part, {"10.0.1.0/25"}},
      {"10.0.1.0/24", {"0.0.0.0/0"}, RangeCover::all, {"10.0.1.0/24"}},
      // IPv6, and families never match each other.
      {"2600:1f18:1:1a0::/64", {"2600:1f18:1:100::/56"}, RangeCover::all, {"2600:1f18:1:1a0::/64"}},
      {"2600:1f18:1:100::/64",
       {"2600:1f18:1:100::/65"},
       RangeCover::part,
       {"2600:1f18:1:100::/65"}},
      {"2600:1f18:1:100::/64", {"10.0.0.0/8", "::ffff:10.0.1.0/120"}, RangeCover::none, {}},
      {"10.0.1.0/24", {"::/0"}, RangeCover::none, {}},
      {"10.0.0.0/32", {"10.0.0.0/32"}, RangeCover::all, {"10.0.0.0/32"}},
  };
  for (const auto& c : cases) {
    RangeCover cover = range_cover(prefix(c.range), c.cidrs);
    EXPECT_EQ(cover.kind, c.kind) << c.range << " by " << c.cidrs.front();
    std::vector<std::string> covered;
    for (const auto& p : cover.covered) covered.push_back(p.to_string());
    EXPECT_EQ(covered, c.covered) << c.range << " by " << c.cidrs.front();
    EXPECT_TRUE(cover.malformed.empty());
  }
}

TEST(PolicyRange, MalformedValuesMatchNothingAndAreNamed) {
  RangeCover cover =
      range_cover(prefix("10.0.1.0/24"), {"10.0.1.0/33", "not-an-ip", "", "10.0.1.0/25"});
  EXPECT_EQ(cover.kind, RangeCover::part);
  EXPECT_EQ(cover.malformed, (std::vector<std::string>{"10.0.1.0/33", "not-an-ip", ""}));
  EXPECT_EQ(range_cover(prefix("10.0.1.0/24"), {"10.0.1.0/33"}).kind, RangeCover::none);
}

TEST(PolicyRange, ManyPiecesStayCheap) {
  // 256 /32s cover a /24 exactly; without one they cover only part of it.
  std::vector<std::string> pieces;
  for (int i = 0; i < 256; ++i) pieces.push_back("10.0.1." + std::to_string(i));
  EXPECT_EQ(range_cover(prefix("10.0.1.0/24"), pieces).kind, RangeCover::all);
  pieces.erase(pieces.begin() + 17);
  EXPECT_EQ(range_cover(prefix("10.0.1.0/24"), pieces).kind, RangeCover::part);
  std::vector<std::string> v6;
  for (int i = 0; i < 2000; ++i) v6.push_back("2600:1f18::" + std::to_string(i) + "/128");
  EXPECT_EQ(range_cover(prefix("2600:1f18::/32"), v6).kind, RangeCover::part);
}

// --- Through the evaluator ---

PolicyRequest subnet_request(const std::string& cidr) {
  PolicyRequest r;
  r.principal_arn = "arn:aws:sts::123456789012:assumed-role/app-role/i-0123456789abcdef0";
  r.principal_account = "123456789012";
  r.source_vpc = "vpc-0a1b2c3d4e5f60718";
  r.source_vpce = "vpce-0b1a2c3d4e5f60002";
  r.source_ip = "192.0.2.1";  // must not be used when the source is a range
  r.source_range = cidr;
  r.actions = {"bedrock:InvokeModel"};
  return r;
}

std::string allow_if(const std::string& condition) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*",)"
         R"("Resource":"*","Condition":)" +
         condition + "}]}";
}

std::string deny_unless_from(const std::string& cidrs) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*",)"
         R"("Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*",)"
         R"("Condition":{"NotIpAddress":{"aws:VpcSourceIp":)" +
         cidrs + "}}}]}";
}

ActionVerdict verdict(const std::string& policy, const std::string& cidr) {
  auto result = evaluate_endpoint_policy(policy, subnet_request(cidr));
  EXPECT_TRUE(result.has_value());
  return result && !result->empty() ? result->front() : ActionVerdict{};
}

constexpr auto A = PolicyDecision::allow;
constexpr auto D = PolicyDecision::explicit_deny;
constexpr auto N = PolicyDecision::implicit_deny;
constexpr auto C = PolicyDecision::conditional;

TEST(PolicyRange, IpAddressPerSubnet) {
  const std::string policy =
      allow_if(R"({"IpAddress":{"aws:VpcSourceIp":["10.0.1.0/24","10.0.2.0/23","10.0.5.0/25"]}})");
  EXPECT_EQ(verdict(policy, "10.0.1.0/24").decision, A);
  EXPECT_EQ(verdict(policy, "10.0.3.0/24").decision, A);  // inside 10.0.2.0/23
  EXPECT_EQ(verdict(policy, "10.0.4.0/24").decision, N);
  ActionVerdict partial = verdict(policy, "10.0.5.0/24");
  EXPECT_EQ(partial.decision, C);
  EXPECT_FALSE(partial.resource_scoped);
  EXPECT_TRUE(partial.partial_source);
  EXPECT_NE(partial.reason.find("covers only 10.0.5.0/25 of the source subnet 10.0.5.0/24"),
            std::string::npos)
      << partial.reason;
  EXPECT_NE(verdict(policy, "10.0.1.0/24").reason.find("covers all of the source subnet"),
            std::string::npos);
}

TEST(PolicyRange, NotIpAddressDenyPerSubnet) {
  const std::string policy = deny_unless_from(R"(["10.0.1.0/24","10.0.5.0/25"])");
  EXPECT_EQ(verdict(policy, "10.0.1.0/24").decision, A);
  ActionVerdict denied = verdict(policy, "10.0.6.0/24");
  EXPECT_EQ(denied.decision, D);
  EXPECT_EQ(denied.statement_index, 1u);
  EXPECT_NE(denied.reason.find("covers none of the source subnet 10.0.6.0/24"), std::string::npos);
  // Partial: allowed, but the deny may apply (to the part outside 10.0.5.0/25).
  ActionVerdict partial = verdict(policy, "10.0.5.0/24");
  EXPECT_EQ(partial.decision, C);
  EXPECT_TRUE(partial.partial_source);
  auto findings = policy_findings("bedrock-runtime", "vpce-0b1a2c3d4e5f60002",
                                  evaluate_endpoint_policy(policy, subnet_request("10.0.5.0/24")));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "POLICY_CONDITIONAL");
  EXPECT_NE(findings[0].message.find("only from part of the source subnet (NotIpAddress "
                                     "aws:VpcSourceIp covers only 10.0.5.0/25 of the source "
                                     "subnet 10.0.5.0/24)"),
            std::string::npos)
      << findings[0].message;
  // Another undecidable condition beside it: the generic wording, not the partial one.
  const std::string mixed =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":)"
      R"({"IpAddress":{"aws:VpcSourceIp":"10.0.5.0/25"},"StringEquals":{"aws:userid":"x"}}}]})";
  ActionVerdict both = verdict(mixed, "10.0.5.0/24");
  EXPECT_EQ(both.decision, C);
  EXPECT_FALSE(both.partial_source);
}

TEST(PolicyRange, Ipv6Subnet) {
  const std::string policy = deny_unless_from(R"(["10.0.0.0/16","2600:1f18:1:100::/56"])");
  EXPECT_EQ(verdict(policy, "2600:1f18:1:100::/64").decision, A);
  EXPECT_EQ(verdict(policy, "2600:1f18:2:100::/64").decision, D);
}

TEST(PolicyRange, MalformedCidrInPolicy) {
  // A value that is not a CIDR matches no address, for a range as for one address.
  const std::string policy = allow_if(R"({"IpAddress":{"aws:VpcSourceIp":["10.0.1.0/99"]}})");
  EXPECT_EQ(verdict(policy, "10.0.1.0/24").decision, N);
  PolicyRequest one = subnet_request("");
  one.source_ip = "10.0.1.7";
  EXPECT_EQ(evaluate_endpoint_policy(policy, one)->front().decision, N);
  const std::string mixed =
      allow_if(R"({"IpAddress":{"aws:VpcSourceIp":["bogus","10.0.0.0/16"]}})");
  ActionVerdict v = verdict(mixed, "10.0.1.0/24");
  EXPECT_EQ(v.decision, A);
  EXPECT_NE(v.reason.find("not a CIDR, matches nothing: bogus"), std::string::npos) << v.reason;
}

TEST(PolicyRange, OtherOperatorsAndKeysOnARange) {
  // One address compared with a string cannot be decided for a whole subnet.
  EXPECT_EQ(verdict(allow_if(R"({"StringEquals":{"aws:VpcSourceIp":"10.0.1.7"}})"), "10.0.1.0/24")
                .decision,
            C);
  // The key is present for every request through the endpoint.
  EXPECT_EQ(verdict(allow_if(R"({"Null":{"aws:VpcSourceIp":"false"}})"), "10.0.1.0/24").decision,
            A);
  // A range is no value for a policy variable.
  EXPECT_EQ(
      verdict(allow_if(R"({"StringEquals":{"aws:SourceVpc":"${aws:VpcSourceIp}"}})"), "10.0.1.0/24")
          .decision,
      C);
  // SourceVpc and SourceVpce are the audited VPC and the endpoint.
  EXPECT_EQ(verdict(allow_if(R"({"StringEquals":{"aws:SourceVpc":"vpc-0a1b2c3d4e5f60718"}})"),
                    "10.0.1.0/24")
                .decision,
            A);
  EXPECT_EQ(verdict(allow_if(R"({"StringEquals":{"aws:SourceVpce":"vpce-other"}})"), "10.0.1.0/24")
                .decision,
            N);
  // The source range itself broken: conditional, never a guess.
  EXPECT_EQ(
      verdict(allow_if(R"({"IpAddress":{"aws:VpcSourceIp":"10.0.0.0/8"}})"), "nonsense").decision,
      C);
}

}  // namespace
}  // namespace bedrock_reach
