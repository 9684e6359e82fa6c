#pragma once
// Pure parsers for EC2 Query API (2016-11-15) XML: bytes in, plain topology structs out. They
// never throw, cap sizes and item counts, compare element names without namespace prefixes and
// ignore unknown elements (as botocore does). Ready for fuzzing.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/result.hpp"
#include "bedrock_reach/topology.hpp"

namespace bedrock_reach {

inline constexpr std::size_t kMaxEc2XmlBytes = 8u << 20;  // larger documents are refused
inline constexpr std::size_t kMaxEc2Items = 10000;        // per list, per document

/// One page of a Describe* answer.
template <typename T>
struct Ec2Page {
  std::vector<T> items;
  std::string next_token;  // empty on the last page
  std::string request_id;
};

/// The error document: <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/>.
struct Ec2ApiError {
  std::string code;
  std::string message;  // capped; never contains credentials (AWS does not echo them)
  std::string request_id;
};

Result<Ec2Page<VpcEndpoint>> parse_describe_vpc_endpoints(std::string_view xml);
Result<Ec2Page<NetworkInterface>> parse_describe_network_interfaces(std::string_view xml);
Result<Ec2Page<RouteTable>> parse_describe_route_tables(std::string_view xml);
Result<Ec2Page<SecurityGroup>> parse_describe_security_groups(std::string_view xml);
Result<Ec2Page<NetworkAcl>> parse_describe_network_acls(std::string_view xml);
Result<Ec2Page<Subnet>> parse_describe_subnets(std::string_view xml);
Result<Ec2Page<Vpc>> parse_describe_vpcs(std::string_view xml);
Result<Ec2Page<DhcpOptions>> parse_describe_dhcp_options(std::string_view xml);
/// GetManagedPrefixListEntries: the entries' CIDRs (entrySet/item/cidr), paged by nextToken.
Result<Ec2Page<std::string>> parse_get_managed_prefix_list_entries(std::string_view xml);
/// DescribeManagedPrefixLists: prefixListSet/item (prefixListId, prefixListName, ownerId, state),
/// paged by nextToken; cidrs stay empty (entries_read false), described true.
Result<Ec2Page<ManagedPrefixList>> parse_describe_managed_prefix_lists(std::string_view xml);
/// Fills only the attribute present in the answer (one per call).
Result<VpcDnsAttributes> parse_describe_vpc_attribute(std::string_view xml);
/// Fails with ErrorKind::parse unless `xml` is an EC2 error document.
Result<Ec2ApiError> parse_ec2_error(std::string_view xml);

}  // namespace bedrock_reach
