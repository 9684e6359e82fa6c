#include "dns/targets.hpp"

#include <algorithm>

namespace bedrock_reach {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_dns_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
    return false;
  return std::all_of(label.begin(), label.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-'; });
}

bool is_bedrock_family(std::string_view service) {
  // Every Bedrock data-plane and control-plane host but AgentCore and Mantle signs as "bedrock".
  return service == "bedrock" || service == "bedrock-runtime" || service == "bedrock-agent" ||
         service == "bedrock-agent-runtime" || service == "bedrock-data-automation" ||
         service == "bedrock-data-automation-runtime";
}

}  // namespace

const std::vector<std::string>& default_services() {
  static const std::vector<std::string> kDefaults{"bedrock", "bedrock-runtime", "bedrock-agent",
                                                  "bedrock-agent-runtime"};
  return kDefaults;
}

Result<std::vector<Target>> build_targets(const Region& region,
                                          const std::vector<std::string>& services, bool fips) {
  const Partition& partition = region.partition;
  const auto& names = services.empty() ? default_services() : services;
  std::vector<Target> targets;
  for (const auto& service : names) {
    if (!is_dns_label(service))
      return make_error(ErrorKind::invalid_input,
                        "invalid service name '" + service.substr(0, 64) +
                            "': expected a lowercase DNS label such as bedrock-runtime");
    if (std::any_of(targets.begin(), targets.end(),
                    [&](const Target& t) { return t.service == service; }))
      continue;
    Target target;
    target.service = service;
    target.signing_name = is_bedrock_family(service) ? "bedrock" : service;
    std::string host_label = fips ? service + "-fips" : service;
    // In GovCloud the EC2 FIPS endpoint is the standard name itself (aws-reference.md §1.1).
    if (fips && service == "ec2" && partition.id == "aws-us-gov") host_label = service;
    // bedrock-mantle is published under the dual-stack domain (⚠ uncertain in the reference).
    const std::string& suffix =
        service == "bedrock-mantle" ? partition.dual_stack_suffix : partition.dns_suffix;
    target.hostname = host_label + "." + region.name + "." + suffix;
    targets.push_back(std::move(target));
  }
  return targets;
}

}  // namespace bedrock_reach
