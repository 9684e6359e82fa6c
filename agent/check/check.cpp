#include "check/check.hpp"

#include "bedrock_reach/probe.hpp"
#include "version.hpp"

namespace bedrock_reach {

// Placeholder until the orchestration lands: an honest "unknown", never invented results.
Report run_check(const CheckRequest& request, spdlog::logger&) {
  Report report;
  report.version = kVersion;
  report.region = request.region_flag;
  report.status = Severity::unknown;
  return report;
}

}  // namespace bedrock_reach
