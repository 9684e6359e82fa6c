// AgentState: what /healthz, /metrics and /report answer, without sockets.
#include <gtest/gtest.h>

#include "daemon/agent_state.hpp"

namespace bedrock_reach {
namespace {

CheckRecord record(Severity status, TimePoint finished, std::vector<std::string> codes = {}) {
  CheckRecord r;
  r.status = status;
  r.codes = std::move(codes);
  r.json = "{\"status\":\"x\"}\n";
  r.prometheus = "# HELP bedrock_reach_up x\n# TYPE bedrock_reach_up gauge\nbedrock_reach_up 1";
  r.finished = finished;
  r.finished_unix_seconds = 1700000000;
  r.duration_seconds = 0.5;
  return r;
}

TEST(DaemonState, BeforeTheFirstCheckEverythingSaysSo) {
  AgentState state("0.1.0", 1, {Millis(1000), true});
  TimePoint now{};
  EXPECT_EQ(state.healthz(now).status, 503);
  EXPECT_EQ(state.report().status, 503);
  auto metrics = state.metrics(now);
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("bedrock_reach_agent_checks_total 0\n"), std::string::npos);
  EXPECT_NE(metrics.body.find("bedrock_reach_agent_healthy 0\n"), std::string::npos);
}

TEST(DaemonState, CountsFailuresAndTurnsStale) {
  AgentState state("0.1.0", 1, {Millis(1000), true});
  TimePoint t0{};
  state.record_check(record(Severity::ok, t0));
  EXPECT_EQ(state.healthz(t0 + Millis(10)).status, 200);
  EXPECT_EQ(state.healthz(t0 + Millis(1001)).status, 503);
  EXPECT_EQ(state.healthz(t0 + Millis(1001)).body.rfind("stale", 0), 0u);

  state.record_check(record(Severity::critical, t0 + Millis(5), {"DNS_TIMEOUT"}));
  auto health = state.healthz(t0 + Millis(10));
  EXPECT_EQ(health.status, 503);
  EXPECT_EQ(health.body, "critical: DNS_TIMEOUT\n");
  state.record_check(record(Severity::unknown, t0 + Millis(6)));
  state.record_check(record(Severity::warning, t0 + Millis(7)));

  auto counters = state.counters(t0 + Millis(10));
  EXPECT_EQ(counters.checks_total, 4u);
  EXPECT_EQ(counters.check_failures_total, 2u);
  EXPECT_DOUBLE_EQ(counters.check_duration_seconds_total, 2.0);
  EXPECT_TRUE(counters.healthy);

  state.set_policy({Millis(1000), false});
  EXPECT_EQ(state.healthz(t0 + Millis(10)).status, 503);
}

TEST(DaemonState, MetricsAppendAgentSeriesAfterTheChecksAndReportIsTheLastJson) {
  AgentState state("0.1.0", 1, {Millis(1000), true});
  TimePoint t0{};
  state.record_check(record(Severity::ok, t0));
  state.count_reload(true);
  state.count_reload(false);
  auto body = state.metrics(t0).body;
  auto check_series = body.find("bedrock_reach_up 1\n");  // newline added when missing
  auto agent_series = body.find("bedrock_reach_agent_checks_total 1\n");
  ASSERT_NE(check_series, std::string::npos);
  ASSERT_NE(agent_series, std::string::npos);
  EXPECT_LT(check_series, agent_series);
  EXPECT_NE(body.find("bedrock_reach_agent_config_reloads_total{result=\"ok\"} 1"),
            std::string::npos);
  auto report = state.report();
  EXPECT_EQ(report.status, 200);
  EXPECT_EQ(report.content_type, "application/json");
  EXPECT_EQ(report.body, "{\"status\":\"x\"}\n");
}

}  // namespace
}  // namespace bedrock_reach
