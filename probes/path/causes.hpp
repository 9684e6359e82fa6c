#pragma once
// Cause links: a finding that explains another (an SG drop explains a TLS timeout) is named in
// the effect's caused_by, and the report lists root causes first.
#include <string_view>
#include <vector>

#include "bedrock_reach/report.hpp"

namespace bedrock_reach {

/// One "cause explains effect" rule. same_address: both must concern the same address (a cause
/// with an empty address, e.g. a service-level endpoint finding, still matches every address).
struct CauseRule {
  std::string_view cause;
  std::string_view effect;
  bool same_address;
  /// Non-empty: the cause must be on this service and may explain a check-wide effect (STS
  /// explains the application's credential failure).
  std::string_view cause_service = {};
};

/// The rules link_causes applies (exposed for tests: they must form no cycle).
std::vector<CauseRule> cause_rules();

/// Merges exact duplicates (same code, service and address: e.g. DNS_NOT_ENDPOINT from both the
/// DNS and the path stage; worst severity, evidence combined), fills caused_by (causes of the
/// same service, or check-wide ones with service ""), then orders findings stably: the worst
/// severity of everything a finding explains first, and within that causes before effects.
void link_causes(std::vector<Finding>& findings);

}  // namespace bedrock_reach
