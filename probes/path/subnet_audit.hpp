#pragma once
// Audit (issue 20): one subnet of a VPC judged as the source of calls to each service, with the
// same rules and finding codes as the check (analyze_service_path with the subnet as source).
// Configuration plane only: nothing is sent from the subnet. Pure.
#include <optional>
#include <string>
#include <vector>

#include "bedrock_reach/audit_report.hpp"
#include "bedrock_reach/report.hpp"
#include "bedrock_reach/topology.hpp"
#include "path/path_rules.hpp"

namespace bedrock_reach {

/// One service as the VPC's Amazon resolver answers it (the answer is VPC-wide, the same for
/// every subnet of one VPC).
struct AuditServiceInput {
  std::string service;       // bedrock-runtime
  std::string hostname;      // bedrock-runtime.us-east-1.amazonaws.com
  std::string service_name;  // com.amazonaws.us-east-1.bedrock-runtime
  std::vector<AddressFacts> answers;
};

/// Judges `subnet` for every service. `prefix_lists`: lists whose CIDRs are known.
SubnetVerdict audit_subnet(const Topology& topology, const Subnet& subnet,
                           const std::vector<AuditServiceInput>& services,
                           const std::vector<PrefixList>& prefix_lists);

}  // namespace bedrock_reach
