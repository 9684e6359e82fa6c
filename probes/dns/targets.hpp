#pragma once
// Which names a check resolves: services x Region, with hostnames built per partition
// (aws-reference.md §1.1-1.2). Pure.
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

struct Target {
  std::string service;       // bedrock-runtime
  std::string hostname;      // bedrock-runtime.us-east-1.amazonaws.com
  std::string signing_name;  // "bedrock" for the Bedrock services, else the service
};

struct Partition {
  std::string id;                 // aws, aws-cn, aws-us-gov, aws-iso, ...
  std::string dns_suffix;         // amazonaws.com
  std::string dual_stack_suffix;  // api.aws
};

/// The four Bedrock services checked when none are named.
const std::vector<std::string>& default_services();

/// Matches the partition region patterns (special partitions first, as botocore does).
/// ErrorKind::invalid_input with one clear line for a bad region.
Result<Partition> partition_for_region(std::string_view region);

/// One target per service (empty = the four defaults), in order, without duplicates.
/// `fips` selects the -fips hosts. Service names must be DNS labels.
Result<std::vector<Target>> build_targets(std::string_view region,
                                          const std::vector<std::string>& services, bool fips);

}  // namespace bedrock_reach
