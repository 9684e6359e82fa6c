#pragma once
// Test-only DNS message builder with chainable setters and value semantics (after c-ares'
// test/dns-proto.h at cares-1_18_1, without raw `new`), plus a minimal query parser for fakes.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace bedrock_reach::testing {

inline constexpr std::uint16_t kTypeA = 1;
inline constexpr std::uint16_t kTypeCname = 5;
inline constexpr std::uint16_t kTypeAaaa = 28;

struct DnsRecord {
  std::string name;
  std::uint16_t type = kTypeA;
  std::uint32_t ttl = 60;
  std::vector<std::uint8_t> rdata;  // raw, used unless `target` is set
  std::string target;               // CNAME target, encoded as a name

  static DnsRecord a(std::string name, const std::string& address, std::uint32_t ttl = 60);
  static DnsRecord aaaa(std::string name, const std::string& address, std::uint32_t ttl = 60);
  static DnsRecord cname(std::string name, std::string target, std::uint32_t ttl = 60);
};

class DnsPacket {
 public:
  DnsPacket& set_id(std::uint16_t id) {
    id_ = id;
    return *this;
  }
  DnsPacket& set_response(bool on = true) {
    response_ = on;
    return *this;
  }
  DnsPacket& set_aa(bool on = true) {
    aa_ = on;
    return *this;
  }
  DnsPacket& set_tc(bool on = true) {
    tc_ = on;
    return *this;
  }
  DnsPacket& set_rd(bool on = true) {
    rd_ = on;
    return *this;
  }
  DnsPacket& set_ra(bool on = true) {
    ra_ = on;
    return *this;
  }
  DnsPacket& set_rcode(int rcode) {
    rcode_ = rcode;
    return *this;
  }
  DnsPacket& add_question(std::string name, std::uint16_t type);
  DnsPacket& add_answer(DnsRecord record);
  /// Owner names equal to the first question are written as a pointer to it (0xC00C).
  DnsPacket& set_compress(bool on = true) {
    compress_ = on;
    return *this;
  }

  std::vector<std::uint8_t> bytes() const;

 private:
  std::uint16_t id_ = 0;
  bool response_ = false, aa_ = false, tc_ = false, rd_ = false, ra_ = false, compress_ = false;
  int rcode_ = 0;
  std::vector<std::pair<std::string, std::uint16_t>> questions_;
  std::vector<DnsRecord> answers_;
};

struct ParsedQuery {
  std::uint16_t id = 0;
  std::string name;  // lowercased
  std::uint16_t type = 0;
};

/// Parses the header and first question of a query; nullopt when malformed.
std::optional<ParsedQuery> parse_query(std::span<const std::uint8_t> bytes);

/// Appends a name as uncompressed labels (no validation: tests build bad names on purpose).
void append_name(std::vector<std::uint8_t>& out, const std::string& name);

}  // namespace bedrock_reach::testing
