#pragma once
// A loopback HTTPS server for integration tests: binds port 0 on 127.0.0.1 or ::1, serves each
// connection on its own thread (test code only: it must answer many handshakes at once for the
// benchmark), and can misbehave on purpose: stall the handshake, reset after the ClientHello,
// speak only TLS 1.1, or delay its first flight.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/test_certs.hpp"

namespace bedrock_reach::test {

struct TestHttpRequest {
  std::string method;
  std::string target;                                        // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string sni;
  const std::string* header(const std::string& lower_name) const {
    for (const auto& [name, value] : headers) {
      if (name == lower_name) return &value;
    }
    return nullptr;
  }
};

struct TestHttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

enum class TlsServerMode {
  normal,
  stall_handshake,           // accept TCP, never answer the ClientHello
  reset_after_client_hello,  // read the ClientHello, then RST
  tls11_only,                // TLS 1.1 is the highest version offered
};

struct TlsServerOptions {
  TestCert cert;
  TlsServerMode mode = TlsServerMode::normal;
  std::chrono::milliseconds first_flight_delay{0};  // before answering the ClientHello
  std::string bind_address = "127.0.0.1";
};

class TlsServer {
 public:
  using Handler = std::function<TestHttpResponse(const TestHttpRequest&)>;

  /// Starts listening at once; throws on set-up failure (tests only).
  TlsServer(TlsServerOptions options, Handler handler);
  ~TlsServer();
  TlsServer(const TlsServer&) = delete;
  TlsServer& operator=(const TlsServer&) = delete;

  int port() const { return port_; }
  int connections() const { return connections_.load(); }
  std::vector<TestHttpRequest> requests() const;

  /// A handler answering like an AWS front end: 403 AccessDeniedException with x-amzn-RequestId.
  static TestHttpResponse aws_access_denied(const TestHttpRequest&);

 private:
  void accept_loop();
  void serve(int fd);
  bool wait_or_stop(int fd, int timeout_ms);  // true when fd readable, false on stop/timeout

  TlsServerOptions options_;
  Handler handler_;
  int listen_fd_ = -1;
  int stop_fd_ = -1;  // eventfd: written once on destruction
  int port_ = 0;
  std::atomic<int> connections_{0};
  struct SslCtxDeleter {
    void operator()(void* ctx) const;
  };
  std::unique_ptr<void, SslCtxDeleter> ssl_ctx_;
  mutable std::mutex mutex_;
  std::vector<TestHttpRequest> requests_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace bedrock_reach::test
