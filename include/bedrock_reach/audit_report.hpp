#pragma once
// The audit report (issue 20, `bedrock-reach audit`, docs/audit.schema.json): every subnet of a VPC
// judged from one host. Value types only, like report.hpp: the rules (probes/path/subnet_audit)
// fill them, the renderers read them.
#include <optional>
#include <string>
#include <vector>

#include "bedrock_reach/report.hpp"

namespace bedrock_reach {

/// How an endpoint's security groups admit a source subnet's CIDR on TCP 443.
struct SourceAdmission {
  std::string by_cidr = "unknown";       // allowed|blocked|unknown (the worst over the ENIs)
  std::string cidr_rule;                 // the rule admitting the CIDR, when allowed
  std::vector<std::string> group_rules;  // rules admitting by SG reference
  std::vector<std::string> groups;       // the groups those rules reference
};

struct SubnetServiceVerdict {
  std::string name;
  Severity status = Severity::ok;
  std::string path = "unknown";
  std::optional<EndpointSummary> endpoint;
  std::optional<bool> endpoint_in_az;  // an ENI of the endpoint in the subnet's AZ
  std::optional<SourceAdmission> admission;
  std::vector<Finding> findings;  // root causes first
  /// The first warning/critical finding's code (the root cause), "" when none.
  std::string root_cause() const;
};

struct SubnetVerdict {
  std::string id;
  std::string cidr;
  std::string az;
  std::string az_id;
  std::string route_table;        // rtb-... or "" when unknown
  std::string route_association;  // explicit|main|unknown
  Severity status = Severity::ok;
  std::vector<SubnetServiceVerdict> services;
};

/// One endpoint network interface, placed in its subnet and AZ (the HTML picture).
struct AuditEni {
  std::string service;
  std::string endpoint_id;
  std::string eni_id;
  std::string subnet_id;
  std::string az;
  std::string ip;
};

/// What the Amazon resolver answers for a service in one VPC (the same for every subnet).
struct AuditAnswer {
  std::string service;
  std::string hostname;
  std::vector<std::string> addresses;
};

struct AuditVpc {
  std::string id;
  // measured: asked from this host (its VPC's resolver); inferred: another VPC, from the
  // endpoints' private DNS and the VPC's DNS attributes; none: neither could be judged.
  std::string resolver_source = "none";
  std::vector<AuditAnswer> answers;
  std::vector<std::string> azs;  // sorted
  std::vector<AuditEni> enis;
  std::vector<SubnetVerdict> subnets;  // sorted by AZ, then CIDR
  std::vector<std::string> gaps;       // reads that failed (Topology::gaps), or why not discovered
};

struct AuditReport {
  static constexpr int kSchemaVersion = 1;
  Severity status = Severity::ok;  // the worst subnet's; unknown when a VPC could not be judged
  std::string region;
  std::string evidence = "none";  // api|imds|none, as the check's
  std::string host_subnet;        // the subnet of the host whose data plane `check` shows
  /// Endpoint policies are judged per subnet for one principal, the host's check's (which role
  /// other subnets' instances use is not in the EC2 configuration): only the source range
  /// differs per subnet. Not judged when no principal is known.
  bool policy_judged = false;
  std::string policy_principal;  // the principal ARN ("" when judged without one known)
  /// The resources bedrock-runtime's policy is judged for (--model as ARNs); empty: any model.
  std::vector<std::string> policy_resources;
  std::vector<AuditVpc> vpcs;
  std::vector<Finding> findings;  // VPC-wide and discovery findings (not per subnet)
  Report check;                   // the host's own full check
  std::string started_at;
  double duration_ms = 0;
  std::string version;
};

}  // namespace bedrock_reach
