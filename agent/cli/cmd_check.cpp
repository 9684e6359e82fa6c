#include "cli/cmd_check.hpp"

#include <iostream>

namespace bedrock_reach {

void setup_check_command(CLI::App& app, ConfigSource& /*source*/, RunState& state) {
  auto* check = app.add_subcommand("check", "Run one diagnosis and print the report");
  check->callback([&state] {
    std::cerr << "bedrock-reach: 'check' is not built yet\n";
    state.exit_code = kExitUnknown;
  });
}

}  // namespace bedrock_reach
