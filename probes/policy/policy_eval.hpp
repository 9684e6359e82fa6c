#pragma once
// VPC endpoint policy evaluation: the IAM policy language as endpoint policies use it, evaluated
// for one principal and a list of actions. Pure; the document is hostile input (size and depth
// capped, every type checked). Anything the agent cannot decide is "conditional", never a guessed
// allow.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/report.hpp"
#include "bedrock_reach/result.hpp"
#include "bedrock_reach/topology.hpp"

namespace bedrock_reach {

/// AWS caps endpoint policies at 20,480 characters, white space included.
inline constexpr size_t kMaxPolicyChars = 20480;

struct PolicyRequest {
  /// The caller: the assumed-role session arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (an
  /// instance role's session is the instance ID), or an IAM role ARN.
  std::string principal_arn;
  std::string principal_account;
  std::string source_vpc;   // aws:SourceVpc (empty: unknown)
  std::string source_vpce;  // aws:SourceVpce (empty: unknown)
  /// The instance's private address as the endpoint sees it: aws:VpcSourceIp. Requests through
  /// an interface endpoint carry no aws:SourceIp (IAM docs), so that key is always absent here.
  std::string source_ip;
  /// aws:VpcSourceIp as a range: the audit's source subnet CIDR, standing for every address in
  /// it (source_ip is then not used). IpAddress/NotIpAddress hold when the condition's CIDRs
  /// cover all of it or none; a partial cover is conditional, naming the covered part.
  std::string source_range;
  std::vector<std::string> actions;
  std::string resource = "*";  // "*": any resource (statements limited to some are conditional)
  /// aws:PrincipalArn: the role ARN arn:aws:iam::ACCOUNT:role/ROLE; derived from an
  /// assumed-role principal_arn when empty (without any role path, which the session ARN lacks).
  std::string role_arn;
  /// False when role_arn was built from the role name alone (instance metadata has no path):
  /// conditions on aws:PrincipalArn are then conditional, never a deny.
  bool role_path_known = true;
};

enum class PolicyDecision { allow, explicit_deny, implicit_deny, conditional };

struct ActionVerdict {
  std::string action;
  PolicyDecision decision = PolicyDecision::implicit_deny;
  std::optional<size_t> statement_index;  // 0-based index into Statement (a single object is 0)
  std::string reason;                     // one line: the statement and why it applies
  // conditional only because Resource limits the allow to some resources (a least-privilege
  // policy) and the request's resource is "*": reported as POLICY_SCOPED.
  bool resource_scoped = false;
  // conditional only because an aws:VpcSourceIp condition covers part of the source range (the
  // audit's subnet): some of its addresses are allowed, others not.
  bool partial_source = false;
  std::string source_note;  // for partial_source: which part the condition covers
};

const char* to_string(PolicyDecision decision);

/// One verdict per request action, in order. An empty (or all-white-space) document is AWS's
/// default full-access policy. Errors: too_large above kMaxPolicyChars characters, parse for
/// anything that is not a well-formed policy (message names the element, never the content).
Result<std::vector<ActionVerdict>> evaluate_endpoint_policy(std::string_view policy_json,
                                                            const PolicyRequest& request);

/// The actions a healthy client of the service needs through its endpoint:
/// bedrock-runtime -> InvokeModel, InvokeModelWithResponseStream; bedrock -> ListFoundationModels;
/// bedrock-agent-runtime -> InvokeAgent, Retrieve, RetrieveAndGenerate; bedrock-agent ->
/// ListAgents. Accepts "com.amazonaws.REGION.svc" and "-fips" names; empty for other services.
std::vector<std::string> required_actions(std::string_view service);

/// Whether the service's calls name a model as their resource (bedrock-runtime and its FIPS name):
/// only there does --model narrow the endpoint policy's resource.
bool takes_model_resource(std::string_view service);

/// The ARN IAM sees for a model given as --model: an ARN as it is; a cross-Region inference
/// profile ID (us., eu., apac., global. ...) in the caller's account; else a foundation model
/// (Service Authorization Reference, Amazon Bedrock resource types).
std::string model_resource_arn(const std::string& model, const std::string& partition,
                               const std::string& region, const std::string& account);

/// The request for an instance's role session: principal
/// arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/INSTANCE_ID, role ARN
/// arn:PARTITION:iam::ACCOUNT:role/ROLE, source IP the primary private IPv4.
PolicyRequest policy_request_for_instance(const InstanceIdentity& instance, std::string source_vpc,
                                          std::string source_vpce,
                                          std::vector<std::string> actions);

/// Sets the principal to the application's role (arn:P:iam::A:role/PATH/NAME, whose sessions are
/// arn:P:sts::A:assumed-role/NAME/SESSION) or assumed-role session ARN (the role's path is then
/// unknown: IAM leaves it out of session ARNs). Other ARNs leave `request` unchanged.
void apply_principal_arn(PolicyRequest& request, const std::string& arn);

/// POLICY_DENIES (any explicit or implicit deny), POLICY_SCOPED (allowed only on some resources)
/// and POLICY_CONDITIONAL (any other conditional, or a policy that could not be evaluated), one
/// finding each per service, address empty; evidence names each action's statement index.
std::vector<Finding> policy_findings(std::string_view service, const std::string& endpoint_id,
                                     const Result<std::vector<ActionVerdict>>& verdicts);

}  // namespace bedrock_reach
