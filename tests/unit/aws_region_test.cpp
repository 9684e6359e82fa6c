// The Region value and the one partition table (probes/aws/region.cpp).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "aws/region.hpp"

namespace bedrock_reach {
namespace {

/// Environment from literal pairs (a braced single pair is ambiguous for Environment itself).
Environment env_of(std::map<std::string, std::string> vars) { return Environment(std::move(vars)); }

struct PartitionCase {
  const char* region;
  const char* partition;
  const char* suffix;
  const char* dual_stack;
};

TEST(AwsRegion, PartitionTable) {
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

TEST(AwsRegion, RejectsBadRegionsWithOneClearLine) {
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

TEST(AwsRegion, ServiceNamesAndHostnamesComeFromThePartition) {
  auto east = make_region("us-east-1", "flag");
  ASSERT_TRUE(east);
  EXPECT_EQ(east->source, "flag");
  EXPECT_EQ(east->privatelink_service_name("bedrock-runtime"),
            "com.amazonaws.us-east-1.bedrock-runtime");
  EXPECT_EQ(east->hostname("ec2"), "ec2.us-east-1.amazonaws.com");
  auto china = make_region("cn-north-1", "imds");
  ASSERT_TRUE(china);
  EXPECT_EQ(china->privatelink_service_name("ec2"), "cn.com.amazonaws.cn-north-1.ec2");
  EXPECT_EQ(china->hostname("ec2"), "ec2.cn-north-1.amazonaws.com.cn");
  auto bad = make_region("moon-base-1", "AWS_REGION");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("(from AWS_REGION)"), std::string::npos);
}

TEST(AwsRegion, SettingsPrecedenceFlagEnvironmentConfig) {
  Environment env({{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "eu-west-2"}});
  auto flag = region_from_settings("us-west-2", env, "ap-south-1");
  ASSERT_TRUE(flag && *flag);
  EXPECT_EQ((*flag)->name, "us-west-2");
  EXPECT_EQ((*flag)->source, "flag");
  auto from_env = region_from_settings("", env, "ap-south-1");
  ASSERT_TRUE(from_env && *from_env);
  EXPECT_EQ((*from_env)->source, "AWS_REGION");
  auto from_default =
      region_from_settings("", env_of({{"AWS_DEFAULT_REGION", "eu-west-2"}}), "ap-south-1");
  ASSERT_TRUE(from_default && *from_default);
  EXPECT_EQ((*from_default)->name, "eu-west-2");
  auto from_config = region_from_settings("", Environment(), "ap-south-1");
  ASSERT_TRUE(from_config && *from_config);
  EXPECT_EQ((*from_config)->source, "config");
  auto none = region_from_settings("", Environment(), "");
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);  // ask instance metadata
  // The winner is validated; a lower-precedence valid value does not rescue a bad one.
  auto bad = region_from_settings("", env_of({{"AWS_REGION", "nowhere"}}), "us-east-1");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("(from AWS_REGION)"), std::string::npos);
}

TEST(AwsRegion, RegionFromAvailabilityZone) {
  EXPECT_EQ(region_from_az("us-east-1a"), "us-east-1");
  EXPECT_EQ(region_from_az("us-west-2-lax-1a"), "us-west-2");
  EXPECT_EQ(region_from_az("nodigits"), "");
}

}  // namespace
}  // namespace bedrock_reach
