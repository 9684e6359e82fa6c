#pragma once
// Network ACL evaluation: stateless, rules in ascending rule-number order, first match wins, and
// the "*" rule (32767) denies what nothing else matched. Each direction is checked on its own.
#include <optional>
#include <string>
#include <vector>

#include "bedrock_reach/ip.hpp"
#include "bedrock_reach/topology.hpp"

namespace bedrock_reach {

inline constexpr int kNaclDefaultRule = 32767;

/// One direction of a TCP flow through one subnet's NACL.
struct NaclFlow {
  bool egress = true;   // leaving the subnet (outbound rules) or entering it (inbound rules)
  IpAddress peer;       // the address outside the subnet the packets go to / come from
  int port_from = 443;  // TCP destination port range of the packets
  int port_to = 443;
  // The peer is every address of this range (a subnet audited as the source), `peer` unused: a
  // rule decides for the range only when its CIDR contains all of it; a deny rule for part of
  // the range that comes first blocks the range (some of its addresses are denied).
  std::optional<IpPrefix> peer_range;
  std::string peer_text() const { return peer_range ? peer_range->to_string() : peer.to_string(); }
};

/// A run of destination ports that the same rule decides.
struct NaclSegment {
  int port_from = 0;
  int port_to = 0;
  bool allowed = false;
  int rule_number = kNaclDefaultRule;  // kNaclDefaultRule for the implicit "*" rule too
  std::string rule_cidr;               // the deciding rule's CIDR, empty for the implicit "*"
};

struct NaclVerdict {
  std::string acl_id;
  std::vector<NaclSegment> segments;  // cover port_from..port_to in order, adjacent merged
  bool all_allowed() const;
  bool any_allowed() const;
  std::vector<NaclSegment> blocked() const;
};

NaclVerdict evaluate_nacl(const NetworkAcl& acl, const NaclFlow& flow);

/// The ACL associated with the subnet, else the VPC's default ACL; nullptr when unknown.
const NetworkAcl* nacl_for_subnet(const std::vector<NetworkAcl>& acls, const std::string& subnet_id,
                                  const std::string& vpc_id);

/// "NACL acl-1 inbound rule 90 denies TCP 32768-60999 from 10.0.2.0/24", naming each blocking
/// rule, and "(N of M ports: some connections fail)" when only part of the range is blocked.
std::string describe_nacl_block(const NaclVerdict& verdict, const NaclFlow& flow);

}  // namespace bedrock_reach
