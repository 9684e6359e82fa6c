#pragma once
// Which names a check resolves: services x Region, with hostnames built per partition
// (aws-reference.md §1.1-1.2) from the check's one Region value. Pure.
#include <string>
#include <string_view>
#include <vector>

#include "aws/region.hpp"
#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

struct Target {
  std::string service;       // bedrock-runtime
  std::string hostname;      // bedrock-runtime.us-east-1.amazonaws.com
  std::string signing_name;  // "bedrock" for the Bedrock services, else the service
};

/// The four Bedrock services checked when none are named.
const std::vector<std::string>& default_services();

/// One target per service (empty = the four defaults), in order, without duplicates.
/// `fips` selects the -fips hosts. Service names must be DNS labels.
Result<std::vector<Target>> build_targets(const Region& region,
                                          const std::vector<std::string>& services, bool fips);

}  // namespace bedrock_reach
