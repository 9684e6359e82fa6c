#pragma once
// The agent's configuration: defaults, the TOML file, then flags. Loading validates fully and
// throws ConfigError (the one place besides start-up that throws); main maps it to exit 3.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bedrock_reach {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Config {
  // [check]
  std::string region;                 // empty: from the environment or instance metadata
  std::vector<std::string> services;  // empty: the four default Bedrock services
  std::vector<std::string> extra_services;
  bool fips = false;
  int timeout_ms = 10000;
  int max_concurrency = 64;
  bool all_resolvers = false;
  std::vector<std::string> resolvers;  // extra resolvers to query directly
  bool signed_calls = true;
  bool use_proxy = true;
  int cert_expiry_warning_days = 14;
  bool use_ec2_api = true;
  // [output]
  std::string format = "text";  // text|json|prometheus|emf|html
  bool prometheus_address_labels = false;
  // [agent]
  int interval_ms = 60000;
  std::string listen = "127.0.0.1:9750";
  int stale_after_ms = 0;  // 0: three intervals
  bool healthz_warning_ok = true;
  std::string textfile;  // optional Prometheus textfile path written after each check
  // [log]
  std::string log_level = "info";

  std::string source_file;  // which file it came from, empty for defaults
};

/// Parses TOML text; unknown tables or keys are an error naming them. `origin` labels messages.
Config parse_config(const std::string& toml_text, const std::string& origin);
/// Reads and parses a file (capped at 1 MiB).
Config load_config_file(const std::string& path);
/// Checks value ranges and combinations; throws ConfigError naming the key.
void validate_config(const Config& config);
/// The effective configuration as TOML, for `config print`.
std::string config_to_toml(const Config& config);

}  // namespace bedrock_reach
