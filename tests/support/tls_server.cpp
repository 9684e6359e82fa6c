#include "support/tls_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstring>
#include <stdexcept>

namespace bedrock_reach::test {
namespace {

constexpr std::size_t kMaxRequestBytes = 1 << 20;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string trim(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  auto last = text.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

const char* reason_of(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    default:
      return "Status";
  }
}

// Reads one request (headers, then Content-Length bytes) from the TLS connection.
bool read_request(SSL* ssl, TestHttpRequest& request) {
  std::string data;
  char buffer[4096];
  std::size_t header_end = std::string::npos;
  while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
    int n = SSL_read(ssl, buffer, sizeof buffer);
    if (n <= 0 || data.size() > kMaxRequestBytes) return false;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  std::string head = data.substr(0, header_end);
  std::string rest = data.substr(header_end + 4);
  auto line_end = head.find("\r\n");
  std::string request_line = head.substr(0, line_end);
  auto space1 = request_line.find(' ');
  auto space2 = request_line.find(' ', space1 + 1);
  if (space1 == std::string::npos || space2 == std::string::npos) return false;
  request.method = request_line.substr(0, space1);
  request.target = request_line.substr(space1 + 1, space2 - space1 - 1);
  std::size_t position = line_end == std::string::npos ? head.size() : line_end + 2;
  std::size_t content_length = 0;
  while (position < head.size()) {
    auto next = head.find("\r\n", position);
    if (next == std::string::npos) next = head.size();
    std::string line = head.substr(position, next - position);
    position = next + 2;
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = lower(trim(line.substr(0, colon)));
    std::string value = trim(line.substr(colon + 1));
    if (name == "content-length") content_length = std::stoul(value);
    request.headers.emplace_back(name, value);
  }
  if (content_length > kMaxRequestBytes) return false;
  while (rest.size() < content_length) {
    int n = SSL_read(ssl, buffer, sizeof buffer);
    if (n <= 0) return false;
    rest.append(buffer, static_cast<std::size_t>(n));
  }
  request.body = rest.substr(0, content_length);
  return true;
}

void write_all(SSL* ssl, const std::string& text) {
  std::size_t sent = 0;
  while (sent < text.size()) {
    int n = SSL_write(ssl, text.data() + sent, static_cast<int>(text.size() - sent));
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

SSL_CTX* make_ctx(const TlsServerOptions& options) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) throw std::runtime_error("SSL_CTX_new failed");
  BIO* cert_bio =
      BIO_new_mem_buf(options.cert.cert_pem.data(), static_cast<int>(options.cert.cert_pem.size()));
  X509* cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
  BIO_free(cert_bio);
  BIO* key_bio =
      BIO_new_mem_buf(options.cert.key_pem.data(), static_cast<int>(options.cert.key_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
  BIO_free(key_bio);
  if (cert == nullptr || key == nullptr) throw std::runtime_error("bad test certificate");
  if (options.mode == TlsServerMode::tls11_only) {
    // Debian's openssl.cnf floors at TLS 1.2 / SECLEVEL 2; a 1.1-only peer needs both lowered.
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(ctx, TLS1_1_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
  }
  SSL_CTX_use_certificate(ctx, cert);
  SSL_CTX_use_PrivateKey(ctx, key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return ctx;
}

}  // namespace

void TlsServer::SslCtxDeleter::operator()(void* ctx) const {
  SSL_CTX_free(static_cast<SSL_CTX*>(ctx));
}

TlsServer::TlsServer(TlsServerOptions options, Handler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {
  // OpenSSL's socket BIO writes without MSG_NOSIGNAL; a client that hangs up mid-handshake (as
  // the failure tests do) must not kill the test process.
  std::signal(SIGPIPE, SIG_IGN);
  ssl_ctx_.reset(make_ctx(options_));
  bool v6 = options_.bind_address.find(':') != std::string::npos;
  listen_fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage address{};
  socklen_t length = 0;
  if (v6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&address);
    sin6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, options_.bind_address.c_str(), &sin6->sin6_addr);
    length = sizeof(sockaddr_in6);
  } else {
    auto* sin = reinterpret_cast<sockaddr_in*>(&address);
    sin->sin_family = AF_INET;
    inet_pton(AF_INET, options_.bind_address.c_str(), &sin->sin_addr);
    length = sizeof(sockaddr_in);
  }
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("TlsServer: cannot listen on " + options_.bind_address);
  }
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&address)->sin6_port
                   : reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  stop_fd_ = eventfd(0, EFD_CLOEXEC);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TlsServer::~TlsServer() {
  std::uint64_t one = 1;
  (void)!::write(stop_fd_, &one, sizeof one);
  acceptor_.join();
  for (auto& worker : workers_) worker.join();
  ::close(listen_fd_);
  ::close(stop_fd_);
}

bool TlsServer::wait_or_stop(int fd, int timeout_ms) {
  pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {fd, POLLIN, 0}};
  int n = ::poll(fds, fd < 0 ? 1 : 2, timeout_ms);
  if (n <= 0 || (fds[0].revents & POLLIN) != 0) return false;
  return fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
}

void TlsServer::accept_loop() {
  while (wait_or_stop(listen_fd_, -1)) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    ++connections_;
    workers_.emplace_back([this, fd] {
      serve(fd);
      ::close(fd);
    });
  }
}

std::vector<TestHttpRequest> TlsServer::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void TlsServer::serve(int fd) {
  switch (options_.mode) {
    case TlsServerMode::stall_handshake:
      wait_or_stop(-1, -1);  // until the server is destroyed
      return;
    case TlsServerMode::reset_after_client_hello: {
      if (!wait_or_stop(fd, 5000)) return;
      char buffer[4096];
      (void)!::recv(fd, buffer, sizeof buffer, 0);
      linger hard{1, 0};  // close with RST
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
      return;
    }
    default:
      break;
  }
  // The first flight waits for the ClientHello, then the configured delay (simulated RTT).
  if (options_.first_flight_delay.count() > 0) {
    if (!wait_or_stop(fd, 5000)) return;
    if (wait_or_stop(-1, static_cast<int>(options_.first_flight_delay.count())) == false) {
      // Timed out (the normal case) or stopping; check stop explicitly.
      pollfd stop{stop_fd_, POLLIN, 0};
      if (::poll(&stop, 1, 0) > 0) return;
    }
  }
  timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  SSL* ssl = SSL_new(static_cast<SSL_CTX*>(ssl_ctx_.get()));
  SSL_set_fd(ssl, fd);
  if (SSL_accept(ssl) == 1) {
    TestHttpRequest request;
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    request.sni = sni != nullptr ? sni : "";
    if (read_request(ssl, request)) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(request);
      }
      TestHttpResponse response = handler_(request);
      std::string text =
          "HTTP/1.1 " + std::to_string(response.status) + " " + reason_of(response.status) + "\r\n";
      for (const auto& [name, value] : response.headers) text += name + ": " + value + "\r\n";
      text += "Content-Length: " + std::to_string(response.body.size()) +
              "\r\nConnection: close\r\n\r\n" + response.body;
      write_all(ssl, text);
      SSL_shutdown(ssl);
    }
  }
  ERR_clear_error();
  SSL_free(ssl);
}

TestHttpResponse TlsServer::aws_access_denied(const TestHttpRequest&) {
  return TestHttpResponse{
      403,
      {{"Content-Type", "application/json"},
       {"x-amzn-RequestId", "e1f33b11-996b-4df6-b92a-cb525f413a6b"},
       {"x-amzn-ErrorType",
        "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/"}},
      R"({"Message":"Authorization header is missing"})"};
}

}  // namespace bedrock_reach::test
