#include "cli/cmd_check.hpp"

#include <unistd.h>

#include <iostream>
#include <memory>

#include "check/check.hpp"
#include "cli/check_flags.hpp"
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
  bool no_color = false;
  bool explain = false;
  bool address_labels = false;
};

int run_check_command(const ConfigSource& source, const CheckCommandOptions& options) {
  Config config = load_effective_config(source);
  apply_check_flags(options.flags, config);
  if (!options.format.empty()) config.format = options.format;
  if (options.address_labels) config.prometheus_address_labels = true;
  auto format = parse_output_format(config.format);
  if (!format) throw ConfigError("--format must be one of text, json, prometheus, emf, html");

  CheckRequest request;
  request.config = config;
  request.environment = Environment::from_process();
  // A bad Region is a usage error: one clear line, exit 3, and nothing is queried.
  request.region = region_for_check(options.flags.region, request.environment, config);

  auto log = make_stderr_logger("check", options.flags.verbose ? "debug" : "warn");
  // A progress line on stderr for checks that take more than about a second, on a TTY only,
  // and not while debug logs are written there.
  bool progress_shown = false;
  if (isatty(STDERR_FILENO) == 1 && !options.flags.verbose) {
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
  const char* no_color_env = std::getenv("NO_COLOR");
  render.color = options.output.empty() && !options.no_color && isatty(STDOUT_FILENO) == 1 &&
                 (no_color_env == nullptr || no_color_env[0] == '\0');
  render.explain = options.explain;
  render.address_labels = config.prometheus_address_labels;
  std::string text = render_report(report, *format, render);
  if (options.output.empty()) {
    std::cout << text << std::flush;
  } else if (auto written = write_file_atomically(options.output, text); !written) {
    throw ConfigError(written.error().message);
  }
  return exit_code(report.status);
}

}  // namespace

void setup_check_command(CLI::App& app, ConfigSource& source, RunState& state) {
  auto options = std::make_shared<CheckCommandOptions>();
  auto* check = app.add_subcommand("check", "Run one diagnosis and print the report");
  add_check_options(check, options->flags);
  check->add_option("--format", options->format, "text (default), json, prometheus, emf or html");
  check->add_option("-o,--output", options->output,
                    "Write the report to FILE (atomically) instead of stdout");
  check->add_flag("--no-color", options->no_color, "No ANSI colours (also NO_COLOR)");
  check->add_flag("--explain", options->explain, "Show the evidence each finding rests on");
  check->add_flag("--address-labels", options->address_labels,
                  "prometheus: per-address series (unbounded label values)");
  check->callback(
      [&source, &state, options] { state.exit_code = run_check_command(source, *options); });
}

}  // namespace bedrock_reach
