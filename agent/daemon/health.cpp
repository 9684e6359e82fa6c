#include "daemon/health.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <sstream>

#include "bedrock_reach/strings.hpp"

namespace bedrock_reach {

Millis jittered_interval(Millis interval, double fraction, double unit_random) {
  fraction = std::clamp(fraction, 0.0, 0.5);
  unit_random = std::clamp(unit_random, 0.0, 1.0);
  double factor = 1.0 - fraction + 2.0 * fraction * unit_random;
  auto scaled =
      static_cast<long long>(std::llround(static_cast<double>(interval.count()) * factor));
  return Millis(std::max<long long>(scaled, 1));
}

TimePoint next_check_start(TimePoint last_start, TimePoint last_finish, Millis interval) {
  return std::max(last_start + interval, last_finish);
}

Millis stale_after(int stale_after_ms, int interval_ms, int timeout_ms) {
  if (stale_after_ms > 0) return Millis(stale_after_ms);
  return Millis(3LL * interval_ms + timeout_ms);
}

namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

}  // namespace

HealthVerdict health_verdict(std::optional<Severity> last_status,
                             const std::vector<std::string>& codes, std::optional<Millis> age,
                             const HealthPolicy& policy) {
  if (!last_status || !age) return {503, "no check has completed yet"};
  if (*age > policy.stale_after) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(*age).count();
    return {503, "stale: last check finished " + std::to_string(seconds) + " s ago"};
  }
  std::string name(status_name(*last_status));
  std::string reason = codes.empty() ? name : name + ": " + join(codes, ", ");
  switch (*last_status) {
    case Severity::ok:
    case Severity::info:
      return {200, reason};
    case Severity::warning:
      return {policy.warning_ok ? 200 : 503, reason};
    case Severity::critical:
    case Severity::unknown:
      return {503, reason};
  }
  return {503, reason};
}

std::vector<std::string> problem_codes(const Report& report) {
  std::vector<std::string> codes;
  std::set<std::string> seen;
  for (const auto& finding : report.findings) {
    if (finding.severity < Severity::warning) continue;
    if (seen.insert(finding.code).second) codes.push_back(finding.code);
  }
  return codes;
}

LogFields state_fields(const Report& report, const std::vector<std::string>& codes) {
  auto joined = [](const std::vector<std::string>& items) { return strings::join(items, ","); };
  LogFields fields = {{"BEDROCK_REACH_STATUS", std::string(status_name(report.status))}};
  if (!codes.empty()) fields.emplace_back("BEDROCK_REACH_CODES", joined(codes));
  std::vector<std::string> services;
  for (const auto& service : report.services) {
    if (service.status != Severity::ok && service.status != Severity::info) {
      services.push_back(service.name);
    }
  }
  if (!services.empty()) fields.emplace_back("BEDROCK_REACH_SERVICES", joined(services));
  if (!report.region.empty()) fields.emplace_back("BEDROCK_REACH_REGION", report.region);
  return fields;
}

std::string status_summary(const Report& report) {
  std::ostringstream out;
  out << status_name(report.status);
  auto codes = problem_codes(report);
  if (!codes.empty()) {
    constexpr std::size_t kShown = 4;  // STATUS= is one short line in `systemctl status`
    std::vector<std::string> shown(
        codes.begin(), codes.begin() + static_cast<long>(std::min(kShown, codes.size())));
    out << ": " << join(shown, ", ");
    if (codes.size() > kShown) out << " +" << (codes.size() - kShown) << " more";
  }
  out << " (" << report.services.size()
      << (report.services.size() == 1 ? " service, " : " services, ")
      << std::llround(report.duration_ms) << " ms)";
  return out.str();
}

std::optional<std::string> state_change_message(const std::optional<StateSnapshot>& previous,
                                                const StateSnapshot& current) {
  std::string now_name(status_name(current.status));
  std::string codes = current.codes.empty() ? "" : ": " + join(current.codes, ", ");
  if (!previous) return "first check: " + now_name + codes;
  if (status_name(previous->status) != now_name) {
    return "status " + std::string(status_name(previous->status)) + " -> " + now_name + codes;
  }
  std::set<std::string> before(previous->codes.begin(), previous->codes.end());
  std::set<std::string> after(current.codes.begin(), current.codes.end());
  if (before == after) return std::nullopt;
  std::string change;
  for (const auto& code : current.codes) {
    if (!before.count(code)) change += " +" + code;
  }
  for (const auto& code : previous->codes) {
    if (!after.count(code)) change += " -" + code;
  }
  return "findings changed (" + now_name + "):" + change;
}

namespace {

void series(std::ostringstream& out, const char* name, const char* type, const char* help,
            const std::string& samples) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n' << samples;
}

std::string number(double value) {
  if (!std::isfinite(value)) return "0";
  std::ostringstream out;
  out.precision(15);
  out << value;
  return out.str();
}

std::string label_value(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string render_agent_metrics(const AgentCounters& c, const std::string& version) {
  std::ostringstream out;
  auto plain = [](const char* name, const std::string& value) {
    return std::string(name) + ' ' + value + '\n';
  };
  series(out, "bedrock_reach_agent_info", "gauge", "The running agent's version.",
         "bedrock_reach_agent_info{version=\"" + label_value(version) + "\"} 1\n");
  series(out, "bedrock_reach_agent_checks_total", "counter", "Checks run since the agent started.",
         plain("bedrock_reach_agent_checks_total", std::to_string(c.checks_total)));
  series(out, "bedrock_reach_agent_check_failures_total", "counter",
         "Checks whose status was critical or unknown.",
         plain("bedrock_reach_agent_check_failures_total", std::to_string(c.check_failures_total)));
  series(out, "bedrock_reach_agent_check_duration_seconds_total", "counter",
         "Time spent in checks since the agent started.",
         plain("bedrock_reach_agent_check_duration_seconds_total",
               number(c.check_duration_seconds_total)));
  series(out, "bedrock_reach_agent_last_check_duration_seconds", "gauge",
         "How long the last check took.",
         plain("bedrock_reach_agent_last_check_duration_seconds",
               number(c.last_check_duration_seconds)));
  series(out, "bedrock_reach_agent_last_check_timestamp_seconds", "gauge",
         "Unix time the last check finished (0 before the first).",
         plain("bedrock_reach_agent_last_check_timestamp_seconds",
               number(c.last_check_timestamp_seconds)));
  series(out, "bedrock_reach_agent_start_time_seconds", "gauge", "Unix time the agent started.",
         plain("bedrock_reach_agent_start_time_seconds", number(c.start_time_seconds)));
  series(out, "bedrock_reach_agent_healthy", "gauge",
         "1 when /healthz answers 200 (status acceptable and fresh), else 0.",
         plain("bedrock_reach_agent_healthy", c.healthy ? "1" : "0"));
  series(out, "bedrock_reach_agent_config_reloads_total", "counter",
         "Configuration reloads (SIGHUP) by result.",
         "bedrock_reach_agent_config_reloads_total{result=\"ok\"} " +
             std::to_string(c.reloads_ok_total) +
             "\nbedrock_reach_agent_config_reloads_total{result=\"failed\"} " +
             std::to_string(c.reloads_failed_total) + "\n");
  return out.str();
}

bool ListenAddress::loopback() const {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Result<ListenAddress> parse_listen_address(const std::string& text) {
  auto invalid = [&](const std::string& why) {
    return make_error(ErrorKind::invalid_input, "listen address '" + text + "' " + why);
  };
  ListenAddress address;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return invalid("must be [IPV6]:PORT");
    }
    address.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) return invalid("must be ADDRESS:PORT");
    address.host = text.substr(0, colon);
    if (address.host.find(':') != std::string::npos) return invalid("needs [] around IPv6");
    port_text = text.substr(colon + 1);
  }
  if (address.host.empty()) return invalid("has no address");
  int port = -1;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
      port > 65535) {
    return invalid("has no valid port (0..65535)");
  }
  address.port = port;
  return address;
}

}  // namespace bedrock_reach
