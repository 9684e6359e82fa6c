#include "dns/targets.hpp"

#include <algorithm>
#include <cctype>

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

const std::vector<std::string>& fips_default_services() {
  // The Bedrock services with FIPS PrivateLink services of their own
  // (com.amazonaws.REGION.bedrock-fips, com.amazonaws.REGION.bedrock-runtime-fips).
  static const std::vector<std::string> kDefaults{"bedrock", "bedrock-runtime"};
  return kDefaults;
}

bool bedrock_fips_region(std::string_view region) {
  // Regions whose Bedrock endpoints list FIPS hosts (botocore endpoints.json "-fips" keys,
  // aws-reference.md 1.3; AWS General Reference "Amazon Bedrock endpoints and quotas").
  for (std::string_view r :
       {"us-east-1", "us-east-2", "us-west-2", "ca-central-1", "us-gov-east-1", "us-gov-west-1"}) {
    if (region == r) return true;
  }
  return false;
}

Result<std::vector<Target>> build_targets(const Region& region,
                                          const std::vector<std::string>& services, bool fips) {
  const Partition& partition = region.partition;
  const auto& names =
      services.empty() ? (fips ? fips_default_services() : default_services()) : services;
  if (fips && !bedrock_fips_region(region.name) &&
      std::any_of(names.begin(), names.end(),
                  [](const std::string& s) { return is_bedrock_family(s); }))
    return make_error(ErrorKind::invalid_input,
                      "--fips: Bedrock has no FIPS endpoints in " + region.name.substr(0, 64) +
                          " (FIPS Regions: us-east-1, us-east-2, us-west-2, ca-central-1, "
                          "us-gov-east-1, us-gov-west-1)");
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

std::string configured_endpoint_host(std::string_view service, const EnvLookup& env) {
  auto ignore = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  if (ignore && (*ignore == "true" || *ignore == "TRUE" || *ignore == "True")) return "";
  std::string id(service.substr(0, 64));
  for (char& c : id)
    c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto url = env("AWS_ENDPOINT_URL_" + id);
  if (!url || url->empty()) url = env("AWS_ENDPOINT_URL");
  if (!url || url->empty()) return "";
  std::string_view rest(*url);
  if (auto scheme = rest.find("://"); scheme != std::string_view::npos)
    rest.remove_prefix(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (rest.find('@') != std::string_view::npos || rest.empty() || rest.front() == '[') return "";
  rest = rest.substr(0, rest.find(':'));  // the port: the check probes 443
  std::string host;
  for (char c : rest) host += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.') return "";
  for (char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return "";
  }
  return host;
}

std::string endpoint_service(const Target& target) {
  std::string label = target.hostname.substr(0, target.hostname.find('.'));
  bool fips = label.size() > 5 && label.compare(label.size() - 5, 5, "-fips") == 0;
  return fips ? label : target.service;
}

}  // namespace bedrock_reach
