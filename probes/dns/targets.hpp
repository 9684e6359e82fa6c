#pragma once
// Which names a check resolves: services x Region, with hostnames built per partition
// (aws-reference.md §1.1-1.2) from the check's one Region value. Pure.
#include <functional>
#include <optional>
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
/// `fips` selects the -fips hosts: by default only bedrock and bedrock-runtime (the services
/// with FIPS PrivateLink services), and an invalid_input error in a Region without Bedrock FIPS
/// endpoints. Service names must be DNS labels.
Result<std::vector<Target>> build_targets(const Region& region,
                                          const std::vector<std::string>& services, bool fips);

/// The host the application's SDK calls for `service` when its endpoint is configured: the
/// service-specific AWS_ENDPOINT_URL_<SERVICE_ID> (service ID upper-cased, '-' -> '_', e.g.
/// AWS_ENDPOINT_URL_BEDROCK_RUNTIME), else AWS_ENDPOINT_URL; none when
/// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (AWS SDKs and Tools reference, "Service-specific
/// endpoints"). "" when nothing is configured or the URL has no usable host.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
std::string configured_endpoint_host(std::string_view service, const EnvLookup& env);

/// The PrivateLink service suffix of a target: a FIPS host (bedrock-runtime-fips.REGION...) has
/// its own (com.amazonaws.REGION.bedrock-runtime-fips); otherwise the service itself.
std::string endpoint_service(const Target& target);

}  // namespace bedrock_reach
