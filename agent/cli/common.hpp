#pragma once
// Shared by the subcommands: exit codes, the config file option, and the one-line error rule.
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "config/config.hpp"

namespace bedrock_reach {

inline constexpr int kExitUnknown = 3;
inline constexpr const char* kDefaultConfigPath = "/etc/bedrock-reach/config.toml";

/// Where the effective config comes from; `explicit_path` set means the user named a file.
struct ConfigSource {
  std::string explicit_path;
};

/// Loads --config, or the default file when it exists, or defaults. Throws ConfigError.
Config load_effective_config(const ConfigSource& source);

/// Exit code of the subcommand that ran, set by its callback (CLI11 callbacks return void).
struct RunState {
  int exit_code = 0;
};

}  // namespace bedrock_reach
