#pragma once
// libcurl multi on the check's EventLoop: the only HTTP engine in the agent. Implements
// HttpClient; every exchange runs concurrently with DNS on the same thread.
#include <chrono>
#include <cstddef>
#include <memory>

#include "bedrock_reach/http.hpp"

namespace bedrock_reach {

/// Call once in main before any CurlClient exists (curl_global_init is not thread-safe).
void curl_global_setup();
void curl_global_teardown();

/// EC2 API connections kept across the daemon's checks (issue 19), so a steady check reuses
/// them instead of a TLS handshake per call. Only requests with HttpRequest::keep_across_checks
/// (EC2; never the Bedrock probes, never pinned or proxied requests) use them.
struct KeptConnections {
  /// At most this many kept, idle or in use (curl closes the oldest idle one beyond it; 0: none
  /// kept across clients). 10 = the Describe calls of discovery's first round, in flight at once
  /// (HTTP/1.1 needs a connection per call in flight); a call overlapping them
  /// (DescribeDhcpOptions) still opens one: about one handshake per steady check
  /// (docs/performance.md).
  std::size_t max_kept = 0;
  /// A kept connection idle longer than this is never reused: curl closes it when the next check
  /// looks at the cache (CURLOPT_MAXAGE_CONN). Between checks nothing runs, so the idle daemon
  /// holds at most max_kept. Above the default interval's 66 s (60 s + 10 % jitter), below
  /// curl's own 118 s.
  std::chrono::seconds max_idle{90};

  static KeptConnections daemon() { return {10, std::chrono::seconds(90)}; }
};

/// What clients may keep beyond themselves (issue 19): the CA stores (a bundle is indexed once and
/// each certificate decoded once, on first use), the TLS session cache of API calls (a later
/// connection to the same host resumes instead of repeating the full handshake) and, when
/// `kept.max_kept` > 0, the EC2 API connections themselves. The daemon keeps one for its life; a
/// one-shot check's client makes its own, which keeps no connections. Thread-safe; one client at
/// a time uses the kept connections (the daemon runs one check at a time).
class CurlShared {
 public:
  explicit CurlShared(KeptConnections kept = {});
  ~CurlShared();
  CurlShared(const CurlShared&) = delete;
  CurlShared& operator=(const CurlShared&) = delete;

  /// The next client starts without the kept connections (they are closed then, once no client
  /// uses them): after a config reload the endpoint, Region or credentials may differ.
  void retire_kept_connections();
  /// Off: clients keep no connections and the next one closes those kept (the daemon turns it off
  /// when its interval is longer than max_idle, so kept connections could never be reused).
  void set_keeping(bool keep);
  const KeptConnections& kept() const;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

class CurlClient final : public HttpClient {
 public:
  /// `shared` empty: the client keeps its own (for its lifetime).
  explicit CurlClient(EventLoop& loop, std::shared_ptr<CurlShared> shared = nullptr);
  ~CurlClient() override;
  CurlClient(const CurlClient&) = delete;
  CurlClient& operator=(const CurlClient&) = delete;

  // HttpClient::
  void start(HttpRequest request, Callback done) override;
  void cancel_all() override;
  std::size_t in_flight() const override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace bedrock_reach
