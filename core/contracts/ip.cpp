#include "bedrock_reach/ip.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace bedrock_reach {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; cap the length so hostile input stays cheap.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buffer[INET6_ADDRSTRLEN] = {};
  std::memcpy(buffer, text.data(), text.size());
  IpAddress out;
  if (text.find(':') == std::string_view::npos) {
    if (inet_pton(AF_INET, buffer, out.bytes_.data()) != 1) return std::nullopt;
    out.family_ = IpFamily::v4;
  } else {
    if (inet_pton(AF_INET6, buffer, out.bytes_.data()) != 1) return std::nullopt;
    out.family_ = IpFamily::v6;
  }
  return out;
}

IpAddress IpAddress::v4(std::uint32_t host_order) {
  IpAddress out;
  out.family_ = IpFamily::v4;
  out.bytes_[0] = static_cast<std::uint8_t>(host_order >> 24);
  out.bytes_[1] = static_cast<std::uint8_t>(host_order >> 16);
  out.bytes_[2] = static_cast<std::uint8_t>(host_order >> 8);
  out.bytes_[3] = static_cast<std::uint8_t>(host_order);
  return out;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& bytes) {
  IpAddress out;
  out.family_ = IpFamily::v6;
  out.bytes_ = bytes;
  return out;
}

std::uint32_t IpAddress::v4_host_order() const {
  return (std::uint32_t{bytes_[0]} << 24) | (std::uint32_t{bytes_[1]} << 16) |
         (std::uint32_t{bytes_[2]} << 8) | std::uint32_t{bytes_[3]};
}

std::string IpAddress::to_string() const {
  char buffer[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buffer, sizeof buffer);
  return buffer;
}

std::optional<IpAddress> IpAddress::unmapped_v4() const {
  if (is_v4()) return std::nullopt;
  for (int i = 0; i < 10; ++i) {
    if (bytes_[static_cast<size_t>(i)] != 0) return std::nullopt;
  }
  if (bytes_[10] != 0xff || bytes_[11] != 0xff) return std::nullopt;
  IpAddress out;
  out.family_ = IpFamily::v4;
  std::memcpy(out.bytes_.data(), bytes_.data() + 12, 4);
  return out;
}

IpAddress IpAddress::plus(std::uint32_t n) const {
  IpAddress out = *this;
  if (is_v4()) return IpAddress::v4(v4_host_order() + n);
  std::uint64_t carry = n;
  for (int i = 15; i >= 0 && carry != 0; --i) {
    auto index = static_cast<size_t>(i);
    std::uint64_t sum = out.bytes_[index] + (carry & 0xff);
    out.bytes_[index] = static_cast<std::uint8_t>(sum);
    carry = (carry >> 8) + (sum >> 8);
  }
  return out;
}

bool IpAddress::bit(int index) const {
  auto byte = bytes_[static_cast<size_t>(index / 8)];
  return ((byte >> (7 - index % 8)) & 1) != 0;
}

namespace {

bool prefix_matches(const IpAddress& network, int length, const IpAddress& address) {
  if (network.family() != address.family()) return false;
  const auto& a = network.bytes();
  const auto& b = address.bytes();
  int full = length / 8;
  if (std::memcmp(a.data(), b.data(), static_cast<size_t>(full)) != 0) return false;
  int rest = length % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[static_cast<size_t>(full)] & mask) == (b[static_cast<size_t>(full)] & mask);
}

IpAddress clear_host_bits(const IpAddress& address, int length) {
  auto bytes = address.bytes();
  for (int i = 0; i < 16; ++i) {
    int keep = length - i * 8;
    auto index = static_cast<size_t>(i);
    if (keep >= 8) continue;
    if (keep <= 0) {
      bytes[index] = 0;
    } else {
      bytes[index] = static_cast<std::uint8_t>(bytes[index] & (0xff << (8 - keep)));
    }
  }
  if (address.is_v4()) {
    return IpAddress::v4((std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
                         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]});
  }
  return IpAddress::v6(bytes);
}

}  // namespace

std::optional<IpPrefix> IpPrefix::make(const IpAddress& address, int length) {
  if (length < 0 || length > address.bit_width()) return std::nullopt;
  IpPrefix out;
  out.address_ = clear_host_bits(address, length);
  out.length_ = length;
  return out;
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text, bool allow_host_bits) {
  auto slash = text.find('/');
  auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  int length = address->bit_width();
  if (slash != std::string_view::npos) {
    auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (ec != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  }
  auto prefix = make(*address, length);
  if (!prefix) return std::nullopt;
  if (!allow_host_bits && prefix->address_ != *address) return std::nullopt;
  return prefix;
}

bool IpPrefix::contains(const IpAddress& address) const {
  return prefix_matches(address_, length_, address);
}

bool IpPrefix::contains(const IpPrefix& other) const {
  return other.family() == family() && other.length_ >= length_ && contains(other.address_);
}

std::string IpPrefix::to_string() const {
  return address_.to_string() + "/" + std::to_string(length_);
}

namespace {

struct RangeRule {
  const char* prefix;
  SpecialRange range;
};

// Most specific first where ranges nest.
constexpr RangeRule kRanges[] = {
    {"255.255.255.255/32", SpecialRange::broadcast},
    {"0.0.0.0/8", SpecialRange::unspecified},
    {"127.0.0.0/8", SpecialRange::loopback},
    {"169.254.0.0/16", SpecialRange::link_local},
    {"224.0.0.0/4", SpecialRange::multicast},
    {"192.0.2.0/24", SpecialRange::documentation},
    {"198.51.100.0/24", SpecialRange::documentation},
    {"203.0.113.0/24", SpecialRange::documentation},
    {"192.0.0.0/24", SpecialRange::reserved},
    {"198.18.0.0/15", SpecialRange::reserved},
    {"240.0.0.0/4", SpecialRange::reserved},
    {"10.0.0.0/8", SpecialRange::private_rfc1918},
    {"172.16.0.0/12", SpecialRange::private_rfc1918},
    {"192.168.0.0/16", SpecialRange::private_rfc1918},
    {"100.64.0.0/10", SpecialRange::shared_cgnat},
    {"::/128", SpecialRange::unspecified},
    {"::1/128", SpecialRange::loopback},
    {"::ffff:0:0/96", SpecialRange::v4_mapped},
    {"fe80::/10", SpecialRange::link_local},
    {"ff00::/8", SpecialRange::multicast},
    {"2001:db8::/32", SpecialRange::documentation},
    {"3fff::/20", SpecialRange::documentation},
    {"100::/64", SpecialRange::reserved},
    {"fc00::/7", SpecialRange::unique_local},
};

}  // namespace

SpecialRange special_range(const IpAddress& address) {
  for (const auto& rule : kRanges) {
    // Parsing constant strings cannot fail; the table is covered by unit tests.
    auto prefix = IpPrefix::parse(rule.prefix);
    if (prefix && prefix->contains(address)) return rule.range;
  }
  return SpecialRange::none;
}

const char* to_string(SpecialRange range) {
  switch (range) {
    case SpecialRange::none:
      return "none";
    case SpecialRange::unspecified:
      return "unspecified";
    case SpecialRange::loopback:
      return "loopback";
    case SpecialRange::link_local:
      return "link-local";
    case SpecialRange::multicast:
      return "multicast";
    case SpecialRange::broadcast:
      return "broadcast";
    case SpecialRange::documentation:
      return "documentation";
    case SpecialRange::v4_mapped:
      return "v4-mapped";
    case SpecialRange::reserved:
      return "reserved";
    case SpecialRange::private_rfc1918:
      return "rfc1918";
    case SpecialRange::shared_cgnat:
      return "rfc6598";
    case SpecialRange::unique_local:
      return "ula";
  }
  return "none";
}

}  // namespace bedrock_reach
