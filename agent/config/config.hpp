#pragma once
// The agent's configuration: defaults, the TOML file, then flags. Loading validates fully and
// throws ConfigError (the one place besides start-up that throws); main maps it to exit 3.
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bedrock_reach {

/// One thing wrong with a configuration value: the key ("check.region") and why, phrased so
/// that both "config key 'check.region': WHY" and "--region: WHY" read well. The CLI maps the key
/// to its flag; nothing parses message text.
struct ConfigProblem {
  std::string key;
  std::string reason;
};

struct ConfigError : std::runtime_error {
  explicit ConfigError(const std::string& message, std::string key_at_fault = {})
      : std::runtime_error(message), key(std::move(key_at_fault)) {}
  std::string key;  // the config key at fault; empty for syntax, I/O and flag-only errors
};

struct Config {
  // [check]
  std::string region;                 // empty: from the environment or instance metadata
  std::vector<std::string> services;  // empty: the four default Bedrock services
  std::vector<std::string> extra_services;
  bool fips = false;
  // Model IDs, inference-profile IDs or ARNs the application invokes (--model, repeatable):
  // the policy evaluation and the bedrock-runtime signed call use them instead of a stand-in.
  std::vector<std::string> models;
  // The endpoint the application is given explicitly (--endpoint-url, repeatable): "SERVICE=URL";
  // wins over AWS_ENDPOINT_URL* and the shared config file, as an explicit client endpoint does.
  std::vector<std::string> endpoint_urls;
  int timeout_ms = 10000;
  int max_concurrency = 64;
  bool all_resolvers = false;
  std::vector<std::string> resolvers;  // extra resolvers to query directly
  bool signed_calls = true;
  bool use_proxy = true;
  int cert_expiry_warning_days = 14;
  bool use_ec2_api = true;
  // [output]
  std::string format = "text";  // a name from kOutputFormats (render/render.hpp)
  bool prometheus_address_labels = false;
  // [agent]
  int interval_ms = 60000;
  std::string listen = "127.0.0.1:9750";
  int stale_after_ms = 0;  // 0: three intervals
  bool healthz_warning_ok = true;
  std::string textfile;  // optional Prometheus textfile path written after each check
  std::string emf_file;  // optional file the CloudWatch agent tails: EMF lines appended per check
  // [log]
  std::string log_level = "info";
  std::string log_format = "text";  // text|json

  std::string source_file;  // which file it came from, empty for defaults
};

/// Parses TOML text; unknown tables or keys are an error naming them. `origin` labels messages.
Config parse_config(const std::string& toml_text, const std::string& origin);
/// Reads and parses a file (capped at 1 MiB).
Config load_config_file(const std::string& path);
/// Every problem with the values (ranges, formats, Region, service names, resolver and listen
/// addresses), in key order; empty when valid. Pure. The single validation: the file load,
/// `check`, `agent` (start and SIGHUP reload) and `config validate` all run exactly this.
std::vector<ConfigProblem> config_problems(const Config& config);
/// Throws ConfigError (with its key) for the first of config_problems().
void validate_config(const Config& config);
/// The effective configuration as TOML, for `config print`.
std::string config_to_toml(const Config& config);

}  // namespace bedrock_reach
