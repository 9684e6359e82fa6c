#include "path/sg_rules.hpp"

#include "bedrock_reach/strings.hpp"

namespace bedrock_reach {
namespace {

using strings::iequals;

bool protocol_is_all(const std::string& protocol) {
  return protocol == "-1" || iequals(protocol, "all");
}

bool permission_covers_tcp_port(const IpPermission& permission, int port) {
  if (protocol_is_all(permission.protocol)) return true;
  if (!iequals(permission.protocol, "tcp") && permission.protocol != "6") return false;
  int from = permission.from_port.value_or(0);
  int to = permission.to_port.value_or(65535);
  if (from == -1 && to == -1) return true;  // AWS writes -1 for "all ports" on some rules
  return from <= port && port <= to;
}

bool cidr_list_contains(const std::vector<std::string>& cidrs, const IpAddress& address) {
  for (const auto& cidr : cidrs) {
    auto prefix = IpPrefix::parse(cidr, /*allow_host_bits=*/true);
    if (prefix && prefix->family() == address.family() && prefix->contains(address)) return true;
  }
  return false;
}

// The whole range inside one of the CIDRs (a rule admits a subnet only when it admits all of it).
bool cidr_list_covers(const std::vector<std::string>& cidrs, const IpPrefix& range) {
  for (const auto& cidr : cidrs) {
    auto prefix = IpPrefix::parse(cidr, /*allow_host_bits=*/true);
    if (prefix && prefix->family() == range.family() && prefix->contains(range)) return true;
  }
  return false;
}

bool peer_in(const std::vector<std::string>& cidrs, const SgFlow& flow, const IpAddress& peer) {
  return flow.peer_range ? cidr_list_covers(cidrs, *flow.peer_range)
                         : cidr_list_contains(cidrs, peer);
}

std::string port_text(const IpPermission& permission) {
  if (protocol_is_all(permission.protocol)) return "all traffic";
  std::string text = permission.protocol;
  if (permission.from_port && permission.to_port) {
    text += " " + std::to_string(*permission.from_port);
    if (*permission.to_port != *permission.from_port) {
      text += "-" + std::to_string(*permission.to_port);
    }
  }
  return text;
}

}  // namespace

std::string describe_permission(const std::string& group_id, bool egress,
                                const IpPermission& permission,
                                std::span<const PrefixList> prefix_lists) {
  std::vector<std::string> peers;
  for (const auto& cidr : permission.ipv4_ranges) peers.push_back(cidr);
  for (const auto& cidr : permission.ipv6_ranges) peers.push_back(cidr);
  for (const auto& pl : permission.prefix_list_ids)
    peers.push_back(prefix_list_text(pl, prefix_lists));
  for (const auto& pair : permission.groups) peers.push_back(pair.group_id);
  std::string text = group_id + (egress ? " egress " : " ingress ") + port_text(permission);
  text += egress ? " -> " : " <- ";
  text += peers.empty() ? "(nothing)" : strings::join(peers, ", ");
  return text;
}

SgVerdict check_security_groups(const std::vector<SecurityGroup>& groups, const SgFlow& flow,
                                std::span<const PrefixList> prefix_lists) {
  SgVerdict verdict;
  IpAddress peer = flow.peer.unmapped_v4().value_or(flow.peer);
  std::vector<std::string> unknown_reasons;
  for (const auto& group_id : flow.group_ids) {
    const SecurityGroup* group = nullptr;
    for (const auto& candidate : groups) {
      if (candidate.id == group_id) group = &candidate;
    }
    if (!group) {
      unknown_reasons.push_back(group_id + " was not described");
      verdict.undescribed_groups.push_back(group_id);
      continue;
    }
    const auto& permissions = flow.egress ? group->egress : group->ingress;
    for (const auto& permission : permissions) {
      std::string described = describe_permission(group_id, flow.egress, permission, prefix_lists);
      verdict.rules_seen.push_back(described);
      if (!permission_covers_tcp_port(permission, flow.port)) continue;
      bool v4 = flow.peer_range ? flow.peer_range->family() == IpFamily::v4 : peer.is_v4();
      bool matched = peer_in(v4 ? permission.ipv4_ranges : permission.ipv6_ranges, flow, peer);
      for (const auto& pair : permission.groups) {
        if (!flow.peer_groups_unknown) {
          if (strings::contains(flow.peer_group_ids, pair.group_id)) matched = true;
          continue;
        }
        if (!strings::contains(verdict.group_rules, described))
          verdict.group_rules.push_back(described);
        if (!strings::contains(verdict.admitting_groups, pair.group_id))
          verdict.admitting_groups.push_back(pair.group_id);
      }
      for (const auto& pl : permission.prefix_list_ids) {
        bool known = false;
        for (const auto& list : prefix_lists) {
          if (list.id != pl || !list.entries_known) continue;
          known = true;
          if (peer_in(list.cidrs, flow, peer)) matched = true;
        }
        if (!known)
          unknown_reasons.push_back("rule " + described + " names " + pl +
                                    " whose CIDRs are unknown (GetManagedPrefixListEntries)");
      }
      if (matched && verdict.result != RuleCheck::allowed) {
        verdict.result = RuleCheck::allowed;
        verdict.allowing_rule = described;
      }
    }
  }
  if (verdict.result == RuleCheck::allowed) return verdict;
  if (!unknown_reasons.empty()) {
    verdict.result = RuleCheck::unknown;
    verdict.why_unknown = strings::join(unknown_reasons, "; ");
  } else {
    verdict.result = RuleCheck::blocked;
  }
  return verdict;
}

}  // namespace bedrock_reach
