// Every EC2 Query API reply parser, and the error parser, on the same hostile bytes.
#include <cstdint>
#include <string_view>

#include "aws/ec2_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bedrock_reach;
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  (void)parse_describe_vpc_endpoints(xml);
  (void)parse_describe_network_interfaces(xml);
  (void)parse_describe_route_tables(xml);
  (void)parse_describe_security_groups(xml);
  (void)parse_describe_network_acls(xml);
  (void)parse_describe_subnets(xml);
  (void)parse_describe_vpcs(xml);
  (void)parse_describe_dhcp_options(xml);
  (void)parse_describe_vpc_attribute(xml);
  (void)parse_get_managed_prefix_list_entries(xml);
  (void)parse_describe_managed_prefix_lists(xml);
  (void)parse_ec2_error(xml);
  return 0;
}
