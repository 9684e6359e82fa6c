// The agent's machinery in-process with a scripted check: READY after the first check, /healthz
// following the scenario, /metrics valid for promtool, reload validation, no overlap, watchdog,
// stop within a second even while a check hangs. Loopback only, port 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>
#include <sys/socket.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <latch>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "daemon/agent.hpp"
#include "integration/daemon_support.hpp"
#include "render/output_file.hpp"
#include "render/render.hpp"

namespace bedrock_reach {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using testing_support::http_get;
using testing_support::RecordingNotifier;

Report scripted_report(Severity status) {
  Report report;
  report.status = status;
  report.region = "us-east-1";
  report.version = "test";
  ServiceResult service;
  service.name = "bedrock-runtime";
  service.hostname = "bedrock-runtime.us-east-1.amazonaws.com";
  service.status = status;
  report.services.push_back(service);
  if (status == Severity::critical) {
    Finding finding;
    finding.code = "DNS_PUBLIC_ANSWER";
    finding.severity = Severity::critical;
    finding.service = "bedrock-runtime";
    finding.message = "the host resolver returned public addresses";
    report.findings.push_back(finding);
  }
  return report;
}

std::filesystem::path make_temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "br-daemon-XXXXXX").string();
  char* made = mkdtemp(pattern.data());
  return made ? std::filesystem::path(made) : std::filesystem::path();
}

class DaemonAgent : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir();
    ASSERT_FALSE(dir_.empty());
    options_.config.interval_ms = 200;
    options_.config.timeout_ms = 1000;
    options_.config.listen = "127.0.0.1:0";
    options_.version = "0.0.0-test";
    options_.jitter_seed = 42;
    options_.renderers.json = [](const Report& report, const Config&) {
      return render_report(report, OutputFormat::json, {});
    };
    options_.renderers.prometheus = [](const Report& report, const Config&) {
      return render_report(report, OutputFormat::prometheus, {});
    };
    options_.write_textfile = [](const std::string& path, const std::string& content) {
      return write_file_atomically(path, content, 0644);
    };
  }
  void TearDown() override {
    if (agent_) agent_->request_stop();
    if (runner_.valid()) runner_.wait();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  /// Runs the agent on its own thread; the notifier outlives it (a fixture member).
  RecordingNotifier& start(std::optional<Millis> watchdog = std::nullopt) {
    notifier_ = std::make_unique<RecordingNotifier>(watchdog);
    agent_ = std::make_unique<Agent>(options_, *notifier_, log_);
    runner_ = std::async(std::launch::async, [this] { return agent_->run(); });
    return *notifier_;
  }

  std::filesystem::path dir_;
  AgentOptions options_;
  spdlog::logger log_{"test", std::make_shared<spdlog::sinks::null_sink_mt>()};
  std::unique_ptr<RecordingNotifier> notifier_;
  std::unique_ptr<Agent> agent_;
  std::future<int> runner_;
};

TEST_F(DaemonAgent, ReadyAfterFirstCheckAndHealthzFollowsTheScenario) {
  auto scenario = std::make_shared<std::atomic<Severity>>(Severity::ok);
  auto first_check_may_finish = std::make_shared<std::latch>(1);
  options_.check = [scenario, first_check_may_finish](const Config&) {
    first_check_may_finish->wait();
    return scripted_report(scenario->load());
  };
  auto& notifier = start();

  ASSERT_TRUE(notifier.wait_for("STATUS=listening on 127.0.0.1:"));
  int port = agent_->http_port();
  ASSERT_GT(port, 0);
  // The first check has not finished: no READY yet, and /healthz says why.
  EXPECT_FALSE(notifier.wait_for("READY=1", 0, Millis(0)));
  auto before = http_get(port, "/healthz");
  EXPECT_EQ(before.status, 503);
  EXPECT_EQ(before.body, "no check has completed yet\n");
  EXPECT_EQ(http_get(port, "/report").status, 503);

  first_check_may_finish->count_down();
  auto ready = notifier.wait_for("READY=1");
  ASSERT_TRUE(ready);
  EXPECT_THAT(notifier.messages()[*ready], StartsWith("READY=1\nSTATUS=ok (1 service, "));
  auto healthy = http_get(port, "/healthz");
  EXPECT_EQ(healthy.status, 200);
  EXPECT_EQ(healthy.body, "ok\n");
  auto report = http_get(port, "/report");
  EXPECT_EQ(report.status, 200);
  EXPECT_EQ(report.content_type, "application/json");
  EXPECT_EQ(nlohmann::json::parse(report.body).at("status"), "ok");

  scenario->store(Severity::critical);
  auto broke = notifier.wait_for("STATUS=critical: DNS_PUBLIC_ANSWER", *ready);
  ASSERT_TRUE(broke);
  auto sick = http_get(port, "/healthz");
  EXPECT_EQ(sick.status, 503);
  EXPECT_EQ(sick.body, "critical: DNS_PUBLIC_ANSWER\n");

  scenario->store(Severity::ok);
  ASSERT_TRUE(notifier.wait_for("STATUS=ok", *broke));
  EXPECT_EQ(http_get(port, "/healthz").status, 200);
  // READY is sent once; later checks only update STATUS.
  std::size_t readies = 0;
  for (const auto& message : notifier.messages())
    readies += message.find("READY=1") != std::string::npos;
  EXPECT_EQ(readies, 1u);

  agent_->request_stop();
  EXPECT_EQ(runner_.get(), 0);
  EXPECT_TRUE(notifier.wait_for("STOPPING=1", 0, Millis(0)));
}

TEST_F(DaemonAgent, ReportInJsonTextAndHtmlAndOnlyGetOrHead) {
  options_.renderers.document = [](const Report& report,
                                   std::string_view name) -> std::optional<std::string> {
    auto format = parse_output_format(name);
    if (!format || (*format != OutputFormat::text && *format != OutputFormat::html)) {
      return std::nullopt;
    }
    return render_report(report, *format, {});
  };
  options_.check = [](const Config&) { return scripted_report(Severity::critical); };
  auto& notifier = start();
  ASSERT_TRUE(notifier.wait_for("READY=1"));
  const int port = agent_->http_port();
  auto json = http_get(port, "/report?format=json");
  EXPECT_EQ(json.status, 200);
  EXPECT_EQ(nlohmann::json::parse(json.body).at("status"), "critical");
  auto text = http_get(port, "/report?format=text");
  EXPECT_EQ(text.status, 200);
  EXPECT_THAT(text.content_type, HasSubstr("text/plain"));
  EXPECT_THAT(text.body, StartsWith("bedrock-reach: CRITICAL - "));
  auto html = http_get(port, "/report?format=html");
  EXPECT_EQ(html.status, 200);
  EXPECT_THAT(html.content_type, HasSubstr("text/html"));
  EXPECT_THAT(html.body, StartsWith("<!DOCTYPE html>"));
  auto bad = http_get(port, "/report?format=prometheus");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("json, text or html"));

  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2);
  client.set_read_timeout(2);
  for (auto* path : {"/report", "/metrics", "/healthz", "/"}) {
    auto post = client.Post(path, "x", "text/plain");
    ASSERT_TRUE(post) << path;
    EXPECT_EQ(post->status, 405) << path;
    EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD") << path;
    auto del = client.Delete(path);
    ASSERT_TRUE(del) << path;
    EXPECT_EQ(del->status, 405) << path;
  }
  auto head = client.Head("/healthz");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 503);  // critical: HEAD answers as GET does
}

TEST_F(DaemonAgent, StateChangesCarryFieldsForTheJournal) {
  auto events = std::make_shared<std::vector<LogFields>>();
  auto mutex = std::make_shared<std::mutex>();
  options_.state_event = [events, mutex](Severity, const std::string&, const LogFields& fields) {
    std::lock_guard lock(*mutex);
    events->push_back(fields);
  };
  options_.check = [](const Config&) { return scripted_report(Severity::critical); };
  auto& notifier = start();
  ASSERT_TRUE(notifier.wait_for("READY=1"));
  agent_->request_stop();
  runner_.get();
  std::lock_guard lock(*mutex);
  ASSERT_FALSE(events->empty());
  const LogFields& first = events->front();
  auto field = [&first](const std::string& name) {
    for (const auto& [key, value] : first) {
      if (key == name) return value;
    }
    return std::string("(absent)");
  };
  EXPECT_EQ(field("BEDROCK_REACH_STATUS"), "critical");
  EXPECT_EQ(field("BEDROCK_REACH_CODES"), "DNS_PUBLIC_ANSWER");
  EXPECT_EQ(field("BEDROCK_REACH_REGION"), "us-east-1");
  EXPECT_NE(field("BEDROCK_REACH_SERVICES"), "(absent)");
}

TEST_F(DaemonAgent, MetricsCarryAgentCountersAndPassPromtool) {
  if (!testing_support::have_promtool()) GTEST_SKIP() << "promtool not installed";
  options_.check = [](const Config&) { return scripted_report(Severity::critical); };
  auto& notifier = start();
  auto ready = notifier.wait_for("READY=1");
  ASSERT_TRUE(ready);
  ASSERT_TRUE(notifier.wait_for("STATUS=", *ready + 1));  // a second check has finished
  auto metrics = http_get(agent_->http_port(), "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.content_type, HasSubstr("text/plain; version=0.0.4"));
  EXPECT_THAT(metrics.body, HasSubstr("bedrock_reach_agent_checks_total "));
  EXPECT_THAT(metrics.body, HasSubstr("bedrock_reach_agent_healthy 0\n"));
  EXPECT_THAT(metrics.body, Not(HasSubstr("bedrock_reach_agent_check_failures_total 0\n")));
  auto [code, output] = testing_support::promtool_check(metrics.body, dir_.string());
  EXPECT_EQ(code, 0) << output << "\n" << metrics.body;
}

TEST_F(DaemonAgent, ChecksNeverOverlapEvenWhenSlowerThanTheInterval) {
  options_.config.interval_ms = 100;
  auto running = std::make_shared<std::atomic<int>>(0);
  auto most = std::make_shared<std::atomic<int>>(0);
  options_.check = [running, most](const Config&) {
    int now_running = ++*running;
    int seen = most->load();
    while (now_running > seen && !most->compare_exchange_weak(seen, now_running)) {
    }
    // The simulated check's own work: longer than the 100 ms interval.
    std::this_thread::sleep_for(Millis(150));
    --*running;
    return scripted_report(Severity::ok);
  };
  auto& notifier = start();
  std::size_t from = 0;
  for (int i = 0; i < 4; ++i) {
    auto status = notifier.wait_for("STATUS=ok", from);
    ASSERT_TRUE(status);
    from = *status + 1;
  }
  EXPECT_EQ(most->load(), 1);
}

TEST_F(DaemonAgent, ReloadValidatesFirstAndKeepsTheOldConfigWhenInvalid) {
  auto seen_interval = std::make_shared<std::atomic<int>>(0);
  options_.check = [seen_interval](const Config& config) {
    seen_interval->store(config.interval_ms);
    return scripted_report(Severity::ok);
  };
  auto next_reload = std::make_shared<std::function<Config()>>();
  options_.reload_config = [next_reload] { return (*next_reload)(); };
  auto& notifier = start();
  auto ready = notifier.wait_for("READY=1");
  ASSERT_TRUE(ready);

  *next_reload = []() -> Config { throw ConfigError("broken.toml:3: expected a value"); };
  agent_->request_reload();
  auto failed = notifier.wait_for("config reload failed: broken.toml:3", *ready);
  ASSERT_TRUE(failed);
  EXPECT_THAT(notifier.messages()[*failed], StartsWith("READY=1\nSTATUS=ok"));
  EXPECT_TRUE(notifier.wait_for("RELOADING=1", *ready, Millis(0)));
  // Still checking on the old interval.
  auto after = notifier.wait_for("STATUS=ok (", *failed + 1);
  ASSERT_TRUE(after);
  EXPECT_EQ(seen_interval->load(), 200);
  auto metrics = http_get(agent_->http_port(), "/metrics");
  EXPECT_THAT(metrics.body,
              HasSubstr("bedrock_reach_agent_config_reloads_total{result=\"failed\"} 1"));

  // A valid file applies to the next check; a changed listen address is ignored with a warning.
  *next_reload = [] {
    Config config;
    config.interval_ms = 150;
    config.timeout_ms = 1000;
    config.listen = "127.0.0.1:1";
    return config;
  };
  agent_->request_reload();
  auto applied = notifier.wait_for("STATUS=ok (", *after + 2);
  ASSERT_TRUE(applied);
  ASSERT_TRUE(notifier.wait_for("STATUS=ok (", *applied + 1));
  EXPECT_EQ(seen_interval->load(), 150);
  EXPECT_EQ(http_get(agent_->http_port(), "/healthz").status, 200);
  EXPECT_THAT(http_get(agent_->http_port(), "/metrics").body,
              HasSubstr("bedrock_reach_agent_config_reloads_total{result=\"ok\"} 1"));
}

TEST_F(DaemonAgent, StopsWithinASecondWhileACheckHangs) {
  auto release = std::make_shared<std::latch>(1);
  auto entered = std::make_shared<std::latch>(1);
  options_.check = [release, entered](const Config&) {
    entered->count_down();
    release->wait();  // hangs until the test lets go, long after the agent stopped
    return scripted_report(Severity::ok);
  };
  start();
  entered->wait();
  auto asked = SteadyClock::now();
  agent_->request_stop();
  ASSERT_EQ(runner_.wait_for(std::chrono::seconds(1)), std::future_status::ready);
  EXPECT_LT(SteadyClock::now() - asked, Millis(1000));
  EXPECT_EQ(runner_.get(), 0);
  EXPECT_TRUE(agent_->abandoned_check());
  release->count_down();  // the detached check finishes on its own
}

TEST_F(DaemonAgent, WatchdogPingsUntilACheckOverrunsItsDeadline) {
  options_.config.timeout_ms = 100;
  options_.overdue_grace = Millis(50);
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto second_entered = std::make_shared<std::latch>(1);
  auto release = std::make_shared<std::latch>(1);
  options_.check = [calls, second_entered, release](const Config&) {
    if (++*calls == 2) {
      second_entered->count_down();
      release->wait();  // the second check hangs past its deadline
    }
    return scripted_report(Severity::ok);
  };
  auto& notifier = start(Millis(20));
  auto ready = notifier.wait_for("READY=1");
  ASSERT_TRUE(ready);
  ASSERT_TRUE(notifier.wait_for("WATCHDOG=1", *ready));
  second_entered->wait();
  auto hung_since = SteadyClock::now();
  // Keepalives continue while the check is within timeout + grace, then stop: look for a
  // 200 ms silence (ten ping periods) within two seconds.
  bool withheld = false;
  while (!withheld && SteadyClock::now() - hung_since < Millis(2000)) {
    withheld = !notifier.wait_for("WATCHDOG=1", notifier.size(), Millis(200));
  }
  EXPECT_TRUE(withheld) << "keepalives never stopped for the hung check";
  release->count_down();
  ASSERT_TRUE(notifier.wait_for("WATCHDOG=1", notifier.size()));  // resumes after the check
}

TEST_F(DaemonAgent, OnceWritesTheTextfileAndExitsWithTheNagiosCode) {
  options_.once = true;
  options_.config.textfile = (dir_ / "bedrock-reach.prom").string();
  options_.check = [](const Config&) { return scripted_report(Severity::critical); };
  RecordingNotifier notifier;
  Agent agent(options_, notifier, log_);
  EXPECT_EQ(agent.run(), 2);
  EXPECT_EQ(agent.http_port(), 0);  // no listener in --once mode
  std::ifstream in(options_.config.textfile);
  std::stringstream contents;
  contents << in.rdbuf();
  std::string text = contents.str();
  EXPECT_THAT(text, HasSubstr("bedrock_reach_agent_checks_total 1\n"));
  EXPECT_EQ(std::filesystem::status(options_.config.textfile).permissions() &
                std::filesystem::perms::others_read,
            std::filesystem::perms::others_read);
}

TEST_F(DaemonAgent, ExceptionInTheCheckBecomesAnUnknownReport) {
  options_.check = [](const Config&) -> Report { throw std::runtime_error("boom"); };
  auto& notifier = start();
  ASSERT_TRUE(notifier.wait_for("READY=1\nSTATUS=unknown"));
  EXPECT_EQ(http_get(agent_->http_port(), "/healthz").status, 503);
}

TEST_F(DaemonAgent, PortInUseExitsWithUnknown) {
  int holder = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(holder, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(holder, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(listen(holder, 1), 0);
  socklen_t length = sizeof(address);
  getsockname(holder, reinterpret_cast<sockaddr*>(&address), &length);
  options_.config.listen = "127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  options_.check = [](const Config&) { return scripted_report(Severity::ok); };
  RecordingNotifier notifier;
  Agent agent(options_, notifier, log_);
  EXPECT_EQ(agent.run(), 3);
  EXPECT_TRUE(notifier.wait_for("STATUS=cannot listen on 127.0.0.1:", 0, Millis(0)));
  close(holder);
}

TEST_F(DaemonAgent, ServesOnIpv6LoopbackWhenAsked) {
  int probe = socket(AF_INET6, SOCK_STREAM, 0);
  sockaddr_in6 loopback{};
  loopback.sin6_family = AF_INET6;
  loopback.sin6_addr = in6addr_loopback;
  bool have_ipv6 =
      probe >= 0 && bind(probe, reinterpret_cast<sockaddr*>(&loopback), sizeof(loopback)) == 0;
  if (probe >= 0) close(probe);
  if (!have_ipv6) GTEST_SKIP() << "no IPv6 loopback here";
  options_.config.listen = "[::1]:0";
  options_.check = [](const Config&) { return scripted_report(Severity::ok); };
  auto& notifier = start();
  ASSERT_TRUE(notifier.wait_for("STATUS=listening on [::1]:"));
  ASSERT_TRUE(notifier.wait_for("READY=1"));
  httplib::Client client("::1", agent_->http_port());
  client.set_connection_timeout(2);
  auto result = client.Get("/healthz");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
}

}  // namespace
}  // namespace bedrock_reach
