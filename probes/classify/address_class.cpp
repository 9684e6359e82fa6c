#include "classify/address_class.hpp"

#include <algorithm>

namespace bedrock_reach {

std::string classify_address(const IpAddress& address, const ClassifyInput& input) {
  // v4-mapped v6 answers are special in their own right: no Bedrock endpoint publishes them.
  if (is_special_use(special_range(address))) return kClassSpecial;
  bool is_eni = std::any_of(input.endpoint_eni_ips.begin(), input.endpoint_eni_ips.end(),
                            [&](const std::string& eni) {
                              auto parsed = IpAddress::parse(eni);
                              return parsed && *parsed == address;
                            });
  if (is_eni) return kClassEndpointEni;
  // VPC CIDRs first: a VPC may use non-RFC 1918 space, and that is still inside the VPC.
  bool in_vpc = std::any_of(input.vpc_cidrs.begin(), input.vpc_cidrs.end(),
                            [&](const IpPrefix& cidr) { return cidr.contains(address); });
  if (in_vpc) return kClassVpcPrivate;
  if (is_private_range(special_range(address))) return kClassPrivateOutsideVpc;
  return kClassPublic;
}

std::string classify_address_text(const std::string& address, const ClassifyInput& input) {
  auto parsed = IpAddress::parse(address);
  if (!parsed) return kClassSpecial;
  return classify_address(*parsed, input);
}

std::vector<IpPrefix> parse_cidrs(const std::vector<std::string>& cidrs) {
  std::vector<IpPrefix> prefixes;
  for (const auto& text : cidrs) {
    if (auto prefix = IpPrefix::parse(text, true)) prefixes.push_back(*prefix);
  }
  return prefixes;
}

}  // namespace bedrock_reach
