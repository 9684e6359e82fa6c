#include "cli/cmd_audit.hpp"

#include <iostream>
#include <memory>

#include "audit/audit.hpp"
#include "cli/check_flags.hpp"
#include "cli/terminal.hpp"
#include "log/logging.hpp"
#include "render/audit_render.hpp"
#include "render/output_file.hpp"

namespace bedrock_reach {
namespace {

struct AuditCommandOptions {
  CheckFlags flags;
  std::vector<std::string> vpc_ids;
  std::string format = "text";
  std::string output;
};

bool to_stdout(const std::string& output) { return output.empty() || output == "-"; }

int run_audit_command(const ConfigSource& source, const AuditCommandOptions& options) {
  Environment environment = Environment::from_process();
  Config config = load_checked_config(source, options.flags, environment);
  auto format = parse_output_format(options.format);
  if (!format) throw ConfigError("--format: must be one of text, json, prometheus, html");
  if (!to_stdout(options.output)) {
    if (auto target = prepare_output(options.output); !target)
      throw ConfigError("--output: " + target.error().message);
  }
  AuditRequest request;
  request.check.config = config;
  request.check.environment = environment;
  if (auto fips = environment.get("AWS_USE_FIPS_ENDPOINT");
      fips && (*fips == "true" || *fips == "TRUE" || *fips == "True"))
    request.check.config.fips = true;
  request.check.region = region_for_check(options.flags.region, environment, config);
  request.vpc_ids = options.vpc_ids;
  auto log =
      make_stderr_logger("audit", options.flags.verbose ? "debug" : "warn", config.log_format);
  AuditReport report = run_audit(request, *log);
  for (const auto& finding : report.check.findings) {
    if (finding.code == "REGION_UNKNOWN") std::cerr << "bedrock-reach: " << finding.message << "\n";
  }
  RenderOptions render;
  // The matrix fits the terminal it is shown on (compact when narrow); files and pipes get the
  // wide matrix.
  if (to_stdout(options.output)) render.columns = terminal_info(probe_terminal()).columns;
  std::string text = render_audit(report, *format, render);
  if (to_stdout(options.output)) {
    std::cout << text << std::flush;
  } else if (auto written = write_file_atomically(options.output, text); !written) {
    throw ConfigError("--output: " + written.error().message);
  }
  return exit_code(report.status);
}

}  // namespace

void setup_audit_command(CLI::App& app, ConfigSource& source, RunState& state) {
  auto options = std::make_shared<AuditCommandOptions>();
  auto* audit = app.add_subcommand(
      "audit",
      "Judge every subnet of the VPC (configuration plane) and check this host's (data plane)");
  add_check_options(audit, options->flags);
  audit
      ->add_option("--vpc-id", options->vpc_ids,
                   "VPC to audit (repeatable; default the instance's VPC)")
      ->type_name("ID");
  audit->add_option("--format", options->format, "One of text, json, prometheus, html")
      ->check(CLI::IsMember(audit_format_names()));
  audit
      ->add_option("-o,--output", options->output,
                   "Write the report to FILE (atomically) instead of stdout; - is stdout")
      ->type_name("FILE");
  audit->callback(
      [&source, &state, options] { state.exit_code = run_audit_command(source, *options); });
}

}  // namespace bedrock_reach
