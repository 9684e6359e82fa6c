#pragma once
// Instance metadata (IMDSv2) on the check's event loop: the token first, then everything else at
// once. Off EC2 or with IMDS disabled it reports IMDS_UNAVAILABLE (info) within about a second.
// IMDS is always reached directly, never through a proxy.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bedrock_reach/credentials.hpp"
#include "bedrock_reach/environment.hpp"
#include "bedrock_reach/http.hpp"
#include "bedrock_reach/probe.hpp"
#include "bedrock_reach/topology.hpp"

namespace bedrock_reach {

struct ImdsOptions {
  bool disabled = false;                            // AWS_EC2_METADATA_DISABLED=true
  std::string endpoint = "http://169.254.169.254";  // no trailing slash
  std::string config_error;      // e.g. a bad _MODE: IMDS is then unavailable, as in the SDKs
  Millis connect_timeout{1000};  // SDK default 1 s (AWS_METADATA_SERVICE_TIMEOUT)
  Millis request_timeout{1000};
  int max_attempts = 2;  // per request; a timed-out token request is not retried
  Millis retry_delay{100};
  int token_ttl_seconds = 21600;
  bool allow_v1_fallback = true;  // false with AWS_EC2_METADATA_V1_DISABLED=true
  std::size_t max_interfaces = 8;

  /// AWS_EC2_METADATA_DISABLED, AWS_EC2_METADATA_SERVICE_ENDPOINT (wins over the mode),
  /// AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE (IPv4 | IPv6, case-insensitive),
  /// AWS_METADATA_SERVICE_TIMEOUT (seconds), AWS_METADATA_SERVICE_NUM_ATTEMPTS,
  /// AWS_EC2_METADATA_V1_DISABLED.
  static ImdsOptions from_environment(const Environment& env);
};

/// A token kept between checks (the daemon): reused until a minute before its TTL ends, and
/// dropped when IMDS answers 401. Holds the token as a Secret.
struct ImdsTokenCache {
  Secret token;
  TimePoint expires{};
  bool usable(TimePoint now) const { return !token.empty() && now + Millis(60000) < expires; }
  void clear() { *this = ImdsTokenCache{}; }
};

struct InstanceContext {
  std::optional<InstanceIdentity> identity;  // set when at least the Region is known
  std::optional<Credentials> role_credentials;
  bool imds_v1 = false;            // the token was refused and IMDSv1 answered
  std::vector<std::string> notes;  // what could not be read and why (never a secret)
};

/// Called once, on the loop thread, as soon as placement/region has answered: the DNS names
/// depend on the Region alone, so their queries need not wait for the rest of the metadata.
using RegionKnownCallback = std::function<void(const std::string& region)>;

struct ImdsRequest {
  ImdsOptions options;
  ImdsTokenCache* cache = nullptr;   // kept between checks (the daemon); null: a fresh token
  RegionKnownCallback region_known;  // optional
};

/// Fetches identity, network and role credentials. Completes exactly once on the loop thread,
/// at the latest at ctx.deadline (then cut_by_deadline, with what was read so far). Findings:
/// IMDS_UNAVAILABLE. `http` (and `*request.cache`) must outlive the operation.
void probe_imds(ProbeContext& ctx, HttpClient& http, const ImdsRequest& request,
                ProbeCallback<InstanceContext> done);

}  // namespace bedrock_reach
