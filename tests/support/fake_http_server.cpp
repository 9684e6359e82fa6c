#include "support/fake_http_server.hpp"

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <thread>

namespace bedrock_reach::test {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> decode_form(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('&', start);
    std::string pair =
        text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      out.emplace_back(url_decode(pair.substr(0, eq)),
                       eq == std::string::npos ? "" : url_decode(pair.substr(eq + 1)));
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

const std::string* FakeRequest::header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

std::string FakeRequest::param(const std::string& name) const {
  for (const auto& source : {body, query}) {
    for (const auto& [k, v] : decode_form(source)) {
      if (k == name) return v;
    }
  }
  return {};
}

struct FakeHttpServer::Impl {
  httplib::Server server;
  std::thread thread;
  Handler handler;
  mutable std::mutex mutex;
  std::vector<FakeRequest> requests;
};

FakeHttpServer::FakeHttpServer(Handler handler, std::string host, int threads, int port)
    : impl_(std::make_unique<Impl>()), host_(std::move(host)) {
  if (host_ != "127.0.0.1" && host_ != "::1") {
    throw std::invalid_argument("FakeHttpServer binds loopback only");
  }
  impl_->handler = std::move(handler);
  impl_->server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  Impl* impl = impl_.get();
  auto serve = [impl](const httplib::Request& req, httplib::Response& res) {
    FakeRequest r;
    r.method = req.method;
    r.path = req.path;
    // The raw target, as sent: httplib's params mix in form bodies and are decoded.
    auto question = req.target.find('?');
    r.query = question == std::string::npos ? "" : req.target.substr(question + 1);
    for (const auto& [k, v] : req.headers) {
      if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT") {
        continue;
      }
      r.headers.emplace_back(lower(k), v);
    }
    r.body = req.body;
    r.received = std::chrono::steady_clock::now();
    r.remote_port = req.remote_port;
    {
      std::lock_guard lock(impl->mutex);
      impl->requests.push_back(r);
    }
    FakeReply reply = impl->handler(r);
    if (reply.delay.count() > 0) std::this_thread::sleep_for(reply.delay);
    res.status = reply.status;
    for (const auto& [k, v] : reply.headers) res.set_header(k, v);
    res.set_content(reply.body, reply.content_type);
  };
  for (auto* method : {"GET", "PUT", "POST", "DELETE", "HEAD"}) {
    std::string m = method;
    if (m == "GET") impl_->server.Get(".*", serve);
    if (m == "PUT") impl_->server.Put(".*", serve);
    if (m == "POST") impl_->server.Post(".*", serve);
    if (m == "DELETE") impl_->server.Delete(".*", serve);
  }
  // Debian builds cpp-httplib as a library with a listen backlog of 5: more concurrent
  // connects than that lose their SYN and wait a 1 s retransmit. Re-listening raises it.
  int listen_fd = -1;
  impl_->server.set_socket_options([&listen_fd](socket_t sock) {
    httplib::default_socket_options(sock);
    // Accepted sockets inherit it: no Nagle + delayed-ACK 40 ms stalls between header and body.
    int one = 1;
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    listen_fd = sock;
  });
  if (port == 0) {
    port_ = impl_->server.bind_to_any_port(host_);
  } else {
    port_ = impl_->server.bind_to_port(host_, port) ? port : -1;
  }
  if (port_ <= 0) throw std::runtime_error("FakeHttpServer could not bind " + host_);
  if (listen_fd >= 0) ::listen(listen_fd, 512);
  impl_->thread = std::thread([impl] { impl->server.listen_after_bind(); });
  // stop() is a no-op before the accept loop runs, so wait for it (start-up only, bounded).
  for (int i = 0; i < 5000 && !impl_->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

FakeHttpServer::~FakeHttpServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string FakeHttpServer::url() const {
  std::string host = host_ == "::1" ? "[::1]" : host_;
  return "http://" + host + ":" + std::to_string(port_);
}

std::vector<FakeRequest> FakeHttpServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

std::size_t FakeHttpServer::request_count() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests.size();
}

std::size_t FakeHttpServer::count_param(const std::string& name, const std::string& value) const {
  std::lock_guard lock(impl_->mutex);
  return static_cast<std::size_t>(
      std::count_if(impl_->requests.begin(), impl_->requests.end(),
                    [&](const FakeRequest& r) { return r.param(name) == value; }));
}

}  // namespace bedrock_reach::test
