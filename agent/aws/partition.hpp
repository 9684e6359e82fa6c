#pragma once
// Partition facts (aws-reference §1.2, §1.4): which partition a Region is in, its DNS suffix and
// the PrivateLink service name of a service. Pure.
#include <string>
#include <string_view>

namespace bedrock_reach {

/// "aws", "aws-cn", "aws-us-gov", "aws-iso", ...; the specific prefixes are tested before the
/// generic aws pattern, as botocore's rules do. Empty region → "aws".
std::string partition_of_region(std::string_view region);
/// "amazonaws.com", "amazonaws.com.cn", "c2s.ic.gov", ...; "amazonaws.com" for an unknown region.
std::string dns_suffix_of_region(std::string_view region);
/// com.amazonaws.REGION.SERVICE (cn.com.amazonaws.REGION.SERVICE in aws-cn).
std::string privatelink_service_name(std::string_view region, std::string_view service);
/// Region from an AZ name: keeps characters up to the end of the first digit run, as aws-sdk-cpp
/// does, so Local Zones work ("us-west-2-lax-1a" → "us-west-2"). Empty when there is no digit.
std::string region_from_az(std::string_view az);

}  // namespace bedrock_reach
