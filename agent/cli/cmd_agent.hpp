#pragma once
#include "cli/common.hpp"

namespace bedrock_reach {
void setup_agent_command(CLI::App& app, ConfigSource& source, RunState& state);
}
