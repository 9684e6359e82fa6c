#include "cli/cmd_check.hpp"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>

#include "check/check.hpp"
#include "cli/check_flags.hpp"
#include "cli/terminal.hpp"
#include "log/logging.hpp"
#include "render/output_file.hpp"
#include "render/progress.hpp"
#include "render/render.hpp"

namespace bedrock_reach {
namespace {

struct CheckCommandOptions {
  CheckFlags flags;
  std::string format;
  std::string output;
  std::string json_file;  // also the JSON report, whatever --format is (SSM: text out, JSON kept)
  bool no_color = false;
  bool explain = false;
  bool address_labels = false;
};

// "-o -" is standard output, as in most Unix tools.
bool to_stdout(const std::string& output) { return output.empty() || output == "-"; }

int run_check_command(const ConfigSource& source, const CheckCommandOptions& options) {
  Environment environment = Environment::from_process();
  // Every flag and the file are judged before anything is queried or written.
  Config config = load_checked_config(source, options.flags, environment, [&](Config& c) {
    if (!options.format.empty()) c.format = options.format;
    if (options.address_labels) c.prometheus_address_labels = true;
  });
  auto format = parse_output_format(config.format);
  if (!format) throw ConfigError("--format: must be one of " + output_format_list());
  // A path that cannot take the report fails now, before the check spends its time.
  if (!to_stdout(options.output)) {
    if (auto target = prepare_output(options.output); !target) {
      throw ConfigError("--output: " + target.error().message +
                        (target.error().kind == ErrorKind::invalid_input
                             ? " (use -o - for standard output)"
                             : ""));
    }
  }
  if (!options.json_file.empty()) {
    if (auto target = prepare_output(options.json_file); !target) {
      throw ConfigError("--json-file: " + target.error().message);
    }
  }

  CheckRequest request;
  request.config = config;
  request.environment = environment;
  // The SDKs' FIPS switch: an application with it set calls the -fips hosts (SDK reference,
  // "Dual-stack and FIPS endpoints").
  if (auto fips = request.environment.get("AWS_USE_FIPS_ENDPOINT");
      fips && (*fips == "true" || *fips == "TRUE" || *fips == "True"))
    request.config.fips = true;
  // Validated by load_checked_config: here only the value is taken.
  request.region = region_for_check(options.flags.region, environment, config);

  const TerminalInfo terminal = terminal_info(probe_terminal());
  auto log =
      make_stderr_logger("check", options.flags.verbose ? "debug" : "warn", config.log_format);
  // A progress line on stderr for checks that take more than about a second, on a TTY that
  // can move the cursor (not TERM=dumb), and not while debug logs are written there.
  bool progress_shown = false;
  if (terminal.stderr_tty && terminal.cursor_control && !options.flags.verbose) {
    request.progress = [&progress_shown](std::string_view phase, double elapsed_ms,
                                         std::size_t done, std::size_t total) {
      if (!should_show_progress(true, elapsed_ms)) return;
      std::cerr << progress_line(phase, elapsed_ms, done, total) << std::flush;
      progress_shown = true;
    };
  }
  Report report = run_check(request, *log);
  if (progress_shown) std::cerr << clear_progress_line() << std::flush;
  // Nothing named a Region (instance metadata down, or it named one we cannot check): still a
  // report (status unknown, exit 3) for runbooks, and the reason on stderr for people.
  for (const auto& finding : report.findings) {
    if (finding.code == "REGION_UNKNOWN") std::cerr << "bedrock-reach: " << finding.message << "\n";
  }

  RenderOptions render;
  const bool stdout_out = to_stdout(options.output);
  render.color = stdout_out && !options.no_color && terminal.stdout_tty && terminal.colour;
  render.explain = options.explain;
  render.address_labels = config.prometheus_address_labels;
  // The text report fits the terminal it is shown on; files and pipes get the wide table.
  if (stdout_out) render.columns = terminal.columns;
  std::string text = render_report(report, *format, render);
  if (stdout_out) {
    std::cout << text << std::flush;
  } else if (auto written = write_file_atomically(options.output, text); !written) {
    throw ConfigError("--output: " + written.error().message);
  }
  if (!options.json_file.empty()) {
    const std::string json = *format == OutputFormat::json
                                 ? text
                                 : render_report(report, OutputFormat::json, RenderOptions{});
    if (auto written = write_file_atomically(options.json_file, json); !written) {
      throw ConfigError("--json-file: " + written.error().message);
    }
  }
  return exit_code(report.status);
}

}  // namespace

void setup_check_command(CLI::App& app, ConfigSource& source, RunState& state) {
  auto options = std::make_shared<CheckCommandOptions>();
  auto* check = app.add_subcommand("check", "Run one diagnosis and print the report");
  add_check_options(check, options->flags);
  check
      ->add_option("--format", options->format,
                   "One of " + output_format_list() + " (default text)")
      ->check(CLI::IsMember(output_format_names()));
  check
      ->add_option("-o,--output", options->output,
                   "Write the report to FILE (atomically; a symlink is written through; FIFOs, "
                   "devices and directories are refused) instead of stdout; - is stdout")
      ->type_name("FILE");
  check
      ->add_option("--json-file", options->json_file,
                   "Also write the JSON report to FILE, whatever --format is (same rules as -o)")
      ->type_name("FILE");
  check->add_flag("--no-color", options->no_color, "No ANSI colours (also NO_COLOR, TERM=dumb)");
  check->add_flag("--explain", options->explain, "Show the evidence each finding rests on");
  check->add_flag("--address-labels", options->address_labels,
                  "prometheus: per-address series (unbounded label values)");
  check->callback(
      [&source, &state, options] { state.exit_code = run_check_command(source, *options); });
}

}  // namespace bedrock_reach
