// Proxy environment parsing, NO_PROXY matching (curl / AWS SDK semantics) and proxy findings.
#include "proxy/proxy_config.hpp"

#include <gtest/gtest.h>

namespace bedrock_reach {
namespace {

Environment env(std::map<std::string, std::string> vars) { return Environment(std::move(vars)); }

TEST(ProxyConfig, VariablePrecedence) {
  auto config = ProxyConfig::from_environment(
      env({{"HTTPS_PROXY", "http://upper:3128"}, {"https_proxy", "http://lower:3128"}}));
  EXPECT_EQ(config.https_proxy, "http://lower:3128");
  EXPECT_EQ(config.https_source, "https_proxy");
  EXPECT_FALSE(config.http_proxy);

  config = ProxyConfig::from_environment(env({{"ALL_PROXY", "socks5://all:1080"}}));
  EXPECT_EQ(config.https_proxy, "socks5://all:1080");
  EXPECT_EQ(config.http_proxy, "socks5://all:1080");
  EXPECT_EQ(config.https_source, "ALL_PROXY");

  config = ProxyConfig::from_environment(env({{"HTTPS_PROXY", "http://p:1"},
                                              {"ALL_PROXY", "http://all:2"},
                                              {"http_proxy", "http://h:3"}}));
  EXPECT_EQ(config.https_proxy, "http://p:1");
  EXPECT_EQ(config.http_proxy, "http://h:3");

  config = ProxyConfig::from_environment(
      env({{"HTTPS_PROXY", ""}, {"NO_PROXY", "a"}, {"no_proxy", "b, c"}}));
  EXPECT_TRUE(config.empty());  // empty means unset, as in curl
  EXPECT_EQ(config.no_proxy, (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(config.no_proxy_source, "no_proxy");
}

TEST(ProxyConfig, ParseNoProxy) {
  EXPECT_EQ(
      parse_no_proxy(" .Example.com,,10.0.0.0/8  localhost\t169.254.169.254 "),
      (std::vector<std::string>{".example.com", "10.0.0.0/8", "localhost", "169.254.169.254"}));
  EXPECT_TRUE(parse_no_proxy("").empty());
}

struct MatchCase {
  const char* no_proxy;
  const char* host;
  int port;
  bool exempt;
};

TEST(ProxyConfig, NoProxyMatching) {
  const MatchCase cases[] = {
      {"*", "bedrock-runtime.us-east-1.amazonaws.com", 443, true},
      {"amazonaws.com", "bedrock-runtime.us-east-1.amazonaws.com", 443, true},
      {".amazonaws.com", "bedrock-runtime.us-east-1.amazonaws.com", 443, true},
      {".amazonaws.com", "amazonaws.com", 443, true},
      {"*.amazonaws.com", "bedrock.us-east-1.amazonaws.com", 443, true},
      {"amazonaws.com", "notamazonaws.com", 443, false},
      {"us-east-1.amazonaws.com", "bedrock.us-west-2.amazonaws.com", 443, false},
      {"AMAZONAWS.COM", "Bedrock.US-EAST-1.amazonaws.com.", 443, true},
      {"bedrock.us-east-1.amazonaws.com", "bedrock-runtime.us-east-1.amazonaws.com", 443, false},
      {"amazonaws.com:443", "bedrock.us-east-1.amazonaws.com", 443, true},
      {"amazonaws.com:8443", "bedrock.us-east-1.amazonaws.com", 443, false},
      {"169.254.169.254", "169.254.169.254", 80, true},
      {"169.254.0.0/16", "169.254.169.254", 80, true},
      {"10.0.0.0/8", "169.254.169.254", 80, false},
      {"10.0.0.0/8", "10.1.2.3", 443, true},
      {"fd00::/8", "[fd00:ec2::254]", 80, true},
      {"fd00:ec2::254", "fd00:ec2::254", 80, true},
      {"[fd00:ec2::254]:80", "fd00:ec2::254", 80, true},
      {"[fd00:ec2::254]:81", "fd00:ec2::254", 80, false},
      {"169.254.169.254", "169.254.169.25", 80, false},
      {"10.0.0.0/8", "ten.example", 443, false},  // CIDRs only match IP hosts
      {"", "anything", 443, false},
      {"localhost,.internal", "metadata.internal", 80, true},
      {"*.", "example.com", 443, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(no_proxy_matches(parse_no_proxy(c.no_proxy), c.host, c.port), c.exempt)
        << "NO_PROXY=" << c.no_proxy << " host=" << c.host;
  }
}

TEST(ProxyConfig, ProxyFor) {
  auto config =
      ProxyConfig::from_environment(env({{"HTTPS_PROXY", "http://proxy.corp:3128"},
                                         {"NO_PROXY", "169.254.169.254,.vpce.amazonaws.com"}}));
  EXPECT_EQ(proxy_for(config, "bedrock-runtime.us-east-1.amazonaws.com"), "http://proxy.corp:3128");
  EXPECT_FALSE(proxy_for(config, "vpce-0a-b.bedrock-runtime.us-east-1.vpce.amazonaws.com"));
  EXPECT_FALSE(http_proxy_for(config, "169.254.169.254"));
  EXPECT_FALSE(proxy_for(ProxyConfig{}, "x"));
}

TEST(ProxyConfig, RedactAndEndpoint) {
  EXPECT_EQ(redact_proxy_url("http://user:s3cret@proxy:3128"), "http://***@proxy:3128");
  EXPECT_EQ(redact_proxy_url("user:pw@proxy:3128"), "***@proxy:3128");
  EXPECT_EQ(redact_proxy_url("http://proxy:3128/"), "http://proxy:3128/");
  auto endpoint = proxy_endpoint("http://user:pw@Proxy.Corp:3128/");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->host, "proxy.corp");
  EXPECT_EQ(endpoint->port, 3128);
  EXPECT_EQ(proxy_endpoint("proxy.corp")->port, 1080);  // curl's default
  EXPECT_EQ(proxy_endpoint("https://proxy.corp")->port, 443);
  EXPECT_EQ(proxy_endpoint("http://[fd00::1]:8080")->host, "fd00::1");
  EXPECT_EQ(proxy_endpoint("http://10.0.0.5:3128")->host, "10.0.0.5");
  EXPECT_FALSE(proxy_endpoint("http://proxy:notaport"));
  EXPECT_FALSE(proxy_endpoint("http://"));
}

TEST(ProxyConfig, FindingsInterceptAndImds) {
  std::vector<ServiceName> names = {{"bedrock-runtime", "bedrock-runtime.us-east-1.amazonaws.com"},
                                    {"bedrock", "bedrock.us-east-1.amazonaws.com"}};
  auto config =
      ProxyConfig::from_environment(env({{"HTTPS_PROXY", "http://u:pw@proxy:3128"},
                                         {"http_proxy", "http://u:pw@proxy:3128"},
                                         {"NO_PROXY", "bedrock.us-east-1.amazonaws.com"}}));
  auto findings = proxy_findings(config, names);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].code, "PROXY_INTERCEPTS");
  EXPECT_EQ(findings[0].service, "bedrock-runtime");
  EXPECT_EQ(findings[0].severity, Severity::critical);
  EXPECT_EQ(findings[1].code, "PROXY_IMDS_NOT_EXEMPT");
  EXPECT_EQ(findings[1].severity, Severity::warning);
  for (const auto& finding : findings) {
    EXPECT_EQ(finding.message.find("pw"), std::string::npos) << finding.message;
    for (const auto& line : finding.evidence) EXPECT_EQ(line.find("pw@"), std::string::npos);
  }

  // HTTPS_PROXY only: IMDS (plain http) goes direct with curl; reported as info.
  config = ProxyConfig::from_environment(
      env({{"HTTPS_PROXY", "http://proxy:3128"}, {"NO_PROXY", ".amazonaws.com"}}));
  findings = proxy_findings(config, names);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "PROXY_IMDS_NOT_EXEMPT");
  EXPECT_EQ(findings[0].severity, Severity::info);

  config = ProxyConfig::from_environment(
      env({{"HTTPS_PROXY", "http://proxy:3128"}, {"NO_PROXY", ".amazonaws.com,169.254.169.254"}}));
  EXPECT_TRUE(proxy_findings(config, names).empty());
  EXPECT_TRUE(proxy_findings(ProxyConfig{}, names).empty());
}

}  // namespace
}  // namespace bedrock_reach

namespace bedrock_reach {
namespace {

// Environment values and proxy URLs come from users and files: odd ones must not crash.
TEST(ProxyConfig, OddInputsNeverCrash) {
  std::uint32_t seed = 777;
  auto next = [&] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  const std::string alphabet = "[]:/.,*@ 0123456789abcdef%\t";
  for (int round = 0; round < 3000; ++round) {
    std::string text, host;
    for (std::uint32_t i = 0, n = next() % 40; i < n; ++i)
      text += alphabet[next() % alphabet.size()];
    for (std::uint32_t i = 0, n = next() % 20; i < n; ++i)
      host += alphabet[next() % alphabet.size()];
    auto entries = parse_no_proxy(text);
    (void)no_proxy_matches(entries, host, static_cast<int>(next() % 70000));
    (void)proxy_endpoint(text);
    EXPECT_LE(redact_proxy_url(text).size(), text.size() + 3);
  }
}

}  // namespace
}  // namespace bedrock_reach
