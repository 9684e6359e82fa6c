#include "support/connect_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace bedrock_reach::test {
namespace {

void send_all(int fd, const std::string& text) {
  std::size_t sent = 0;
  while (sent < text.size()) {
    ssize_t n = ::send(fd, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

// Connects to a loopback literal only; -1 otherwise.
int connect_loopback(const std::string& host, int port) {
  sockaddr_storage address{};
  socklen_t length = 0;
  if (host == "127.0.0.1") {
    auto* sin = reinterpret_cast<sockaddr_in*>(&address);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &sin->sin_addr);
    length = sizeof(sockaddr_in);
  } else if (host == "::1") {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&address);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET6, host.c_str(), &sin6->sin6_addr);
    length = sizeof(sockaddr_in6);
  } else {
    return -1;
  }
  int fd = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

ConnectProxy::ConnectProxy() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::listen(listen_fd_, 64) != 0) {
    throw std::runtime_error("ConnectProxy: cannot listen");
  }
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
  port_ = ntohs(address.sin_port);
  stop_fd_ = eventfd(0, EFD_CLOEXEC);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ConnectProxy::~ConnectProxy() {
  std::uint64_t one = 1;
  (void)!::write(stop_fd_, &one, sizeof one);
  acceptor_.join();
  for (auto& worker : workers_) worker.join();
  ::close(listen_fd_);
  ::close(stop_fd_);
}

void ConnectProxy::map_host(const std::string& name, const std::string& loopback_address) {
  std::lock_guard<std::mutex> lock(mutex_);
  hosts_[name] = loopback_address;
}

std::vector<std::string> ConnectProxy::targets() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return targets_;
}

void ConnectProxy::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) <= 0 || (fds[0].revents & POLLIN) != 0) return;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    workers_.emplace_back([this, client] {
      serve(client);
      ::close(client);
    });
  }
}

void ConnectProxy::serve(int client) {
  std::string head;
  char buffer[16384];
  while (head.find("\r\n\r\n") == std::string::npos) {
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {client, POLLIN, 0}};
    if (::poll(fds, 2, 5000) <= 0 || (fds[0].revents & POLLIN) != 0) return;
    ssize_t n = ::recv(client, buffer, sizeof buffer, 0);
    if (n <= 0 || head.size() > 65536) return;
    head.append(buffer, static_cast<std::size_t>(n));
  }
  // "CONNECT host:port HTTP/1.1"
  auto space1 = head.find(' ');
  auto space2 = head.find(' ', space1 + 1);
  if (head.rfind("CONNECT ", 0) != 0 || space2 == std::string::npos) {
    send_all(client, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  std::string target = head.substr(space1 + 1, space2 - space1 - 1);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    targets_.push_back(target);
  }
  auto colon = target.rfind(':');
  std::string host = target.substr(0, colon);
  int port = colon == std::string::npos ? 443 : std::atoi(target.c_str() + colon + 1);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto mapped = hosts_.find(host);
    if (mapped != hosts_.end()) host = mapped->second;
  }
  if (deny_all_) {
    send_all(client, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  int upstream = connect_loopback(host, port);
  if (upstream < 0) {
    send_all(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  send_all(client, "HTTP/1.1 200 Connection established\r\n\r\n");
  // Relay both ways until either side closes or the proxy stops.
  for (bool open = true; open;) {
    pollfd fds[3] = {{stop_fd_, POLLIN, 0}, {client, POLLIN, 0}, {upstream, POLLIN, 0}};
    if (::poll(fds, 3, 10000) <= 0 || (fds[0].revents & POLLIN) != 0) break;
    for (int side = 1; side <= 2 && open; ++side) {
      if ((fds[side].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      ssize_t n = ::recv(fds[side].fd, buffer, sizeof buffer, 0);
      if (n <= 0) {
        open = false;
        break;
      }
      send_all(side == 1 ? upstream : client, std::string(buffer, static_cast<std::size_t>(n)));
    }
  }
  ::close(upstream);
}

}  // namespace bedrock_reach::test
