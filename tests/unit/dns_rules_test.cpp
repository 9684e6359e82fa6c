#include <gtest/gtest.h>

#include <algorithm>

#include "dns/dns_rules.hpp"

namespace bedrock_reach {
namespace {

constexpr const char* kName = "bedrock-runtime.us-east-1.amazonaws.com";
using Kind = ResolverSpec::Kind;

ResolverAnswer answer(const std::string& resolver, Kind kind, const std::string& status,
                      std::vector<std::string> addresses = {}) {
  ResolverAnswer a;
  a.resolver = resolver;
  a.kind = kind;
  a.status = status;
  a.addresses = std::move(addresses);
  a.rcode = status == "nxdomain" ? "NXDOMAIN" : status == "servfail" ? "SERVFAIL" : "NOERROR";
  return a;
}

NameResolution resolution(std::vector<ResolverAnswer> answers) {
  return NameResolution{Target{"bedrock-runtime", kName, "bedrock"}, std::move(answers)};
}

ClassifyInput known_topology() {
  ClassifyInput input;
  input.vpc_cidrs = parse_cidrs({"10.0.0.0/16", "2600:1f18:aa00::/56"});
  input.endpoint_eni_ips = {"10.0.1.10", "10.0.2.10"};
  input.topology_known = true;
  return input;
}

/// "CODE:severity" per finding, in order.
std::vector<std::string> summary(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings)
    out.push_back(f.code + ":" + std::string(severity_name(f.severity)));
  return out;
}

const Finding* find(const std::vector<Finding>& findings, const std::string& code) {
  auto it = std::find_if(findings.begin(), findings.end(),
                         [&](const Finding& f) { return f.code == code; });
  return it == findings.end() ? nullptr : &*it;
}

const std::vector<std::string> kEnis{"10.0.1.10", "10.0.2.10"};

TEST(DnsRules, Table) {
  struct Case {
    const char* name;
    std::vector<ResolverAnswer> answers;
    ClassifyInput classify;
    std::vector<std::string> expected;
  } const cases[] = {
      {"healthy: host and Amazon agree on the endpoint ENIs",
       {answer("host", Kind::host, "ok", kEnis), answer("10.0.0.2", Kind::amazon, "ok", kEnis)},
       known_topology(),
       {}},
      {"custom DNS forwarding to the Amazon resolver is fine",
       {answer("host", Kind::host, "ok", kEnis),
        answer("192.168.0.53", Kind::nameserver, "ok", {"10.0.2.10", "10.0.1.10"}),
        answer("169.254.169.253", Kind::amazon, "ok", kEnis)},
       known_topology(),
       {}},
      {"custom DNS not forwarding: public answer caused by the mismatch",
       {answer("host", Kind::host, "ok", {"52.94.133.131"}),
        answer("169.254.169.253", Kind::amazon, "ok", kEnis)},
       known_topology(),
       {"DNS_RESOLVER_MISMATCH:warning", "DNS_PUBLIC_ANSWER:critical"}},
      {"private DNS off everywhere: public answer, no mismatch",
       {answer("host", Kind::host, "ok", {"52.94.133.131", "52.94.133.132"}),
        answer("169.254.169.253", Kind::amazon, "ok", {"52.94.133.132", "52.94.133.131"})},
       known_topology(),
       {"DNS_PUBLIC_ANSWER:critical"}},
      {"stale private record inside the VPC",
       {answer("host", Kind::host, "ok", {"10.0.3.99"})},
       known_topology(),
       {"DNS_NOT_ENDPOINT:critical"}},
      // Hub VPC or on premises: not evidence against an endpoint, a could-not-confirm of its own.
      {"private answer outside the VPC (hub or stale)",
       {answer("host", Kind::host, "ok", {"10.50.1.10"})},
       known_topology(),
       {"DNS_OUTSIDE_VPC:warning"}},
      {"inside and outside the VPC, neither an endpoint ENI",
       {answer("host", Kind::host, "ok", {"10.0.3.99", "10.50.1.10"})},
       known_topology(),
       {"DNS_NOT_ENDPOINT:critical"}},
      // No evidence that the answer is not the endpoint: DNS_NOT_ENDPOINT (critical by its
      // catalog meaning) is not emitted; the report infers the endpoint from TLS instead.
      {"topology unknown: no DNS_NOT_ENDPOINT",
       {answer("host", Kind::host, "ok", {"10.0.3.99"})},
       ClassifyInput{parse_cidrs({"10.0.0.0/16"}), {}, false},
       {}},
      {"loopback answer is never the endpoint",
       {answer("host", Kind::host, "ok", {"127.0.0.1"})},
       ClassifyInput{},
       {"DNS_NOT_ENDPOINT:critical"}},
      {"host NXDOMAIN is critical",
       {answer("host", Kind::host, "nxdomain")},
       known_topology(),
       {"DNS_NXDOMAIN:critical"}},
      {"host no address records is DNS_NXDOMAIN",
       {answer("host", Kind::host, "nodata")},
       known_topology(),
       {"DNS_NXDOMAIN:critical"}},
      {"host SERVFAIL and REFUSED",
       {answer("host", Kind::host, "refused")},
       known_topology(),
       {"DNS_SERVFAIL:critical"}},
      {"every resolver times out: host critical, the others are its evidence",
       {answer("host", Kind::host, "timeout"), answer("10.0.0.2", Kind::amazon, "timeout")},
       known_topology(),
       {"DNS_TIMEOUT:critical", "DNS_TIMEOUT:warning"}},
      {"one nameserver of several times out while the host path works: warning",
       {answer("host", Kind::host, "ok", kEnis), answer("10.0.0.2", Kind::nameserver, "ok", kEnis),
        answer("10.9.9.9", Kind::nameserver, "timeout")},
       known_topology(),
       {"DNS_TIMEOUT:warning"}},
      {"Amazon resolver unreachable while the host path works: info",
       {answer("host", Kind::host, "ok", kEnis),
        answer("169.254.169.253", Kind::amazon, "timeout")},
       known_topology(),
       {"DNS_TIMEOUT:info"}},
      {"host NXDOMAIN while Amazon answers: mismatch is the cause",
       {answer("host", Kind::host, "nxdomain"), answer("10.0.0.2", Kind::amazon, "ok", kEnis)},
       known_topology(),
       {"DNS_RESOLVER_MISMATCH:warning", "DNS_NXDOMAIN:critical"}},
  };
  HostsFile no_hosts;
  for (const auto& c : cases) {
    auto findings = dns_findings(resolution(c.answers), c.classify, no_hosts);
    EXPECT_EQ(summary(findings), c.expected) << c.name;
    for (const auto& f : findings) {
      EXPECT_EQ(f.service, "bedrock-runtime") << c.name;
      EXPECT_FALSE(f.message.empty()) << c.name;
      EXPECT_FALSE(f.remediation.empty()) << c.name;
      EXPECT_FALSE(f.evidence.empty()) << c.name;
    }
  }
}

TEST(DnsRules, HostsOverrideIsTheCauseOfAPublicAnswer) {
  auto hosts = parse_hosts_file(std::string("52.94.133.131 ") + kName + "\n");
  auto answers = resolution({answer("host", Kind::host, "ok", {"52.94.133.131"}),
                             answer("169.254.169.253", Kind::amazon, "ok", kEnis)});
  answers.answers[0].from_hosts_file = true;
  auto findings = dns_findings(answers, known_topology(), hosts);
  EXPECT_EQ(summary(findings),
            (std::vector<std::string>{"DNS_HOSTS_OVERRIDE:warning", "DNS_PUBLIC_ANSWER:critical"}));
  const Finding* pub = find(findings, "DNS_PUBLIC_ANSWER");
  ASSERT_NE(pub, nullptr);
  EXPECT_EQ(pub->caused_by, (std::vector<std::string>{"DNS_HOSTS_OVERRIDE"}));
  EXPECT_EQ(pub->address, "52.94.133.131");
  const Finding* pin = find(findings, "DNS_HOSTS_OVERRIDE");
  EXPECT_NE(pin->evidence.at(0).find("hosts line 1"), std::string::npos);
}

TEST(DnsRules, HostsEntryNotInEffectWhenDnsComesFirst) {
  auto hosts = parse_hosts_file(std::string("10.0.1.10 ") + kName + "\n");
  auto findings =
      dns_findings(resolution({answer("host", Kind::host, "ok", kEnis)}), known_topology(), hosts);
  ASSERT_EQ(summary(findings), (std::vector<std::string>{"DNS_HOSTS_OVERRIDE:warning"}));
  EXPECT_NE(findings[0].message.find("only when DNS fails"), std::string::npos);
}

TEST(DnsRules, MessagesNameResolverAndRcode) {
  auto findings = dns_findings(resolution({answer("host", Kind::host, "ok", kEnis),
                                           answer("192.168.0.53", Kind::nameserver, "servfail")}),
                               known_topology(), HostsFile{});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "DNS_SERVFAIL");
  EXPECT_NE(findings[0].message.find("nameserver 192.168.0.53"), std::string::npos);
  EXPECT_NE(findings[0].message.find("SERVFAIL"), std::string::npos);
  EXPECT_NE(findings[0].evidence.at(0).find("SERVFAIL"), std::string::npos);
}

TEST(DnsRules, ResolversForAddress) {
  auto r = resolution({answer("host", Kind::host, "ok", kEnis),
                       answer("192.168.0.53", Kind::nameserver, "ok", {"10.0.1.10"}),
                       answer("10.0.0.2", Kind::amazon, "timeout")});
  EXPECT_EQ(resolvers_for_address(r, "10.0.1.10"),
            (std::vector<std::string>{"host", "192.168.0.53"}));
  EXPECT_EQ(resolvers_for_address(r, "10.0.2.10"), (std::vector<std::string>{"host"}));
  EXPECT_TRUE(resolvers_for_address(r, "10.9.9.9").empty());
}

TEST(DnsRules, DescribeAnswer) {
  auto a = answer("10.0.0.2", Kind::amazon, "ok", kEnis);
  a.ttl = 60;
  a.elapsed_ms = 1.25;
  a.cname_chain = {"x.example"};
  EXPECT_EQ(describe_answer(a),
            "10.0.0.2 (amazon): ok NOERROR [10.0.1.10, 10.0.2.10] via x.example ttl=60 1.2 ms");
}

}  // namespace
}  // namespace bedrock_reach
