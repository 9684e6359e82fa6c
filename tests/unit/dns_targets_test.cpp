#include <gtest/gtest.h>

#include <map>

#include "dns/targets.hpp"

namespace bedrock_reach {
namespace {

Region region(const char* name) { return *make_region(name, "test"); }

TEST(DnsTargets, DefaultBedrockServices) {
  auto targets = build_targets(region("us-east-1"), {}, false);
  ASSERT_TRUE(targets);
  ASSERT_EQ(targets->size(), 4u);
  EXPECT_EQ((*targets)[0].hostname, "bedrock.us-east-1.amazonaws.com");
  EXPECT_EQ((*targets)[1].hostname, "bedrock-runtime.us-east-1.amazonaws.com");
  EXPECT_EQ((*targets)[2].hostname, "bedrock-agent.us-east-1.amazonaws.com");
  EXPECT_EQ((*targets)[3].hostname, "bedrock-agent-runtime.us-east-1.amazonaws.com");
  for (const auto& target : *targets) EXPECT_EQ(target.signing_name, "bedrock");
}

TEST(DnsTargets, FipsHostsPerPartition) {
  auto gov = build_targets(region("us-gov-west-1"), {"bedrock-runtime", "ec2"}, true);
  ASSERT_TRUE(gov);
  EXPECT_EQ((*gov)[0].hostname, "bedrock-runtime-fips.us-gov-west-1.amazonaws.com");
  // GovCloud's EC2 FIPS endpoint is the standard name.
  EXPECT_EQ((*gov)[1].hostname, "ec2.us-gov-west-1.amazonaws.com");
  auto commercial = build_targets(region("us-east-1"), {"ec2"}, true);
  ASSERT_TRUE(commercial);
  EXPECT_EQ((*commercial)[0].hostname, "ec2-fips.us-east-1.amazonaws.com");
  auto iso = build_targets(region("us-iso-east-1"), {"bedrock"}, false);
  ASSERT_TRUE(iso);
  EXPECT_EQ((*iso)[0].hostname, "bedrock.us-iso-east-1.c2s.ic.gov");
  auto cn = build_targets(region("cn-north-1"), {"sts"}, false);
  ASSERT_TRUE(cn);
  EXPECT_EQ((*cn)[0].hostname, "sts.cn-north-1.amazonaws.com.cn");
}

TEST(DnsTargets, ConfiguredEndpointHosts) {
  std::map<std::string, std::string> vars{
      {"AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
       "https://vpce-0b1a2c3d4e5f60002-k4l5m6n7.bedrock-runtime.us-east-1.vpce.amazonaws.com/"},
      {"AWS_ENDPOINT_URL", "https://Proxy.Example.com:8443/base"}};
  EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    auto found = vars.find(name);
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
  EXPECT_EQ(configured_endpoint_host("bedrock-runtime", env),
            "vpce-0b1a2c3d4e5f60002-k4l5m6n7.bedrock-runtime.us-east-1.vpce.amazonaws.com");
  EXPECT_EQ(configured_endpoint_host("bedrock-agent", env), "proxy.example.com");
  vars["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
  EXPECT_EQ(configured_endpoint_host("bedrock-runtime", env), "");
  vars.erase("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
  vars["AWS_ENDPOINT_URL"] = "https://user@evil/";
  EXPECT_EQ(configured_endpoint_host("bedrock", env), "");
  vars.erase("AWS_ENDPOINT_URL");
  EXPECT_EQ(configured_endpoint_host("bedrock", env), "");
}

TEST(DnsTargets, FipsDefaultsAndRegions) {
  auto defaults = build_targets(region("us-east-1"), {}, true);
  ASSERT_TRUE(defaults);
  ASSERT_EQ(defaults->size(), 2u);
  EXPECT_EQ((*defaults)[0].hostname, "bedrock-fips.us-east-1.amazonaws.com");
  EXPECT_EQ((*defaults)[1].hostname, "bedrock-runtime-fips.us-east-1.amazonaws.com");
  EXPECT_EQ((*defaults)[1].signing_name, "bedrock");
  auto elsewhere = build_targets(region("eu-west-1"), {}, true);
  ASSERT_FALSE(elsewhere);
  EXPECT_EQ(elsewhere.error().kind, ErrorKind::invalid_input);
  EXPECT_NE(elsewhere.error().message.find("no FIPS endpoints in eu-west-1"), std::string::npos);
  EXPECT_TRUE(build_targets(region("eu-west-1"), {"ec2"}, true));  // not a Bedrock service
}

TEST(DnsTargets, ExtraServicesSigningNamesAndDuplicates) {
  auto targets = build_targets(
      region("eu-west-1"),
      {"bedrock-agentcore", "bedrock-mantle", "sts", "sts", "bedrock-data-automation"}, false);
  ASSERT_TRUE(targets);
  ASSERT_EQ(targets->size(), 4u);
  EXPECT_EQ((*targets)[0].signing_name, "bedrock-agentcore");
  EXPECT_EQ((*targets)[0].hostname, "bedrock-agentcore.eu-west-1.amazonaws.com");
  EXPECT_EQ((*targets)[1].hostname, "bedrock-mantle.eu-west-1.api.aws");
  EXPECT_EQ((*targets)[2].signing_name, "sts");
  EXPECT_EQ((*targets)[3].signing_name, "bedrock");
}

TEST(DnsTargets, RejectsBadServiceNames) {
  for (const char* bad : {"", "Bedrock", "bed rock", "-x", "x-", "a.b", "ssm/../x"}) {
    auto targets = build_targets(region("us-east-1"), {bad}, false);
    ASSERT_FALSE(targets) << bad;
    EXPECT_EQ(targets.error().kind, ErrorKind::invalid_input);
  }
}

}  // namespace
}  // namespace bedrock_reach
