#pragma once
// Pure rules of the agent: scheduling with jitter, /healthz verdicts, state-change messages,
// the one-line status and the agent's own Prometheus series. No I/O, no clock: callers pass time.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bedrock_reach/event_loop.hpp"
#include "bedrock_reach/report.hpp"
#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

/// `interval` scaled by a factor in [1 - fraction, 1 + fraction); `unit_random` is in [0, 1).
Millis jittered_interval(Millis interval, double fraction, double unit_random);

/// When the next check starts: `interval` after the previous start, but never before the
/// previous check finished (checks never overlap).
TimePoint next_check_start(TimePoint last_start, TimePoint last_finish, Millis interval);

/// How old the last report may be before /healthz calls it stale: the configured value, or
/// three intervals plus one check timeout when 0.
Millis stale_after(int stale_after_ms, int interval_ms, int timeout_ms);

struct HealthPolicy {
  Millis stale_after{0};
  bool warning_ok = true;
};

struct HealthVerdict {
  int http_status = 503;  // 200 or 503
  std::string
      reason;  // one line: "ok", "critical: DNS_PUBLIC_ANSWER", "stale: last check 95 s ago"
};

/// /healthz: 200 while the last status is ok (or warning, when allowed) and fresh; 503 when
/// critical, unknown, stale, or before the first check. `age` is the time since the last check
/// finished, nullopt when none has.
HealthVerdict health_verdict(std::optional<Severity> last_status,
                             const std::vector<std::string>& codes, std::optional<Millis> age,
                             const HealthPolicy& policy);

/// Structured fields of a log event, journald-style names (upper case, [A-Z0-9_]).
using LogFields = std::vector<std::pair<std::string, std::string>>;

/// The fields of a state change: BEDROCK_REACH_STATUS (ok|warning|critical|unknown),
/// BEDROCK_REACH_CODES (the problem codes, comma-separated), BEDROCK_REACH_SERVICES (the
/// services not ok, comma-separated), BEDROCK_REACH_REGION. Empty lists are left out.
LogFields state_fields(const Report& report, const std::vector<std::string>& codes);

/// Codes of the findings that decide the status (warning and worse), unique, in report order.
std::vector<std::string> problem_codes(const Report& report);

/// The STATUS= line: "critical: DNS_PUBLIC_ANSWER, TLS_CONNECT_TIMEOUT (2 services, 812 ms)".
std::string status_summary(const Report& report);

struct StateSnapshot {
  Severity status = Severity::unknown;
  std::vector<std::string> codes;  // problem_codes()
};

/// A log line when the state changed ("status ok -> critical: DNS_PUBLIC_ANSWER" or
/// "findings changed (critical): +ROUTE_VIA_NAT -DNS_TIMEOUT"); nullopt when nothing changed.
/// The first check (no previous state) is always reported.
std::optional<std::string> state_change_message(const std::optional<StateSnapshot>& previous,
                                                const StateSnapshot& current);

struct AgentCounters {
  std::uint64_t checks_total = 0;
  std::uint64_t check_failures_total = 0;  // checks whose status was critical or unknown
  std::uint64_t reloads_ok_total = 0;
  std::uint64_t reloads_failed_total = 0;
  double check_duration_seconds_total = 0;
  double last_check_duration_seconds = 0;
  double last_check_timestamp_seconds = 0;  // unix time the last check finished, 0 before
  double start_time_seconds = 0;            // unix time the agent started
  bool healthy = false;                     // the /healthz verdict at scrape time
};

/// The agent's own series (bedrock_reach_agent_*), appended after the check's metrics.
std::string render_agent_metrics(const AgentCounters& counters, const std::string& version);

struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1" (no brackets)
  int port = 0;      // 0: any free port
  bool loopback() const;
};

/// "127.0.0.1:9750", "[::1]:9750", "localhost:0"; the port must be 0..65535.
Result<ListenAddress> parse_listen_address(const std::string& text);

}  // namespace bedrock_reach
