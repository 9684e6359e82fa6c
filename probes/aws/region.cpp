#include "aws/region.hpp"

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

// The one partition table (botocore's partitions.json patterns). Special partitions before the
// generic `aws` prefixes: "us-gov-west-1" also starts with "us-".
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

}  // namespace

std::string Region::privatelink_service_name(std::string_view service) const {
  std::string prefix = partition.id == "aws-cn" ? "cn.com.amazonaws." : "com.amazonaws.";
  return prefix + name + "." + std::string(service);
}

std::string Region::hostname(std::string_view label) const {
  return std::string(label) + "." + name + "." + partition.dns_suffix;
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

Result<Region> make_region(std::string name, std::string source) {
  auto partition = partition_for_region(name);
  if (!partition) {
    return make_error(ErrorKind::invalid_input,
                      partition.error().message + " (from " + source + ")");
  }
  return Region{std::move(name), std::move(source), std::move(*partition)};
}

Result<std::optional<Region>> region_from_settings(const std::string& flag, const Environment& env,
                                                   const std::string& config_region) {
  std::string name;
  std::string source;
  if (!flag.empty()) {
    name = flag, source = "flag";
  } else if (auto from_env = env.get("AWS_REGION")) {
    name = *from_env, source = "AWS_REGION";
  } else if (auto from_default = env.get("AWS_DEFAULT_REGION")) {
    name = *from_default, source = "AWS_DEFAULT_REGION";
  } else if (!config_region.empty()) {
    name = config_region, source = "config";
  } else {
    return std::optional<Region>{};
  }
  auto region = make_region(std::move(name), std::move(source));
  if (!region) return tl::unexpected(region.error());
  return std::optional<Region>{std::move(*region)};
}

std::string region_from_az(std::string_view az) {
  std::size_t i = 0;
  while (i < az.size() && !std::isdigit(static_cast<unsigned char>(az[i]))) ++i;
  if (i == az.size()) return {};
  while (i < az.size() && std::isdigit(static_cast<unsigned char>(az[i]))) ++i;
  return std::string(az.substr(0, i));
}

}  // namespace bedrock_reach
