#pragma once
// Parses a DNS reply into what the report needs: rcode, CNAME chain, addresses, TTL. Pure and
// fuzzable: received bytes are hostile, every read is bounds-checked and sizes are capped.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

inline constexpr std::uint16_t kDnsTypeA = 1;
inline constexpr std::uint16_t kDnsTypeCname = 5;
inline constexpr std::uint16_t kDnsTypeAaaa = 28;

struct DnsAddressRecord {
  std::string address;  // normalised text
  std::uint32_t ttl = 0;
};

struct DnsReply {
  std::uint16_t id = 0;
  int rcode = 0;
  bool truncated = false;
  bool authoritative = false;
  std::string question;  // lowercased, no trailing dot
  std::uint16_t question_type = 0;
  std::vector<std::string> cname_chain;     // targets after the question, in order
  bool cname_loop = false;                  // the chain revisits a name (or is too long)
  std::vector<DnsAddressRecord> addresses;  // A/AAAA records of the chain's final name
  std::optional<std::uint32_t> min_ttl;     // over the chain's CNAME and address records
  std::size_t answer_records = 0;           // records parsed from the answer section
};

inline constexpr std::size_t kMaxReplyBytes = 65535;
inline constexpr std::size_t kMaxCnameChain = 16;
inline constexpr std::size_t kMaxAddresses = 512;

/// ErrorKind::parse for anything malformed (short header, bad name pointers, overruns).
Result<DnsReply> parse_dns_reply(std::span<const std::uint8_t> bytes);

/// NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED, ... or RCODE<n>.
std::string rcode_name(int rcode);

}  // namespace bedrock_reach
