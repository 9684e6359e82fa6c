#pragma once
// In-process scripted DNS server for integration tests, in the style of c-ares' MockServer: UDP
// and TCP on the same loopback port (port 0), IPv4 or IPv6, driven by the test's EventLoop (no
// thread, no sleeps). A handler scripts each reply: built packet, raw bytes, silence, wrong ID,
// disconnect, delay.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bedrock_reach/event_loop.hpp"
#include "support/dns_packet.hpp"

namespace bedrock_reach::testing {

struct DnsRequest {
  std::uint16_t id = 0;
  std::string name;
  std::uint16_t type = 0;
  bool tcp = false;
};

struct DnsResponse {
  std::vector<std::uint8_t> bytes;  // empty + !disconnect = stay silent
  bool keep_id = false;             // false: the request's id is copied into the reply
  bool disconnect = false;          // TCP: close the connection instead of answering
  Millis delay{0};

  static DnsResponse silence() { return {}; }
  static DnsResponse raw(std::vector<std::uint8_t> bytes) { return {std::move(bytes)}; }
  static DnsResponse packet(const DnsPacket& packet) { return {packet.bytes()}; }
  static DnsResponse hang_up() { return {{}, false, true}; }
};

/// A reply skeleton for `request`: response, RD+RA, its question; add answers and an rcode.
DnsPacket reply_to(const DnsRequest& request);

class FakeDnsServer {
 public:
  enum class Family { v4, v6 };
  using Handler = std::function<DnsResponse(const DnsRequest&)>;

  FakeDnsServer(EventLoop& loop, Family family);
  ~FakeDnsServer();
  FakeDnsServer(const FakeDnsServer&) = delete;
  FakeDnsServer& operator=(const FakeDnsServer&) = delete;

  void set_handler(Handler handler) { handler_ = std::move(handler); }
  /// UDP requests get only a truncated (TC) reply, so every answer is fetched over TCP.
  void set_tcp_only(bool on) { tcp_only_ = on; }
  /// Delay added to every reply (the benchmark's D).
  void set_delay(Millis delay) { delay_ = delay; }

  std::uint16_t port() const { return port_; }
  std::string address() const { return family_ == Family::v4 ? "127.0.0.1" : "::1"; }
  /// "127.0.0.1:5353" or "[::1]:5353", for ResolverSpec::server.
  std::string server_spec() const;
  const std::vector<DnsRequest>& requests() const { return requests_; }
  void clear_requests() { requests_.clear(); }
  std::size_t count(const std::string& name, std::uint16_t type, bool tcp) const;

 private:
  void on_udp();
  void on_accept();
  void on_tcp(int fd);
  void close_tcp(int fd);
  void respond(const DnsRequest& request, const std::vector<std::uint8_t>& query, int tcp_fd,
               const std::vector<std::uint8_t>& peer);

  EventLoop& loop_;
  Family family_;
  int udp_fd_ = -1;
  int tcp_fd_ = -1;
  std::uint16_t port_ = 0;
  bool tcp_only_ = false;
  Millis delay_{0};
  Handler handler_;
  std::vector<DnsRequest> requests_;
  std::map<int, std::vector<std::uint8_t>> tcp_buffers_;
  std::vector<EventLoop::TimerId> timers_;
};

}  // namespace bedrock_reach::testing
