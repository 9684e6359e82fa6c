// analyze_service_path and analyze_vpc over a topology modelled on the AWS samples
// (aws-reference.md §4.5): VPC 10.0.0.0/16, endpoint ENIs 10.0.1.25 (1a) and 10.0.2.61 (1b).
#include <gtest/gtest.h>

#include <algorithm>

#include "path/path_rules.hpp"
#include "support/vpc_fixture.hpp"

namespace bedrock_reach {
namespace {

using namespace test;  // NOLINT: the fixture's names read as the VPC they describe

struct Fixture : VpcFixture {
  ServicePathInput input(std::vector<AddressFacts> addresses) const {
    ServicePathInput in;
    in.service = "bedrock-runtime";
    in.hostname = "bedrock-runtime.us-east-1.amazonaws.com";
    in.service_name = kService;
    in.instance = &instance;
    in.topology = &topology;
    in.host_path_addresses = std::move(addresses);
    return in;
  }
};

AddressFacts eni_answer(const char* address) { return {address, "endpoint-eni", "", "", "", {}}; }
AddressFacts answer(const char* address, const char* klass) {
  return {address, klass, "", "", "", {}};
}

std::vector<std::string> codes(const ServicePathResult& result) {
  std::vector<std::string> out;
  for (const auto& f : result.findings) out.push_back(f.code);
  return out;
}

const Finding* find(const ServicePathResult& result, const std::string& code,
                    const std::string& address = "") {
  for (const auto& f : result.findings) {
    if (f.code == code && (address.empty() || f.address == address)) return &f;
  }
  return nullptr;
}

TEST(ServicePath, HealthyPrivateEndpoint) {
  Fixture fx;
  auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25"), eni_answer("10.0.2.61")}));
  EXPECT_EQ(result.path, "private-endpoint");
  EXPECT_TRUE(result.findings.empty()) << testing::PrintToString(codes(result));
  ASSERT_EQ(result.routes.size(), 2u);
  EXPECT_EQ(result.routes[0].first, "10.0.1.25");
  EXPECT_EQ(result.routes[0].second.kind, "local");
  ASSERT_TRUE(result.endpoint);
  EXPECT_EQ(result.endpoint->id, "vpce-0a1b2c3d4e5f67890");
  EXPECT_EQ(result.endpoint->azs, (std::vector<std::string>{"us-east-1a", "us-east-1b"}));
  EXPECT_TRUE(result.endpoint->private_dns);
}

TEST(ServicePath, PublicAnswersLeaveThroughNat) {
  Fixture fx;
  fx.endpoint().private_dns_enabled = false;
  auto result = analyze_service_path(fx.input({answer("54.239.28.85", "public")}));
  EXPECT_EQ(result.path, "nat-gateway");
  const Finding* nat = find(result, "ROUTE_VIA_NAT", "54.239.28.85");
  ASSERT_NE(nat, nullptr);
  EXPECT_EQ(nat->severity, Severity::critical);
  EXPECT_EQ(nat->message,
            "route 0.0.0.0/0 -> nat-0abc in rtb-0b2b0000000000002: 54.239.28.85 would leave "
            "through a NAT gateway");
  const Finding* dns = find(result, "ENDPOINT_PRIVATE_DNS_DISABLED");
  ASSERT_NE(dns, nullptr);
  EXPECT_EQ(dns->severity, Severity::critical);
  EXPECT_EQ(dns->address, "");
}

TEST(ServicePath, AddressesOnTheSameRouteShareOneFinding) {
  Fixture fx;
  auto result = analyze_service_path(
      fx.input({answer("54.239.28.85", "public"), answer("54.239.28.86", "public")}));
  ASSERT_EQ(result.findings.size(), 1u) << testing::PrintToString(codes(result));
  const Finding& nat = result.findings.front();
  EXPECT_EQ(nat.code, "ROUTE_VIA_NAT");
  EXPECT_EQ(nat.address, "");  // several addresses: the service as a whole
  EXPECT_EQ(nat.message,
            "route 0.0.0.0/0 -> nat-0abc in rtb-0b2b0000000000002: 54.239.28.85, 54.239.28.86 "
            "would leave through a NAT gateway");
  EXPECT_EQ(nat.evidence.size(), 3u);  // the table, then one line per address
  EXPECT_EQ(result.routes.size(), 2u);
}

TEST(ServicePath, MainTableInternetGateway) {
  Fixture fx;
  fx.table().associations = {{"rtbassoc-main", "", "", true}};
  fx.table().routes[1] = Route{};
  fx.table().routes[1].destination_cidr = "0.0.0.0/0";
  fx.table().routes[1].gateway_id = "igw-0abc1234def567890";
  fx.table().routes[1].state = "active";
  fx.instance.macs[0].subnet_id = "subnet-unassociated";
  auto result = analyze_service_path(fx.input({answer("54.239.28.85", "public")}));
  EXPECT_EQ(result.path, "internet-gateway");
  const Finding* igw = find(result, "ROUTE_VIA_IGW");
  ASSERT_NE(igw, nullptr);
  EXPECT_NE(igw->message.find("igw-0abc1234def567890"), std::string::npos);
  EXPECT_NE(igw->evidence.front().find("main table"), std::string::npos) << igw->evidence.front();
}

TEST(ServicePath, BlackholeRouteSkipsFilterChecks) {
  Fixture fx;
  fx.table().routes[1].state = "blackhole";
  fx.group(kAppSg).egress.clear();  // would block, but the route decides first
  auto result = analyze_service_path(fx.input({answer("54.239.28.85", "public")}));
  EXPECT_EQ(result.path, "no-route");
  EXPECT_EQ(codes(result), std::vector<std::string>{"ROUTE_BLACKHOLE"});
  EXPECT_EQ(result.routes[0].second.kind, "blackhole");
  EXPECT_EQ(result.routes[0].second.target, "nat-0abc");
}

TEST(ServicePath, NoRouteAtAll) {
  Fixture fx;
  fx.table().routes.pop_back();
  auto result = analyze_service_path(fx.input({answer("54.239.28.85", "public")}));
  EXPECT_EQ(result.path, "no-route");
  ASSERT_NE(find(result, "ROUTE_NONE"), nullptr);
}

TEST(ServicePath, HubVpcOverTransitGatewayIsAWarning) {
  Fixture fx;
  fx.topology.endpoints.clear();
  Route tgw;
  tgw.destination_cidr = "172.16.0.0/12";
  tgw.transit_gateway_id = "tgw-0123abcd4567ef890";
  tgw.state = "active";
  fx.table().routes.push_back(tgw);
  auto result = analyze_service_path(fx.input({answer("172.20.1.5", "private-outside-vpc")}));
  EXPECT_EQ(result.path, "transit-gateway");
  const Finding* route = find(result, "ROUTE_VIA_TGW");
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->severity, Severity::warning);
  // No local endpoint is needed in a hub design: ENDPOINT_MISSING (critical by its catalog
  // meaning) is not claimed at all, rather than claimed at a lower severity.
  EXPECT_EQ(find(result, "ENDPOINT_MISSING"), nullptr);
  for (const auto& f : result.findings) EXPECT_LT(f.severity, Severity::critical) << f.code;
}

TEST(ServicePath, EndpointMissingIsCriticalWhenListed) {
  Fixture fx;
  fx.topology.endpoints.clear();
  auto result = analyze_service_path(fx.input({answer("54.239.28.85", "public")}));
  const Finding* missing = find(result, "ENDPOINT_MISSING");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->severity, Severity::critical);
  EXPECT_EQ(missing->message, std::string("no interface endpoint for ") + kService + " in " + kVpc);
  EXPECT_FALSE(result.endpoint);
}

TEST(ServicePath, EndpointMissingNotClaimedWithoutEvidence) {
  Fixture fx;
  fx.topology.endpoints.clear();
  fx.topology.denied_actions = {"ec2:DescribeVpcEndpoints"};
  EXPECT_EQ(
      find(analyze_service_path(fx.input({answer("54.239.28.85", "public")})), "ENDPOINT_MISSING"),
      nullptr);
  fx.topology.denied_actions.clear();
  // A read that failed (500, throttled to the end, cut by the deadline) proves nothing either.
  fx.topology.unread_actions = {"DescribeVpcEndpoints"};
  EXPECT_EQ(
      find(analyze_service_path(fx.input({answer("54.239.28.85", "public")})), "ENDPOINT_MISSING"),
      nullptr);
  // Nor does a read that never answered.
  fx.topology.unread_actions.clear();
  fx.topology.read_actions = {"DescribeVpcs"};
  EXPECT_EQ(
      find(analyze_service_path(fx.input({answer("54.239.28.85", "public")})), "ENDPOINT_MISSING"),
      nullptr);
}

TEST(ServicePath, EndpointStateComparedCaseInsensitively) {
  struct Case {
    const char* state;
    bool finding;
  };
  for (const Case c : {Case{"available", false}, Case{"Available", false}, Case{"AVAILABLE", false},
                       Case{"pending", true}, Case{"pendingAcceptance", true}, Case{"Failed", true},
                       Case{"", true}}) {
    SCOPED_TRACE(c.state);
    Fixture fx;
    fx.endpoint().state = c.state;
    auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25")}));
    const Finding* f = find(result, "ENDPOINT_NOT_AVAILABLE");
    EXPECT_EQ(f != nullptr, c.finding);
  }
}

TEST(ServicePath, SingleAzAndInstanceAzMissing) {
  Fixture fx;
  fx.endpoint().network_interface_ids = {"eni-0a11aa11aa11aa11a"};
  fx.endpoint().subnet_ids = {kSubnetA};
  fx.instance.az = "us-east-1b";
  auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25")}));
  const Finding* single = find(result, "ENDPOINT_SINGLE_AZ");
  ASSERT_NE(single, nullptr);
  EXPECT_EQ(single->severity, Severity::warning);
  const Finding* missing = find(result, "ENDPOINT_AZ_MISSING");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->message,
            "endpoint vpce-0a1b2c3d4e5f67890 has no network interface in us-east-1b (only "
            "us-east-1a): calls cross AZs");
  EXPECT_EQ(result.path, "private-endpoint");
}

TEST(ServicePath, AzFromSubnetsWhenEnisNotDescribed) {
  Fixture fx;
  fx.topology.network_interfaces.clear();
  fx.instance.az = "us-east-1c";
  auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25")}));
  ASSERT_TRUE(result.endpoint);
  EXPECT_EQ(result.endpoint->azs, (std::vector<std::string>{"us-east-1a", "us-east-1b"}));
  EXPECT_NE(find(result, "ENDPOINT_AZ_MISSING"), nullptr);
  EXPECT_EQ(find(result, "ENDPOINT_SINGLE_AZ"), nullptr);
}

TEST(ServicePath, SecurityGroupEgressBlocks) {
  Fixture fx;
  IpPermission dns;
  dns.protocol = "udp";
  dns.from_port = 53;
  dns.to_port = 53;
  dns.ipv4_ranges = {"10.0.0.2/32"};
  fx.group(kAppSg).egress = {dns};
  auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25"), eni_answer("10.0.2.61")}));
  const Finding* f = find(result, "SG_EGRESS_BLOCKS", "10.0.2.61");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::critical);
  EXPECT_EQ(f->message,
            "security groups sg-0a990000000000001 of the instance allow no TCP 443 "
            "egress to 10.0.2.61 (eni-0b22bb22bb22bb22b)");
  EXPECT_EQ(f->evidence,
            std::vector<std::string>{"sg-0a990000000000001 egress udp 53 -> 10.0.0.2/32"});
  EXPECT_NE(find(result, "SG_EGRESS_BLOCKS", "10.0.1.25"), nullptr);
  // The path itself is still the endpoint's: the SG drop is a separate finding.
  EXPECT_EQ(result.path, "private-endpoint");
}

TEST(ServicePath, SecurityGroupEgressToPrefixListOnlyIsUncheckable) {
  Fixture fx;
  IpPermission s3 = tcp443({});
  s3.prefix_list_ids = {"pl-63a5400a"};
  fx.group(kAppSg).egress = {s3};
  auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25")}));
  const Finding* f = find(result, "SG_EGRESS_BLOCKS");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::warning);
  EXPECT_NE(f->message.find("could not check"), std::string::npos);
  EXPECT_NE(f->message.find("pl-63a5400a"), std::string::npos);
}

TEST(ServicePath, SecurityGroupReferenceToEndpointGroupAllows) {
  Fixture fx;
  fx.group(kAppSg).egress = {tcp443({}, {kEndpointSg})};
  auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25")}));
  EXPECT_EQ(find(result, "SG_EGRESS_BLOCKS"), nullptr);
}

TEST(ServicePath, EndpointSecurityGroupIngressBlocks) {
  Fixture fx;
  fx.group(kEndpointSg).ingress = {tcp443({"10.9.0.0/16"})};
  auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25")}));
  const Finding* f = find(result, "SG_INGRESS_BLOCKS", "10.0.1.25");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->message,
            "endpoint security groups sg-0be4d12345678abcd of 10.0.1.25 (eni-0a11aa11aa11aa11a) "
            "allow no TCP 443 ingress from the instance 10.0.3.7 (sg-0a990000000000001)");
  // Allowed by referencing the instance's group instead.
  fx.group(kEndpointSg).ingress = {tcp443({}, {kAppSg})};
  EXPECT_EQ(find(analyze_service_path(fx.input({eni_answer("10.0.1.25")})), "SG_INGRESS_BLOCKS"),
            nullptr);
}

TEST(ServicePath, NaclScenarioBlocksReturnFromOtherSubnetsOnly) {
  // tests/sim/scenarios/nacl-blocks-return.json: instance in subnet a with one ENI; the ENI
  // subnet b's ACL denies outbound TCP 1024-65535 to 10.0.1.0/24.
  Fixture fx;
  fx.instance.macs[0].subnet_id = kSubnetA;
  fx.instance.macs[0].subnet_ipv4_cidr = "10.0.1.0/24";
  fx.instance.macs[0].local_ipv4s = {"10.0.1.7"};
  fx.table().associations[0].subnet_id = kSubnetA;
  NetworkAcl bc;
  bc.id = "acl-0e1d2c3b4a5968778";
  bc.vpc_id = kVpc;
  bc.subnet_ids = {kSubnetB};
  bc.entries = {nacl_entry(100, false, "-1", "allow", "0.0.0.0/0"),
                nacl_entry(90, true, "6", "deny", "10.0.1.0/24", 1024, 65535),
                nacl_entry(100, true, "-1", "allow", "0.0.0.0/0")};
  fx.topology.network_acls.push_back(bc);
  auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25"), eni_answer("10.0.2.61")}));
  EXPECT_EQ(codes(result), std::vector<std::string>{"NACL_BLOCKS_RETURN"});
  const Finding* f = find(result, "NACL_BLOCKS_RETURN");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->address, "10.0.2.61");
  EXPECT_EQ(f->message,
            "NACL acl-0e1d2c3b4a5968778 outbound rule 90 denies TCP 32768-60999 to 10.0.1.0/24");
  EXPECT_EQ(f->severity, Severity::critical);
}

TEST(ServicePath, SameSubnetTrafficIsNotFilteredByNacls) {
  Fixture fx;
  fx.instance.macs[0].subnet_id = kSubnetA;
  fx.instance.macs[0].local_ipv4s = {"10.0.1.7"};
  fx.table().associations[0].subnet_id = kSubnetA;
  fx.topology.network_acls[0].entries.clear();  // default ACL now denies everything
  auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25")}));
  EXPECT_TRUE(result.findings.empty()) << testing::PrintToString(codes(result));
  result = analyze_service_path(fx.input({eni_answer("10.0.2.61")}));
  ASSERT_NE(find(result, "NACL_BLOCKS_OUTBOUND"), nullptr);
  ASSERT_NE(find(result, "NACL_BLOCKS_RETURN"), nullptr);
  // Both ends' ACLs block: one finding per code, naming both.
  auto all = codes(result);
  EXPECT_EQ(std::count(all.begin(), all.end(), "NACL_BLOCKS_OUTBOUND"), 1);
  EXPECT_NE(find(result, "NACL_BLOCKS_OUTBOUND")->message.find("; "), std::string::npos);
}

TEST(ServicePath, InstanceSubnetNaclBlocksOutbound443) {
  Fixture fx;
  NetworkAcl app;
  app.id = "acl-app";
  app.vpc_id = kVpc;
  app.subnet_ids = {kSubnetC};
  app.entries = {nacl_entry(50, true, "6", "deny", "10.0.0.0/16", 443, 443),
                 nacl_entry(100, true, "-1", "allow", "0.0.0.0/0"),
                 nacl_entry(100, false, "-1", "allow", "0.0.0.0/0")};
  fx.topology.network_acls.push_back(app);
  auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25")}));
  const Finding* f = find(result, "NACL_BLOCKS_OUTBOUND");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->message, "NACL acl-app outbound rule 50 denies TCP 443 to 10.0.0.0/16");
  EXPECT_EQ(find(result, "NACL_BLOCKS_RETURN"), nullptr);
}

TEST(ServicePath, PartialEphemeralAllowIsReported) {
  Fixture fx;
  NetworkAcl app;
  app.id = "acl-app";
  app.vpc_id = kVpc;
  app.subnet_ids = {kSubnetC};
  app.entries = {nacl_entry(100, true, "-1", "allow", "0.0.0.0/0"),
                 nacl_entry(100, false, "6", "allow", "0.0.0.0/0", 49152, 65535)};
  fx.topology.network_acls.push_back(app);
  auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25")}));
  const Finding* f = find(result, "NACL_BLOCKS_RETURN");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("denies TCP 32768-49151"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("some connections fail"), std::string::npos) << f->message;
  // With the client's ephemeral range inside the allowed one, nothing is blocked.
  auto in = fx.input({eni_answer("10.0.1.25")});
  in.ephemeral_port_from = 49152;
  in.ephemeral_port_to = 65535;
  EXPECT_EQ(find(analyze_service_path(in), "NACL_BLOCKS_RETURN"), nullptr);
}

TEST(ServicePath, MixedAnswersTakeTheWorstPath) {
  Fixture fx;
  auto result =
      analyze_service_path(fx.input({eni_answer("10.0.1.25"), answer("54.239.28.85", "public")}));
  EXPECT_EQ(result.path, "nat-gateway");
}

TEST(ServicePath, OtherServicesEndpointEniIsNotPrivateEndpoint) {
  Fixture fx;
  auto result = analyze_service_path(fx.input({answer("10.0.1.99", "vpc-private")}));
  EXPECT_EQ(result.path, "unknown");
  EXPECT_EQ(result.routes[0].second.kind, "local");
}

TEST(ServicePath, ImdsOnlyEvidenceInfersLocalRoutes) {
  Fixture fx;
  ServicePathInput in =
      fx.input({answer("10.0.1.25", "vpc-private"), answer("54.239.28.85", "public")});
  in.topology = nullptr;
  auto result = analyze_service_path(in);
  ASSERT_EQ(result.routes.size(), 2u);
  EXPECT_EQ(result.routes[0].second.kind, "local");
  EXPECT_EQ(result.routes[1].second.kind, "unknown");  // not "no-route": the table is unknown
  EXPECT_TRUE(result.findings.empty()) << testing::PrintToString(codes(result));
  EXPECT_EQ(result.path, "unknown");
  EXPECT_FALSE(result.endpoint);
}

TEST(ServicePath, LocalRouteOfSecondaryCidrIsImplied) {
  Fixture fx;
  fx.topology.vpc->ipv4_cidrs.push_back("100.64.0.0/16");
  Subnet d{"subnet-d", kVpc, "100.64.1.0/24", {}, "us-east-1a", "use1-az4"};
  fx.topology.subnets.push_back(d);
  fx.topology.network_interfaces.push_back(
      Fixture::eni("eni-0a11aa11aa11aa11a", "subnet-d", "us-east-1a", "100.64.1.5"));
  auto result = analyze_service_path(fx.input({eni_answer("100.64.1.5")}));
  EXPECT_EQ(result.routes[0].second.kind, "local");
  EXPECT_EQ(result.path, "private-endpoint");
}

TEST(ServicePath, DualStackEndpoint) {
  Fixture fx;
  fx.topology.vpc->ipv6_cidrs = {"2600:1f18:aaaa:bb00::/56"};
  fx.instance.macs[0].ipv6s = {"2600:1f18:aaaa:bb03::7"};
  fx.topology.network_interfaces[0].ipv6_addresses = {"2600:1f18:aaaa:bb01::25"};
  fx.group(kEndpointSg).ingress = {tcp443({"10.0.0.0/16"})};
  // The endpoint SG allows IPv4 only: the IPv6 flow is blocked on ingress.
  auto result = analyze_service_path(fx.input({eni_answer("2600:1f18:aaaa:bb01::25")}));
  EXPECT_EQ(result.routes[0].second.kind, "local");
  EXPECT_EQ(result.path, "private-endpoint");
  const Finding* f = find(result, "SG_INGRESS_BLOCKS");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("2600:1f18:aaaa:bb03::7"), std::string::npos) << f->message;
  // Default ACL's IPv4-only rules deny IPv6 both ways.
  EXPECT_NE(find(result, "NACL_BLOCKS_OUTBOUND"), nullptr);
}

TEST(ServicePath, PrivateDnsOffButNameAlreadyPointsAtEnis) {
  Fixture fx;
  fx.endpoint().private_dns_enabled = false;
  auto result = analyze_service_path(fx.input({eni_answer("10.0.1.25")}));
  const Finding* f = find(result, "ENDPOINT_PRIVATE_DNS_DISABLED");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::warning);
  // Clients that use the endpoint-specific name do not need private DNS.
  ServicePathInput in = fx.input({eni_answer("10.0.1.25")});
  in.hostname = "vpce-0a1b2c3d4e5f67890-k4l5m6n7.bedrock-runtime.us-east-1.vpce.amazonaws.com";
  EXPECT_EQ(find(analyze_service_path(in), "ENDPOINT_PRIVATE_DNS_DISABLED"), nullptr);
}

TEST(ServicePath, NoAddressesMeansUnknownPath) {
  Fixture fx;
  auto result = analyze_service_path(fx.input({}));
  EXPECT_EQ(result.path, "unknown");
  EXPECT_TRUE(result.routes.empty());
}

TEST(ServicePath, UnparsableAddressIsUnknown) {
  Fixture fx;
  auto result = analyze_service_path(fx.input({answer("not-an-ip", "special")}));
  ASSERT_EQ(result.routes.size(), 1u);
  EXPECT_EQ(result.routes[0].second.kind, "unknown");
  EXPECT_EQ(result.path, "unknown");
}

TEST(AnalyzeVpc, DnsAttributesAndDhcpOptions) {
  Topology t;
  t.vpc = Vpc{kVpc, {"10.0.0.0/16"}, {}, "dopt-1", false};
  t.dns_attributes = {true, true};
  EXPECT_TRUE(analyze_vpc(t).empty());
  t.dns_attributes = {std::nullopt, std::nullopt};
  EXPECT_TRUE(analyze_vpc(t).empty());  // unknown is not "off"
  t.dns_attributes = {true, false};
  auto findings = analyze_vpc(t);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "VPC_DNS_ATTRIBUTES");
  EXPECT_EQ(findings[0].service, "");
  EXPECT_EQ(findings[0].message, std::string("enableDnsHostnames off on ") + kVpc +
                                     ": private DNS for interface endpoints needs both");
  t.dns_attributes = {false, false};
  EXPECT_NE(analyze_vpc(t)[0].message.find("enableDnsSupport and enableDnsHostnames"),
            std::string::npos);

  t.dns_attributes = {true, true};
  t.dhcp_options = DhcpOptions{"dopt-1", {"AmazonProvidedDNS"}, {"ec2.internal"}};
  EXPECT_TRUE(analyze_vpc(t).empty());
  t.dhcp_options->domain_name_servers = {"10.2.5.2", "10.2.5.1"};
  findings = analyze_vpc(t);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "DHCP_CUSTOM_DNS");
  EXPECT_EQ(findings[0].severity, Severity::info);
  EXPECT_EQ(findings[0].message, std::string("DHCP options dopt-1 of ") + kVpc +
                                     " use custom DNS servers 10.2.5.2, 10.2.5.1");
  t.dhcp_options->domain_name_servers = {"10.2.5.2", "amazonprovideddns"};
  EXPECT_NE(analyze_vpc(t)[0].message.find("alongside AmazonProvidedDNS"), std::string::npos);
}

}  // namespace
}  // namespace bedrock_reach
