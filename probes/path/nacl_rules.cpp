#include "path/nacl_rules.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "bedrock_reach/strings.hpp"

namespace bedrock_reach {
namespace {

using strings::iequals;

bool is_tcp_or_all(const std::string& protocol) {
  return protocol == "-1" || protocol == "6" || iequals(protocol, "tcp") ||
         iequals(protocol, "all");
}

bool covers_all_ports(const NaclEntry& entry) {
  return entry.protocol == "-1" || iequals(entry.protocol, "all") || !entry.port_from ||
         !entry.port_to;
}

bool entry_matches(const NaclEntry& entry, const NaclFlow& flow, const IpAddress& peer, int port) {
  if (entry.egress != flow.egress || !is_tcp_or_all(entry.protocol)) return false;
  const std::string& cidr = peer.is_v4() ? entry.cidr : entry.ipv6_cidr;
  auto prefix = IpPrefix::parse(cidr, /*allow_host_bits=*/true);
  if (!prefix || prefix->family() != peer.family() || !prefix->contains(peer)) return false;
  if (covers_all_ports(entry)) return true;
  return *entry.port_from <= port && port <= *entry.port_to;
}

// The rule that decides `port` for every address of flow.peer_range (see NaclFlow): the first
// rule containing the whole range, unless a deny for part of the range came before it.
void decide_for_range(const std::vector<const NaclEntry*>& ordered, const NaclFlow& flow, int port,
                      NaclSegment& segment) {
  const IpPrefix& range = *flow.peer_range;
  bool v4 = range.family() == IpFamily::v4;
  const NaclEntry* partial_deny = nullptr;
  for (const auto* entry : ordered) {
    if (entry->egress != flow.egress || !is_tcp_or_all(entry->protocol)) continue;
    if (!covers_all_ports(*entry) && !(*entry->port_from <= port && port <= *entry->port_to))
      continue;
    auto prefix = IpPrefix::parse(v4 ? entry->cidr : entry->ipv6_cidr, /*allow_host_bits=*/true);
    if (!prefix || prefix->family() != range.family()) continue;
    bool allow = iequals(entry->rule_action, "allow");
    if (prefix->contains(range)) {
      const NaclEntry* decider = allow && partial_deny ? partial_deny : entry;
      segment.allowed = allow && partial_deny == nullptr;
      segment.rule_number = decider->rule_number;
      segment.rule_cidr = v4 ? decider->cidr : decider->ipv6_cidr;
      return;
    }
    if (!allow && partial_deny == nullptr && range.contains(*prefix)) partial_deny = entry;
  }
  // Only the implicit "*" rule is left: it denies.
  if (partial_deny != nullptr) {
    segment.rule_number = partial_deny->rule_number;
    segment.rule_cidr = v4 ? partial_deny->cidr : partial_deny->ipv6_cidr;
  }
}

std::string range_text(int from, int to) {
  return from == to ? std::to_string(from) : std::to_string(from) + "-" + std::to_string(to);
}

}  // namespace

bool NaclVerdict::all_allowed() const {
  return std::all_of(segments.begin(), segments.end(), [](const auto& s) { return s.allowed; });
}

bool NaclVerdict::any_allowed() const {
  return std::any_of(segments.begin(), segments.end(), [](const auto& s) { return s.allowed; });
}

std::vector<NaclSegment> NaclVerdict::blocked() const {
  std::vector<NaclSegment> out;
  for (const auto& segment : segments) {
    if (!segment.allowed) out.push_back(segment);
  }
  return out;
}

NaclVerdict evaluate_nacl(const NetworkAcl& acl, const NaclFlow& flow) {
  NaclVerdict verdict;
  verdict.acl_id = acl.id;
  IpAddress peer = flow.peer.unmapped_v4().value_or(flow.peer);
  int lo = std::clamp(std::min(flow.port_from, flow.port_to), 0, 65535);
  int hi = std::clamp(std::max(flow.port_from, flow.port_to), 0, 65535);

  std::vector<const NaclEntry*> ordered;
  for (const auto& entry : acl.entries) {
    if (entry.egress == flow.egress) ordered.push_back(&entry);
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto* a, const auto* b) { return a->rule_number < b->rule_number; });

  // Every port between two consecutive range edges is decided by the same rule, so one probe
  // port per piece is enough (instead of walking tens of thousands of ports).
  std::set<int> edges{lo, hi + 1};
  for (const auto* entry : ordered) {
    if (covers_all_ports(*entry)) continue;
    for (int edge : {*entry->port_from, *entry->port_to + 1}) {
      if (edge > lo && edge <= hi) edges.insert(edge);
    }
  }
  for (auto it = edges.begin(); std::next(it) != edges.end(); ++it) {
    NaclSegment segment;
    segment.port_from = *it;
    segment.port_to = *std::next(it) - 1;
    if (flow.peer_range) {
      decide_for_range(ordered, flow, segment.port_from, segment);
    } else {
      for (const auto* entry : ordered) {
        if (!entry_matches(*entry, flow, peer, segment.port_from)) continue;
        segment.allowed = iequals(entry->rule_action, "allow");
        segment.rule_number = entry->rule_number;
        segment.rule_cidr = peer.is_v4() ? entry->cidr : entry->ipv6_cidr;
        break;
      }
    }
    if (!verdict.segments.empty()) {
      auto& last = verdict.segments.back();
      if (last.allowed == segment.allowed && last.rule_number == segment.rule_number &&
          last.rule_cidr == segment.rule_cidr) {
        last.port_to = segment.port_to;
        continue;
      }
    }
    verdict.segments.push_back(segment);
  }
  return verdict;
}

const NetworkAcl* nacl_for_subnet(const std::vector<NetworkAcl>& acls, const std::string& subnet_id,
                                  const std::string& vpc_id) {
  for (const auto& acl : acls) {
    if (strings::contains(acl.subnet_ids, subnet_id)) return &acl;
  }
  for (const auto& acl : acls) {
    if (acl.is_default && (vpc_id.empty() || acl.vpc_id.empty() || acl.vpc_id == vpc_id)) {
      return &acl;
    }
  }
  return nullptr;
}

std::string describe_nacl_block(const NaclVerdict& verdict, const NaclFlow& flow) {
  std::vector<std::string> parts;
  int blocked_ports = 0;
  for (const auto& segment : verdict.blocked()) {
    blocked_ports += segment.port_to - segment.port_from + 1;
    bool is_default = segment.rule_number == kNaclDefaultRule;
    std::string rule = is_default ? std::string("rule * (32767, the default deny)")
                                  : "rule " + std::to_string(segment.rule_number);
    std::string peer =
        is_default || segment.rule_cidr.empty() ? flow.peer_text() : segment.rule_cidr;
    parts.push_back(rule + " denies TCP " + range_text(segment.port_from, segment.port_to) +
                    (flow.egress ? " to " : " from ") + peer);
  }
  std::string text = "NACL " + verdict.acl_id + (flow.egress ? " outbound " : " inbound ") +
                     strings::join(parts, "; ");
  int total = std::abs(flow.port_to - flow.port_from) + 1;
  if (blocked_ports > 0 && blocked_ports < total) {
    text += " (" + std::to_string(blocked_ports) + " of the " + std::to_string(total) + " ports " +
            range_text(flow.port_from, flow.port_to) +
            " are blocked: some connections fail, depending on the ephemeral port)";
  }
  return text;
}

}  // namespace bedrock_reach
