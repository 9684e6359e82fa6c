#include "support/fake_dns_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bedrock_reach::testing {
namespace {

constexpr std::size_t kUdpLimit = 512;  // no EDNS from c-ares 1.18.1 by default

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::vector<std::uint8_t> sockaddr_bytes(const sockaddr_storage& addr, socklen_t length) {
  const auto* raw = reinterpret_cast<const std::uint8_t*>(&addr);
  return {raw, raw + length};
}

}  // namespace

DnsPacket reply_to(const DnsRequest& request) {
  DnsPacket packet;
  packet.set_id(request.id)
      .set_response()
      .set_rd()
      .set_ra()
      .add_question(request.name, request.type);
  return packet;
}

FakeDnsServer::FakeDnsServer(EventLoop& loop, Family family) : loop_(loop), family_(family) {
  int domain = family == Family::v4 ? AF_INET : AF_INET6;
  udp_fd_ = socket(domain, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  tcp_fd_ = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (udp_fd_ < 0 || tcp_fd_ < 0) throw std::runtime_error("socket failed");
  int one = 1;
  setsockopt(tcp_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int big = 1 << 20;  // a burst of concurrent queries must not be dropped
  setsockopt(udp_fd_, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);

  sockaddr_storage addr{};
  socklen_t length = 0;
  if (family == Family::v4) {
    auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    length = sizeof(sockaddr_in);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    length = sizeof(sockaddr_in6);
  }
  // Bind TCP on port 0, then UDP on the same port (retry a few times on a collision).
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (family == Family::v4)
      reinterpret_cast<sockaddr_in*>(&addr)->sin_port = 0;
    else
      reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port = 0;
    if (attempt > 0) {
      close(tcp_fd_);
      tcp_fd_ = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
    }
    if (bind(tcp_fd_, reinterpret_cast<sockaddr*>(&addr), length) != 0) continue;
    sockaddr_storage bound{};
    socklen_t bound_length = sizeof bound;
    getsockname(tcp_fd_, reinterpret_cast<sockaddr*>(&bound), &bound_length);
    if (bind(udp_fd_, reinterpret_cast<sockaddr*>(&bound), bound_length) == 0) {
      port_ = ntohs(family == Family::v4 ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                         : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
      break;
    }
  }
  if (port_ == 0 || listen(tcp_fd_, 64) != 0) throw std::runtime_error("bind/listen failed");
  set_nonblocking(udp_fd_);
  set_nonblocking(tcp_fd_);
  loop_.watch(udp_fd_, true, false, [this](int, bool, bool) { on_udp(); });
  loop_.watch(tcp_fd_, true, false, [this](int, bool, bool) { on_accept(); });
}

FakeDnsServer::~FakeDnsServer() {
  for (auto id : timers_) loop_.cancel_timer(id);
  for (auto& [fd, buffer] : tcp_buffers_) {
    loop_.unwatch(fd);
    close(fd);
  }
  loop_.unwatch(udp_fd_);
  loop_.unwatch(tcp_fd_);
  close(udp_fd_);
  close(tcp_fd_);
}

std::string FakeDnsServer::server_spec() const {
  return family_ == Family::v4 ? "127.0.0.1:" + std::to_string(port_)
                               : "[::1]:" + std::to_string(port_);
}

std::size_t FakeDnsServer::count(const std::string& name, std::uint16_t type, bool tcp) const {
  return static_cast<std::size_t>(std::count_if(
      requests_.begin(), requests_.end(),
      [&](const DnsRequest& r) { return r.name == name && r.type == type && r.tcp == tcp; }));
}

void FakeDnsServer::on_udp() {
  while (true) {
    std::vector<std::uint8_t> buffer(65536);
    sockaddr_storage peer{};
    socklen_t peer_length = sizeof peer;
    ssize_t got = recvfrom(udp_fd_, buffer.data(), buffer.size(), 0,
                           reinterpret_cast<sockaddr*>(&peer), &peer_length);
    if (got <= 0) return;
    buffer.resize(static_cast<std::size_t>(got));
    auto query = parse_query(buffer);
    if (!query) continue;
    DnsRequest request{query->id, query->name, query->type, false};
    respond(request, buffer, -1, sockaddr_bytes(peer, peer_length));
  }
}

void FakeDnsServer::on_accept() {
  while (true) {
    int fd = accept4(tcp_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    tcp_buffers_[fd];
    loop_.watch(fd, true, false, [this](int ready, bool, bool) { on_tcp(ready); });
  }
}

void FakeDnsServer::close_tcp(int fd) {
  loop_.unwatch(fd);
  close(fd);
  tcp_buffers_.erase(fd);
}

void FakeDnsServer::on_tcp(int fd) {
  auto found = tcp_buffers_.find(fd);
  if (found == tcp_buffers_.end()) return;
  std::uint8_t chunk[4096];
  ssize_t got = recv(fd, chunk, sizeof chunk, 0);
  if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
    close_tcp(fd);
    return;
  }
  if (got < 0) return;
  auto& buffer = found->second;
  buffer.insert(buffer.end(), chunk, chunk + got);
  while (buffer.size() >= 2) {
    std::size_t length = static_cast<std::size_t>((buffer[0] << 8) | buffer[1]);
    if (buffer.size() < 2 + length) return;
    std::vector<std::uint8_t> message(buffer.begin() + 2,
                                      buffer.begin() + 2 + static_cast<long>(length));
    buffer.erase(buffer.begin(), buffer.begin() + 2 + static_cast<long>(length));
    auto query = parse_query(message);
    if (!query) continue;
    DnsRequest request{query->id, query->name, query->type, true};
    respond(request, message, fd, {});
    if (tcp_buffers_.find(fd) == tcp_buffers_.end()) return;  // hung up
  }
}

void FakeDnsServer::respond(const DnsRequest& request, const std::vector<std::uint8_t>& query,
                            int tcp_fd, const std::vector<std::uint8_t>& peer) {
  requests_.push_back(request);
  DnsResponse response = handler_ ? handler_(request) : DnsResponse::silence();
  if (!request.tcp && tcp_only_) {
    auto truncated = reply_to(request);
    truncated.set_tc();
    response = DnsResponse::packet(truncated);
  }
  if (response.disconnect) {
    if (tcp_fd >= 0) close_tcp(tcp_fd);
    return;
  }
  if (response.bytes.empty()) return;  // silence
  std::vector<std::uint8_t> bytes = std::move(response.bytes);
  if (!response.keep_id && bytes.size() >= 2) {
    bytes[0] = static_cast<std::uint8_t>(request.id >> 8);
    bytes[1] = static_cast<std::uint8_t>(request.id & 0xFF);
  }
  if (!request.tcp && bytes.size() > kUdpLimit) {
    // What a server does without EDNS: header + question with TC set; the client retries on TCP.
    std::size_t question_end = 12;
    while (question_end < query.size() && query[question_end] != 0)
      question_end += 1u + query[question_end];
    question_end = std::min(query.size(), question_end + 5);
    std::vector<std::uint8_t> cut(bytes.begin(), bytes.begin() + 12);
    cut.insert(cut.end(), query.begin() + 12, query.begin() + static_cast<long>(question_end));
    cut[2] |= 0x02;  // TC
    cut[6] = cut[7] = cut[8] = cut[9] = cut[10] = cut[11] = 0;
    bytes = std::move(cut);
  }
  auto send_now = [this, tcp = request.tcp, tcp_fd, peer, bytes] {
    if (tcp) {
      if (tcp_buffers_.find(tcp_fd) == tcp_buffers_.end()) return;
      std::vector<std::uint8_t> framed{static_cast<std::uint8_t>(bytes.size() >> 8),
                                       static_cast<std::uint8_t>(bytes.size() & 0xFF)};
      framed.insert(framed.end(), bytes.begin(), bytes.end());
      // Loopback socket buffers hold a 64 KiB reply; a short write fails the test loudly.
      (void)send(tcp_fd, framed.data(), framed.size(), MSG_NOSIGNAL);
    } else {
      (void)sendto(udp_fd_, bytes.data(), bytes.size(), 0,
                   reinterpret_cast<const sockaddr*>(peer.data()),
                   static_cast<socklen_t>(peer.size()));
    }
  };
  Millis delay = response.delay + delay_;
  if (delay.count() > 0) {
    timers_.push_back(loop_.add_timer(loop_.now() + delay, send_now));
  } else {
    send_now();
  }
}

}  // namespace bedrock_reach::testing
