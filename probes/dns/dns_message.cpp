#include "dns/dns_message.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>

#include "bedrock_reach/ip.hpp"

namespace bedrock_reach {
namespace {

constexpr std::size_t kHeaderBytes = 12;
constexpr std::size_t kMaxNameBytes = 255;
constexpr int kMaxPointerJumps = 64;

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  bool u16(std::size_t at, std::uint16_t& out) const {
    if (at + 2 > bytes_.size()) return false;
    out = static_cast<std::uint16_t>((bytes_[at] << 8) | bytes_[at + 1]);
    return true;
  }
  bool u32(std::size_t at, std::uint32_t& out) const {
    if (at + 4 > bytes_.size()) return false;
    out = (std::uint32_t{bytes_[at]} << 24) | (std::uint32_t{bytes_[at + 1]} << 16) |
          (std::uint32_t{bytes_[at + 2]} << 8) | std::uint32_t{bytes_[at + 3]};
    return true;
  }
  /// Reads a possibly compressed name at `at`; `next` is the offset after it in the record.
  bool name(std::size_t at, std::string& out, std::size_t& next) const {
    out.clear();
    bool jumped = false;
    int jumps = 0;
    std::size_t pos = at;
    std::size_t wire_length = 0;
    while (true) {
      if (pos >= bytes_.size()) return false;
      std::uint8_t length = bytes_[pos];
      if ((length & 0xC0) == 0xC0) {
        if (pos + 1 >= bytes_.size() || ++jumps > kMaxPointerJumps) return false;
        std::size_t target = static_cast<std::size_t>(((length & 0x3F) << 8) | bytes_[pos + 1]);
        if (!jumped) next = pos + 2;
        jumped = true;
        if (target >= pos) return false;  // pointers go backwards only: no loops
        pos = target;
        continue;
      }
      if ((length & 0xC0) != 0) return false;  // reserved label types
      if (length == 0) {
        if (!jumped) next = pos + 1;
        return true;
      }
      if (pos + 1 + length > bytes_.size()) return false;
      wire_length += length + 1u;
      if (wire_length > kMaxNameBytes) return false;
      if (!out.empty()) out.push_back('.');
      for (std::size_t i = 0; i < length; ++i) {
        out.push_back(static_cast<char>(std::tolower(bytes_[pos + 1 + i])));
      }
      pos += 1 + length;
    }
  }
  std::size_t size() const { return bytes_.size(); }
  std::span<const std::uint8_t> slice(std::size_t at, std::size_t n) const {
    return bytes_.subspan(at, n);
  }

 private:
  std::span<const std::uint8_t> bytes_;
};

struct Record {
  std::string owner;
  std::uint16_t type = 0;
  std::uint32_t ttl = 0;
  std::string target;   // CNAME
  std::string address;  // A/AAAA
};

std::optional<std::string> address_from(std::uint16_t type, std::span<const std::uint8_t> data) {
  if (type == kDnsTypeA && data.size() == 4) {
    return IpAddress::v4((std::uint32_t{data[0]} << 24) | (std::uint32_t{data[1]} << 16) |
                         (std::uint32_t{data[2]} << 8) | std::uint32_t{data[3]})
        .to_string();
  }
  if (type == kDnsTypeAaaa && data.size() == 16) {
    std::array<std::uint8_t, 16> raw{};
    std::copy(data.begin(), data.end(), raw.begin());
    return IpAddress::v6(raw).to_string();
  }
  return std::nullopt;
}

void take_min(std::optional<std::uint32_t>& current, std::uint32_t ttl) {
  current = current ? std::min(*current, ttl) : ttl;
}

}  // namespace

Result<DnsReply> parse_dns_reply(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxReplyBytes) return make_error(ErrorKind::too_large, "reply too large");
  if (bytes.size() < kHeaderBytes) return make_error(ErrorKind::parse, "reply shorter than header");
  Reader in(bytes);
  DnsReply reply;
  std::uint16_t flags = 0, qdcount = 0, ancount = 0;
  in.u16(0, reply.id);
  in.u16(2, flags);
  in.u16(4, qdcount);
  in.u16(6, ancount);
  if ((flags & 0x8000) == 0) return make_error(ErrorKind::parse, "not a response");
  reply.rcode = flags & 0x000F;
  reply.truncated = (flags & 0x0200) != 0;
  reply.authoritative = (flags & 0x0400) != 0;
  if (qdcount != 1) return make_error(ErrorKind::parse, "expected exactly one question");

  std::size_t pos = kHeaderBytes;
  std::size_t next = 0;
  if (!in.name(pos, reply.question, next)) return make_error(ErrorKind::parse, "bad question name");
  if (!in.u16(next, reply.question_type) || next + 4 > in.size())
    return make_error(ErrorKind::parse, "truncated question");
  pos = next + 4;

  std::vector<Record> records;
  for (std::uint16_t i = 0; i < ancount; ++i) {
    Record record;
    std::uint16_t klass = 0, rdlength = 0;
    if (!in.name(pos, record.owner, next) || !in.u16(next, record.type) ||
        !in.u16(next + 2, klass) || !in.u32(next + 4, record.ttl) || !in.u16(next + 8, rdlength))
      return make_error(ErrorKind::parse, "truncated answer record");
    std::size_t data_at = next + 10;
    if (data_at + rdlength > in.size())
      return make_error(ErrorKind::parse, "record overruns reply");
    // TTLs with the top bit set are treated as 0 (RFC 2181 §8).
    if (record.ttl > 0x7FFFFFFFu) record.ttl = 0;
    if (klass == 1 && record.type == kDnsTypeCname) {
      std::size_t unused = 0;
      if (!in.name(data_at, record.target, unused))
        return make_error(ErrorKind::parse, "bad CNAME target");
      records.push_back(std::move(record));
    } else if (klass == 1 && (record.type == kDnsTypeA || record.type == kDnsTypeAaaa)) {
      auto address = address_from(record.type, in.slice(data_at, rdlength));
      if (!address) return make_error(ErrorKind::parse, "address record of the wrong length");
      record.address = *address;
      records.push_back(std::move(record));
    }
    pos = data_at + rdlength;
  }
  reply.answer_records = records.size();

  // Follow the chain from the question; a name seen twice is a loop.
  std::string current = reply.question;
  std::set<std::string> seen{current};
  while (true) {
    auto cname = std::find_if(records.begin(), records.end(), [&](const Record& r) {
      return r.type == kDnsTypeCname && r.owner == current;
    });
    if (cname == records.end()) break;
    take_min(reply.min_ttl, cname->ttl);
    if (!seen.insert(cname->target).second || reply.cname_chain.size() >= kMaxCnameChain) {
      reply.cname_loop = true;
      break;
    }
    reply.cname_chain.push_back(cname->target);
    current = cname->target;
  }
  if (!reply.cname_loop) {
    for (const auto& record : records) {
      if (record.address.empty() || record.owner != current) continue;
      if (reply.addresses.size() >= kMaxAddresses) break;
      bool duplicate =
          std::any_of(reply.addresses.begin(), reply.addresses.end(),
                      [&](const DnsAddressRecord& a) { return a.address == record.address; });
      if (duplicate) continue;
      reply.addresses.push_back(DnsAddressRecord{record.address, record.ttl});
      take_min(reply.min_ttl, record.ttl);
    }
  }
  return reply;
}

std::string rcode_name(int rcode) {
  switch (rcode) {
    case 0:
      return "NOERROR";
    case 1:
      return "FORMERR";
    case 2:
      return "SERVFAIL";
    case 3:
      return "NXDOMAIN";
    case 4:
      return "NOTIMP";
    case 5:
      return "REFUSED";
    case 6:
      return "YXDOMAIN";
    case 7:
      return "YXRRSET";
    case 8:
      return "NXRRSET";
    case 9:
      return "NOTAUTH";
    case 10:
      return "NOTZONE";
    default:
      return "RCODE" + std::to_string(rcode);
  }
}

}  // namespace bedrock_reach
