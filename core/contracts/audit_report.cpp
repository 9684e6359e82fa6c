#include "bedrock_reach/audit_report.hpp"

namespace bedrock_reach {

std::string SubnetServiceVerdict::root_cause() const {
  for (const auto& finding : findings) {
    if (finding.severity == Severity::warning || finding.severity == Severity::critical)
      return finding.code;
  }
  return "";
}

}  // namespace bedrock_reach
