#include <gtest/gtest.h>

#include "dns/targets.hpp"

namespace bedrock_reach {
namespace {

struct PartitionCase {
  const char* region;
  const char* partition;
  const char* suffix;
  const char* dual_stack;
};

TEST(DnsTargets, PartitionTable) {
  const PartitionCase cases[] = {
      {"us-east-1", "aws", "amazonaws.com", "api.aws"},
      {"eu-central-2", "aws", "amazonaws.com", "api.aws"},
      {"ap-southeast-7", "aws", "amazonaws.com", "api.aws"},
      {"il-central-1", "aws", "amazonaws.com", "api.aws"},
      {"mx-central-1", "aws", "amazonaws.com", "api.aws"},
      {"us-gov-west-1", "aws-us-gov", "amazonaws.com", "api.aws"},
      {"cn-north-1", "aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn"},
      {"cn-northwest-1", "aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn"},
      {"us-iso-east-1", "aws-iso", "c2s.ic.gov", "api.aws.ic.gov"},
      {"us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud"},
      {"us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov"},
      {"eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk"},
      {"eusc-de-east-1", "aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu"},
  };
  for (const auto& c : cases) {
    auto partition = partition_for_region(c.region);
    ASSERT_TRUE(partition) << c.region << ": " << partition.error().message;
    EXPECT_EQ(partition->id, c.partition) << c.region;
    EXPECT_EQ(partition->dns_suffix, c.suffix) << c.region;
    EXPECT_EQ(partition->dual_stack_suffix, c.dual_stack) << c.region;
  }
}

TEST(DnsTargets, RejectsBadRegionsWithOneClearLine) {
  for (const char* bad : {"", "us-east", "useast1", "us-east-1a", "xx-east-1", "us-east-1 ",
                          "US-EAST-1x", "us--1", "us-east-", "-east-1", "us-gov-west", "cn-1",
                          "us-east-1.evil.com", "eusc-fr-east-1", "us-east-1\n"}) {
    auto partition = partition_for_region(bad);
    ASSERT_FALSE(partition) << bad;
    EXPECT_EQ(partition.error().kind, ErrorKind::invalid_input);
    EXPECT_EQ(partition.error().message.find('\n'), std::string::npos) << bad;
  }
  auto long_region = partition_for_region(std::string(500, 'x'));
  ASSERT_FALSE(long_region);
  EXPECT_LT(long_region.error().message.size(), 200u);
}

TEST(DnsTargets, DefaultBedrockServices) {
  auto targets = build_targets("us-east-1", {}, false);
  ASSERT_TRUE(targets);
  ASSERT_EQ(targets->size(), 4u);
  EXPECT_EQ((*targets)[0].hostname, "bedrock.us-east-1.amazonaws.com");
  EXPECT_EQ((*targets)[1].hostname, "bedrock-runtime.us-east-1.amazonaws.com");
  EXPECT_EQ((*targets)[2].hostname, "bedrock-agent.us-east-1.amazonaws.com");
  EXPECT_EQ((*targets)[3].hostname, "bedrock-agent-runtime.us-east-1.amazonaws.com");
  for (const auto& target : *targets) EXPECT_EQ(target.signing_name, "bedrock");
}

TEST(DnsTargets, FipsHostsPerPartition) {
  auto gov = build_targets("us-gov-west-1", {"bedrock-runtime", "ec2"}, true);
  ASSERT_TRUE(gov);
  EXPECT_EQ((*gov)[0].hostname, "bedrock-runtime-fips.us-gov-west-1.amazonaws.com");
  // GovCloud's EC2 FIPS endpoint is the standard name.
  EXPECT_EQ((*gov)[1].hostname, "ec2.us-gov-west-1.amazonaws.com");
  auto commercial = build_targets("us-east-1", {"ec2"}, true);
  ASSERT_TRUE(commercial);
  EXPECT_EQ((*commercial)[0].hostname, "ec2-fips.us-east-1.amazonaws.com");
  auto iso = build_targets("us-iso-east-1", {"bedrock"}, false);
  ASSERT_TRUE(iso);
  EXPECT_EQ((*iso)[0].hostname, "bedrock.us-iso-east-1.c2s.ic.gov");
  auto cn = build_targets("cn-north-1", {"sts"}, false);
  ASSERT_TRUE(cn);
  EXPECT_EQ((*cn)[0].hostname, "sts.cn-north-1.amazonaws.com.cn");
}

TEST(DnsTargets, ExtraServicesSigningNamesAndDuplicates) {
  auto targets = build_targets(
      "eu-west-1", {"bedrock-agentcore", "bedrock-mantle", "sts", "sts", "bedrock-data-automation"},
      false);
  ASSERT_TRUE(targets);
  ASSERT_EQ(targets->size(), 4u);
  EXPECT_EQ((*targets)[0].signing_name, "bedrock-agentcore");
  EXPECT_EQ((*targets)[0].hostname, "bedrock-agentcore.eu-west-1.amazonaws.com");
  EXPECT_EQ((*targets)[1].hostname, "bedrock-mantle.eu-west-1.api.aws");
  EXPECT_EQ((*targets)[2].signing_name, "sts");
  EXPECT_EQ((*targets)[3].signing_name, "bedrock");
}

TEST(DnsTargets, RejectsBadServiceNamesAndRegions) {
  for (const char* bad : {"", "Bedrock", "bed rock", "-x", "x-", "a.b", "ssm/../x"}) {
    auto targets = build_targets("us-east-1", {bad}, false);
    ASSERT_FALSE(targets) << bad;
    EXPECT_EQ(targets.error().kind, ErrorKind::invalid_input);
  }
  EXPECT_FALSE(build_targets("moon-base-1", {}, false));
}

}  // namespace
}  // namespace bedrock_reach
