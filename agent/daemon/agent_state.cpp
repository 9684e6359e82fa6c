#include "daemon/agent_state.hpp"

namespace bedrock_reach {

namespace {
constexpr const char* kPrometheusType = "text/plain; version=0.0.4; charset=utf-8";
}

AgentState::AgentState(std::string version, double start_unix_seconds, HealthPolicy policy)
    : version_(std::move(version)), policy_(policy) {
  counters_.start_time_seconds = start_unix_seconds;
}

void AgentState::set_policy(const HealthPolicy& policy) {
  std::lock_guard lock(mutex_);
  policy_ = policy;
}

void AgentState::record_check(CheckRecord record) {
  std::lock_guard lock(mutex_);
  ++counters_.checks_total;
  if (record.status == Severity::critical || record.status == Severity::unknown) {
    ++counters_.check_failures_total;
  }
  counters_.check_duration_seconds_total += record.duration_seconds;
  counters_.last_check_duration_seconds = record.duration_seconds;
  counters_.last_check_timestamp_seconds = record.finished_unix_seconds;
  last_ = std::move(record);
}

void AgentState::count_reload(bool ok) {
  std::lock_guard lock(mutex_);
  ++(ok ? counters_.reloads_ok_total : counters_.reloads_failed_total);
}

HealthVerdict AgentState::verdict_locked(TimePoint now) const {
  if (!last_) return health_verdict(std::nullopt, {}, std::nullopt, policy_);
  auto age = std::chrono::duration_cast<Millis>(now - last_->finished);
  return health_verdict(last_->status, last_->codes, age, policy_);
}

AgentCounters AgentState::counters_locked(TimePoint now) const {
  AgentCounters counters = counters_;
  counters.healthy = verdict_locked(now).http_status == 200;
  return counters;
}

AgentCounters AgentState::counters(TimePoint now) const {
  std::lock_guard lock(mutex_);
  return counters_locked(now);
}

HttpReply AgentState::healthz(TimePoint now) const {
  std::lock_guard lock(mutex_);
  auto verdict = verdict_locked(now);
  return {verdict.http_status, "text/plain; charset=utf-8", verdict.reason + "\n"};
}

std::string AgentState::metrics_text(TimePoint now) const {
  std::lock_guard lock(mutex_);
  std::string body = last_ ? last_->prometheus : std::string();
  if (!body.empty() && body.back() != '\n') body += '\n';
  return body + render_agent_metrics(counters_locked(now), version_);
}

HttpReply AgentState::metrics(TimePoint now) const {
  return {200, kPrometheusType, metrics_text(now)};
}

HttpReply AgentState::report(std::string_view format) const {
  std::shared_ptr<const Report> report;
  decltype(CheckRecord::render) render;
  {
    std::lock_guard lock(mutex_);
    const bool json = format.empty() || format == "json";
    if (!json && format != "text" && format != "html") {
      return {400, "text/plain; charset=utf-8", "format must be json, text or html\n"};
    }
    if (!last_) {
      return {503, "application/json", "{\"error\":\"no check has completed yet\"}\n"};
    }
    if (json) return {200, "application/json", last_->json};
    report = last_->report;
    render = last_->render;
  }
  // Rendered outside the lock: a scrape of /metrics never waits for an HTML page.
  std::optional<std::string> body;
  if (report && render) body = render(*report, format);
  if (!body) return {404, "text/plain; charset=utf-8", "this agent serves JSON only\n"};
  return {200, format == "html" ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
          std::move(*body)};
}

}  // namespace bedrock_reach
