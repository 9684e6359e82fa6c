#include "support/dns_packet.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace bedrock_reach::testing {
namespace {

void put16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xFF));
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  put16(out, static_cast<std::uint16_t>(value >> 16));
  put16(out, static_cast<std::uint16_t>(value & 0xFFFF));
}

}  // namespace

void append_name(std::vector<std::uint8_t>& out, const std::string& name) {
  std::size_t start = 0;
  while (start < name.size()) {
    auto dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    std::size_t length = dot - start;
    out.push_back(static_cast<std::uint8_t>(std::min<std::size_t>(length, 63)));
    out.insert(out.end(), name.begin() + static_cast<long>(start),
               name.begin() + static_cast<long>(start + std::min<std::size_t>(length, 63)));
    start = dot + 1;
  }
  out.push_back(0);
}

DnsRecord DnsRecord::a(std::string name, const std::string& address, std::uint32_t ttl) {
  DnsRecord record{std::move(name), kTypeA, ttl, std::vector<std::uint8_t>(4), ""};
  if (inet_pton(AF_INET, address.c_str(), record.rdata.data()) != 1)
    throw std::invalid_argument("bad v4 " + address);
  return record;
}

DnsRecord DnsRecord::aaaa(std::string name, const std::string& address, std::uint32_t ttl) {
  DnsRecord record{std::move(name), kTypeAaaa, ttl, std::vector<std::uint8_t>(16), ""};
  if (inet_pton(AF_INET6, address.c_str(), record.rdata.data()) != 1)
    throw std::invalid_argument("bad v6 " + address);
  return record;
}

DnsRecord DnsRecord::cname(std::string name, std::string target, std::uint32_t ttl) {
  return DnsRecord{std::move(name), kTypeCname, ttl, {}, std::move(target)};
}

DnsPacket& DnsPacket::add_question(std::string name, std::uint16_t type) {
  questions_.emplace_back(std::move(name), type);
  return *this;
}

DnsPacket& DnsPacket::add_answer(DnsRecord record) {
  answers_.push_back(std::move(record));
  return *this;
}

std::vector<std::uint8_t> DnsPacket::bytes() const {
  std::vector<std::uint8_t> out;
  put16(out, id_);
  std::uint16_t flags = static_cast<std::uint16_t>((response_ ? 0x8000 : 0) | (aa_ ? 0x0400 : 0) |
                                                   (tc_ ? 0x0200 : 0) | (rd_ ? 0x0100 : 0) |
                                                   (ra_ ? 0x0080 : 0) | (rcode_ & 0xF));
  put16(out, flags);
  put16(out, static_cast<std::uint16_t>(questions_.size()));
  put16(out, static_cast<std::uint16_t>(answers_.size()));
  put16(out, 0);
  put16(out, 0);
  for (const auto& [name, type] : questions_) {
    append_name(out, name);
    put16(out, type);
    put16(out, 1);
  }
  for (const auto& record : answers_) {
    if (compress_ && !questions_.empty() && record.name == questions_.front().first) {
      put16(out, 0xC00C);
    } else {
      append_name(out, record.name);
    }
    put16(out, record.type);
    put16(out, 1);
    put32(out, record.ttl);
    std::vector<std::uint8_t> rdata = record.rdata;
    if (!record.target.empty()) {
      rdata.clear();
      append_name(rdata, record.target);
    }
    put16(out, static_cast<std::uint16_t>(rdata.size()));
    out.insert(out.end(), rdata.begin(), rdata.end());
  }
  return out;
}

std::optional<ParsedQuery> parse_query(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 12) return std::nullopt;
  ParsedQuery query;
  query.id = static_cast<std::uint16_t>((bytes[0] << 8) | bytes[1]);
  std::size_t qdcount = static_cast<std::size_t>((bytes[4] << 8) | bytes[5]);
  if (qdcount < 1) return std::nullopt;
  std::size_t pos = 12;
  while (true) {
    if (pos >= bytes.size()) return std::nullopt;
    std::size_t length = bytes[pos];
    if (length == 0) break;
    if (length > 63 || pos + 1 + length > bytes.size()) return std::nullopt;
    if (!query.name.empty()) query.name.push_back('.');
    for (std::size_t i = 0; i < length; ++i)
      query.name.push_back(static_cast<char>(std::tolower(bytes[pos + 1 + i])));
    pos += 1 + length;
  }
  if (pos + 5 > bytes.size()) return std::nullopt;
  query.type = static_cast<std::uint16_t>((bytes[pos + 1] << 8) | bytes[pos + 2]);
  return query;
}

}  // namespace bedrock_reach::testing
