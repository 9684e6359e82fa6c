#include "net/ipv6_connectivity.hpp"

#include <cstring>

#include <unistd.h>

#include <netinet/in.h>

#include <sys/socket.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace bedrock_reach {
namespace {

constexpr std::size_t kMaxFileBytes = 1 << 20;
constexpr std::size_t kMaxLines = 100000;
constexpr unsigned long kRtfReject = 0x0200;  // RTF_REJECT: an unreachable default, not a route
constexpr unsigned long kRtfUp = 0x0001;

std::vector<std::string> fields_of(std::string_view line) {
  std::vector<std::string> fields;
  std::istringstream in{std::string(line)};
  std::string field;
  while (in >> field && fields.size() < 16) fields.push_back(field);
  return fields;
}

template <typename Visit>
void for_each_line(std::string_view text, Visit visit) {
  std::size_t lines = 0;
  while (!text.empty() && lines++ < kMaxLines) {
    auto end = text.find('\n');
    visit(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

bool parse_hex(const std::string& text, unsigned long& out) {
  if (text.empty() || text.size() > 8) return false;
  out = 0;
  for (char c : text) {
    int digit = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
    if (digit < 0) return false;
    out = out * 16 + static_cast<unsigned long>(digit);
  }
  return true;
}

std::string read_capped(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string text(kMaxFileBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

}  // namespace

std::string Ipv6Connectivity::reason() const {
  if (ok()) return {};
  if (!has_global_address && !has_default_route) {
    return "the host has no global IPv6 address and no default IPv6 route";
  }
  if (!has_global_address) return "the host has no global IPv6 address";
  return "the host has no default IPv6 route";
}

Ipv6Connectivity parse_ipv6_connectivity(std::string_view if_inet6, std::string_view ipv6_route) {
  Ipv6Connectivity out;
  // if_inet6: address(32 hex) ifindex prefixlen scope flags name; scope 00 = global.
  for_each_line(if_inet6, [&](std::string_view line) {
    auto fields = fields_of(line);
    if (fields.size() < 6 || fields[0].size() != 32) return;
    unsigned long scope = 0, flags = 0;
    if (!parse_hex(fields[3], scope) || !parse_hex(fields[4], flags)) return;
    const std::string& address = fields[0];
    bool loopback = address == "00000000000000000000000000000001";
    bool link_local = address.rfind("fe8", 0) == 0 || address.rfind("fe9", 0) == 0 ||
                      address.rfind("fea", 0) == 0 || address.rfind("feb", 0) == 0;
    constexpr unsigned long kTentative = 0x40, kDadFailed = 0x08;
    // The interface does not matter: a global address is one even on lo (anycast set-ups, the
    // simulated VPC). ::1 and link-local are excluded by address and scope.
    if (scope == 0 && !loopback && !link_local && (flags & (kTentative | kDadFailed)) == 0) {
      out.has_global_address = true;
    }
  });
  // ipv6_route: dest plen src splen nexthop metric refcnt use flags ifname.
  for_each_line(ipv6_route, [&](std::string_view line) {
    auto fields = fields_of(line);
    if (fields.size() < 10) return;
    unsigned long prefix_length = 0, flags = 0;
    if (!parse_hex(fields[1], prefix_length) || !parse_hex(fields[8], flags)) return;
    // The kernel's own "unreachable" default on lo carries RTF_REJECT; a usable one does not.
    if (fields[0] == std::string(32, '0') && prefix_length == 0 && (flags & kRtfUp) != 0 &&
        (flags & kRtfReject) == 0) {
      out.has_default_route = true;
    }
  });
  return out;
}

Ipv6Connectivity read_ipv6_connectivity(const std::string& if_inet6_path,
                                        const std::string& route_path) {
  return parse_ipv6_connectivity(read_capped(if_inet6_path), read_capped(route_path));
}

bool host_has_ipv6_connectivity(const std::string& if_inet6_path, const std::string& route_path) {
  return read_ipv6_connectivity(if_inet6_path, route_path).ok();
}

bool route_exists(const IpAddress& address) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  if (address.is_v4()) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(443);
    std::memcpy(&v4->sin_addr, address.bytes().data(), 4);
    length = sizeof(sockaddr_in);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(443);
    std::memcpy(&v6->sin6_addr, address.bytes().data(), 16);
    length = sizeof(sockaddr_in6);
  }
  int fd = socket(address.is_v4() ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool routable = connect(fd, reinterpret_cast<const sockaddr*>(&storage), length) == 0;
  close(fd);
  return routable;
}

}  // namespace bedrock_reach
