#pragma once
// The flags that shape a check, shared by `check` and `agent` so both accept the same options.
#include <functional>
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
  std::vector<std::string> models;
  std::vector<std::string> endpoint_urls;
  std::optional<double> timeout_seconds;
  std::optional<int> max_concurrency;
  bool all_resolvers = false;
  std::vector<std::string> resolvers;
  bool no_signed = false;
  bool no_proxy = false;
  bool no_api = false;
  std::optional<int> cert_warning_days;
  bool verbose = false;
  std::string log_format;  // text|json; empty: the config's
};

void add_check_options(CLI::App* command, CheckFlags& flags);
/// Flags override the config file, then config_problems() judges the result; a problem a flag
/// caused throws ConfigError naming the flag (mapped from its key, see flag_for_config_key).
void apply_check_flags(const CheckFlags& flags, Config& config);
/// The Region chosen before instance metadata is read (flag > AWS_REGION > AWS_DEFAULT_REGION >
/// config; nullopt: ask IMDS). One that matches no partition is a usage error: throws ConfigError
/// with one line naming it and where it came from. Queries nothing.
std::optional<Region> region_for_check(const std::string& region_flag, const Environment& env,
                                       const Config& config);
/// "--max-concurrency" for "check.max_concurrency"; nullptr for keys no flag sets.
const char* flag_for_config_key(std::string_view key);
/// Throws ConfigError for the first problem, naming the flag when one sets the key.
void require_valid_config(const Config& config);

/// The one path from config file and flags to a validated Config. `check`, `agent` (at start
/// and on every SIGHUP reload) and `config validate` all call it, so they accept and refuse
/// exactly the same things. `subcommand_flags` applies flags only one subcommand has (the
/// agent's --interval, ...) before validation. Queries nothing.
Config load_checked_config(const ConfigSource& source, const CheckFlags& flags,
                           const Environment& env,
                           const std::function<void(Config&)>& subcommand_flags = {});

}  // namespace bedrock_reach
