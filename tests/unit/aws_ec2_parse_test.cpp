// EC2 XML parsers against the validated aws-samples (compared with botocore's parse of the same
// bytes) and against edge cases: empty sets, lower-case states, `interface` ENIs, errors with
// RequestID, paging tokens, hostile input.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "aws/ec2_parse.hpp"

namespace bedrock_reach {
namespace {

using nlohmann::json;

std::string read_sample(const std::string& name) {
  std::ifstream in(std::string(BR_SOURCE_DIR) + "/tests/unit/aws_samples/" + name,
                   std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

json botocore(const std::string& op) { return json::parse(read_sample(op + ".parsed.json")); }

std::string str(const json& j, const char* key) {
  auto found = j.find(key);
  return found != j.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::vector<std::string> strs(const json& list, const char* field = nullptr) {
  std::vector<std::string> out;
  for (const auto& item : list) out.push_back(field ? str(item, field) : item.get<std::string>());
  return out;
}

TEST(AwsEc2Parse, VpcEndpointsMatchBotocore) {
  auto page = parse_describe_vpc_endpoints(read_sample("DescribeVpcEndpoints.xml"));
  ASSERT_TRUE(page) << page.error().message;
  json expected = botocore("DescribeVpcEndpoints");
  ASSERT_EQ(page->items.size(), expected["VpcEndpoints"].size());
  EXPECT_EQ(page->next_token, str(expected, "NextToken"));
  EXPECT_EQ(page->request_id, "6a4c1f2e-8b3d-4e5f-9a0b-1c2d3e4f5a6b");
  for (std::size_t i = 0; i < page->items.size(); ++i) {
    const VpcEndpoint& e = page->items[i];
    const json& j = expected["VpcEndpoints"][i];
    EXPECT_EQ(e.id, str(j, "VpcEndpointId"));
    EXPECT_EQ(e.type, str(j, "VpcEndpointType"));
    EXPECT_EQ(e.vpc_id, str(j, "VpcId"));
    EXPECT_EQ(e.service_name, str(j, "ServiceName"));
    EXPECT_EQ(e.state, str(j, "State"));  // lower-case on the wire, kept as sent
    EXPECT_EQ(e.policy_document, str(j, "PolicyDocument"));
    EXPECT_EQ(e.private_dns_enabled, j["PrivateDnsEnabled"].get<bool>());
    EXPECT_EQ(e.ip_address_type, str(j, "IpAddressType"));
    EXPECT_EQ(e.dns_record_ip_type, str(j["DnsOptions"], "DnsRecordIpType"));
    EXPECT_EQ(e.owner_id, str(j, "OwnerId"));
    EXPECT_EQ(e.subnet_ids, strs(j["SubnetIds"]));
    EXPECT_EQ(e.group_ids, strs(j["Groups"], "GroupId"));
    EXPECT_EQ(e.network_interface_ids, strs(j["NetworkInterfaceIds"]));
    ASSERT_EQ(e.dns_entries.size(), j["DnsEntries"].size());
    for (std::size_t d = 0; d < e.dns_entries.size(); ++d) {
      EXPECT_EQ(e.dns_entries[d].dns_name, str(j["DnsEntries"][d], "DnsName"));
      EXPECT_EQ(e.dns_entries[d].hosted_zone_id, str(j["DnsEntries"][d], "HostedZoneId"));
    }
  }
  EXPECT_EQ(page->items[1].state, "pending");
}

TEST(AwsEc2Parse, NetworkInterfacesMatchBotocore) {
  auto page = parse_describe_network_interfaces(read_sample("DescribeNetworkInterfaces.xml"));
  ASSERT_TRUE(page) << page.error().message;
  json expected = botocore("DescribeNetworkInterfaces");
  ASSERT_EQ(page->items.size(), expected["NetworkInterfaces"].size());
  EXPECT_TRUE(page->next_token.empty());
  for (std::size_t i = 0; i < page->items.size(); ++i) {
    const NetworkInterface& n = page->items[i];
    const json& j = expected["NetworkInterfaces"][i];
    EXPECT_EQ(n.id, str(j, "NetworkInterfaceId"));
    EXPECT_EQ(n.subnet_id, str(j, "SubnetId"));
    EXPECT_EQ(n.vpc_id, str(j, "VpcId"));
    EXPECT_EQ(n.availability_zone, str(j, "AvailabilityZone"));
    EXPECT_EQ(n.interface_type, str(j, "InterfaceType"));
    EXPECT_EQ(n.status, str(j, "Status"));
    EXPECT_EQ(n.description, str(j, "Description"));
    EXPECT_EQ(n.private_ip, str(j, "PrivateIpAddress"));
    EXPECT_EQ(n.private_ips, strs(j["PrivateIpAddresses"], "PrivateIpAddress"));
    EXPECT_EQ(n.ipv6_addresses, strs(j["Ipv6Addresses"], "Ipv6Address"));
    EXPECT_EQ(n.group_ids, strs(j["Groups"], "GroupId"));
    EXPECT_EQ(n.requester_managed, j["RequesterManaged"].get<bool>());
  }
  // The older form: an endpoint ENI whose interfaceType is "interface".
  EXPECT_EQ(page->items[1].interface_type, "interface");
}

TEST(AwsEc2Parse, RouteTablesMatchBotocore) {
  auto page = parse_describe_route_tables(read_sample("DescribeRouteTables.xml"));
  ASSERT_TRUE(page) << page.error().message;
  json expected = botocore("DescribeRouteTables");
  ASSERT_EQ(page->items.size(), expected["RouteTables"].size());
  for (std::size_t i = 0; i < page->items.size(); ++i) {
    const RouteTable& t = page->items[i];
    const json& j = expected["RouteTables"][i];
    EXPECT_EQ(t.id, str(j, "RouteTableId"));
    EXPECT_EQ(t.vpc_id, str(j, "VpcId"));
    ASSERT_EQ(t.associations.size(), j["Associations"].size());
    for (std::size_t a = 0; a < t.associations.size(); ++a) {
      const json& ja = j["Associations"][a];
      EXPECT_EQ(t.associations[a].id, str(ja, "RouteTableAssociationId"));
      EXPECT_EQ(t.associations[a].subnet_id, str(ja, "SubnetId"));
      EXPECT_EQ(t.associations[a].main, ja["Main"].get<bool>());
    }
    ASSERT_EQ(t.routes.size(), j["Routes"].size());
    for (std::size_t r = 0; r < t.routes.size(); ++r) {
      const Route& route = t.routes[r];
      const json& jr = j["Routes"][r];
      EXPECT_EQ(route.destination_cidr, str(jr, "DestinationCidrBlock"));
      EXPECT_EQ(route.destination_ipv6_cidr, str(jr, "DestinationIpv6CidrBlock"));
      EXPECT_EQ(route.destination_prefix_list_id, str(jr, "DestinationPrefixListId"));
      EXPECT_EQ(route.gateway_id, str(jr, "GatewayId"));
      EXPECT_EQ(route.nat_gateway_id, str(jr, "NatGatewayId"));
      EXPECT_EQ(route.transit_gateway_id, str(jr, "TransitGatewayId"));
      EXPECT_EQ(route.vpc_peering_connection_id, str(jr, "VpcPeeringConnectionId"));
      EXPECT_EQ(route.network_interface_id, str(jr, "NetworkInterfaceId"));
      EXPECT_EQ(route.instance_id, str(jr, "InstanceId"));
      EXPECT_EQ(route.state, str(jr, "State"));
      EXPECT_EQ(route.origin, str(jr, "Origin"));
    }
  }
  EXPECT_EQ(page->items[1].routes[1].state, "blackhole");
}

void expect_permissions(const std::vector<IpPermission>& got, const json& expected) {
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    const json& j = expected[i];
    EXPECT_EQ(got[i].protocol, str(j, "IpProtocol"));
    if (j.contains("FromPort")) {
      EXPECT_EQ(got[i].from_port, j["FromPort"].get<int>());
      EXPECT_EQ(got[i].to_port, j["ToPort"].get<int>());
    } else {
      EXPECT_FALSE(got[i].from_port.has_value());  // "-1" carries no ports
      EXPECT_FALSE(got[i].to_port.has_value());
    }
    EXPECT_EQ(got[i].ipv4_ranges, strs(j["IpRanges"], "CidrIp"));
    EXPECT_EQ(got[i].ipv6_ranges, strs(j["Ipv6Ranges"], "CidrIpv6"));
    EXPECT_EQ(got[i].prefix_list_ids, strs(j["PrefixListIds"], "PrefixListId"));
    ASSERT_EQ(got[i].groups.size(), j["UserIdGroupPairs"].size());
    for (std::size_t g = 0; g < got[i].groups.size(); ++g) {
      EXPECT_EQ(got[i].groups[g].group_id, str(j["UserIdGroupPairs"][g], "GroupId"));
      EXPECT_EQ(got[i].groups[g].user_id, str(j["UserIdGroupPairs"][g], "UserId"));
    }
  }
}

TEST(AwsEc2Parse, SecurityGroupsMatchBotocore) {
  auto page = parse_describe_security_groups(read_sample("DescribeSecurityGroups.xml"));
  ASSERT_TRUE(page) << page.error().message;
  json expected = botocore("DescribeSecurityGroups");
  ASSERT_EQ(page->items.size(), expected["SecurityGroups"].size());
  for (std::size_t i = 0; i < page->items.size(); ++i) {
    const SecurityGroup& g = page->items[i];
    const json& j = expected["SecurityGroups"][i];
    EXPECT_EQ(g.id, str(j, "GroupId"));
    EXPECT_EQ(g.name, str(j, "GroupName"));
    EXPECT_EQ(g.vpc_id, str(j, "VpcId"));
    EXPECT_EQ(g.owner_id, str(j, "OwnerId"));
    expect_permissions(g.ingress, j["IpPermissions"]);
    expect_permissions(g.egress, j["IpPermissionsEgress"]);
  }
}

TEST(AwsEc2Parse, NetworkAclsMatchBotocore) {
  auto page = parse_describe_network_acls(read_sample("DescribeNetworkAcls.xml"));
  ASSERT_TRUE(page) << page.error().message;
  json expected = botocore("DescribeNetworkAcls");
  ASSERT_EQ(page->items.size(), expected["NetworkAcls"].size());
  const NetworkAcl& acl = page->items[0];
  const json& j = expected["NetworkAcls"][0];
  EXPECT_EQ(acl.id, str(j, "NetworkAclId"));
  EXPECT_EQ(acl.vpc_id, str(j, "VpcId"));
  EXPECT_EQ(acl.is_default, j["IsDefault"].get<bool>());
  EXPECT_EQ(acl.subnet_ids, strs(j["Associations"], "SubnetId"));
  ASSERT_EQ(acl.entries.size(), j["Entries"].size());
  for (std::size_t i = 0; i < acl.entries.size(); ++i) {
    const NaclEntry& e = acl.entries[i];
    const json& je = j["Entries"][i];
    EXPECT_EQ(e.rule_number, je["RuleNumber"].get<int>());
    EXPECT_EQ(e.protocol, str(je, "Protocol"));
    EXPECT_EQ(e.rule_action, str(je, "RuleAction"));
    EXPECT_EQ(e.egress, je["Egress"].get<bool>());
    EXPECT_EQ(e.cidr, str(je, "CidrBlock"));
    EXPECT_EQ(e.ipv6_cidr, str(je, "Ipv6CidrBlock"));
    if (je.contains("PortRange")) {
      EXPECT_EQ(e.port_from, je["PortRange"]["From"].get<int>());
      EXPECT_EQ(e.port_to, je["PortRange"]["To"].get<int>());
    } else {
      EXPECT_FALSE(e.port_from.has_value());
    }
  }
}

TEST(AwsEc2Parse, SubnetsMatchBotocore) {
  auto page = parse_describe_subnets(read_sample("DescribeSubnets.xml"));
  ASSERT_TRUE(page) << page.error().message;
  json expected = botocore("DescribeSubnets");
  ASSERT_EQ(page->items.size(), expected["Subnets"].size());
  const Subnet& s = page->items[0];
  const json& j = expected["Subnets"][0];
  EXPECT_EQ(s.id, str(j, "SubnetId"));
  EXPECT_EQ(s.vpc_id, str(j, "VpcId"));
  EXPECT_EQ(s.cidr, str(j, "CidrBlock"));
  EXPECT_EQ(s.availability_zone, str(j, "AvailabilityZone"));
  EXPECT_EQ(s.availability_zone_id, str(j, "AvailabilityZoneId"));
  EXPECT_TRUE(s.ipv6_cidrs.empty());  // <ipv6CidrBlockAssociationSet/>
}

TEST(AwsEc2Parse, VpcAttributeMatchesBotocore) {
  auto attrs = parse_describe_vpc_attribute(read_sample("DescribeVpcAttribute.xml"));
  ASSERT_TRUE(attrs) << attrs.error().message;
  json expected = botocore("DescribeVpcAttribute");
  EXPECT_EQ(attrs->enable_dns_support, expected["EnableDnsSupport"]["Value"].get<bool>());
  EXPECT_FALSE(attrs->enable_dns_hostnames.has_value());  // one attribute per answer
}

TEST(AwsEc2Parse, ErrorMatchesBotocore) {
  auto error = parse_ec2_error(read_sample("Error-UnauthorizedOperation.xml"));
  ASSERT_TRUE(error) << error.error().message;
  json expected = botocore("Error-UnauthorizedOperation");
  EXPECT_EQ(error->code, str(expected["Error"], "Code"));
  EXPECT_EQ(error->message, str(expected["Error"], "Message"));
  EXPECT_EQ(error->request_id, str(expected["ResponseMetadata"], "RequestId"));
}

TEST(AwsEc2Parse, VpcsKeepPrimaryFirstAndOnlyAssociatedCidrs) {
  auto page = parse_describe_vpcs(read_sample("DescribeVpcs.xml"));
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  const Vpc& v = page->items[0];
  EXPECT_EQ(v.id, "vpc-0123456789abcdef0");
  EXPECT_EQ(v.ipv4_cidrs, (std::vector<std::string>{"10.0.0.0/16", "100.64.0.0/16"}));
  EXPECT_EQ(v.ipv6_cidrs, (std::vector<std::string>{"2600:1f18:1234:5600::/56"}));
  EXPECT_EQ(v.dhcp_options_id, "dopt-0a1b2c3d4e5f60718");
  EXPECT_FALSE(v.is_default);
}

TEST(AwsEc2Parse, DhcpOptionsSplitServersAndDomain) {
  auto page = parse_describe_dhcp_options(read_sample("DescribeDhcpOptions.xml"));
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, "dopt-0a1b2c3d4e5f60718");
  EXPECT_EQ(page->items[0].domain_name_servers, (std::vector<std::string>{"10.2.5.2", "10.2.5.1"}));
  EXPECT_EQ(page->items[0].domain_name, (std::vector<std::string>{"ec2.internal"}));
}

// ---- Edge cases ----

constexpr const char* kNs = R"( xmlns="http://ec2.amazonaws.com/doc/2016-11-15/")";

std::string wrap(const std::string& op, const std::string& inner) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + op + "Response" + kNs +
         "><requestId>r-1</requestId>" + inner + "</" + op + "Response>";
}

TEST(AwsEc2Parse, EmptySetsGiveEmptyPages) {
  auto endpoints = parse_describe_vpc_endpoints(wrap("DescribeVpcEndpoints", "<vpcEndpointSet/>"));
  ASSERT_TRUE(endpoints);
  EXPECT_TRUE(endpoints->items.empty());
  EXPECT_TRUE(endpoints->next_token.empty());
  EXPECT_EQ(endpoints->request_id, "r-1");
  auto enis = parse_describe_network_interfaces(wrap("DescribeNetworkInterfaces", ""));
  ASSERT_TRUE(enis);
  EXPECT_TRUE(enis->items.empty());
  auto groups =
      parse_describe_security_groups(wrap("DescribeSecurityGroups", "<securityGroupInfo/>"));
  ASSERT_TRUE(groups);
  EXPECT_TRUE(groups->items.empty());
}

TEST(AwsEc2Parse, EndpointWithEmptyListsAndCamelCaseState) {
  auto page = parse_describe_vpc_endpoints(wrap(
      "DescribeVpcEndpoints",
      "<vpcEndpointSet><item><vpcEndpointId>vpce-1</vpcEndpointId><state>pendingAcceptance</state>"
      "<subnetIdSet/><groupSet/><networkInterfaceIdSet/><dnsEntrySet/>"
      "<privateDnsEnabled>false</privateDnsEnabled></item></vpcEndpointSet>"
      "<nextToken>tok==</nextToken>"));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].state, "pendingAcceptance");
  EXPECT_TRUE(page->items[0].subnet_ids.empty());
  EXPECT_TRUE(page->items[0].network_interface_ids.empty());
  EXPECT_FALSE(page->items[0].private_dns_enabled);
  EXPECT_EQ(page->next_token, "tok==");
}

TEST(AwsEc2Parse, NamespacePrefixesAndUnknownElementsAreIgnored) {
  auto page = parse_describe_subnets(
      "<ec2:DescribeSubnetsResponse xmlns:ec2=\"x\"><ec2:subnetSet><ec2:item>"
      "<ec2:subnetId>subnet-1</ec2:subnetId><ec2:somethingNew><a/></ec2:somethingNew>"
      "</ec2:item></ec2:subnetSet></ec2:DescribeSubnetsResponse>");
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, "subnet-1");
}

TEST(AwsEc2Parse, DisassociatedRouteTableAssociationsAreDropped) {
  auto page = parse_describe_route_tables(wrap(
      "DescribeRouteTables",
      "<routeTableSet><item><routeTableId>rtb-1</routeTableId><associationSet>"
      "<item><routeTableAssociationId>a-1</routeTableAssociationId><subnetId>subnet-1</subnetId>"
      "<main>false</main><associationState><state>disassociated</state></associationState></item>"
      "<item><routeTableAssociationId>a-2</routeTableAssociationId><main>true</main></item>"
      "</associationSet><routeSet/></item></routeTableSet>"));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items[0].associations.size(), 1u);
  EXPECT_TRUE(page->items[0].associations[0].main);
}

TEST(AwsEc2Parse, ErrorDocumentWhereAnAnswerWasExpected) {
  auto page = parse_describe_vpc_endpoints(read_sample("Error-UnauthorizedOperation.xml"));
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorKind::protocol);
  EXPECT_NE(page.error().message.find("UnauthorizedOperation"), std::string::npos);
}

TEST(AwsEc2Parse, ErrorWithRequestIdAndThrottling) {
  auto error = parse_ec2_error(
      "<?xml version='1.0' encoding='UTF-8'?>\n<Response><Errors><Error><Code>RequestLimitExceeded"
      "</Code><Message>Request limit exceeded.</Message></Error></Errors>"
      "<RequestID>53deb9bb-1</RequestID></Response>");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, "RequestLimitExceeded");
  EXPECT_EQ(error->request_id, "53deb9bb-1");
}

TEST(AwsEc2Parse, RejectsWrongRootGarbageAndOversize) {
  EXPECT_FALSE(parse_describe_vpcs(wrap("DescribeSubnets", "<subnetSet/>")));
  auto garbage = parse_describe_vpcs("<html><body>\x17 upstream connect error");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().kind, ErrorKind::parse);
  EXPECT_FALSE(parse_describe_vpcs(""));
  EXPECT_FALSE(parse_ec2_error("<html/>"));
  EXPECT_FALSE(parse_ec2_error("<Response><Errors/></Response>"));
  std::string huge = wrap("DescribeVpcs", "<!--" + std::string(kMaxEc2XmlBytes, 'x') + "-->");
  auto big = parse_describe_vpcs(huge);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().kind, ErrorKind::too_large);
}

TEST(AwsEc2Parse, CapsItemCounts) {
  std::string items;
  for (std::size_t i = 0; i <= kMaxEc2Items; ++i) items += "<item><subnetId>s</subnetId></item>";
  auto page =
      parse_describe_subnets(wrap("DescribeSubnets", "<subnetSet>" + items + "</subnetSet>"));
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, ErrorKind::too_large);
}

TEST(AwsEc2Parse, MalformedNumbersBecomeAbsent) {
  auto page = parse_describe_security_groups(
      wrap("DescribeSecurityGroups",
           "<securityGroupInfo><item><groupId>sg-1</groupId><ipPermissions><item>"
           "<ipProtocol>tcp</ipProtocol><fromPort>44x</fromPort><toPort>99999999999999</toPort>"
           "</item></ipPermissions></item></securityGroupInfo>"));
  ASSERT_TRUE(page);
  EXPECT_FALSE(page->items[0].ingress[0].from_port.has_value());
  EXPECT_FALSE(page->items[0].ingress[0].to_port.has_value());
}

// Every prefix of every sample: the parsers must neither crash nor accept half a document with
// a different meaning (a cheap stand-in for the fuzzers, replayed on every run).
TEST(AwsEc2Parse, DescribeManagedPrefixListsMatchesBotocore) {
  // Sample parsed by botocore's EC2 parser into DescribeManagedPrefixLists.parsed.json
  // (botocore/data/ec2/2016-11-15/service-2.json ManagedPrefixList).
  auto page = parse_describe_managed_prefix_lists(read_sample("DescribeManagedPrefixLists.xml"));
  ASSERT_TRUE(page) << page.error().message;
  json want = botocore("DescribeManagedPrefixLists");
  ASSERT_EQ(page->items.size(), want["PrefixLists"].size());
  EXPECT_EQ(page->next_token, want["NextToken"].get<std::string>());
  for (std::size_t i = 0; i < page->items.size(); ++i) {
    const auto& got = page->items[i];
    const auto& w = want["PrefixLists"][i];
    EXPECT_EQ(got.id, w["PrefixListId"].get<std::string>());
    EXPECT_EQ(got.name, w["PrefixListName"].get<std::string>());
    EXPECT_EQ(got.owner_id, w["OwnerId"].get<std::string>());
    EXPECT_EQ(got.state, w["State"].get<std::string>());
    EXPECT_TRUE(got.described);
    EXPECT_FALSE(got.entries_read);
  }
  EXPECT_FALSE(page->items[0].aws_managed());
  EXPECT_TRUE(page->items[1].aws_managed());  // ownerId "AWS"
}

TEST(AwsEc2Parse, TruncatedSamplesNeverCrash) {
  for (const char* name :
       {"DescribeVpcEndpoints.xml", "DescribeNetworkInterfaces.xml", "DescribeRouteTables.xml",
        "DescribeSecurityGroups.xml", "DescribeNetworkAcls.xml", "DescribeSubnets.xml",
        "DescribeVpcAttribute.xml", "DescribeVpcs.xml", "DescribeDhcpOptions.xml",
        "DescribeManagedPrefixLists.xml", "Error-UnauthorizedOperation.xml"}) {
    std::string xml = read_sample(name);
    ASSERT_FALSE(xml.empty()) << name;
    for (std::size_t n = 0; n < xml.size(); n += 7) {
      std::string_view part(xml.data(), n);
      (void)parse_describe_vpc_endpoints(part);
      (void)parse_describe_network_interfaces(part);
      (void)parse_describe_route_tables(part);
      (void)parse_describe_security_groups(part);
      (void)parse_describe_network_acls(part);
      (void)parse_describe_subnets(part);
      (void)parse_describe_vpcs(part);
      (void)parse_describe_dhcp_options(part);
      (void)parse_describe_vpc_attribute(part);
      (void)parse_describe_managed_prefix_lists(part);
      (void)parse_ec2_error(part);
    }
  }
}

}  // namespace
}  // namespace bedrock_reach
