#pragma once
// libcurl multi on the check's EventLoop: the only HTTP engine in the agent. Implements
// HttpClient; every exchange runs concurrently with DNS on the same thread.
#include <memory>

#include "bedrock_reach/http.hpp"

namespace bedrock_reach {

/// Call once in main before any CurlClient exists (curl_global_init is not thread-safe).
void curl_global_setup();
void curl_global_teardown();

class CurlClient final : public HttpClient {
 public:
  explicit CurlClient(EventLoop& loop);
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
