#pragma once
// `bedrock-reach audit` (issue 20): every subnet of a VPC judged from one host, on the
// configuration plane, beside the host's own data-plane check. The core the CLI (and a daemon)
// calls; the report it returns is include/bedrock_reach/audit_report.hpp, rendered by
// render/audit_*.
#include <string>
#include <vector>

#include "bedrock_reach/audit_report.hpp"
#include "check/check.hpp"

namespace spdlog {
class logger;
}

namespace bedrock_reach {

struct AuditRequest {
  CheckRequest check;                // the host's check; its config names services and timeout
  std::vector<std::string> vpc_ids;  // empty: the instance's VPC
};

/// Runs the host's check with VPC-wide discovery and judges every subnet. Never throws for
/// network conditions.
AuditReport run_audit(const AuditRequest& request, spdlog::logger& log);

}  // namespace bedrock_reach
