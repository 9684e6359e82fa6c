// Pure rules of the agent: jitter, scheduling, /healthz verdicts, state-change lines, metrics.
#include <gtest/gtest.h>

#include "bedrock_reach/probe.hpp"
#include "daemon/health.hpp"

namespace bedrock_reach {
namespace {

using std::chrono::seconds;

TEST(DaemonSchedule, JitterStaysWithinTenPercent) {
  EXPECT_EQ(jittered_interval(Millis(60000), 0.1, 0.0), Millis(54000));
  EXPECT_EQ(jittered_interval(Millis(60000), 0.1, 0.5), Millis(60000));
  EXPECT_EQ(jittered_interval(Millis(60000), 0.1, 0.999999), Millis(66000));
  for (double u = 0; u < 1.0; u += 0.01) {
    auto value = jittered_interval(Millis(1000), 0.1, u);
    EXPECT_GE(value, Millis(900));
    EXPECT_LE(value, Millis(1100));
  }
}

TEST(DaemonSchedule, JitterClampsHostileInputs) {
  EXPECT_EQ(jittered_interval(Millis(1000), 0.0, 0.7), Millis(1000));
  EXPECT_EQ(jittered_interval(Millis(1000), 5.0, 0.0), Millis(500));  // fraction capped at 0.5
  EXPECT_EQ(jittered_interval(Millis(1000), 0.1, -3.0), Millis(900));
  EXPECT_EQ(jittered_interval(Millis(0), 0.1, 0.5), Millis(1));  // never a zero-length spin
}

TEST(DaemonSchedule, NextStartNeverOverlapsALongCheck) {
  TimePoint start{};
  // Quick check: the next one starts an interval after the previous start.
  EXPECT_EQ(next_check_start(start, start + seconds(2), seconds(60)), start + seconds(60));
  // A check longer than the interval: the next starts when it finished, not during it.
  EXPECT_EQ(next_check_start(start, start + seconds(75), seconds(60)), start + seconds(75));
}

TEST(DaemonSchedule, StaleAfterDefaultsToThreeIntervalsPlusTimeout) {
  EXPECT_EQ(stale_after(0, 60000, 10000), Millis(190000));
  EXPECT_EQ(stale_after(5000, 60000, 10000), Millis(5000));
}

struct VerdictCase {
  const char* name;
  std::optional<Severity> status;
  std::optional<Millis> age;
  bool warning_ok;
  int http_status;
  const char* reason_prefix;
};

class DaemonHealthVerdict : public ::testing::TestWithParam<VerdictCase> {};

TEST_P(DaemonHealthVerdict, Table) {
  const auto& c = GetParam();
  HealthPolicy policy{Millis(3000), c.warning_ok};
  auto verdict = health_verdict(c.status, {"X_CODE"}, c.age, policy);
  EXPECT_EQ(verdict.http_status, c.http_status);
  EXPECT_EQ(verdict.reason.rfind(c.reason_prefix, 0), 0u) << verdict.reason;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DaemonHealthVerdict,
    ::testing::Values(
        VerdictCase{"no_check_yet", std::nullopt, std::nullopt, true, 503, "no check"},
        VerdictCase{"ok_fresh", Severity::ok, Millis(10), true, 200, "ok"},
        VerdictCase{"info_is_ok", Severity::info, Millis(10), true, 200, "ok"},
        VerdictCase{"warning_allowed", Severity::warning, Millis(10), true, 200, "warning: X_CODE"},
        VerdictCase{"warning_refused", Severity::warning, Millis(10), false, 503, "warning"},
        VerdictCase{"critical", Severity::critical, Millis(10), true, 503, "critical: X_CODE"},
        VerdictCase{"unknown", Severity::unknown, Millis(10), true, 503, "unknown"},
        VerdictCase{"ok_but_stale", Severity::ok, Millis(3001), true, 503, "stale"},
        VerdictCase{"ok_at_limit", Severity::ok, Millis(3000), true, 200, "ok"}),
    [](const auto& test_case) { return std::string(test_case.param.name); });

Report report_with(Severity status, std::vector<std::pair<const char*, Severity>> findings) {
  Report report;
  report.status = status;
  report.duration_ms = 812.4;
  report.services.resize(2);
  for (auto& [code, severity] : findings) {
    Finding finding;
    finding.code = code;
    finding.severity = severity;
    report.findings.push_back(finding);
  }
  return report;
}

TEST(DaemonSummary, ProblemCodesAreWarningOrWorseUniqueInOrder) {
  auto report = report_with(Severity::critical, {{"IMDS_UNAVAILABLE", Severity::info},
                                                 {"DNS_PUBLIC_ANSWER", Severity::critical},
                                                 {"ENDPOINT_AZ_MISSING", Severity::warning},
                                                 {"DNS_PUBLIC_ANSWER", Severity::critical}});
  EXPECT_EQ(problem_codes(report),
            (std::vector<std::string>{"DNS_PUBLIC_ANSWER", "ENDPOINT_AZ_MISSING"}));
  EXPECT_EQ(status_summary(report),
            "critical: DNS_PUBLIC_ANSWER, ENDPOINT_AZ_MISSING (2 services, 812 ms)");
}

TEST(DaemonSummary, LongCodeListsAreShortened) {
  auto report = report_with(Severity::critical, {{"A1", Severity::critical},
                                                 {"A2", Severity::critical},
                                                 {"A3", Severity::critical},
                                                 {"A4", Severity::critical},
                                                 {"A5", Severity::critical},
                                                 {"A6", Severity::critical}});
  report.services.resize(1);
  EXPECT_EQ(status_summary(report), "critical: A1, A2, A3, A4 +2 more (1 service, 812 ms)");
}

TEST(DaemonStateChange, FirstCheckIsAlwaysLogged) {
  auto line = state_change_message(std::nullopt, {Severity::ok, {}});
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "first check: ok");
}

TEST(DaemonStateChange, StatusChangeNamesTheCodes) {
  StateSnapshot ok{Severity::ok, {}};
  StateSnapshot critical{Severity::critical, {"DNS_PUBLIC_ANSWER", "TLS_CONNECT_TIMEOUT"}};
  EXPECT_EQ(*state_change_message(ok, critical),
            "status ok -> critical: DNS_PUBLIC_ANSWER, TLS_CONNECT_TIMEOUT");
  EXPECT_EQ(*state_change_message(critical, ok), "status critical -> ok");
}

TEST(DaemonStateChange, SameStateIsQuietAndInfoCountsAsOk) {
  StateSnapshot critical{Severity::critical, {"B", "A"}};
  StateSnapshot reordered{Severity::critical, {"A", "B"}};
  EXPECT_FALSE(state_change_message(critical, reordered));
  EXPECT_FALSE(
      state_change_message(StateSnapshot{Severity::ok, {}}, StateSnapshot{Severity::info, {}}));
}

TEST(DaemonStateChange, ChangedCodesAtTheSameStatusAreLogged) {
  StateSnapshot before{Severity::critical, {"DNS_TIMEOUT"}};
  StateSnapshot after{Severity::critical, {"ROUTE_VIA_NAT"}};
  EXPECT_EQ(*state_change_message(before, after),
            "findings changed (critical): +ROUTE_VIA_NAT -DNS_TIMEOUT");
}

TEST(DaemonMetrics, AgentSeriesHaveHelpTypeAndValues) {
  AgentCounters counters;
  counters.checks_total = 7;
  counters.check_failures_total = 2;
  counters.reloads_failed_total = 1;
  counters.last_check_duration_seconds = 0.25;
  counters.healthy = true;
  auto text = render_agent_metrics(counters, "1.2\"3");
  EXPECT_NE(text.find("# TYPE bedrock_reach_agent_checks_total counter\n"
                      "bedrock_reach_agent_checks_total 7\n"),
            std::string::npos);
  EXPECT_NE(text.find("bedrock_reach_agent_check_failures_total 2\n"), std::string::npos);
  EXPECT_NE(text.find("bedrock_reach_agent_last_check_duration_seconds 0.25\n"), std::string::npos);
  EXPECT_NE(text.find("bedrock_reach_agent_healthy 1\n"), std::string::npos);
  EXPECT_NE(text.find("bedrock_reach_agent_config_reloads_total{result=\"failed\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("bedrock_reach_agent_info{version=\"1.2\\\"3\"} 1\n"), std::string::npos);
}

struct ListenCase {
  const char* text;
  bool ok;
  const char* host;
  int port;
  bool loopback;
};

class DaemonListenAddress : public ::testing::TestWithParam<ListenCase> {};

TEST_P(DaemonListenAddress, Parses) {
  const auto& c = GetParam();
  auto parsed = parse_listen_address(c.text);
  ASSERT_EQ(parsed.has_value(), c.ok) << c.text;
  if (!c.ok) {
    EXPECT_EQ(parsed.error().kind, ErrorKind::invalid_input);
    EXPECT_NE(parsed.error().message.find(c.text), std::string::npos);
    return;
  }
  EXPECT_EQ(parsed->host, c.host);
  EXPECT_EQ(parsed->port, c.port);
  EXPECT_EQ(parsed->loopback(), c.loopback);
}

INSTANTIATE_TEST_SUITE_P(Cases, DaemonListenAddress,
                         ::testing::Values(ListenCase{"127.0.0.1:9750", true, "127.0.0.1", 9750,
                                                      true},
                                           ListenCase{"[::1]:0", true, "::1", 0, true},
                                           ListenCase{"localhost:80", true, "localhost", 80, true},
                                           ListenCase{"0.0.0.0:9750", true, "0.0.0.0", 9750, false},
                                           ListenCase{"[::]:65535", true, "::", 65535, false},
                                           ListenCase{"127.0.0.1", false, "", 0, false},
                                           ListenCase{"127.0.0.1:65536", false, "", 0, false},
                                           ListenCase{"127.0.0.1:-1", false, "", 0, false},
                                           ListenCase{"127.0.0.1:9x", false, "", 0, false},
                                           ListenCase{":9750", false, "", 0, false},
                                           ListenCase{"::1:9750", false, "", 0, false},
                                           ListenCase{"[::1]9750", false, "", 0, false},
                                           ListenCase{"[::1", false, "", 0, false}));

}  // namespace
}  // namespace bedrock_reach
