#pragma once
// Security-group evaluation for one TCP flow. Security groups are stateful allow-lists: a flow is
// allowed when any rule of any attached group matches; return traffic is always allowed.
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bedrock_reach/ip.hpp"
#include "bedrock_reach/topology.hpp"
#include "path/route_lookup.hpp"

namespace bedrock_reach {

enum class RuleCheck { allowed, blocked, unknown };

struct SgFlow {
  std::vector<std::string> group_ids;       // groups on the interface being checked
  IpAddress peer;                           // the other end's address
  std::vector<std::string> peer_group_ids;  // the other end's groups (SG-reference rules)
  int port = 443;                           // TCP destination port
  bool egress = true;                       // egress of group_ids, or ingress into them
  // The other end is every address of this range (a subnet audited as the source): a CIDR or
  // prefix-list rule matches only when it contains the whole range. Unset: `peer` alone.
  std::optional<IpPrefix> peer_range;
  // The other end's groups are unknown (a subnet's instances may carry any group): rules that
  // reference groups do not match but are listed in SgVerdict::group_rules.
  bool peer_groups_unknown = false;
};

struct SgVerdict {
  RuleCheck result = RuleCheck::unknown;
  std::string allowing_rule;            // e.g. "sg-1 egress tcp 443 -> 10.0.0.0/16" when allowed
  std::string why_unknown;              // prefix list with unknown CIDRs, group not described...
  std::vector<std::string> rules_seen;  // every rule of the direction, one per line, for evidence
  std::vector<std::string> undescribed_groups;  // attached groups missing from the topology
  // peer_groups_unknown: the rules that admit the flow by group reference, and those groups
  // (admission then depends on the groups of the instance).
  std::vector<std::string> group_rules;
  std::vector<std::string> admitting_groups;
};

/// Decides whether the attached groups allow the flow. A rule naming a prefix list whose CIDRs
/// are not in `prefix_lists`, or an attached group missing from `groups`, makes a flow that no
/// other rule allows "unknown" rather than blocked.
SgVerdict check_security_groups(const std::vector<SecurityGroup>& groups, const SgFlow& flow,
                                std::span<const PrefixList> prefix_lists = {});

/// "sg-1 egress tcp 443 -> 10.0.0.0/16, sg-2" — one permission in words; prefix lists by ID and,
/// when `prefix_lists` describes them, name and owner (prefix_list_text).
std::string describe_permission(const std::string& group_id, bool egress,
                                const IpPermission& permission,
                                std::span<const PrefixList> prefix_lists = {});

}  // namespace bedrock_reach
