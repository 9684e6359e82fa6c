#include <gtest/gtest.h>

#include "bedrock_reach/probe.hpp"
#include "bedrock_reach/severity.hpp"

namespace bedrock_reach {
namespace {

TEST(Severity, NagiosExitCodes) {
  EXPECT_EQ(exit_code(Severity::ok), 0);
  EXPECT_EQ(exit_code(Severity::info), 0);
  EXPECT_EQ(exit_code(Severity::warning), 1);
  EXPECT_EQ(exit_code(Severity::critical), 2);
  EXPECT_EQ(exit_code(Severity::unknown), 3);
  EXPECT_EQ(status_name(Severity::info), "ok");
  EXPECT_EQ(severity_name(Severity::info), "info");
}

TEST(Severity, ReportStatusIsWorstFindingAndAgreesWithExitCode) {
  Report report;
  report.services.push_back(ServiceResult{.name = "bedrock"});
  report.services.push_back(ServiceResult{.name = "bedrock-runtime"});
  report.findings.push_back(make_finding("IMDS_UNAVAILABLE", "", "", "off EC2"));
  compute_status(report);
  EXPECT_EQ(report.status, Severity::ok);
  report.findings.push_back(make_finding("ENDPOINT_AZ_MISSING", "bedrock", "", "x"));
  report.findings.push_back(make_finding("DNS_PUBLIC_ANSWER", "bedrock-runtime", "", "x"));
  compute_status(report);
  EXPECT_EQ(report.services[0].status, Severity::warning);
  EXPECT_EQ(report.services[1].status, Severity::critical);
  EXPECT_EQ(report.status, Severity::critical);
  EXPECT_EQ(exit_code(report.status), 2);
}

TEST(Catalog, MakeFindingUsesDefaults) {
  Finding f = make_finding("ROUTE_VIA_TGW", "bedrock", "10.1.0.5", "via tgw-1");
  EXPECT_EQ(f.severity, Severity::warning);
  EXPECT_FALSE(f.remediation.empty());
  EXPECT_EQ(make_finding("NOT_A_CODE", "", "", "").severity, Severity::unknown);
}

}  // namespace
}  // namespace bedrock_reach
