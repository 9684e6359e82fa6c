#pragma once
// HTTP(S) exchange as plain values, so pure rules (IMDS, EC2, Bedrock reply classification)
// never see libcurl. The curl adapter (core/http) is the only code that performs them.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bedrock_reach/credentials.hpp"
#include "bedrock_reach/event_loop.hpp"
#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

struct SigV4Signing {
  std::string region;
  std::string service;                       // signing name: ec2, bedrock
  const Credentials* credentials = nullptr;  // must outlive the request
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Connect to this address instead of resolving the URL's host; SNI and Host stay the URL's.
  std::optional<std::string> pin_address;
  Millis connect_timeout{1000};
  Millis total_timeout{5000};
  std::string ca_bundle;  // empty: the system store
  bool verify_peer = true;
  bool verify_host = true;
  /// nullopt: no proxy at all (environment ignored); otherwise this proxy URL.
  std::optional<std::string> proxy;
  std::optional<SigV4Signing> sigv4;
  std::size_t max_body_bytes = 1 << 20;  // larger bodies fail with ErrorKind::too_large
  bool want_tls_details = false;
  /// With want_tls_details the request opens its own connection, so its handshake is what it
  /// measures; keep_connection then leaves that connection open for a follow-up request to the
  /// same pinned address, which sets reuse_connection (take an open one if any, keep none).
  bool keep_connection = false;
  bool reuse_connection = false;
  /// An AWS API call (EC2) whose connection may outlive the client: with a CurlShared that keeps
  /// connections (the daemon) it reuses one kept from an earlier check and leaves it for the next,
  /// within that share's bound (core/http/curl_client.hpp). Never set by probes, which judge their
  /// own fresh handshake; ignored for pinned and proxied requests.
  bool keep_across_checks = false;
  /// Refuse to negotiate below TLS 1.2 (AWS endpoints require 1.2+; reference §6.1).
  bool tls12_floor = true;
};

struct CertDetails {
  std::string subject;
  std::string issuer;
  std::vector<std::string> sans;  // DNS names
  long long not_before = 0;       // unix seconds
  long long not_after = 0;
};

struct HttpTimings {
  double connect_ms = 0;
  double tls_ms = 0;  // from start to TLS established (curl appconnect)
  double first_byte_ms = 0;
  double total_ms = 0;
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  HttpTimings timings;
  std::string tls_version;  // "TLSv1.3"
  std::string tls_cipher;
  std::optional<CertDetails> leaf;
  std::string remote_ip;

  const std::string* header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return &value;
    }
    return nullptr;
  }
};

/// Why an exchange failed: the coarse kind, a TLS-specific reason when it is one, and how far it
/// got.
struct HttpFailure {
  ErrorKind kind = ErrorKind::internal;
  std::string message;     // library message, one line, no secrets
  std::string tls_reason;  // expired|not_yet_valid|untrusted|self_signed|name_mismatch|handshake|
                           // protocol_version|"" when not a TLS failure
  HttpTimings timings;
  bool connected = false;  // TCP connect completed before the failure
  /// Filled when want_tls_details and the handshake got as far as the server's certificate, also
  /// when verification then failed (so an expired or wrong-name certificate can be described).
  std::string tls_version;
  std::string tls_cipher;
  std::optional<CertDetails> leaf;
};

using HttpResult = tl::expected<HttpResponse, HttpFailure>;

/// Runs HTTP exchanges on an EventLoop. One implementation wraps libcurl multi.
class HttpClient {
 public:
  using Callback = std::function<void(HttpResult)>;
  virtual ~HttpClient() = default;
  /// Starts the exchange; `done` runs exactly once on the loop thread (also when cancelled).
  virtual void start(HttpRequest request, Callback done) = 0;
  /// Fails every exchange still running with ErrorKind::cancelled.
  virtual void cancel_all() = 0;
  virtual std::size_t in_flight() const = 0;
};

}  // namespace bedrock_reach
