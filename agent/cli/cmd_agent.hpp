#pragma once
// `bedrock-reach agent`: the long-running health-check service (see daemon/agent.hpp).
#include <optional>
#include <string>

#include "cli/check_flags.hpp"
#include "cli/common.hpp"
#include "daemon/agent.hpp"

namespace bedrock_reach {

struct AgentFlags {
  CheckFlags check;
  std::optional<double> interval_seconds;
  std::optional<double> stale_after_seconds;
  std::string listen;
  std::string textfile;
  std::string emf_file;
  bool once = false;
};

/// Adds `agent`. `check` empty: the real run_check (test harnesses pass a scripted one).
void setup_agent_command(CLI::App& app, ConfigSource& source, RunState& state,
                         CheckFunction check = {});

/// Flags override the file: the check flags, then --interval, --listen, --textfile,
/// --stale-after. Validates; throws ConfigError naming the flag or key.
void apply_agent_flags(const AgentFlags& flags, Config& config);

/// Runs the agent to completion and returns its exit code. `check` empty: the real run_check.
/// Tests pass a scripted check. May not return when a check had to be abandoned at stop: then
/// it flushes the log and leaves with _exit(code), so nothing is torn down under that thread.
int run_agent_command(const AgentFlags& flags, const ConfigSource& source, CheckFunction check);

}  // namespace bedrock_reach
