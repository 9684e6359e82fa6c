#include "dns/targets.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace bedrock_reach {
namespace {

struct PartitionRule {
  std::string_view prefix;  // the region must start with this, then `\w+-\d+`
  std::string_view id;
  std::string_view dns_suffix;
  std::string_view dual_stack_suffix;
};

// Special partitions before the generic `aws` prefixes: "us-gov-west-1" also starts with "us-".
constexpr std::array<PartitionRule, 16> kRules{{
    {"us-gov-", "aws-us-gov", "amazonaws.com", "api.aws"},
    {"us-iso-", "aws-iso", "c2s.ic.gov", "api.aws.ic.gov"},
    {"us-isob-", "aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud"},
    {"us-isof-", "aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov"},
    {"eu-isoe-", "aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk"},
    {"eusc-de-", "aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu"},
    {"cn-", "aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn"},
    {"us-", "aws", "amazonaws.com", "api.aws"},
    {"eu-", "aws", "amazonaws.com", "api.aws"},
    {"ap-", "aws", "amazonaws.com", "api.aws"},
    {"sa-", "aws", "amazonaws.com", "api.aws"},
    {"ca-", "aws", "amazonaws.com", "api.aws"},
    {"me-", "aws", "amazonaws.com", "api.aws"},
    {"af-", "aws", "amazonaws.com", "api.aws"},
    {"il-", "aws", "amazonaws.com", "api.aws"},
    {"mx-", "aws", "amazonaws.com", "api.aws"},
}};

bool is_word(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// `\w+-\d+` exactly (the tail of every partition regex).
bool matches_word_dash_digits(std::string_view rest) {
  auto dash = rest.find('-');
  if (dash == 0 || dash == std::string_view::npos || dash + 1 == rest.size()) return false;
  return std::all_of(rest.begin(), rest.begin() + static_cast<long>(dash), is_word) &&
         std::all_of(rest.begin() + static_cast<long>(dash) + 1, rest.end(), is_digit);
}

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

Result<Partition> partition_for_region(std::string_view region) {
  // Echo at most 64 printable characters: the message is one line and the input is untrusted.
  std::string shown(region.substr(0, 64));
  for (auto& c : shown) {
    if (!std::isprint(static_cast<unsigned char>(c))) c = '?';
  }
  if (region.empty()) return make_error(ErrorKind::invalid_input, "region is empty");
  for (const auto& rule : kRules) {
    if (region.size() <= rule.prefix.size() || region.substr(0, rule.prefix.size()) != rule.prefix)
      continue;
    if (!matches_word_dash_digits(region.substr(rule.prefix.size()))) continue;
    return Partition{std::string(rule.id), std::string(rule.dns_suffix),
                     std::string(rule.dual_stack_suffix)};
  }
  return make_error(ErrorKind::invalid_input,
                    "invalid region '" + shown +
                        "': expected a Region name such as us-east-1, us-gov-west-1 or cn-north-1");
}

Result<std::vector<Target>> build_targets(std::string_view region,
                                          const std::vector<std::string>& services, bool fips) {
  auto partition = partition_for_region(region);
  if (!partition) return tl::unexpected(partition.error());
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
    if (fips && service == "ec2" && partition->id == "aws-us-gov") host_label = service;
    // bedrock-mantle is published under the dual-stack domain (⚠ uncertain in the reference).
    const std::string& suffix =
        service == "bedrock-mantle" ? partition->dual_stack_suffix : partition->dns_suffix;
    target.hostname = host_label + "." + std::string(region) + "." + suffix;
    targets.push_back(std::move(target));
  }
  return targets;
}

}  // namespace bedrock_reach
