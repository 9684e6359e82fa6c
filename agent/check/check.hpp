#pragma once
// One check: the orchestration every caller shares (the CLI's `check`, the daemon's interval).
#include <functional>
#include <string>
#include <string_view>

#include "bedrock_reach/environment.hpp"
#include "bedrock_reach/report.hpp"
#include "config/config.hpp"

namespace spdlog {
class logger;
}

namespace bedrock_reach {

struct CheckRequest {
  Config config;
  Environment environment;
  std::string region_flag;  // --region, highest precedence
  // File locations, injectable for tests.
  std::string resolv_conf_path = "/etc/resolv.conf";
  std::string hosts_path = "/etc/hosts";
  std::string nsswitch_path = "/etc/nsswitch.conf";
  /// Called about every 250 ms while the check runs (on the check's thread): the step still
  /// running, elapsed time, and TLS probes done of started. Empty: no progress reports.
  std::function<void(std::string_view phase, double elapsed_ms, std::size_t done,
                     std::size_t total)>
      progress;
};

/// Runs the whole check on one event loop under config.timeout_ms; never throws for network
/// conditions (they become findings). Thread-compatible: one call per thread at a time.
Report run_check(const CheckRequest& request, spdlog::logger& log);

}  // namespace bedrock_reach
