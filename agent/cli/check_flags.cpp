#include "cli/check_flags.hpp"

#include <cmath>

namespace bedrock_reach {

void add_check_options(CLI::App* command, CheckFlags& flags) {
  command->add_option(
      "--region", flags.region,
      "AWS Region (default: AWS_REGION, AWS_DEFAULT_REGION, config, instance metadata)");
  command->add_option("--service", flags.services,
                      "Service to check instead of the four Bedrock defaults (repeatable), e.g. "
                      "bedrock-runtime, sts");
  command->add_flag("--fips", flags.fips,
                    "Check the FIPS hostnames (bedrock-fips, bedrock-runtime-fips); also "
                    "AWS_USE_FIPS_ENDPOINT=true");
  command->add_option("--model", flags.models,
                      "A model ID, inference-profile ID or ARN the application invokes "
                      "(repeatable): scoped policies are checked against it");
  command->add_option("--endpoint-url", flags.endpoint_urls,
                      "SERVICE=URL: the endpoint the application is given for SERVICE "
                      "(repeatable); checked instead of AWS_ENDPOINT_URL*, the config file's "
                      "endpoint_url and the default name");
  command->add_option("--timeout", flags.timeout_seconds,
                      "Overall deadline in seconds (default 10)");
  command->add_option("--max-concurrency", flags.max_concurrency,
                      "Most connections open at once (default 64)");
  command->add_flag("--all-resolvers", flags.all_resolvers,
                    "Probe TLS on every address any resolver returned, not only the host path's");
  command->add_option("--resolver", flags.resolvers,
                      "Also query this DNS server directly (repeatable)");
  command->add_flag("--no-signed", flags.no_signed, "Skip the SigV4-signed Bedrock calls");
  command->add_flag("--no-proxy", flags.no_proxy,
                    "Skip probing through the configured HTTPS proxy");
  command->add_flag("--no-api", flags.no_api,
                    "Do not call the EC2 API (IMDS and DNS evidence only)");
  command->add_option("--cert-warning-days", flags.cert_warning_days,
                      "Warn when a certificate expires within this many days (default 14)");
  command->add_flag("-v,--verbose", flags.verbose, "Log progress and debug details to stderr");
  command
      ->add_option("--log-format", flags.log_format,
                   "Logs on stderr as text (default) or json (one object per line)")
      ->check(CLI::IsMember({"text", "json"}));
}

void apply_check_flags(const CheckFlags& flags, Config& config) {
  if (!flags.services.empty()) config.services = flags.services;
  if (flags.fips) config.fips = true;
  if (!flags.models.empty()) config.models = flags.models;
  if (!flags.endpoint_urls.empty()) config.endpoint_urls = flags.endpoint_urls;
  if (flags.timeout_seconds) {
    double ms = *flags.timeout_seconds * 1000.0;
    if (!std::isfinite(ms) || ms < 100 || ms > 600000) {
      throw ConfigError("--timeout must be between 0.1 and 600 seconds");
    }
    config.timeout_ms = static_cast<int>(ms);
  }
  if (flags.max_concurrency) config.max_concurrency = *flags.max_concurrency;
  if (flags.all_resolvers) config.all_resolvers = true;
  for (const auto& r : flags.resolvers) config.resolvers.push_back(r);
  if (flags.no_signed) config.signed_calls = false;
  if (flags.no_proxy) config.use_proxy = false;
  if (flags.no_api) config.use_ec2_api = false;
  if (flags.cert_warning_days) config.cert_expiry_warning_days = *flags.cert_warning_days;
  if (flags.verbose) config.log_level = "debug";
  if (!flags.log_format.empty()) config.log_format = flags.log_format;
  require_valid_config(config);
}

const char* flag_for_config_key(std::string_view key) {
  static constexpr std::pair<std::string_view, const char*> kFlags[] = {
      {"check.region", "--region"},      {"check.services", "--service"},
      {"check.models", "--model"},       {"check.endpoint_urls", "--endpoint-url"},
      {"check.timeout_ms", "--timeout"}, {"check.max_concurrency", "--max-concurrency"},
      {"check.resolvers", "--resolver"}, {"check.cert_expiry_warning_days", "--cert-warning-days"},
      {"output.format", "--format"},     {"agent.interval_ms", "--interval"},
      {"agent.listen", "--listen"},      {"agent.stale_after_ms", "--stale-after"},
      {"agent.textfile", "--textfile"},  {"agent.emf_file", "--emf-file"},
      {"log.format", "--log-format"},
  };
  for (const auto& [config_key, flag] : kFlags) {
    if (config_key == key) return flag;
  }
  return nullptr;
}

void require_valid_config(const Config& config) {
  auto problems = config_problems(config);
  if (problems.empty()) return;
  // The file was valid when it loaded (parse_config judges it with line numbers), so what is
  // wrong now came from a flag: name the flag.
  const ConfigProblem& first = problems.front();
  const char* flag = flag_for_config_key(first.key);
  throw ConfigError(flag != nullptr ? std::string(flag) + ": " + first.reason
                                    : "config key '" + first.key + "': " + first.reason,
                    first.key);
}

Config load_checked_config(const ConfigSource& source, const CheckFlags& flags,
                           const Environment& env,
                           const std::function<void(Config&)>& subcommand_flags) {
  Config config = load_effective_config(source);
  // A Region that cannot exist is a usage error (exit 3, or a rejected reload), not a stream
  // of unknown reports; it is named first, being what the check is about.
  (void)region_for_check(flags.region, env, config);
  if (subcommand_flags) subcommand_flags(config);
  apply_check_flags(flags, config);
  return config;
}

std::optional<Region> region_for_check(const std::string& region_flag, const Environment& env,
                                       const Config& config) {
  auto chosen = region_from_settings(region_flag, env, config.region);
  if (!chosen) throw ConfigError(chosen.error().message);
  return *chosen;
}

}  // namespace bedrock_reach
