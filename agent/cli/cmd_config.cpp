#include "cli/cmd_config.hpp"

#include <iostream>

#include "cli/check_flags.hpp"

namespace bedrock_reach {

void setup_config_command(CLI::App& app, ConfigSource& source, RunState& state) {
  auto* config = app.add_subcommand("config", "Validate or print the configuration");
  config->require_subcommand(1);
  auto* validate =
      config->add_subcommand("validate", "Check the config file; exit 0 when valid, 3 otherwise");
  validate->callback([&source, &state] {
    // Exactly what `check` and the agent (at start and on SIGHUP) run.
    Config loaded = load_checked_config(source, CheckFlags{}, Environment::from_process());
    std::cout << (loaded.source_file.empty() ? std::string("defaults") : loaded.source_file)
              << ": valid\n";
    state.exit_code = 0;
  });
  auto* print = config->add_subcommand("print", "Print the effective configuration as TOML");
  print->callback([&source, &state] {
    std::cout << config_to_toml(load_effective_config(source));
    state.exit_code = 0;
  });
}

}  // namespace bedrock_reach
