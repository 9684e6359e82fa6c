// audit_subnet (issue 20): each subnet of the VPC as the source, with the check's rules and
// codes. Table over the shared sample VPC (support/vpc_fixture.hpp): endpoint ENIs 10.0.1.25
// (1a, subnet A) and 10.0.2.61 (1b, subnet B), endpoint SG 443 from 10.0.0.0/16 or the app SG.
#include <gtest/gtest.h>

#include <functional>

#include "path/nacl_rules.hpp"
#include "path/sg_rules.hpp"
#include "path/subnet_audit.hpp"
#include "support/vpc_fixture.hpp"

namespace bedrock_reach {
namespace {

using namespace test;  // NOLINT: the fixture's names read as the VPC they describe

struct Case {
  const char* name;
  std::function<void(VpcFixture&)> setup;
  Subnet subnet;
  Severity status;
  std::string root_cause;  // "" when ok
  std::string path;
  std::string association;  // explicit|main|unknown
  std::optional<bool> endpoint_in_az = true;
  bool public_answer = false;  // the resolver answers a public address (private DNS off)
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

Subnet subnet(const char* id, const char* cidr, const char* az) {
  return Subnet{id, kVpc, cidr, {}, az, ""};
}

void add_main_table(VpcFixture& fx) {
  RouteTable main;
  main.id = "rtb-0a1a0000000000001";
  main.vpc_id = kVpc;
  main.associations.push_back({"rtbassoc-main", "", "", true});
  Route local;
  local.destination_cidr = "10.0.0.0/16";
  local.gateway_id = "local";
  local.state = "active";
  main.routes = {local};
  fx.topology.route_tables.push_back(main);
}

NetworkAcl acl(const char* id, std::vector<std::string> subnets, std::vector<NaclEntry> entries) {
  NetworkAcl a;
  a.id = id;
  a.vpc_id = kVpc;
  a.subnet_ids = std::move(subnets);
  a.entries = std::move(entries);
  return a;
}

void add(VpcFixture& fx, const Subnet& s) { fx.topology.subnets.push_back(s); }

const std::vector<Case>& cases() {
  static const std::vector<Case> kCases = {
      {"EndpointAzMainTable", add_main_table, subnet(kSubnetA, "10.0.1.0/24", "us-east-1a"),
       Severity::ok, "", "private-endpoint", "main"},
      // The explicit table has a NAT default route: the ENIs are still reached locally.
      {"ExplicitTableWithNat",
       {},
       subnet(kSubnetC, "10.0.3.0/24", "us-east-1a"),
       Severity::ok,
       "",
       "private-endpoint",
       "explicit"},
      {"AzWithoutEndpointEni", add_main_table,
       subnet("subnet-0d4d0000000000004", "10.0.4.0/24", "us-east-1d"), Severity::warning,
       "ENDPOINT_AZ_MISSING", "private-endpoint", "main", false},
      {"NoRouteTableKnown",
       {},
       subnet("subnet-0e0e0000000000009", "10.0.9.0/24", "us-east-1a"),
       Severity::ok,
       "",
       "private-endpoint",
       "unknown"},
      {"OwnNaclDeniesOutbound443",
       [](VpcFixture& fx) {
         add_main_table(fx);
         fx.topology.network_acls.push_back(
             acl("acl-deny", {"subnet-0e5e0000000000005"},
                 {nacl_entry(50, true, "6", "deny", "10.0.0.0/16", 443, 443),
                  nacl_entry(100, true, "-1", "allow", "0.0.0.0/0"),
                  nacl_entry(100, false, "-1", "allow", "0.0.0.0/0")}));
       },
       subnet("subnet-0e5e0000000000005", "10.0.5.0/24", "us-east-1a"), Severity::critical,
       "NACL_BLOCKS_OUTBOUND", "private-endpoint", "main"},
      // The endpoint subnets' NACL denies the replies (ephemeral ports) to this subnet only.
      {"EndpointNaclDeniesReturn",
       [](VpcFixture& fx) {
         add_main_table(fx);
         fx.topology.network_acls.push_back(
             acl("acl-endpoints", {kSubnetA, kSubnetB},
                 {nacl_entry(90, true, "6", "deny", "10.0.6.0/24", 1024, 65535),
                  nacl_entry(100, true, "-1", "allow", "0.0.0.0/0"),
                  nacl_entry(100, false, "-1", "allow", "0.0.0.0/0")}));
       },
       subnet("subnet-0f6f0000000000006", "10.0.6.0/24", "us-east-1a"), Severity::critical,
       "NACL_BLOCKS_RETURN", "private-endpoint", "main"},
      // A deny for half of the subnet comes before the allow for all of it: blocked.
      {"EndpointNaclDeniesPartOfTheSubnet",
       [](VpcFixture& fx) {
         add_main_table(fx);
         fx.topology.network_acls.push_back(
             acl("acl-endpoints", {kSubnetA, kSubnetB},
                 {nacl_entry(50, false, "6", "deny", "10.0.7.128/25", 443, 443),
                  nacl_entry(100, false, "-1", "allow", "0.0.0.0/0"),
                  nacl_entry(100, true, "-1", "allow", "0.0.0.0/0")}));
       },
       subnet("subnet-0a7a0000000000007", "10.0.7.0/24", "us-east-1a"), Severity::critical,
       "NACL_BLOCKS_OUTBOUND", "private-endpoint", "main"},
      // The same NACL leaves a subnet outside the denied half alone.
      {"EndpointNaclDeniesAnotherRange",
       [](VpcFixture& fx) {
         add_main_table(fx);
         fx.topology.network_acls.push_back(
             acl("acl-endpoints", {kSubnetA, kSubnetB},
                 {nacl_entry(50, false, "6", "deny", "10.0.7.128/25", 443, 443),
                  nacl_entry(100, false, "-1", "allow", "0.0.0.0/0"),
                  nacl_entry(100, true, "-1", "allow", "0.0.0.0/0")}));
       },
       subnet("subnet-0b8b0000000000008", "10.0.8.0/24", "us-east-1a"), Severity::ok, "",
       "private-endpoint", "main"},
      {"EndpointSgCidrDoesNotCoverTheSubnet",
       [](VpcFixture& fx) {
         add_main_table(fx);
         fx.group(kEndpointSg).ingress = {tcp443({"10.0.0.0/17"})};
       },
       subnet("subnet-0c9c00000000000c8", "10.0.200.0/24", "us-east-1a"), Severity::critical,
       "SG_INGRESS_BLOCKS", "private-endpoint", "main"},
      // A rule for half of the subnet does not admit the subnet.
      {"EndpointSgCidrCoversHalfTheSubnet",
       [](VpcFixture& fx) {
         add_main_table(fx);
         fx.group(kEndpointSg).ingress = {tcp443({"10.0.9.0/25"})};
       },
       subnet("subnet-0e0e0000000000009", "10.0.9.0/24", "us-east-1a"), Severity::critical,
       "SG_INGRESS_BLOCKS", "private-endpoint", "main"},
      // Only an SG reference admits it: depends on the instance's SG (a warning).
      {"EndpointSgAdmitsOnlyByReference",
       [](VpcFixture& fx) {
         add_main_table(fx);
         fx.group(kEndpointSg).ingress = {tcp443({"10.0.0.0/17"}, {kAppSg})};
       },
       subnet("subnet-0c9c00000000000c8", "10.0.200.0/24", "us-east-1a"), Severity::warning,
       "SG_INGRESS_BLOCKS", "private-endpoint", "main"},
      // Private DNS off: the resolver answers public addresses, which leave through the NAT.
      {"PublicAnswerThroughNat", [](VpcFixture& fx) { fx.endpoint().private_dns_enabled = false; },
       subnet(kSubnetC, "10.0.3.0/24", "us-east-1a"), Severity::critical,
       "ENDPOINT_PRIVATE_DNS_DISABLED", "nat-gateway", "explicit", true, true},
  };
  return kCases;
}

class SubnetAudit : public testing::TestWithParam<Case> {};

TEST_P(SubnetAudit, Judges) {
  const Case& c = GetParam();
  VpcFixture fx;
  if (c.setup) c.setup(fx);
  if (std::none_of(fx.topology.subnets.begin(), fx.topology.subnets.end(),
                   [&](const Subnet& s) { return s.id == c.subnet.id; }))
    add(fx, c.subnet);
  AuditServiceInput service{
      "bedrock-runtime", "bedrock-runtime.us-east-1.amazonaws.com", kService, {}};
  if (c.public_answer) {
    service.answers = {{"54.239.28.85", "public", "", "", "", {}}};
  } else {
    service.answers = {{"10.0.1.25", "endpoint-eni", "", "", "", {}},
                       {"10.0.2.61", "endpoint-eni", "", "", "", {}}};
  }
  SubnetVerdict v = audit_subnet(fx.topology, c.subnet, {service}, {});
  EXPECT_EQ(v.id, c.subnet.id);
  EXPECT_EQ(v.cidr, c.subnet.cidr);
  EXPECT_EQ(v.route_association, c.association);
  ASSERT_EQ(v.services.size(), 1u);
  const SubnetServiceVerdict& s = v.services.front();
  std::string codes;
  for (const auto& f : s.findings)
    codes += f.code + "(" + std::string(severity_name(f.severity)) + ") ";
  EXPECT_EQ(s.status, c.status) << codes;
  EXPECT_EQ(v.status, c.status);
  EXPECT_EQ(s.root_cause(), c.root_cause) << codes;
  EXPECT_EQ(s.path, c.path);
  EXPECT_EQ(s.endpoint_in_az, c.endpoint_in_az);
}

INSTANTIATE_TEST_SUITE_P(Cases, SubnetAudit, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<Case>& param) {
                           return param.param.name;
                         });

TEST(SubnetAuditAdmission, ReportsCidrAndGroupReferences) {
  VpcFixture fx;
  fx.group(kEndpointSg).ingress = {tcp443({"10.0.0.0/17"}, {kAppSg})};
  AuditServiceInput service{"bedrock-runtime",
                            "bedrock-runtime.us-east-1.amazonaws.com",
                            kService,
                            {{"10.0.1.25", "endpoint-eni", "", "", "", {}}}};
  Subnet outside = subnet("subnet-0c9c00000000000c8", "10.0.200.0/24", "us-east-1a");
  fx.topology.subnets.push_back(outside);
  auto blocked = audit_subnet(fx.topology, outside, {service}, {}).services.front();
  ASSERT_TRUE(blocked.admission);
  EXPECT_EQ(blocked.admission->by_cidr, "blocked");
  EXPECT_EQ(blocked.admission->groups, std::vector<std::string>{kAppSg});
  const Finding& f = blocked.findings.front();
  EXPECT_EQ(f.code, "SG_INGRESS_BLOCKS");
  EXPECT_NE(f.message.find("only instances in sg-0a990000000000001 are admitted (depends on the "
                           "instance's SG)"),
            std::string::npos)
      << f.message;

  auto inside =
      audit_subnet(fx.topology, subnet(kSubnetC, "10.0.3.0/24", "us-east-1a"), {service}, {})
          .services.front();
  ASSERT_TRUE(inside.admission);
  EXPECT_EQ(inside.admission->by_cidr, "allowed");
  EXPECT_EQ(inside.admission->cidr_rule,
            "sg-0be4d12345678abcd ingress tcp 443 <- 10.0.0.0/17, "
            "sg-0a990000000000001");
}

TEST(SgRange, RuleMustContainTheWholeRange) {
  SecurityGroup g;
  g.id = "sg-1";
  g.ingress = {tcp443({"10.0.0.0/25"})};
  auto range = IpPrefix::parse("10.0.0.0/24");
  SgFlow flow{{"sg-1"}, range->address(), {}, 443, false, range, true};
  EXPECT_EQ(check_security_groups({g}, flow).result, RuleCheck::blocked);
  g.ingress = {tcp443({"10.0.0.0/16"})};
  EXPECT_EQ(check_security_groups({g}, flow).result, RuleCheck::allowed);
  // Without the range, the single address 10.0.0.0 is inside the /25.
  g.ingress = {tcp443({"10.0.0.0/25"})};
  SgFlow one{{"sg-1"}, range->address(), {}, 443, false};
  EXPECT_EQ(check_security_groups({g}, one).result, RuleCheck::allowed);
}

TEST(NaclRange, FirstRuleContainingTheRangeDecidesUnlessAPartialDenyCameFirst) {
  NetworkAcl a = acl("acl-1", {},
                     {nacl_entry(10, false, "6", "allow", "10.0.0.0/25", 443, 443),
                      nacl_entry(20, false, "6", "deny", "10.0.0.0/16", 443, 443)});
  auto range = IpPrefix::parse("10.0.0.0/24");
  NaclFlow flow{false, range->address(), 443, 443, range};
  // A partial allow does not admit the range; the /16 deny decides.
  NaclVerdict v = evaluate_nacl(a, flow);
  ASSERT_EQ(v.segments.size(), 1u);
  EXPECT_FALSE(v.segments[0].allowed);
  EXPECT_EQ(v.segments[0].rule_number, 20);

  a.entries = {nacl_entry(10, false, "6", "deny", "10.0.0.128/25", 443, 443),
               nacl_entry(20, false, "6", "allow", "10.0.0.0/16", 443, 443)};
  v = evaluate_nacl(a, flow);
  EXPECT_FALSE(v.segments[0].allowed);
  EXPECT_EQ(v.segments[0].rule_number, 10);  // the partial deny names the cause
  EXPECT_EQ(describe_nacl_block(v, flow),
            "NACL acl-1 inbound rule 10 denies TCP 443 from 10.0.0.128/25");

  a.entries = {nacl_entry(20, false, "6", "allow", "10.0.0.0/16", 443, 443)};
  EXPECT_TRUE(evaluate_nacl(a, flow).all_allowed());
  a.entries = {};
  v = evaluate_nacl(a, flow);
  EXPECT_EQ(describe_nacl_block(v, flow),
            "NACL acl-1 inbound rule * (32767, the default deny) denies TCP 443 from 10.0.0.0/24");
}

}  // namespace
}  // namespace bedrock_reach
