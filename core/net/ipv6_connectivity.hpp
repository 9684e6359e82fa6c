#pragma once
#include "bedrock_reach/ip.hpp"
// Does this host have IPv6 connectivity? Decided from the kernel's own tables — a global
// (non-link-local, non-loopback) address and a default IPv6 route — never by sending a packet.
#include <string>
#include <string_view>

namespace bedrock_reach {

struct Ipv6Connectivity {
  bool has_global_address = false;
  bool has_default_route = false;
  bool ok() const { return has_global_address && has_default_route; }
  /// Why not, for TlsResult::not_probed_reason; empty when ok().
  std::string reason() const;
};

/// Pure: the text of /proc/net/if_inet6 and /proc/net/ipv6_route.
Ipv6Connectivity parse_ipv6_connectivity(std::string_view if_inet6, std::string_view ipv6_route);

/// Adapter: reads the two files (paths injectable for tests); missing files mean no IPv6.
Ipv6Connectivity read_ipv6_connectivity(const std::string& if_inet6_path = "/proc/net/if_inet6",
                                        const std::string& route_path = "/proc/net/ipv6_route");
bool host_has_ipv6_connectivity(const std::string& if_inet6_path = "/proc/net/if_inet6",
                                const std::string& route_path = "/proc/net/ipv6_route");

/// True when the kernel has a usable route to `address` (IPv4 or IPv6). Asks with connect() on a
/// UDP socket, which selects a route and source but sends no packet.
bool route_exists(const IpAddress& address);

}  // namespace bedrock_reach
