#pragma once
// One check: the orchestration every caller shares (the CLI's `check`, the daemon's interval).
#include <string>

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
};

/// Runs the whole check on one event loop under config.timeout_ms; never throws for network
/// conditions (they become findings). Thread-compatible: one call per thread at a time.
Report run_check(const CheckRequest& request, spdlog::logger& log);

}  // namespace bedrock_reach
