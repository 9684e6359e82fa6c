#include "aws/partition.hpp"

#include "dns/targets.hpp"

#include <cctype>

namespace bedrock_reach {

// One partition table: probes/dns/targets.cpp's (partitions.json patterns).
std::string partition_of_region(std::string_view region) {
  auto partition = partition_for_region(region);
  return partition ? partition->id : "aws";
}

std::string dns_suffix_of_region(std::string_view region) {
  auto partition = partition_for_region(region);
  return partition ? partition->dns_suffix : "amazonaws.com";
}

std::string privatelink_service_name(std::string_view region, std::string_view service) {
  std::string prefix =
      partition_of_region(region) == "aws-cn" ? "cn.com.amazonaws." : "com.amazonaws.";
  return prefix + std::string(region) + "." + std::string(service);
}

std::string region_from_az(std::string_view az) {
  std::size_t i = 0;
  while (i < az.size() && !std::isdigit(static_cast<unsigned char>(az[i]))) ++i;
  if (i == az.size()) return {};
  while (i < az.size() && std::isdigit(static_cast<unsigned char>(az[i]))) ++i;
  return std::string(az.substr(0, i));
}

}  // namespace bedrock_reach
