#pragma once
// The flags that shape a check, shared by `check` and `agent` so both accept the same options.
#include <optional>
#include <string>
#include <vector>

#include "aws/region.hpp"
#include "bedrock_reach/environment.hpp"
#include "cli/common.hpp"

namespace bedrock_reach {

struct CheckFlags {
  std::string region;
  std::vector<std::string> services;
  bool fips = false;
  std::optional<double> timeout_seconds;
  std::optional<int> max_concurrency;
  bool all_resolvers = false;
  std::vector<std::string> resolvers;
  bool no_signed = false;
  bool no_proxy = false;
  bool no_api = false;
  std::optional<int> cert_warning_days;
  bool verbose = false;
};

void add_check_options(CLI::App* command, CheckFlags& flags);
/// Flags override the config file; throws ConfigError for impossible values.
void apply_check_flags(const CheckFlags& flags, Config& config);
/// The Region chosen before instance metadata is read (flag > AWS_REGION > AWS_DEFAULT_REGION >
/// config; nullopt: ask IMDS). One that matches no partition is a usage error: throws ConfigError
/// with one line naming it and where it came from. Queries nothing.
std::optional<Region> region_for_check(const std::string& region_flag, const Environment& env,
                                       const Config& config);

}  // namespace bedrock_reach
