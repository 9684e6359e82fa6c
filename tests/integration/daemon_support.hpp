#pragma once
// Shared by the daemon integration tests: a recording Notifier, a loopback HTTP GET, promtool.
#include <httplib.h>

#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "daemon/notify.hpp"

namespace bedrock_reach::testing_support {

/// Records sd_notify messages; tests wait for one matching a predicate instead of sleeping.
class RecordingNotifier final : public Notifier {
 public:
  explicit RecordingNotifier(std::optional<Millis> watchdog = std::nullopt) : watchdog_(watchdog) {}
  void notify(const std::string& message) override {
    std::lock_guard lock(mutex_);
    messages_.push_back(message);
    changed_.notify_all();
  }
  std::optional<Millis> watchdog_interval() const override { return watchdog_; }

  /// Index of the first message at or after `from` containing `needle`, waiting up to `timeout`.
  std::optional<std::size_t> wait_for(const std::string& needle, std::size_t from = 0,
                                      Millis timeout = Millis(10000)) {
    std::unique_lock lock(mutex_);
    std::optional<std::size_t> found;
    changed_.wait_for(lock, timeout, [&] {
      for (std::size_t i = from; i < messages_.size(); ++i) {
        if (messages_[i].find(needle) != std::string::npos) {
          found = i;
          return true;
        }
      }
      return false;
    });
    return found;
  }
  std::vector<std::string> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return messages_.size();
  }

 private:
  std::optional<Millis> watchdog_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> messages_;
};

struct Got {
  int status = 0;
  std::string body;
  std::string content_type;
};

inline Got http_get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2);
  client.set_read_timeout(2);
  auto result = client.Get(path.c_str());
  if (!result) return {};
  return {result->status, result->body, result->get_header_value("Content-Type")};
}

/// Runs `promtool check metrics` on `text`; returns its exit status and output.
inline std::pair<int, std::string> promtool_check(const std::string& text, const std::string& dir) {
  std::string input = dir + "/metrics.prom";
  if (FILE* file = std::fopen(input.c_str(), "w")) {
    std::fwrite(text.data(), 1, text.size(), file);
    std::fclose(file);
  }
  std::string command = "promtool check metrics < '" + input + "' 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  char buffer[512];
  while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

inline bool have_promtool() { return std::system("command -v promtool >/dev/null 2>&1") == 0; }

}  // namespace bedrock_reach::testing_support
