#pragma once
// One check: the orchestration every caller shares (the CLI's `check`, the daemon's interval).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/clock_skew.hpp"
#include "aws/region.hpp"
#include "aws/runtime.hpp"
#include "bedrock_reach/environment.hpp"
#include "bedrock_reach/report.hpp"
#include "config/config.hpp"

namespace spdlog {
class logger;
}

namespace bedrock_reach {

class CurlShared;

struct CheckRequest {
  Config config;
  Environment environment;
  /// The Region chosen at the edge before the check (flag, environment, config); nullopt: the
  /// check asks instance metadata.
  std::optional<Region> region;
  // Where things are on a real instance; tests point them at files and fakes on loopback.
  std::string resolv_conf_path = "/etc/resolv.conf";
  std::string hosts_path = "/etc/hosts";
  std::string nsswitch_path = "/etc/nsswitch.conf";
  std::vector<std::string> amazon_resolvers{"169.254.169.253"};  // asked directly, at once
  bool amazon_resolver_at_vpc_base = true;  // also VPC base + 2 once IMDS names the CIDR
  std::uint16_t dns_port = 53;              // resolv.conf nameservers' port
  int tls_port = 443;                       // every probed Bedrock address's port
  /// Where the check runs and the kernel clock's sync state (issue 16); tests replace them.
  std::function<RuntimeFiles()> runtime_files = read_runtime_files;
  std::function<std::optional<bool>()> kernel_clock_unsynchronised =
      bedrock_reach::kernel_clock_unsynchronised;
  /// Called about every 250 ms while the check runs (on the check's thread): the step still
  /// running, elapsed time, and TLS probes done of started. Empty: no progress reports.
  std::function<void(std::string_view phase, double elapsed_ms, std::size_t done,
                     std::size_t total)>
      progress;
  /// Audit (issue 20): EC2 discovery reads the instance's VPC as a whole (every subnet, route
  /// table and NACL, once per action) and each of these other VPCs the same way.
  bool vpc_wide_discovery = false;
  std::vector<std::string> other_vpcs;
  /// What the HTTP client keeps between checks (CA stores, TLS sessions): the daemon passes the
  /// one it keeps for its life. Empty: the check's client keeps its own.
  std::shared_ptr<CurlShared> http_shared;
};

/// Runs the whole check on one event loop under config.timeout_ms; never throws for network
/// conditions (they become findings). Thread-compatible: one call per thread at a time.
Report run_check(const CheckRequest& request, spdlog::logger& log);

}  // namespace bedrock_reach
