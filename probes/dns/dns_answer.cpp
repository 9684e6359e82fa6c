#include "dns/dns_answer.hpp"

#include <algorithm>
#include <charconv>

#include "bedrock_reach/ip.hpp"
#include "dns/dns_message.hpp"

namespace bedrock_reach {

ResolverAnswer interpret_query(const QueryResult& result, double elapsed_ms) {
  ResolverAnswer answer;
  answer.elapsed_ms = elapsed_ms;
  answer.status = result.status == "cancelled" ? "timeout" : result.status;
  answer.error = result.error;
  if (result.reply.empty()) return answer;

  auto reply = parse_dns_reply(result.reply);
  if (!reply) {
    if (answer.status == "ok") {
      answer.status = "error";
      answer.error = "malformed reply: " + reply.error().message;
    }
    return answer;
  }
  answer.rcode = rcode_name(reply->rcode);
  answer.cname_chain = reply->cname_chain;
  answer.ttl = reply->min_ttl;
  for (const auto& record : reply->addresses) answer.addresses.push_back(record.address);
  answer.error.clear();
  switch (reply->rcode) {
    case 0:
      if (reply->cname_loop) {
        answer.status = "error";
        answer.error = "CNAME loop or chain longer than 16";
        answer.addresses.clear();
      } else {
        answer.status = answer.addresses.empty() ? "nodata" : "ok";
      }
      break;
    case 2:
      answer.status = "servfail";
      break;
    case 3:
      answer.status = "nxdomain";
      break;
    case 5:
      answer.status = "refused";
      break;
    default:
      answer.status = "error";
      answer.error = "server answered " + answer.rcode;
      break;
  }
  if (answer.status != "ok") answer.addresses.clear();
  return answer;
}

std::vector<std::string> search_candidates(const std::string& name,
                                           const std::vector<std::string>& search, int ndots) {
  if (name.empty()) return {name};
  if (name.back() == '.') return {name.substr(0, name.size() - 1)};
  auto dots = std::count(name.begin(), name.end(), '.');
  std::vector<std::string> candidates;
  bool as_is_first = dots >= ndots;
  if (as_is_first) candidates.push_back(name);
  for (const auto& domain : search) {
    if (domain.empty()) continue;
    candidates.push_back(name + "." + domain);
  }
  if (!as_is_first) candidates.push_back(name);
  return candidates;
}

bool search_continues_after(const ResolverAnswer& answer) {
  return answer.status == "nxdomain" || answer.status == "nodata" || answer.status == "servfail";
}

namespace {

int failure_rank(const std::string& status) {
  if (status == "nxdomain") return 0;
  if (status == "servfail") return 1;
  if (status == "refused") return 2;
  if (status == "timeout") return 3;
  if (status == "error") return 4;
  return 5;  // nodata
}

}  // namespace

ResolverAnswer merge_answers(const std::vector<ResolverAnswer>& parts) {
  ResolverAnswer merged;
  if (parts.empty()) {
    merged.status = "error";
    merged.error = "no query was sent";
    return merged;
  }
  const ResolverAnswer* best = nullptr;
  for (const auto& part : parts) {
    merged.elapsed_ms = std::max(merged.elapsed_ms, part.elapsed_ms);
    if (part.status == "ok") {
      for (const auto& address : part.addresses) {
        if (std::find(merged.addresses.begin(), merged.addresses.end(), address) ==
            merged.addresses.end())
          merged.addresses.push_back(address);
      }
      if (part.ttl) merged.ttl = merged.ttl ? std::min(*merged.ttl, *part.ttl) : *part.ttl;
      if (merged.cname_chain.empty()) merged.cname_chain = part.cname_chain;
    }
    if (best == nullptr || (best->status != "ok" && part.status == "ok") ||
        (best->status != "ok" && part.status != "ok" &&
         failure_rank(part.status) < failure_rank(best->status)))
      best = &part;
  }
  merged.status = best->status;
  merged.error = best->error;
  merged.rcode = best->rcode.empty() ? parts.front().rcode : best->rcode;
  if (merged.rcode.empty()) {
    for (const auto& part : parts)
      if (!part.rcode.empty()) merged.rcode = part.rcode;
  }
  if (merged.cname_chain.empty()) merged.cname_chain = best->cname_chain;
  if (merged.status != "ok" && !merged.ttl) merged.ttl = best->ttl;
  return merged;
}

std::optional<DnsServerAddress> parse_dns_server(const std::string& text,
                                                 std::uint16_t default_port) {
  std::string host = text;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') return std::nullopt;
      port_text = text.substr(close + 2);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    auto colon = text.find(':');
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  auto address = IpAddress::parse(host);
  if (!address) return std::nullopt;
  DnsServerAddress server{address->to_string(), default_port};
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535)
      return std::nullopt;
    server.port = static_cast<std::uint16_t>(value);
  }
  return server;
}

namespace {
long long round_factor(int tries, std::size_t servers) {
  return static_cast<long long>(std::max<std::size_t>(1, servers)) *
         ((1LL << std::clamp(tries, 1, 10)) - 1);
}
}  // namespace

Millis fit_timeout(Millis wanted, int tries, std::size_t servers, Millis remaining) {
  long long fitted = remaining.count() / round_factor(tries, servers);
  return Millis(std::max<long long>(50, std::min<long long>(wanted.count(), fitted)));
}

Millis planned_resolver_time(Millis per_try, int tries, std::size_t servers) {
  return Millis(per_try.count() * round_factor(tries, servers));
}

}  // namespace bedrock_reach
