#pragma once
// What the instance and its VPC look like: plain structs filled from instance metadata and the
// EC2 Query API, consumed by the pure rule engines (classification, path, policy).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bedrock_reach {

// ---- Instance metadata (IMDSv2) ----
struct MacInfo {
  std::string mac;
  int device_number = 0;
  std::string vpc_id;
  std::string subnet_id;
  std::vector<std::string> vpc_ipv4_cidrs;  // primary first
  std::vector<std::string> vpc_ipv6_cidrs;
  std::string subnet_ipv4_cidr;
  std::vector<std::string> subnet_ipv6_cidrs;
  std::vector<std::string> local_ipv4s;
  std::vector<std::string> ipv6s;
  std::vector<std::string> security_group_ids;
};

struct InstanceIdentity {
  std::string instance_id;
  std::string region;
  std::string az;
  std::string az_id;
  std::string partition;  // aws, aws-cn, aws-us-gov...
  std::string domain;     // amazonaws.com ...
  std::string account_id;
  std::string iam_role;  // empty when no instance profile
  std::string instance_profile_arn;
  std::vector<MacInfo> macs;  // primary interface first (device-number 0)
  const MacInfo* primary() const { return macs.empty() ? nullptr : &macs.front(); }
};

// ---- EC2 API ----
struct DnsEntry {
  std::string dns_name;
  std::string hosted_zone_id;
};

struct VpcEndpoint {
  std::string id;
  std::string type;  // Interface|Gateway|GatewayLoadBalancer (as AWS writes it)
  std::string vpc_id;
  std::string service_name;  // com.amazonaws.us-east-1.bedrock-runtime
  std::string state;         // available|pending|pendingAcceptance|... (case varies: compare ci)
  std::string policy_document;
  bool private_dns_enabled = false;
  std::string ip_address_type;     // ipv4|dualstack|ipv6
  std::string dns_record_ip_type;  // ipv4|dualstack|ipv6|service-defined
  std::vector<std::string> subnet_ids;
  std::vector<std::string> group_ids;
  std::vector<std::string> network_interface_ids;
  std::vector<DnsEntry> dns_entries;
  std::string owner_id;
};

struct NetworkInterface {
  std::string id;
  std::string subnet_id;
  std::string vpc_id;
  std::string availability_zone;
  std::string interface_type;  // vpc_endpoint, interface (older form), ...
  std::string status;
  std::string description;
  std::string private_ip;
  std::vector<std::string> private_ips;
  std::vector<std::string> ipv6_addresses;
  std::vector<std::string> group_ids;
  bool requester_managed = false;
};

struct Route {
  std::string destination_cidr;       // v4
  std::string destination_ipv6_cidr;  // v6
  std::string destination_prefix_list_id;
  std::string gateway_id;  // local, igw-, vgw-, vpce- (gateway endpoint)
  std::string nat_gateway_id;
  std::string transit_gateway_id;
  std::string vpc_peering_connection_id;
  std::string network_interface_id;
  std::string instance_id;
  std::string egress_only_internet_gateway_id;
  std::string local_gateway_id;
  std::string carrier_gateway_id;
  std::string core_network_arn;
  std::string state;  // active|blackhole
  std::string origin;
};

struct RouteTableAssociation {
  std::string id;
  std::string subnet_id;
  std::string gateway_id;
  bool main = false;
};

struct RouteTable {
  std::string id;
  std::string vpc_id;
  std::vector<RouteTableAssociation> associations;
  std::vector<Route> routes;
};

struct UserIdGroupPair {
  std::string group_id;
  std::string user_id;
  std::string vpc_id;
};

struct IpPermission {
  std::string protocol;  // "-1", "tcp", "udp", "icmp", or a number
  std::optional<int> from_port;
  std::optional<int> to_port;
  std::vector<std::string> ipv4_ranges;
  std::vector<std::string> ipv6_ranges;
  std::vector<std::string> prefix_list_ids;
  std::vector<UserIdGroupPair> groups;
};

struct SecurityGroup {
  std::string id;
  std::string name;
  std::string vpc_id;
  std::string owner_id;
  std::vector<IpPermission> ingress;
  std::vector<IpPermission> egress;
};

struct NaclEntry {
  int rule_number = 0;
  std::string protocol;     // "-1", "6", ...
  std::string rule_action;  // allow|deny
  bool egress = false;
  std::string cidr;
  std::string ipv6_cidr;
  std::optional<int> port_from;
  std::optional<int> port_to;
};

struct NetworkAcl {
  std::string id;
  std::string vpc_id;
  bool is_default = false;
  std::vector<NaclEntry> entries;
  std::vector<std::string> subnet_ids;  // associations
};

struct Subnet {
  std::string id;
  std::string vpc_id;
  std::string cidr;
  std::vector<std::string> ipv6_cidrs;
  std::string availability_zone;
  std::string availability_zone_id;
};

struct Vpc {
  std::string id;
  std::vector<std::string> ipv4_cidrs;  // primary first, associated only
  std::vector<std::string> ipv6_cidrs;
  std::string dhcp_options_id;
  bool is_default = false;
  // The owning account: another account than the instance's means a shared VPC, whose owner's
  // interface endpoints the participant cannot describe (VPC user guide, "Share your VPC").
  std::string owner_id;
};

struct VpcDnsAttributes {
  std::optional<bool> enable_dns_support;
  std::optional<bool> enable_dns_hostnames;
};

struct DhcpOptions {
  std::string id;
  std::vector<std::string> domain_name_servers;  // "AmazonProvidedDNS" or addresses
  std::vector<std::string> domain_name;
};

/// A managed prefix list that routes and SG rules name: its entries (GetManagedPrefixListEntries)
/// and what DescribeManagedPrefixLists says of it (botocore ec2 service-2.json ManagedPrefixList).
struct ManagedPrefixList {
  std::string id;  // pl-...
  std::vector<std::string> cidrs;
  bool entries_read = false;  // cidrs is the list's content (GetManagedPrefixListEntries answered)
  bool described = false;     // DescribeManagedPrefixLists answered for it
  std::string name;           // prefixListName, e.g. com.amazonaws.us-east-1.s3
  std::string owner_id;       // ownerId: "AWS" for AWS-managed lists, else an account ID
  std::string state;          // create-complete, modify-in-progress, ...
  /// AWS-managed lists (the service lists, com.amazonaws.REGION.SERVICE) are owned by "AWS".
  bool aws_managed() const { return owner_id == "AWS"; }
};

/// Everything discovery learned; absent parts stay empty and `gaps` says why.
struct Topology {
  std::optional<Vpc> vpc;
  VpcDnsAttributes dns_attributes;
  std::optional<DhcpOptions> dhcp_options;
  std::vector<VpcEndpoint> endpoints;
  std::vector<NetworkInterface> network_interfaces;
  std::optional<RouteTable> instance_route_table;
  std::vector<RouteTable> route_tables;
  std::vector<SecurityGroup> security_groups;
  std::vector<NetworkAcl> network_acls;
  std::vector<Subnet> subnets;
  std::vector<ManagedPrefixList> prefix_lists;  // those the route tables and SG rules name
  std::vector<std::string> denied_actions;      // e.g. ec2:DescribeNetworkAcls
  std::vector<std::string> gaps;            // reads that failed, one line each: "ec2:Action: why"
  std::vector<std::string> read_actions;    // "DescribeVpcEndpoints": every read of it answered
  std::vector<std::string> unread_actions;  // a read of it failed or was cut by the deadline
  bool api_reachable = false;

  /// Whether `action`'s list is complete, so that an empty list means "none" and not "unknown".
  /// Reads never issued (the deadline came first) count as incomplete.
  bool read_complete(std::string_view action) const {
    auto has = [action](const std::vector<std::string>& list) {
      for (const auto& item : list) {
        if (item == action) return true;
      }
      return false;
    };
    return has(read_actions) && !has(unread_actions);
  }
};

}  // namespace bedrock_reach
