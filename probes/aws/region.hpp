#pragma once
// The Region of a check and its partition (aws-reference.md §1.1–1.4). The Region is chosen once,
// at the edge (flag, environment, config, instance metadata), validated against the one partition
// table (region.cpp) and passed everywhere as this value: nothing downstream re-derives a
// partition or DNS suffix from a bare string. Pure.
#include <optional>
#include <string>
#include <string_view>

#include "bedrock_reach/environment.hpp"
#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

struct Partition {
  std::string id;                 // aws, aws-cn, aws-us-gov, aws-iso, ...
  std::string dns_suffix;         // amazonaws.com
  std::string dual_stack_suffix;  // api.aws
};

struct Region {
  std::string name;    // us-east-1
  std::string source;  // flag|AWS_REGION|AWS_DEFAULT_REGION|config|imds
  Partition partition;

  /// com.amazonaws.REGION.SERVICE (cn.com.amazonaws.REGION.SERVICE in aws-cn).
  std::string privatelink_service_name(std::string_view service) const;
  /// LABEL.REGION.DNS_SUFFIX, e.g. ec2.us-east-1.amazonaws.com.
  std::string hostname(std::string_view label) const;
};

/// Matches the partition region patterns (special partitions first, as botocore does).
/// ErrorKind::invalid_input with one clear line for a bad region.
Result<Partition> partition_for_region(std::string_view region);

/// Validates `name` against the partition table; the error names where the value came from.
Result<Region> make_region(std::string name, std::string source);

/// The Region known before instance metadata is read, by precedence flag > AWS_REGION >
/// AWS_DEFAULT_REGION > config. nullopt: none names one (ask IMDS). An error: the one that wins
/// matches no partition (a usage error; nothing should be queried).
Result<std::optional<Region>> region_from_settings(const std::string& flag, const Environment& env,
                                                   const std::string& config_region);

/// Region from an AZ name: keeps characters up to the end of the first digit run, as aws-sdk-cpp
/// does, so Local Zones work ("us-west-2-lax-1a" → "us-west-2"). Empty when there is no digit.
std::string region_from_az(std::string_view az);

}  // namespace bedrock_reach
