#pragma once
// IPv4/IPv6 address and prefix value types: parse, format, contains, special ranges. No syscalls
// beyond inet_pton/inet_ntop.
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bedrock_reach {

enum class IpFamily : std::uint8_t { v4, v6 };

class IpAddress {
 public:
  IpAddress() = default;  // 0.0.0.0
  static std::optional<IpAddress> parse(std::string_view text);
  static IpAddress v4(std::uint32_t host_order);
  static IpAddress v6(const std::array<std::uint8_t, 16>& bytes);

  IpFamily family() const { return family_; }
  bool is_v4() const { return family_ == IpFamily::v4; }
  /// Network-order bytes; for v4 only the first 4 are meaningful.
  const std::array<std::uint8_t, 16>& bytes() const { return bytes_; }
  std::uint32_t v4_host_order() const;
  std::string to_string() const;
  /// ::ffff:a.b.c.d → a.b.c.d; otherwise nullopt.
  std::optional<IpAddress> unmapped_v4() const;
  /// Address + n (wrapping is the caller's problem; used for VPC base + 2).
  IpAddress plus(std::uint32_t n) const;
  int bit_width() const { return is_v4() ? 32 : 128; }
  bool bit(int index) const;  // index 0 = most significant

  auto operator<=>(const IpAddress&) const = default;

 private:
  IpFamily family_ = IpFamily::v4;
  std::array<std::uint8_t, 16> bytes_{};
};

class IpPrefix {
 public:
  IpPrefix() = default;
  /// "10.0.0.0/16", "2600:1f18::/56"; a bare address is a host prefix. Host bits must be zero
  /// unless `allow_host_bits` (then they are cleared).
  static std::optional<IpPrefix> parse(std::string_view text, bool allow_host_bits = false);
  static std::optional<IpPrefix> make(const IpAddress& address, int length);

  const IpAddress& address() const { return address_; }
  int length() const { return length_; }
  IpFamily family() const { return address_.family(); }
  bool contains(const IpAddress& address) const;
  bool contains(const IpPrefix& other) const;
  std::string to_string() const;

  auto operator<=>(const IpPrefix&) const = default;

 private:
  IpAddress address_;
  int length_ = 0;
};

/// Address ranges with special meaning, most specific first (RFC 6890 registries).
enum class SpecialRange {
  none,
  unspecified,      // 0.0.0.0/8 (this network), ::
  loopback,         // 127/8, ::1
  link_local,       // 169.254/16, fe80::/10
  multicast,        // 224/4, ff00::/8
  broadcast,        // 255.255.255.255
  documentation,    // 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32
  v4_mapped,        // ::ffff:0:0/96
  reserved,         // 240/4, benchmarking 198.18/15, 192.0.0/24, 100::/64 discard
  private_rfc1918,  // 10/8, 172.16/12, 192.168/16
  shared_cgnat,     // 100.64/10 (RFC 6598)
  unique_local,     // fc00::/7
};

SpecialRange special_range(const IpAddress& address);
const char* to_string(SpecialRange range);
/// True for RFC 1918, RFC 6598 and ULA: private, routable inside networks.
inline bool is_private_range(SpecialRange r) {
  return r == SpecialRange::private_rfc1918 || r == SpecialRange::shared_cgnat ||
         r == SpecialRange::unique_local;
}
/// True for ranges that can never be a service address (loopback, link-local, docs, ...).
inline bool is_special_use(SpecialRange r) {
  return r != SpecialRange::none && !is_private_range(r);
}

}  // namespace bedrock_reach
