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
#include "policy/policy_eval.hpp"

namespace bedrock_reach {

/// One service as the VPC's Amazon resolver answers it (the answer is VPC-wide, the same for
/// every subnet of one VPC).
struct AuditServiceInput {
  std::string service;       // bedrock-runtime
  std::string hostname;      // bedrock-runtime.us-east-1.amazonaws.com
  std::string service_name;  // com.amazonaws.us-east-1.bedrock-runtime
  std::vector<AddressFacts> answers;
  std::string endpoint_id;      // the VPC's interface endpoint for the service ("" when none)
  std::string policy_document;  // its policy ("" when none was read: not judged, as in check)
  /// The resources the policy is judged for: the application's models (--model) as ARNs for
  /// bedrock-runtime, as check judges them; empty: any resource ("*"), where a policy scoped to
  /// some models reads POLICY_SCOPED.
  std::vector<std::string> policy_resources;
};

/// Judges `subnet` for every service. `prefix_lists`: lists whose CIDRs are known.
/// `policy_principal`: the principal of the host's own check (null: not known, the endpoint
/// policies are not judged). Instances in other subnets may use other roles, which the EC2
/// configuration does not say, so the principal-scoped part of a policy reads the same for
/// every subnet; what differs per subnet is the source: aws:VpcSourceIp is the subnet's CIDR
/// as a range, aws:SourceVpc the subnet's VPC, aws:SourceVpce the service's endpoint.
SubnetVerdict audit_subnet(const Topology& topology, const Subnet& subnet,
                           const std::vector<AuditServiceInput>& services,
                           const std::vector<PrefixList>& prefix_lists,
                           const PolicyRequest* policy_principal = nullptr);

}  // namespace bedrock_reach
