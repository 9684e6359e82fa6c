#include "cli/cmd_agent.hpp"

#include <iostream>

namespace bedrock_reach {

void setup_agent_command(CLI::App& app, ConfigSource& /*source*/, RunState& state) {
  auto* agent =
      app.add_subcommand("agent", "Run checks on an interval and serve /metrics and /healthz");
  agent->callback([&state] {
    std::cerr << "bedrock-reach: 'agent' is not built yet\n";
    state.exit_code = kExitUnknown;
  });
}

}  // namespace bedrock_reach
