#pragma once
#include "cli/common.hpp"

namespace bedrock_reach {
/// `bedrock-reach audit`: every subnet of the VPC judged from this host (issue 20).
void setup_audit_command(CLI::App& app, ConfigSource& source, RunState& state);
}  // namespace bedrock_reach
