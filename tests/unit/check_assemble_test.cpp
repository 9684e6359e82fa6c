// The verdict without a network: assemble_report over hand-made facts (topology × DNS answers ×
// TLS outcomes → findings, root-cause links, statuses, evidence level). The simulated VPC runs the
// same rules end to end; these tables reach them without root.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "check/assemble.hpp"
#include "support/vpc_fixture.hpp"

namespace bedrock_reach {
namespace {

using namespace test;  // NOLINT: the fixture's names read as the VPC they describe

constexpr const char* kRuntime = "bedrock-runtime";

/// One check's facts for bedrock-runtime, built up by each case; `facts()` points into it.
struct Case : VpcFixture {
  Config config;
  Region region = *make_region("us-east-1", "imds");
  std::vector<Target> targets = *build_targets(region, {kRuntime}, false);
  std::vector<Finding> fatal;
  HostsFile hosts;
  ProxyConfig proxy;
  InstanceContext instance_context;
  std::vector<Finding> instance_findings;
  std::vector<Finding> topology_findings;
  std::map<std::string, NameResolution> resolutions;
  std::map<std::string, ProbeOutcome<TlsResult>> tls;  // by address
  std::vector<std::string> cut_steps;
  bool with_identity = true;
  bool with_topology = true;

  void host_answers(std::vector<std::string> addresses) {
    ResolverAnswer answer;
    answer.resolver = "host";
    answer.kind = ResolverSpec::Kind::host;
    answer.status = "ok";
    answer.rcode = "NOERROR";
    answer.addresses = std::move(addresses);
    resolutions[kRuntime] = NameResolution{targets.front(), {answer}};
  }

  void tls_ok(const std::string& address) {
    ProbeOutcome<TlsResult> outcome;
    outcome.data.ok = true;
    outcome.data.version = "TLSv1.3";
    outcome.data.cert_days_left = 300;
    outcome.data.http_status = 403;
    outcome.data.aws_request_id = "req-1";
    tls[address] = outcome;
  }

  void tls_failed(const std::string& address, const std::string& code) {
    ProbeOutcome<TlsResult> outcome;
    outcome.data.error = code;
    outcome.data.detail = "Timeout was reached";
    outcome.findings.push_back(make_finding(code, kRuntime, address, "HTTPS failed: " + code));
    tls[address] = outcome;
  }

  Report assemble() {
    if (with_identity) instance_context.identity = instance;
    CheckFacts facts;
    facts.config = &config;
    facts.region = region;
    facts.targets = &targets;
    facts.fatal = &fatal;
    facts.hosts = &hosts;
    facts.proxy = &proxy;
    facts.instance = &instance_context;
    facts.instance_findings = &instance_findings;
    facts.topology = with_topology ? &topology : nullptr;
    facts.topology_findings = &topology_findings;
    facts.resolutions = &resolutions;
    facts.cut_steps = cut_steps;
    for (const auto& [address, outcome] : tls)
      facts.tls.push_back(TlsFact{kRuntime, address, false, &outcome});
    return assemble_report(facts);
  }
};

std::vector<std::string> codes(const Report& report) {
  std::vector<std::string> out;
  for (const auto& f : report.findings) out.push_back(f.code);
  return out;
}

const Finding* find(const Report& report, const std::string& code) {
  for (const auto& f : report.findings) {
    if (f.code == code) return &f;
  }
  return nullptr;
}

bool has(const Report& report, const std::string& code) { return find(report, code) != nullptr; }

bool caused_by(const Report& report, const std::string& effect, const std::string& cause) {
  return std::any_of(report.findings.begin(), report.findings.end(), [&](const Finding& f) {
    return f.code == effect &&
           std::find(f.caused_by.begin(), f.caused_by.end(), cause) != f.caused_by.end();
  });
}

/// A finding of `code` at warning or critical: a claim, not an "info: could not tell".
bool claims(const Report& report, const std::string& code) {
  return std::any_of(report.findings.begin(), report.findings.end(), [&](const Finding& f) {
    return f.code == code && (f.severity == Severity::warning || f.severity == Severity::critical);
  });
}

bool any_problem(const Report& report) {
  return std::any_of(report.findings.begin(), report.findings.end(), [](const Finding& f) {
    return f.severity == Severity::warning || f.severity == Severity::critical;
  });
}

TEST(CheckAssemble, HealthyEndpointIsOkWithApiEvidence) {
  Case c;
  c.host_answers({"10.0.1.25", "10.0.2.61"});
  c.tls_ok("10.0.1.25");
  c.tls_ok("10.0.2.61");
  Report report = c.assemble();
  EXPECT_EQ(report.status, Severity::ok);
  EXPECT_EQ(report.evidence, "api");
  EXPECT_FALSE(any_problem(report)) << ::testing::PrintToString(codes(report));
  ASSERT_EQ(report.services.size(), 1u);
  const ServiceResult& service = report.services.front();
  EXPECT_EQ(service.path, "private-endpoint");
  ASSERT_EQ(service.addresses.size(), 2u);
  for (const auto& address : service.addresses) {
    EXPECT_EQ(address.klass, "endpoint-eni") << address.ip;
    ASSERT_TRUE(address.tls) << address.ip;
    EXPECT_TRUE(address.tls->ok);
  }
  EXPECT_EQ(service.addresses.front().eni, "eni-0a11aa11aa11aa11a");
  ASSERT_TRUE(report.instance);
  EXPECT_EQ(report.instance->vpc_id, kVpc);
  EXPECT_EQ(report.region_source, "imds");
}

TEST(CheckAssemble, SecurityGroupDropIsTheRootCauseOfTheTimeouts) {
  Case c;
  c.group(kEndpointSg).ingress.clear();  // nothing admits 443 from the instance
  c.host_answers({"10.0.1.25", "10.0.2.61"});
  c.tls_failed("10.0.1.25", "TLS_CONNECT_TIMEOUT");
  c.tls_failed("10.0.2.61", "TLS_CONNECT_TIMEOUT");
  Report report = c.assemble();
  EXPECT_EQ(report.status, Severity::critical);
  ASSERT_FALSE(report.findings.empty());
  EXPECT_EQ(report.findings.front().code, "SG_INGRESS_BLOCKS");
  EXPECT_TRUE(caused_by(report, "TLS_CONNECT_TIMEOUT", "SG_INGRESS_BLOCKS"));
  EXPECT_EQ(report.services.front().status, Severity::critical);
}

TEST(CheckAssemble, PrivateDnsOffPutsTheEndpointSettingFirst) {
  Case c;
  c.endpoint().private_dns_enabled = false;
  c.host_answers({"3.91.171.5", "44.192.12.9"});  // the public regional addresses
  c.tls_ok("3.91.171.5");
  c.tls_ok("44.192.12.9");
  Report report = c.assemble();
  EXPECT_EQ(report.status, Severity::critical);
  ASSERT_FALSE(report.findings.empty());
  EXPECT_EQ(report.findings.front().code, "ENDPOINT_PRIVATE_DNS_DISABLED")
      << ::testing::PrintToString(codes(report));
  EXPECT_TRUE(has(report, "DNS_PUBLIC_ANSWER"));
  EXPECT_TRUE(has(report, "ROUTE_VIA_NAT"));  // the fixture's default route is a NAT gateway
  EXPECT_TRUE(caused_by(report, "DNS_PUBLIC_ANSWER", "ENDPOINT_PRIVATE_DNS_DISABLED"));
  EXPECT_EQ(report.services.front().path, "nat-gateway");
  for (const auto& address : report.services.front().addresses) EXPECT_EQ(address.klass, "public");
}

TEST(CheckAssemble, MissingEndpointWithNatLeavesThroughTheNat) {
  Case c;
  c.topology.endpoints.clear();
  c.topology.network_interfaces.clear();
  c.host_answers({"3.91.171.5"});
  c.tls_ok("3.91.171.5");
  Report report = c.assemble();
  EXPECT_EQ(report.status, Severity::critical);
  ASSERT_FALSE(report.findings.empty());
  EXPECT_EQ(report.findings.front().code, "ENDPOINT_MISSING")
      << ::testing::PrintToString(codes(report));
  EXPECT_TRUE(has(report, "ROUTE_VIA_NAT"));
  EXPECT_EQ(report.services.front().path, "nat-gateway");
  EXPECT_FALSE(report.services.front().endpoint);
}

TEST(CheckAssemble, MissingEndpointIsNotClaimedWhenTheListingWasNotRead) {
  Case c;
  c.topology.endpoints.clear();
  c.topology.network_interfaces.clear();
  c.topology.read_actions.erase(std::remove(c.topology.read_actions.begin(),
                                            c.topology.read_actions.end(), "DescribeVpcEndpoints"),
                                c.topology.read_actions.end());
  c.topology.unread_actions.push_back("DescribeVpcEndpoints");
  c.host_answers({"10.0.1.25"});
  c.tls_ok("10.0.1.25");
  Report report = c.assemble();
  EXPECT_FALSE(has(report, "ENDPOINT_MISSING")) << ::testing::PrintToString(codes(report));
  EXPECT_FALSE(claims(report, "DNS_NOT_ENDPOINT"));
}

// Issue 15: a participant of a shared VPC cannot list the owner's endpoints. No endpoint in the
// list is then no evidence of no endpoint: in-VPC answers that prove themselves AWS over verified
// TLS are the endpoint (ENDPOINT_INFERRED), never ENDPOINT_MISSING or DNS_NOT_ENDPOINT.
TEST(CheckAssemble, SharedVpcEndpointIsInferredNotMissing) {
  Case c;
  c.topology.endpoints.clear();
  c.topology.network_interfaces.clear();
  ASSERT_TRUE(c.topology.vpc);
  c.topology.vpc->owner_id = "111122223333";  // not the instance's 123456789012
  c.host_answers({"10.0.1.25", "10.0.2.61"});
  c.tls_ok("10.0.1.25");
  c.tls_ok("10.0.2.61");
  Report report = c.assemble();
  EXPECT_FALSE(has(report, "ENDPOINT_MISSING")) << ::testing::PrintToString(codes(report));
  EXPECT_FALSE(has(report, "DNS_NOT_ENDPOINT")) << ::testing::PrintToString(codes(report));
  EXPECT_TRUE(has(report, "ENDPOINT_INFERRED")) << ::testing::PrintToString(codes(report));
  EXPECT_EQ(report.services.front().path, "private-endpoint");
  EXPECT_EQ(report.status, Severity::ok);
  // The same VPC owned by the instance's account: the empty list is evidence.
  Case own;
  own.topology.endpoints.clear();
  own.topology.network_interfaces.clear();
  own.topology.vpc->owner_id = "123456789012";
  own.host_answers({"10.0.1.25"});
  own.tls_ok("10.0.1.25");
  Report mine = own.assemble();
  EXPECT_TRUE(has(mine, "ENDPOINT_MISSING")) << ::testing::PrintToString(codes(mine));
  EXPECT_FALSE(has(mine, "ENDPOINT_INFERRED"));
}

TEST(CheckAssemble, InstanceMetadataOnlyIsImdsEvidence) {
  Case c;
  c.with_topology = false;
  c.host_answers({"10.0.1.25", "10.0.2.61"});
  c.tls_ok("10.0.1.25");
  c.tls_ok("10.0.2.61");
  Report report = c.assemble();
  EXPECT_EQ(report.evidence, "imds");
  EXPECT_EQ(report.status, Severity::ok);
  // Inside the VPC's CIDR, but no API to say whose ENI it is.
  for (const auto& address : report.services.front().addresses)
    EXPECT_EQ(address.klass, "vpc-private") << address.ip;
  EXPECT_FALSE(claims(report, "DNS_NOT_ENDPOINT"));
}

TEST(CheckAssemble, OffEc2IsNoEvidenceAndStillJudgesDnsAndTls) {
  Case c;
  c.with_identity = false;
  c.with_topology = false;
  c.instance_findings.push_back(make_finding("IMDS_UNAVAILABLE", "", "", "no IMDS"));
  c.host_answers({"3.91.171.5"});
  c.tls_failed("3.91.171.5", "TLS_CERT_UNTRUSTED");
  Report report = c.assemble();
  EXPECT_EQ(report.evidence, "none");
  EXPECT_FALSE(report.instance);
  EXPECT_TRUE(has(report, "IMDS_UNAVAILABLE"));
  EXPECT_TRUE(has(report, "DNS_PUBLIC_ANSWER"));
  EXPECT_TRUE(has(report, "TLS_CERT_UNTRUSTED"));
  EXPECT_EQ(report.status, Severity::critical);
  EXPECT_EQ(report.services.front().path, "unknown");
}

TEST(CheckAssemble, FatalFindingEndsTheVerdictAsUnknown) {
  Case c;
  c.fatal.push_back(make_finding("REGION_UNKNOWN", "", "", "no Region"));
  Report report = c.assemble();
  EXPECT_EQ(report.status, Severity::unknown);
  EXPECT_TRUE(report.services.empty());
  EXPECT_EQ(codes(report), std::vector<std::string>{"REGION_UNKNOWN"});
}

TEST(CheckAssemble, DeadlineNamesTheStepsItCut) {
  Case c;
  c.host_answers({"10.0.1.25"});
  c.tls_ok("10.0.1.25");
  c.config.timeout_ms = 1500;
  c.cut_steps = {"EC2 discovery", "1 TLS probes"};
  Report report = c.assemble();
  const Finding* deadline = find(report, "CHECK_DEADLINE");
  ASSERT_NE(deadline, nullptr);
  EXPECT_NE(deadline->message.find("1500 ms"), std::string::npos) << deadline->message;
  EXPECT_NE(deadline->message.find("EC2 discovery, 1 TLS probes"), std::string::npos);
  EXPECT_EQ(report.status, Severity::critical);
}

}  // namespace
}  // namespace bedrock_reach
