#pragma once
// The per-address TLS/HTTP probe (issue #7): one address, TCP 443 pinned to it with SNI and Host =
// the service name, full verification, certificate details and timings, an unsigned request that
// must come back AWS-shaped, then (with credentials) a harmless signed call whose reply tells
// "network fine, IAM or endpoint policy denies" apart from "network broken". Runs on the check's
// EventLoop through any HttpClient (wrap it in LimitedHttpClient to bound sockets).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bedrock_reach/credentials.hpp"
#include "bedrock_reach/http.hpp"
#include "bedrock_reach/probe.hpp"
#include "bedrock_reach/report.hpp"

namespace bedrock_reach {

struct TlsProbeRequest {
  std::string service;       // bedrock-runtime
  std::string hostname;      // bedrock-runtime.us-east-1.amazonaws.com (SNI, Host, cert name)
  std::string signing_name;  // "bedrock" for all four services; empty: "bedrock"
  std::string region;
  std::string address;    // connect here; empty: let curl (or the proxy) resolve the name
  std::string ca_bundle;  // empty: system store (pass AWS_CA_BUNDLE here)
  const Credentials* credentials = nullptr;  // nullptr: no signed call; must outlive the probe
  bool signed_call = true;                   // false with --no-signed
  std::string model;  // --model: the application's model for the bedrock-runtime signed call
  std::optional<std::string> proxy_url;  // probe through this proxy instead of direct
  int cert_expiry_warning_days = 14;
  Millis connect_timeout{2000};  // TCP connect plus TLS handshake
  Millis total_timeout{5000};    // per exchange; both are also capped by the context deadline
  int port = 443;                // tests use the fake's port
  long long now_unix = 0;        // wall clock for certificate expiry; 0: the system clock
};

/// Probes one address; `done` runs exactly once on the loop thread (never inside this call) with
/// the result and its findings (each with service and address set). Never throws for network
/// conditions. `ctx`, `http` and `*request.credentials` must outlive the probe. A failure caused
/// by the context's deadline yields cut_by_deadline and no finding (the caller's CHECK_DEADLINE).
void probe_tls(ProbeContext& ctx, HttpClient& http, const TlsProbeRequest& request,
               ProbeCallback<TlsResult> done);

/// The result for an address that is deliberately not probed (e.g. IPv6 without connectivity).
ProbeOutcome<TlsResult> not_probed(std::string reason);

}  // namespace bedrock_reach
