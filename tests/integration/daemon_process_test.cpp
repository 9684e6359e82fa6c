// The agent as a process: real signals (signalfd), sd_notify to a test NOTIFY_SOCKET, HTTP on
// an ephemeral loopback port. The check is scripted through a file (daemon_test_agent), so the
// test breaks and heals the scenario without touching any network.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include "bedrock_reach/event_loop.hpp"
#include "integration/daemon_support.hpp"

namespace bedrock_reach {
namespace {

using ::testing::HasSubstr;
using testing_support::http_get;

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

/// A datagram socket standing in for systemd's notify socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path.string()) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", path_.c_str());
    bound_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
  }
  bool bound() const { return bound_; }
  const std::string& path() const { return path_; }

  /// The next message containing `needle`, waiting up to `timeout`; every message is kept.
  std::optional<std::string> wait_for(const std::string& needle, Millis timeout = Millis(10000)) {
    auto deadline = SteadyClock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<Millis>(deadline - SteadyClock::now()).count();
      if (left <= 0) return std::nullopt;
      pollfd readable{fd_, POLLIN, 0};
      if (poll(&readable, 1, static_cast<int>(left)) <= 0) continue;
      char buffer[4096];
      ssize_t got = recv(fd_, buffer, sizeof(buffer), 0);
      if (got <= 0) continue;
      std::string message(buffer, static_cast<std::size_t>(got));
      all_.push_back(message);
      if (message.find(needle) != std::string::npos) return message;
    }
  }
  const std::vector<std::string>& all() const { return all_; }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
  std::vector<std::string> all_;
};

class DaemonProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "br-agentp-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    config_ = dir_ / "config.toml";
    scenario_ = dir_ / "scenario";
    write_text(config_, "[agent]\ninterval_ms = 1000\nlisten = \"127.0.0.1:0\"\n");
    write_text(scenario_, "ok\n");
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void spawn(const std::string& binary, std::vector<std::string> args,
             const std::string& notify_socket) {
    std::vector<std::string> environment = {
        "NOTIFY_SOCKET=" + notify_socket, "BR_TEST_SCENARIO_FILE=" + scenario_.string(),
        std::string("PATH=") + (std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin")};
    args.insert(args.begin(), binary);
    std::string log = (dir_ / "agent.log").string();
    pid_ = fork();
    if (pid_ == 0) {
      FILE* out = std::freopen(log.c_str(), "w", stderr);
      (void)out;
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      std::vector<char*> envp;
      for (auto& entry : environment) envp.push_back(entry.data());
      envp.push_back(nullptr);
      execve(binary.c_str(), argv.data(), envp.data());
      _exit(127);
    }
  }

  /// Waits for the child to exit; its wait status, or nullopt after `timeout`.
  std::optional<int> wait_exit(Millis timeout) {
    auto deadline = SteadyClock::now() + timeout;
    while (SteadyClock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      // Nothing to wait on but the child itself: poll its exit at a fine grain.
      std::this_thread::sleep_for(Millis(5));
    }
    return std::nullopt;
  }

  std::string agent_log() const {
    std::ifstream in(dir_ / "agent.log");
    std::stringstream contents;
    contents << in.rdbuf();
    return contents.str();
  }

  std::filesystem::path dir_;
  std::filesystem::path config_;
  std::filesystem::path scenario_;
  pid_t pid_ = -1;
};

int port_from(const std::string& status) {
  std::smatch match;
  std::regex pattern("listening on 127\\.0\\.0\\.1:([0-9]+)");
  return std::regex_search(status, match, pattern) ? std::stoi(match[1]) : 0;
}

TEST_F(DaemonProcess, FullLifecycleUnderANotifySocket) {
  NotifySocket notify(dir_ / "notify.sock");
  ASSERT_TRUE(notify.bound());
  spawn(BR_DAEMON_TEST_AGENT,
        {"--config", config_.string(), "agent", "--interval", "1", "--listen", "127.0.0.1:0"},
        notify.path());

  auto listening = notify.wait_for("STATUS=listening on");
  ASSERT_TRUE(listening) << agent_log();
  int port = port_from(*listening);
  ASSERT_GT(port, 0);
  auto ready = notify.wait_for("READY=1");
  ASSERT_TRUE(ready) << agent_log();
  EXPECT_THAT(*ready, HasSubstr("STATUS=ok"));
  EXPECT_EQ(http_get(port, "/healthz").status, 200);

  if (testing_support::have_promtool()) {
    auto metrics = http_get(port, "/metrics");
    auto [code, output] = testing_support::promtool_check(metrics.body, dir_.string());
    EXPECT_EQ(code, 0) << output << "\n" << metrics.body;
  }

  write_text(scenario_, "critical\n");
  ASSERT_TRUE(notify.wait_for("STATUS=critical: TLS_CONNECT_TIMEOUT", Millis(5000)));
  auto sick = http_get(port, "/healthz");
  EXPECT_EQ(sick.status, 503);
  EXPECT_EQ(sick.body, "critical: TLS_CONNECT_TIMEOUT\n");
  write_text(scenario_, "ok\n");
  ASSERT_TRUE(notify.wait_for("STATUS=ok", Millis(5000)));
  EXPECT_EQ(http_get(port, "/healthz").status, 200);

  // A broken file on SIGHUP: logged, counted, the old config kept, still serving and checking.
  write_text(config_, "[agent]\ninterval_ms = \"soon\"\n");
  ASSERT_EQ(kill(pid_, SIGHUP), 0);
  auto failed = notify.wait_for("config reload failed", Millis(5000));
  ASSERT_TRUE(failed) << agent_log();
  EXPECT_THAT(*failed, HasSubstr("agent.interval_ms"));
  ASSERT_TRUE(notify.wait_for("STATUS=ok (", Millis(5000)));  // the 1 s interval still runs
  EXPECT_EQ(http_get(port, "/healthz").status, 200);
  EXPECT_THAT(http_get(port, "/metrics").body,
              HasSubstr("bedrock_reach_agent_config_reloads_total{result=\"failed\"} 1"));
  EXPECT_THAT(agent_log(), HasSubstr("config reload failed, keeping the previous config"));

  auto asked = SteadyClock::now();
  ASSERT_EQ(kill(pid_, SIGTERM), 0);
  auto status = wait_exit(Millis(1000));
  ASSERT_TRUE(status) << "did not stop within a second";
  auto took = std::chrono::duration_cast<Millis>(SteadyClock::now() - asked);
  EXPECT_LT(took, Millis(1000));
  RecordProperty("sigterm_to_exit_ms", static_cast<int>(took.count()));
  std::cout << "SIGTERM to exit: " << took.count() << " ms\n";
  ASSERT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
  EXPECT_TRUE(notify.wait_for("STOPPING=1", Millis(100)));
  // State changes are logged, not every check.
  auto log = agent_log();
  EXPECT_THAT(log, HasSubstr("status ok -> critical: TLS_CONNECT_TIMEOUT"));
  EXPECT_THAT(log, HasSubstr("status critical -> ok"));
}

TEST_F(DaemonProcess, WatchdogKeepalivesWhenWatchdogUsecIsSet) {
  NotifySocket notify(dir_ / "notify.sock");
  ASSERT_TRUE(notify.bound());
  // sd_watchdog_enabled() reads WATCHDOG_USEC from the environment, as systemd sets it.
  spawn("/usr/bin/env",
        {"WATCHDOG_USEC=200000", BR_DAEMON_TEST_AGENT, "--config", config_.string(), "agent",
         "--listen", "127.0.0.1:0"},
        notify.path());
  ASSERT_TRUE(notify.wait_for("READY=1")) << agent_log();
  ASSERT_TRUE(notify.wait_for("WATCHDOG=1", Millis(1000)));
  ASSERT_TRUE(notify.wait_for("WATCHDOG=1", Millis(1000)));
  kill(pid_, SIGTERM);
  ASSERT_TRUE(wait_exit(Millis(1000)));
}

TEST(DaemonCli, RealBinaryRejectsBadFlagsBeforeAnyCheck) {
  // These fail before the first check, so the real check (and the network) is never reached.
  auto run = [](const std::string& args) {
    std::string command = std::string(BR_BINARY) + " " + args + " >/dev/null 2>&1";
    int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(run("agent --help"), 0);
  EXPECT_EQ(run("agent --interval 0"), 3);
  EXPECT_EQ(run("agent --listen 127.0.0.1:notaport"), 3);
  // Also an unusable listen address, so even a region check gone wrong cannot reach a check.
  std::string region_output;
  if (FILE* pipe =
          popen((std::string(BR_BINARY) + " agent --region bogus --listen 127.0.0.1:notaport 2>&1")
                    .c_str(),
                "r")) {
    char buffer[512];
    while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) region_output += buffer;
    int status = pclose(pipe);
    EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 3);
  }
  EXPECT_THAT(region_output, HasSubstr("invalid region 'bogus'"));
  EXPECT_EQ(run("agent --listen 127.0.0.1:9750 --no-such-flag"), 3);
}

}  // namespace
}  // namespace bedrock_reach
