#pragma once
// From a check run's facts to an AuditReport. Pure: table-testable without a network.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit.hpp"
#include "aws/region.hpp"
#include "bedrock_reach/probe.hpp"
#include "bedrock_reach/topology.hpp"
#include "dns/dns_probe.hpp"
#include "dns/targets.hpp"
#include "policy/policy_eval.hpp"

namespace bedrock_reach {

struct AuditVpcFacts {
  std::string vpc_id;
  const Topology* topology = nullptr;  // null: not discovered
  // The Amazon resolver's answers by service, when measured from a host in this VPC.
  const std::map<std::string, NameResolution>* measured = nullptr;
};

struct AuditFacts {
  std::optional<Region> region;
  const std::vector<Target>* targets = nullptr;
  std::vector<AuditVpcFacts> vpcs;  // in the order audited
  std::vector<Finding> findings;    // discovery findings of every VPC
  std::string host_subnet;
  /// The principal of the host's own check, for every subnet's endpoint policy verdict
  /// (nullopt: not known, policies not judged). See audit_subnet.
  std::optional<PolicyRequest> policy_principal;
  /// --model as resource ARNs: bedrock-runtime's policy is judged for these (empty: any model).
  std::vector<std::string> model_resources;
};

AuditReport assemble_audit(const AuditFacts& facts, Report check);

}  // namespace bedrock_reach
