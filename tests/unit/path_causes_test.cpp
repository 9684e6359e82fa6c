// Cause links: caused_by filled from the rule table, duplicates merged, causes ordered first.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

#include "bedrock_reach/catalog.hpp"
#include "bedrock_reach/probe.hpp"
#include "path/causes.hpp"

namespace bedrock_reach {
namespace {

Finding f(const char* code, const char* service, const char* address = "") {
  return make_finding(code, service, address, std::string(code) + " message");
}

std::vector<std::string> order(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& x : findings) out.push_back(x.code + (x.address.empty() ? "" : "@" + x.address));
  return out;
}

const Finding& get(const std::vector<Finding>& findings, const std::string& code,
                   const std::string& address = "") {
  for (const auto& x : findings) {
    if (x.code == code && x.address == address) return x;
  }
  throw std::runtime_error("missing " + code);
}

TEST(LinkCauses, StsExplainsTheApplicationsCredentialFailureAndClockSkewExplainsRefusals) {
  std::vector<Finding> findings{
      f("CREDENTIAL_SOURCE_FAILED", ""),
      f("TLS_CONNECT_TIMEOUT", "bedrock-runtime", "10.0.1.31"),
      f("TLS_CONNECT_TIMEOUT", "sts", "52.94.228.178"),
      f("CREDENTIALS_INVALID", "bedrock", "10.0.1.21"),
      f("CLOCK_SKEW", ""),
  };
  link_causes(findings);
  // Only the STS timeout (a cause on service sts) explains the check-wide credential failure.
  EXPECT_EQ(get(findings, "CREDENTIAL_SOURCE_FAILED").caused_by,
            (std::vector<std::string>{"TLS_CONNECT_TIMEOUT", "CLOCK_SKEW"}));
  EXPECT_TRUE(get(findings, "TLS_CONNECT_TIMEOUT", "10.0.1.31").caused_by.empty());
  EXPECT_EQ(get(findings, "CREDENTIALS_INVALID", "10.0.1.21").caused_by,
            std::vector<std::string>{"CLOCK_SKEW"});
  auto pos = [&](const std::string& code) {
    for (size_t i = 0; i < findings.size(); ++i)
      if (findings[i].code == code) return i;
    return findings.size();
  };
  EXPECT_LT(pos("CLOCK_SKEW"), pos("CREDENTIALS_INVALID"));
  EXPECT_LT(pos("CLOCK_SKEW"), pos("CREDENTIAL_SOURCE_FAILED"));
}

TEST(LinkCauses, SecurityGroupDropExplainsTimeoutOnSameAddressOnly) {
  std::vector<Finding> findings{
      f("TLS_CONNECT_TIMEOUT", "bedrock-runtime", "10.0.1.25"),
      f("TLS_CONNECT_TIMEOUT", "bedrock-runtime", "10.0.2.61"),
      f("TLS_CONNECT_TIMEOUT", "bedrock", "10.0.1.25"),
      f("SG_EGRESS_BLOCKS", "bedrock-runtime", "10.0.1.25"),
  };
  link_causes(findings);
  // Findings nothing explains are roots too: all roots first (in input order), then effects.
  EXPECT_EQ(order(findings), (std::vector<std::string>{
                                 "TLS_CONNECT_TIMEOUT@10.0.2.61", "TLS_CONNECT_TIMEOUT@10.0.1.25",
                                 "SG_EGRESS_BLOCKS@10.0.1.25", "TLS_CONNECT_TIMEOUT@10.0.1.25"}));
  EXPECT_EQ(findings[3].service, "bedrock-runtime");
  EXPECT_EQ(findings[3].caused_by, std::vector<std::string>{"SG_EGRESS_BLOCKS"});
  EXPECT_TRUE(findings[0].caused_by.empty());
  EXPECT_EQ(findings[1].service, "bedrock");  // other service: not linked
  EXPECT_TRUE(findings[1].caused_by.empty());
}

TEST(LinkCauses, NaclBlocksExplainTimeouts) {
  for (const char* code : {"NACL_BLOCKS_OUTBOUND", "NACL_BLOCKS_RETURN", "SG_INGRESS_BLOCKS",
                           "ROUTE_BLACKHOLE", "ROUTE_NONE"}) {
    std::vector<Finding> findings{f("TLS_CONNECT_TIMEOUT", "bedrock-runtime", "10.0.2.61"),
                                  f(code, "bedrock-runtime", "10.0.2.61")};
    link_causes(findings);
    EXPECT_EQ(findings[0].code, code);
    EXPECT_EQ(findings[1].caused_by, std::vector<std::string>{code});
  }
}

TEST(LinkCauses, RootCauseChainLeadsEvenWhenLessSevere) {
  std::vector<Finding> findings{
      f("ENDPOINT_SINGLE_AZ", "bedrock-runtime"),
      f("ROUTE_VIA_NAT", "bedrock-runtime", "54.239.28.85"),
      f("DNS_PUBLIC_ANSWER", "bedrock-runtime", "54.239.28.85"),
      f("IMDS_UNAVAILABLE", ""),
      f("DNS_RESOLVER_MISMATCH", "bedrock-runtime"),
      f("DHCP_CUSTOM_DNS", ""),
  };
  link_causes(findings);
  EXPECT_EQ(order(findings),
            (std::vector<std::string>{
                "DHCP_CUSTOM_DNS", "DNS_RESOLVER_MISMATCH", "DNS_PUBLIC_ANSWER@54.239.28.85",
                "ROUTE_VIA_NAT@54.239.28.85", "ENDPOINT_SINGLE_AZ", "IMDS_UNAVAILABLE"}));
  EXPECT_EQ(get(findings, "ROUTE_VIA_NAT", "54.239.28.85").caused_by,
            std::vector<std::string>{"DNS_PUBLIC_ANSWER"});
  EXPECT_EQ(get(findings, "DNS_PUBLIC_ANSWER", "54.239.28.85").caused_by,
            (std::vector<std::string>{"DNS_RESOLVER_MISMATCH", "DHCP_CUSTOM_DNS"}));
  // Severities are left as they are: linking orders, it does not escalate.
  EXPECT_EQ(findings[0].severity, Severity::info);
}

TEST(LinkCauses, EndpointFindingsExplainPublicAnswersAndRoutes) {
  for (const char* cause :
       {"ENDPOINT_MISSING", "ENDPOINT_PRIVATE_DNS_DISABLED", "VPC_DNS_ATTRIBUTES"}) {
    SCOPED_TRACE(cause);
    std::vector<Finding> findings{
        f("ROUTE_VIA_IGW", "bedrock-runtime", "52.1.1.1"),
        f("DNS_PUBLIC_ANSWER", "bedrock-runtime", "52.1.1.1"),
        f(cause, std::string(cause) == "VPC_DNS_ATTRIBUTES" ? "" : "bedrock-runtime")};
    link_causes(findings);
    EXPECT_EQ(findings[0].code, cause);
    EXPECT_EQ(findings[1].code, "DNS_PUBLIC_ANSWER");
    EXPECT_EQ(findings[1].caused_by, std::vector<std::string>{cause});
    EXPECT_EQ(findings[2].caused_by, (std::vector<std::string>{"DNS_PUBLIC_ANSWER", cause}));
  }
}

TEST(LinkCauses, PolicyDenyExplainsDeniedSignedCall) {
  std::vector<Finding> findings{f("SIGNED_CALL_DENIED_POLICY", "bedrock-runtime"),
                                f("POLICY_DENIES", "bedrock-runtime"),
                                f("POLICY_DENIES", "bedrock")};
  link_causes(findings);
  EXPECT_EQ(order(findings), (std::vector<std::string>{"POLICY_DENIES", "POLICY_DENIES",
                                                       "SIGNED_CALL_DENIED_POLICY"}));
  EXPECT_EQ(findings[0].service, "bedrock-runtime");
  EXPECT_EQ(findings[2].caused_by, std::vector<std::string>{"POLICY_DENIES"});
}

TEST(LinkCauses, UnavailableEndpointExplainsTlsFailuresOnEveryAddress) {
  std::vector<Finding> findings{f("TLS_CONNECT_REFUSED", "bedrock", "10.0.1.30"),
                                f("TLS_HANDSHAKE_FAILED", "bedrock", "10.0.2.30"),
                                f("ENDPOINT_NOT_AVAILABLE", "bedrock")};
  link_causes(findings);
  EXPECT_EQ(findings[0].code, "ENDPOINT_NOT_AVAILABLE");
  EXPECT_EQ(findings[1].caused_by, std::vector<std::string>{"ENDPOINT_NOT_AVAILABLE"});
  EXPECT_EQ(findings[2].caused_by, std::vector<std::string>{"ENDPOINT_NOT_AVAILABLE"});
}

TEST(LinkCauses, StableBySeverityForUnrelatedFindings) {
  std::vector<Finding> findings{f("ENDPOINT_SINGLE_AZ", "a"), f("ROUTE_VIA_NAT", "a", "1.1.1.1"),
                                f("ENDPOINT_AZ_MISSING", "a"), f("ROUTE_VIA_IGW", "b", "2.2.2.2"),
                                f("NO_CREDENTIALS", "")};
  link_causes(findings);
  EXPECT_EQ(order(findings), (std::vector<std::string>{
                                 "ROUTE_VIA_NAT@1.1.1.1", "ROUTE_VIA_IGW@2.2.2.2",
                                 "ENDPOINT_SINGLE_AZ", "ENDPOINT_AZ_MISSING", "NO_CREDENTIALS"}));
}

TEST(LinkCauses, MergesExactDuplicatesAndIsIdempotent) {
  Finding a = f("DNS_NOT_ENDPOINT", "bedrock-runtime", "10.0.9.9");
  a.severity = Severity::warning;
  a.evidence = {"from dns"};
  a.caused_by = {"DNS_HOSTS_OVERRIDE"};
  Finding b = f("DNS_NOT_ENDPOINT", "bedrock-runtime", "10.0.9.9");
  b.evidence = {"from path", "from dns"};
  std::vector<Finding> findings{a, f("TLS_CERT_NAME_MISMATCH", "bedrock-runtime", "10.0.9.9"), b,
                                f("DNS_HOSTS_OVERRIDE", "bedrock-runtime")};
  link_causes(findings);
  ASSERT_EQ(findings.size(), 3u);
  const Finding& merged = get(findings, "DNS_NOT_ENDPOINT", "10.0.9.9");
  EXPECT_EQ(merged.severity, Severity::critical);
  EXPECT_EQ(merged.evidence, (std::vector<std::string>{"from dns", "from path"}));
  EXPECT_EQ(merged.caused_by, std::vector<std::string>{"DNS_HOSTS_OVERRIDE"});
  EXPECT_EQ(order(findings),
            (std::vector<std::string>{"DNS_HOSTS_OVERRIDE", "DNS_NOT_ENDPOINT@10.0.9.9",
                                      "TLS_CERT_NAME_MISMATCH@10.0.9.9"}));
  auto again = findings;
  link_causes(again);
  ASSERT_EQ(again.size(), findings.size());
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].code, findings[i].code);
    EXPECT_EQ(again[i].caused_by, findings[i].caused_by);
  }
}

TEST(LinkCauses, EmptyAndSingle) {
  std::vector<Finding> none;
  link_causes(none);
  EXPECT_TRUE(none.empty());
  std::vector<Finding> one{f("ROUTE_NONE", "x", "1.2.3.4")};
  link_causes(one);
  EXPECT_TRUE(one[0].caused_by.empty());
}

TEST(CauseRules, UseCatalogCodesAndFormNoCycle) {
  std::map<std::string, std::set<std::string>> graph;
  for (const auto& rule : cause_rules()) {
    EXPECT_NE(find_catalog_entry(rule.cause), nullptr) << rule.cause;
    EXPECT_NE(find_catalog_entry(rule.effect), nullptr) << rule.effect;
    EXPECT_NE(rule.cause, rule.effect);
    graph[std::string(rule.cause)].insert(std::string(rule.effect));
  }
  std::map<std::string, int> state;  // 0 unseen, 1 on stack, 2 done
  std::function<bool(const std::string&)> cyclic = [&](const std::string& node) {
    if (state[node] == 1) return true;
    if (state[node] == 2) return false;
    state[node] = 1;
    for (const auto& next : graph[node]) {
      if (cyclic(next)) return true;
    }
    state[node] = 2;
    return false;
  };
  for (const auto& [node, _] : graph) EXPECT_FALSE(cyclic(node)) << node;
}

}  // namespace
}  // namespace bedrock_reach
