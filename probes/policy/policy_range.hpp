#pragma once
// IpAddress / NotIpAddress on aws:VpcSourceIp when the request's source is a whole range (the
// audit judges a subnet, not one address): how much of the range the condition's CIDRs cover.
// Pure; the CIDRs are hostile policy text.
#include <string>
#include <vector>

#include "bedrock_reach/ip.hpp"

namespace bedrock_reach {

struct RangeCover {
  enum Kind { all, part, none } kind = none;
  /// The parts of the range the CIDRs cover (each inside the range), for `part`; the range
  /// itself for `all`.
  std::vector<IpPrefix> covered;
  /// Values that are not an address or CIDR: they match no address (as they do for one
  /// address), and are named so the reader sees them.
  std::vector<std::string> malformed;
};

/// Does the union of `cidrs` cover every address of `range`, some, or none. Values of the other
/// family never match. Cost is linear in cidrs x prefix length (no enumeration of addresses).
RangeCover range_cover(const IpPrefix& range, const std::vector<std::string>& cidrs);

}  // namespace bedrock_reach
