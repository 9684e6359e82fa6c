#pragma once
// Address classification: the ONE place that decides endpoint-eni vs vpc-private vs the rest.
// Pure and table-tested; the report's `class` field and DNS_NOT_ENDPOINT both rest on it.
#include <string>
#include <vector>

#include "bedrock_reach/ip.hpp"

namespace bedrock_reach {

struct ClassifyInput {
  std::vector<IpPrefix> vpc_cidrs;  // every associated CIDR, v4 and v6, primary and secondary
  std::vector<std::string> endpoint_eni_ips;  // this service's endpoint ENIs; empty when unknown
  bool topology_known = false;                // true when the endpoint list is API evidence
};

inline constexpr const char* kClassEndpointEni = "endpoint-eni";
inline constexpr const char* kClassVpcPrivate = "vpc-private";
inline constexpr const char* kClassPrivateOutsideVpc = "private-outside-vpc";
inline constexpr const char* kClassPublic = "public";
inline constexpr const char* kClassSpecial = "special";

/// endpoint-eni | vpc-private | private-outside-vpc | public | special
std::string classify_address(const IpAddress& address, const ClassifyInput& input);

/// Same, for text; an unparsable address is "special" (it can never be a service address).
std::string classify_address_text(const std::string& address, const ClassifyInput& input);

/// Builds ClassifyInput::vpc_cidrs from text CIDRs, skipping malformed ones.
std::vector<IpPrefix> parse_cidrs(const std::vector<std::string>& cidrs);

}  // namespace bedrock_reach
