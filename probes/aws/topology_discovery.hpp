#pragma once
// Topology discovery for one check: the EC2 reads that the path and policy rules need, issued
// concurrently on the shared loop. Independent reads go out at once; only reads that need an
// earlier answer wait (endpoint → its ENIs, subnets, SGs, NACLs; VPC → DHCP options), so the
// whole takes about two API round trips.
#include <string>
#include <string_view>
#include <vector>

#include "aws/ec2_request.hpp"
#include "bedrock_reach/credentials.hpp"
#include "bedrock_reach/http.hpp"
#include "bedrock_reach/probe.hpp"
#include "bedrock_reach/topology.hpp"

namespace bedrock_reach {

struct DiscoveryInput {
  InstanceIdentity identity;               // the primary MAC gives VPC, subnet and SGs
  std::vector<std::string> service_names;  // com.amazonaws.us-east-1.bedrock-runtime ...
  // Audit (issue 20): every subnet, route table and NACL of the VPC, each action read once with
  // a vpc-id filter (paginated), never per subnet; every endpoint of the VPC in one read, and the
  // endpoint and instance SGs in one read after it.
  bool vpc_wide = false;
  // Another VPC than the instance's (audit --vpc-id); empty: the instance's. The instance's
  // subnet and SGs are not looked up in another VPC.
  std::string vpc_id;
};

struct TopologyRequest {
  Ec2Options options;
  Credentials credentials;
  DiscoveryInput input;
};

/// Completes exactly once on the loop thread, at the latest at ctx.deadline (cut_by_deadline,
/// with what was learned so far). Findings: API_ACCESS_DENIED (one per ec2:Action, also listed
/// in Topology::denied_actions), API_UNREACHABLE (once, evidence per failed read),
/// CREDENTIALS_INVALID (the API rejected the credentials). `http` must outlive the operation;
/// `credentials` and `input` are copied.
void probe_topology(ProbeContext& ctx, HttpClient& http, const TopologyRequest& request,
                    ProbeCallback<Topology> done);

/// Every EC2 action discovery may call (packaging/iam-policy.json grants exactly these).
const std::vector<std::string>& discovery_ec2_actions();

/// The read each action stands for, for messages: "ec2:DescribeNetworkAcls" → "network ACLs".
std::string ec2_action_purpose(std::string_view action);

}  // namespace bedrock_reach
