// bedrock-reach with a scripted check, for process-level daemon tests: the check's status is
// read from $BR_TEST_SCENARIO_FILE ("ok", "warning", "critical") each time, so a test can break
// and heal the "network" without any network at all.
#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/cmd_agent.hpp"
#include "cli/common.hpp"

namespace {

bedrock_reach::Report scripted_check(const bedrock_reach::Config&) {
  using namespace bedrock_reach;
  std::string status = "unknown";
  if (const char* path = std::getenv("BR_TEST_SCENARIO_FILE")) {
    std::ifstream in(path);
    in >> status;
  }
  Report report;
  report.version = "test";
  report.status = parse_severity(status).value_or(Severity::unknown);
  if (report.status == Severity::critical) {
    Finding finding;
    finding.code = "TLS_CONNECT_TIMEOUT";
    finding.severity = Severity::critical;
    report.findings.push_back(finding);
  }
  return report;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bedrock_reach;
  CLI::App app{"daemon_test_agent"};
  app.require_subcommand(1);
  app.fallthrough();
  ConfigSource source;
  app.add_option("--config", source.explicit_path);
  RunState state;
  setup_agent_command(app, source, state, scripted_check);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  } catch (const std::exception& error) {
    std::cerr << "daemon_test_agent: " << error.what() << "\n";
    return kExitUnknown;
  }
  return state.exit_code;
}
