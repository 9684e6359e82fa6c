#pragma once
// An in-process HTTP/1.1 server on 127.0.0.1 (or [::1]), port 0, that a test scripts with one
// handler. It runs on its own threads (cpp-httplib), so the code under test keeps its event
// loop; every request is recorded. Loopback only, by construction.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace bedrock_reach::test {

struct FakeRequest {
  std::string method;
  std::string path;  // without the query
  std::string query;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::chrono::steady_clock::time_point received;
  int remote_port = 0;  // the client's end: one per connection (keep-alive tests)

  /// nullptr when absent. Out of line: inlined, GCC 12 -O2 flags callers that dereference
  /// after an ASSERT_NE(…, nullptr) with -Wnull-dereference.
  const std::string* header(const std::string& lower_name) const;
  /// Form or query parameter (decoded); empty when absent.
  std::string param(const std::string& name) const;
};

struct FakeReply {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain";
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};  // answer late (served on the server's own thread)
};

class FakeHttpServer {
 public:
  using Handler = std::function<FakeReply(const FakeRequest&)>;

  /// Starts listening on `host` (127.0.0.1 or ::1 only) at an ephemeral port, or at `port` (a
  /// server restarted where a destroyed one listened: its connections are gone).
  explicit FakeHttpServer(Handler handler, std::string host = "127.0.0.1", int threads = 32,
                          int port = 0);
  ~FakeHttpServer();
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  int port() const { return port_; }
  /// "http://127.0.0.1:PORT" (no trailing slash).
  std::string url() const;
  std::vector<FakeRequest> requests() const;
  std::size_t request_count() const;
  /// Requests whose form/query parameter `name` equals `value` (e.g. Action=DescribeVpcs).
  std::size_t count_param(const std::string& name, const std::string& value) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  std::string host_;
  int port_ = 0;
};

/// Decodes application/x-www-form-urlencoded text into ordered pairs.
std::vector<std::pair<std::string, std::string>> decode_form(const std::string& text);

}  // namespace bedrock_reach::test
