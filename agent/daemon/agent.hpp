#pragma once
// The long-running agent: runs the check on an interval with jitter (never overlapping), keeps
// the last report for /metrics /healthz /report, tells systemd READY/STATUS/WATCHDOG, reloads
// the config on SIGHUP (validated first), and stops within a second on SIGTERM.
//
// Threads: run() is the scheduler (poll on signals and wake-ups); each check runs on one worker
// thread so the scheduler stays responsive to SIGTERM and the watchdog while a check is in
// flight; the HTTP server has its own small pool and only reads AgentState.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/report.hpp"
#include "bedrock_reach/result.hpp"
#include "config/config.hpp"
#include "daemon/health.hpp"
#include "daemon/notify.hpp"

namespace spdlog {
class logger;
}

namespace bedrock_reach {

/// One check with the effective config. May throw; the agent turns that into an unknown report.
using CheckFunction = std::function<Report(const Config&)>;

/// The rendering seam (agent/render in production, stand-ins in tests). The config is passed
/// because options such as output.prometheus_address_labels may change on reload.
struct ReportRenderers {
  std::function<std::string(const Report&, const Config&)> json;
  std::function<std::string(const Report&, const Config&)> prometheus;
  /// /report?format=NAME for the formats besides JSON (text, html), rendered when asked, from
  /// the kept report; nullopt for a format /report does not serve. Empty: JSON only.
  std::function<std::optional<std::string>(const Report&, std::string_view format)> document;
  /// CloudWatch EMF lines, appended to agent.emf_file after each check. Empty: none.
  std::function<std::string(const Report&, const Config&)> emf;
};

/// A state change with its fields (state_fields()) for machines: journald fields
/// (BEDROCK_REACH_STATUS=critical), or members of a JSON log line.
using StateEventSink =
    std::function<void(Severity status, const std::string& message, const LogFields& fields)>;

using TextfileWriter = std::function<Result<void>(const std::string& path, const std::string&)>;

struct AgentOptions {
  Config config;                          // validated
  std::function<Config()> reload_config;  // SIGHUP: file + flags; throws ConfigError. Empty: none
  CheckFunction check;
  ReportRenderers renderers;
  TextfileWriter write_textfile;  // used when config.textfile is set
  TextfileWriter append_emf;      // used when config.emf_file is set (appends)
  StateEventSink state_event;     // state changes; empty: the logger only
  std::string version;
  double jitter_fraction = 0.1;   // ±10 % of the interval
  std::uint64_t jitter_seed = 0;  // 0: from std::random_device
  Millis stop_grace{500};         // how long SIGTERM waits for a running check
  Millis overdue_grace{5000};     // watchdog pings stop once a check exceeds timeout + this
  int signal_fd = -1;             // a SignalChannel's fd, or -1 (tests call request_*)
  bool once = false;              // one check, textfile, exit with its Nagios code
};

class Agent {
 public:
  Agent(AgentOptions options, Notifier& notifier, spdlog::logger& log);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  /// Runs until stopped. Returns the exit code: 0 after a clean stop, 3 when the listener cannot
  /// be set up; with `once`, the check's Nagios code (3 also when the textfile write failed).
  int run();
  /// Thread-safe; the same as SIGTERM / SIGHUP.
  void request_stop();
  void request_reload();
  /// The bound HTTP port once run() is serving, else 0. Thread-safe.
  int http_port() const { return http_port_.load(); }
  /// True when run() returned while a check was still running (its thread was detached): the
  /// caller should leave with _exit() rather than tear down shared libraries under it.
  bool abandoned_check() const { return abandoned_check_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::atomic<int> http_port_{0};
  bool abandoned_check_ = false;
};

}  // namespace bedrock_reach
