#pragma once
// `bedrock-reach audit` (issue 20): every subnet of a VPC judged from one host, on the
// configuration plane, beside the host's own data-plane check. The core the CLI (and a daemon)
// calls; renderers are in render/audit_*.
#include <string>
#include <vector>

#include "bedrock_reach/report.hpp"
#include "check/check.hpp"
#include "path/subnet_audit.hpp"

namespace spdlog {
class logger;
}

namespace bedrock_reach {

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
  std::vector<AuditVpc> vpcs;
  std::vector<Finding> findings;  // VPC-wide and discovery findings (not per subnet)
  Report check;                   // the host's own full check
  std::string started_at;
  double duration_ms = 0;
  std::string version;
};

struct AuditRequest {
  CheckRequest check;                // the host's check; its config names services and timeout
  std::vector<std::string> vpc_ids;  // empty: the instance's VPC
};

/// Runs the host's check with VPC-wide discovery and judges every subnet. Never throws for
/// network conditions.
AuditReport run_audit(const AuditRequest& request, spdlog::logger& log);

}  // namespace bedrock_reach
