// bedrock-reach: wiring only. Each subcommand lives in cli/; exceptions are caught once here.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/cmd_agent.hpp"
#include "cli/cmd_audit.hpp"
#include "cli/cmd_check.hpp"
#include "cli/cmd_config.hpp"
#include "cli/common.hpp"
#include "cli/completion.hpp"
#include "dns/ares_channel.hpp"
#include "http/curl_client.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  using namespace bedrock_reach;
  CLI::App app{
      "bedrock-reach: reachability and DNS diagnostics for Amazon Bedrock over AWS PrivateLink"};
  app.set_version_flag("--version", std::string("bedrock-reach ") + kVersion);
  app.require_subcommand(1);
  app.fallthrough();
  ConfigSource config_source;
  app.add_option("--config", config_source.explicit_path,
                 "TOML config file (default /etc/bedrock-reach/config.toml when present)");
  RunState state;
  setup_check_command(app, config_source, state);
  setup_audit_command(app, config_source, state);
  setup_agent_command(app, config_source, state);
  setup_config_command(app, config_source, state);
  setup_completion_command(app, state);  // last: it walks the others

  curl_global_setup();
  dns_global_setup();
  int code = 0;
  try {
    app.parse(argc, argv);
    code = state.exit_code;
  } catch (const CLI::Success& done) {
    code = app.exit(done);
  } catch (const CLI::ParseError& error) {
    // One prefixed line like every other usage error (CLI11's own print adds a second line).
    std::cerr << "bedrock-reach: " << error.what() << " (see bedrock-reach --help)\n";
    code = kExitUnknown;
  } catch (const ConfigError& error) {
    std::cerr << "bedrock-reach: " << error.what() << "\n";
    code = kExitUnknown;
  } catch (const std::exception& error) {
    std::cerr << "bedrock-reach: internal error: " << error.what() << "\n";
    code = kExitUnknown;
  }
  dns_global_teardown();
  curl_global_teardown();
  return code;
}
