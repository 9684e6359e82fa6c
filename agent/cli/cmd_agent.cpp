#include "cli/cmd_agent.hpp"

#include <unistd.h>

#include <cmath>
#include <iostream>

#include "check/check.hpp"
#include "daemon/agent_log.hpp"
#include "daemon/signals.hpp"
#include "http/curl_client.hpp"
#include "render/output_file.hpp"
#include "render/render.hpp"
#include "version.hpp"

namespace bedrock_reach {

namespace {

int seconds_to_ms(double seconds, const char* flag, double low, double high) {
  if (!std::isfinite(seconds) || seconds < low || seconds > high) {
    throw ConfigError(std::string(flag) + " must be between " + std::to_string(low) + " and " +
                      std::to_string(high) + " seconds");
  }
  return static_cast<int>(std::llround(seconds * 1000.0));
}

ReportRenderers production_renderers() {
  ReportRenderers renderers;
  renderers.json = [](const Report& report, const Config&) {
    return render_report(report, OutputFormat::json, RenderOptions{});
  };
  renderers.prometheus = [](const Report& report, const Config& config) {
    RenderOptions options;
    options.address_labels = config.prometheus_address_labels;
    return render_report(report, OutputFormat::prometheus, options);
  };
  renderers.document = [](const Report& report,
                          std::string_view name) -> std::optional<std::string> {
    auto format = parse_output_format(name);
    if (!format || (*format != OutputFormat::text && *format != OutputFormat::html)) {
      return std::nullopt;
    }
    return render_report(report, *format, RenderOptions{});
  };
  renderers.emf = [](const Report& report, const Config&) {
    return render_report(report, OutputFormat::emf, RenderOptions{});
  };
  return renderers;
}

}  // namespace

namespace {

// The flags only `agent` has; apply_check_flags validates after them.
void apply_agent_only_flags(const AgentFlags& flags, Config& config) {
  if (flags.interval_seconds) {
    config.interval_ms = seconds_to_ms(*flags.interval_seconds, "--interval", 0.1, 86400);
  }
  if (flags.stale_after_seconds) {
    config.stale_after_ms =
        seconds_to_ms(*flags.stale_after_seconds, "--stale-after", 0, 86400 * 7);
  }
  if (!flags.listen.empty()) config.listen = flags.listen;
  if (!flags.textfile.empty()) config.textfile = flags.textfile;
  if (!flags.emf_file.empty()) config.emf_file = flags.emf_file;
}

}  // namespace

void apply_agent_flags(const AgentFlags& flags, Config& config) {
  apply_agent_only_flags(flags, config);
  apply_check_flags(flags.check, config);  // validates the whole config
}

int run_agent_command(const AgentFlags& flags, const ConfigSource& source, CheckFunction check) {
  Environment environment = Environment::from_process();
  // The same validation as `check` and `config validate`, at start and on every reload.
  auto load = [&flags, &source, &environment] {
    Config config = load_checked_config(source, flags.check, environment,
                                        [&flags](Config& c) { apply_agent_only_flags(flags, c); });
    // A textfile that cannot be written fails the start (or the reload), not every check.
    if (!config.textfile.empty()) {
      if (auto target = prepare_output(config.textfile); !target) {
        throw ConfigError("--textfile: " + target.error().message, "agent.textfile");
      }
    }
    return config;
  };
  Config config = load();
  // Before any thread starts, so every thread inherits the blocked signals.
  auto signals = SignalChannel::open();
  if (!signals) {
    std::cerr << "bedrock-reach: " << signals.error().message << "\n";
    return kExitUnknown;
  }
  auto log = make_agent_logger(config.log_level, config.log_format);
  std::shared_ptr<CurlShared> http_shared;
  if (!check) {
    // Kept for the agent's life: each CA bundle is indexed once, API calls resume TLS sessions
    // and EC2 API connections serve the next check (bounded: KeptConnections::daemon()).
    http_shared = std::make_shared<CurlShared>(KeptConnections::daemon());
    check = [environment, region = flags.check.region, logger = log,
             http_shared](const Config& effective) {
      // The scheduler's jitter is at most +10 % (AgentOptions::jitter_fraction): a connection
      // idle longer than max_idle is never reused, so a longer interval keeps none.
      auto longest_gap = std::chrono::milliseconds(effective.interval_ms) * 11 / 10;
      http_shared->set_keeping(longest_gap < http_shared->kept().max_idle);
      CheckRequest request;
      request.http_shared = http_shared;
      request.config = effective;
      request.environment = environment;
      // load() validated this Region for this very config (at start and on every reload).
      if (auto chosen = region_from_settings(region, environment, effective.region)) {
        request.region = *chosen;
      }
      return run_check(request, *logger);
    };
  }

  AgentOptions options;
  options.config = std::move(config);
  options.reload_config = [load, http_shared] {
    Config fresh = load();
    // The endpoint, Region or credentials may have changed: the next check starts afresh.
    if (http_shared) http_shared->retire_kept_connections();
    return fresh;
  };
  options.check = std::move(check);
  options.renderers = production_renderers();
  options.write_textfile = [](const std::string& path, const std::string& content) {
    return write_file_atomically(path, content, 0644);
  };
  options.append_emf = [](const std::string& path, const std::string& content) {
    return append_to_file(path, content);
  };
  options.state_event = make_state_event_sink(log, config.log_format);
  options.version = kVersion;
  options.signal_fd = signals->fd();
  options.once = flags.once;

  SystemdNotifier notifier;
  Agent agent(std::move(options), notifier, *log);
  int code = agent.run();
  log->flush();
  if (agent.abandoned_check()) {
    std::cerr.flush();
    _exit(code);
  }
  return code;
}

void setup_agent_command(CLI::App& app, ConfigSource& source, RunState& state,
                         CheckFunction check) {
  auto* agent = app.add_subcommand(
      "agent", "Run the check on an interval and serve /metrics, /healthz and /report");
  auto flags = std::make_shared<AgentFlags>();
  add_check_options(agent, flags->check);
  agent->add_option(
      "--interval", flags->interval_seconds,
      "Seconds between checks, jittered by ±10% (default 60; config agent.interval_ms)");
  agent->add_option("--listen", flags->listen,
                    "HTTP address:port for /metrics /healthz /report (default 127.0.0.1:9750; "
                    "[::1]:PORT for IPv6; port 0 picks a free port)");
  agent->add_option("--textfile", flags->textfile,
                    "Also write the metrics to this Prometheus textfile after each check (atomic)");
  agent
      ->add_option("--emf-file", flags->emf_file,
                   "Append CloudWatch EMF lines to FILE after each check (for the CloudWatch "
                   "agent to tail)")
      ->type_name("FILE");
  agent->add_option("--stale-after", flags->stale_after_seconds,
                    "Seconds after which /healthz calls the last report stale (default: three "
                    "intervals plus the check timeout)");
  agent->add_flag("--once", flags->once,
                  "Run one check, write --textfile, exit with the check's Nagios code (for the "
                  "bedrock-reach-check.timer)");
  agent->callback([flags, &source, &state, check = std::move(check)] {
    state.exit_code = run_agent_command(*flags, source, check);
  });
}

}  // namespace bedrock_reach
