#pragma once
// A healthy VPC modelled on the AWS samples (aws-reference.md §4.5), shared by the path and the
// verdict tests: VPC 10.0.0.0/16, the bedrock-runtime endpoint's ENIs 10.0.1.25 (1a) and
// 10.0.2.61 (1b), the instance 10.0.3.7 in 1a behind a route table with a NAT default route.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "bedrock_reach/topology.hpp"

namespace bedrock_reach::test {

inline const char* const kVpc = "vpc-0123456789abcdef0";
inline const char* const kSubnetA = "subnet-0aaa1111bbbb2222c";  // 10.0.1.0/24 us-east-1a
inline const char* const kSubnetB = "subnet-0ddd3333eeee4444f";  // 10.0.2.0/24 us-east-1b
inline const char* const kSubnetC =
    "subnet-0ccc5555ffff6666a";  // 10.0.3.0/24 us-east-1a (instance)
inline const char* const kEndpointSg = "sg-0be4d12345678abcd";
inline const char* const kAppSg = "sg-0a990000000000001";
inline const char* const kService = "com.amazonaws.us-east-1.bedrock-runtime";

inline IpPermission tcp443(std::vector<std::string> v4, std::vector<std::string> groups = {}) {
  IpPermission p;
  p.protocol = "tcp";
  p.from_port = 443;
  p.to_port = 443;
  p.ipv4_ranges = std::move(v4);
  for (auto& g : groups) p.groups.push_back({g, "", ""});
  return p;
}

inline IpPermission all_traffic() {
  IpPermission p;
  p.protocol = "-1";
  p.ipv4_ranges = {"0.0.0.0/0"};
  p.ipv6_ranges = {"::/0"};
  return p;
}

inline NaclEntry nacl_entry(int rule, bool egress, std::string protocol, std::string action,
                            std::string cidr, std::optional<int> from = {},
                            std::optional<int> to = {}) {
  NaclEntry e;
  e.rule_number = rule;
  e.egress = egress;
  e.protocol = std::move(protocol);
  e.rule_action = std::move(action);
  e.cidr = std::move(cidr);
  e.port_from = from;
  e.port_to = to;
  return e;
}

struct VpcFixture {
  InstanceIdentity instance;
  Topology topology;

  VpcFixture() {
    instance.instance_id = "i-0123456789abcdef0";
    instance.region = "us-east-1";
    instance.az = "us-east-1a";
    instance.account_id = "123456789012";
    MacInfo mac;
    mac.vpc_id = kVpc;
    mac.subnet_id = kSubnetC;
    mac.vpc_ipv4_cidrs = {"10.0.0.0/16"};
    mac.subnet_ipv4_cidr = "10.0.3.0/24";
    mac.local_ipv4s = {"10.0.3.7"};
    mac.security_group_ids = {kAppSg};
    instance.macs.push_back(mac);

    topology.api_reachable = true;
    topology.read_actions = {"DescribeVpcs",           "DescribeVpcAttribute",
                             "DescribeVpcEndpoints",   "DescribeNetworkInterfaces",
                             "DescribeSubnets",        "DescribeRouteTables",
                             "DescribeSecurityGroups", "DescribeNetworkAcls",
                             "DescribeDhcpOptions"};
    topology.vpc = Vpc{kVpc, {"10.0.0.0/16"}, {}, "dopt-1", false};
    topology.dns_attributes = {true, true};
    topology.subnets = {{kSubnetA, kVpc, "10.0.1.0/24", {}, "us-east-1a", "use1-az4"},
                        {kSubnetB, kVpc, "10.0.2.0/24", {}, "us-east-1b", "use1-az6"},
                        {kSubnetC, kVpc, "10.0.3.0/24", {}, "us-east-1a", "use1-az4"}};
    VpcEndpoint endpoint;
    endpoint.id = "vpce-0a1b2c3d4e5f67890";
    endpoint.type = "Interface";
    endpoint.vpc_id = kVpc;
    endpoint.service_name = kService;
    endpoint.state = "available";
    endpoint.private_dns_enabled = true;
    endpoint.subnet_ids = {kSubnetA, kSubnetB};
    endpoint.group_ids = {kEndpointSg};
    endpoint.network_interface_ids = {"eni-0a11aa11aa11aa11a", "eni-0b22bb22bb22bb22b"};
    topology.endpoints.push_back(endpoint);
    topology.network_interfaces.push_back(
        eni("eni-0a11aa11aa11aa11a", kSubnetA, "us-east-1a", "10.0.1.25"));
    topology.network_interfaces.push_back(
        eni("eni-0b22bb22bb22bb22b", kSubnetB, "us-east-1b", "10.0.2.61"));

    RouteTable table;
    table.id = "rtb-0b2b0000000000002";
    table.vpc_id = kVpc;
    table.associations.push_back({"rtbassoc-1", kSubnetC, "", false});
    Route local;
    local.destination_cidr = "10.0.0.0/16";
    local.gateway_id = "local";
    local.state = "active";
    Route nat;
    nat.destination_cidr = "0.0.0.0/0";
    nat.nat_gateway_id = "nat-0abc";
    nat.state = "active";
    table.routes = {local, nat};
    topology.route_tables.push_back(table);

    SecurityGroup endpoint_sg;
    endpoint_sg.id = kEndpointSg;
    endpoint_sg.ingress.push_back(tcp443({"10.0.0.0/16"}, {kAppSg}));
    endpoint_sg.egress.push_back(all_traffic());
    SecurityGroup app;
    app.id = kAppSg;
    app.egress.push_back(all_traffic());
    topology.security_groups = {endpoint_sg, app};

    NetworkAcl acl;
    acl.id = "acl-default";
    acl.vpc_id = kVpc;
    acl.is_default = true;
    acl.entries = {nacl_entry(100, true, "-1", "allow", "0.0.0.0/0"),
                   nacl_entry(100, false, "-1", "allow", "0.0.0.0/0")};
    topology.network_acls.push_back(acl);
  }

  static NetworkInterface eni(std::string id, std::string subnet, std::string az,
                              std::string address) {
    NetworkInterface n;
    n.id = std::move(id);
    n.subnet_id = std::move(subnet);
    n.vpc_id = kVpc;
    n.availability_zone = std::move(az);
    n.interface_type = "vpc_endpoint";
    n.private_ip = address;
    n.private_ips = {address};
    n.group_ids = {kEndpointSg};
    n.requester_managed = true;
    return n;
  }

  VpcEndpoint& endpoint() { return topology.endpoints.front(); }
  RouteTable& table() { return topology.route_tables.front(); }
  SecurityGroup& group(const std::string& id) {
    return *std::find_if(topology.security_groups.begin(), topology.security_groups.end(),
                         [&](const SecurityGroup& g) { return g.id == id; });
  }
};

}  // namespace bedrock_reach::test
