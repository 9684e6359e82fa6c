#pragma once
// libcurl multi on the check's EventLoop: the only HTTP engine in the agent. Implements
// HttpClient; every exchange runs concurrently with DNS on the same thread.
#include <memory>

#include "bedrock_reach/http.hpp"

namespace bedrock_reach {

/// Call once in main before any CurlClient exists (curl_global_init is not thread-safe).
void curl_global_setup();
void curl_global_teardown();

/// What clients may keep beyond themselves (issue 19): the CA stores (a bundle is indexed once and
/// each certificate decoded once, on first use) and the TLS session cache of API calls (a later
/// connection to the same host resumes instead of repeating the full handshake). The daemon keeps
/// one for its life; a one-shot check's client makes its own. Thread-safe.
class CurlShared {
 public:
  CurlShared();
  ~CurlShared();
  CurlShared(const CurlShared&) = delete;
  CurlShared& operator=(const CurlShared&) = delete;

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
