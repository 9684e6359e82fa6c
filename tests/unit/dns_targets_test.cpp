#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

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

// The application's endpoint settings, in botocore's order (configprovider.py
// ConfiguredEndpointProvider; SDKs and Tools Reference Guide, "Service-specific endpoints").
constexpr const char* kVpceHost =
    "vpce-0b1a2c3d4e5f60002-k4l5m6n7.bedrock-runtime.us-east-1.vpce.amazonaws.com";

constexpr const char* kConfig = R"([default]
region = us-east-1
endpoint_url = https://global.config.example
services = app-endpoints

[profile dev]
services = dev-endpoints
ignore_configured_endpoint_urls = TRUE
endpoint_url = https://dev.example

[profile other]
services = missing-section

[services   app-endpoints]
Bedrock_Runtime =
  endpoint_url = https://vpce-0b1a2c3d4e5f60002-k4l5m6n7.bedrock-runtime.us-east-1.vpce.amazonaws.com/
  # a comment inside the block
sts =
	endpoint_url = https://sts.us-east-1.amazonaws.com
endpoint_url = https://not-a-service-key.example
bedrock_agent = https://flat-value.example
  endpoint_url = https://continuation-ignored.example

[services dev-endpoints]
bedrock_runtime =
  endpoint_url = https://dev-runtime.example
)";

struct EndpointCase {
  const char* name;
  std::map<std::string, std::string> env;
  std::string profile;
  std::vector<std::string> overrides;
  std::string service;
  std::string host;
  std::string source;
};

TEST(DnsTargets, ConfiguredEndpointPrecedence) {
  const std::string vpce = std::string("https://") + kVpceHost + "/";
  const std::vector<EndpointCase> cases = {
      {"nothing configured, no config file", {}, "nobody", {}, "bedrock-runtime", "", ""},
      {"env service-specific beats everything below",
       {{"AWS_ENDPOINT_URL_BEDROCK_RUNTIME", vpce}, {"AWS_ENDPOINT_URL", "https://g.example"}},
       "default",
       {},
       "bedrock-runtime",
       kVpceHost,
       "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"},
      {"env global beats the config file",
       {{"AWS_ENDPOINT_URL", "https://Proxy.Example.com:8443/base"}},
       "default",
       {},
       "bedrock-runtime",
       "proxy.example.com",
       "AWS_ENDPOINT_URL"},
      {"empty env variables fall through",
       {{"AWS_ENDPOINT_URL_BEDROCK_RUNTIME", ""}, {"AWS_ENDPOINT_URL", ""}},
       "default",
       {},
       "bedrock-runtime",
       kVpceHost,
       "config [services app-endpoints] bedrock_runtime.endpoint_url"},
      {"config services section (key case-insensitive, extra spaces in the header)",
       {},
       "default",
       {},
       "bedrock-runtime",
       kVpceHost,
       "config [services app-endpoints] bedrock_runtime.endpoint_url"},
      {"tab-indented block",
       {},
       "default",
       {},
       "sts",
       "sts.us-east-1.amazonaws.com",
       "config [services app-endpoints] sts.endpoint_url"},
      {"a flat value is no sub-section: profile endpoint_url",
       {},
       "default",
       {},
       "bedrock-agent",
       "global.config.example",
       "config [default] endpoint_url"},
      {"no sub-section for the service: profile endpoint_url",
       {},
       "default",
       {},
       "bedrock",
       "global.config.example",
       "config [default] endpoint_url"},
      {"ignore_configured_endpoint_urls in the profile", {}, "dev", {}, "bedrock-runtime", "", ""},
      {"the variable decides over the profile's ignore key",
       {{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"}},
       "dev",
       {},
       "bedrock-runtime",
       "dev-runtime.example",
       "config [services dev-endpoints] bedrock_runtime.endpoint_url"},
      {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS in any case",
       {{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "tRuE"}, {"AWS_ENDPOINT_URL", vpce}},
       "default",
       {},
       "bedrock-runtime",
       "",
       ""},
      {"a services section that does not exist (botocore refuses the client)",
       {},
       "other",
       {},
       "bedrock-runtime",
       "",
       ""},
      {"--endpoint-url beats all and is never ignored",
       {{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"},
        {"AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "https://env.example"}},
       "default",
       {"bedrock=https://x.example", "bedrock-runtime=https://Flag.Example:443/"},
       "bedrock-runtime",
       "flag.example",
       "--endpoint-url"},
      {"--endpoint-url for another service only",
       {},
       "default",
       {"bedrock=https://x.example"},
       "bedrock-runtime",
       kVpceHost,
       "config [services app-endpoints] bedrock_runtime.endpoint_url"},
      {"unusable URL: named, default name kept",
       {{"AWS_ENDPOINT_URL", "https://user@evil/"}},
       "default",
       {},
       "bedrock",
       "",
       "AWS_ENDPOINT_URL (no usable host)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EndpointSettings settings{[&](const std::string& name) -> std::optional<std::string> {
                                auto found = c.env.find(name);
                                if (found == c.env.end()) return std::nullopt;
                                return found->second;
                              },
                              kConfig, c.profile, c.overrides};
    auto got = configured_endpoint(c.service, settings);
    EXPECT_EQ(got.host, c.host);
    EXPECT_EQ(got.source, c.source);
  }
}

// botocore raises InvalidConfigError for a missing or empty services section, but only when the
// lookup reaches it (no AWS_ENDPOINT_URL[_SERVICE]) and configured endpoints are not ignored.
TEST(DnsTargets, MissingServicesSectionIsAConfigError) {
  std::map<std::string, std::string> env;
  auto settings = [&](const std::string& text, const std::string& profile) {
    return EndpointSettings{[&](const std::string& name) -> std::optional<std::string> {
                              auto found = env.find(name);
                              if (found == env.end()) return std::nullopt;
                              return found->second;
                            },
                            text,
                            profile,
                            {}};
  };
  auto other = configured_endpoint("bedrock-runtime", settings(kConfig, "other"));
  EXPECT_EQ(other.config_error,
            "config [profile other] services = missing-section: the config file has no "
            "[services missing-section] section (or it is empty)");
  EXPECT_EQ(other.host, "");
  EXPECT_EQ(other.source, "");
  const std::string empty_section = "[default]\nservices = s\n[services s]\n";
  EXPECT_NE(configured_endpoint("bedrock", settings(empty_section, "")).config_error, "");
  EXPECT_EQ(configured_endpoint("bedrock-runtime", settings(kConfig, "default")).config_error, "");
  env["AWS_ENDPOINT_URL"] = "https://before.example";
  EXPECT_EQ(configured_endpoint("bedrock-runtime", settings(kConfig, "other")).config_error, "");
  env = {{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}};
  EXPECT_EQ(configured_endpoint("bedrock-runtime", settings(kConfig, "other")).config_error, "");
}

TEST(DnsTargets, DualStackNames) {
  // botocore endpoint-rule-set-1.json of each Bedrock service: UseDualStack ->
  // https://SERVICE[-fips].{Region}.{PartitionResult#dualStackDnsSuffix}.
  auto us = build_targets(region("us-east-1"), {}, false, true);
  ASSERT_TRUE(us);
  EXPECT_EQ((*us)[1].hostname, "bedrock-runtime.us-east-1.api.aws");
  EXPECT_EQ((*us)[1].hostname_source, "dualstack");
  auto both = build_targets(region("us-west-2"), {"bedrock-runtime"}, true, true);
  ASSERT_TRUE(both);
  EXPECT_EQ((*both)[0].hostname, "bedrock-runtime-fips.us-west-2.api.aws");
  EXPECT_EQ((*both)[0].hostname_source, "fips, dualstack");
  auto cn = build_targets(region("cn-north-1"), {"bedrock"}, false, true);
  ASSERT_TRUE(cn);
  EXPECT_EQ((*cn)[0].hostname, "bedrock.cn-north-1.api.amazonwebservices.com.cn");
  auto plain = build_targets(region("us-east-1"), {"bedrock-runtime"}, false, false);
  ASSERT_TRUE(plain);
  EXPECT_EQ((*plain)[0].hostname_source, "default");
}

TEST(DnsTargets, DualStackSetting) {
  const std::string config =
      "[default]\nuse_dualstack_endpoint = True\n[profile v4]\nuse_dualstack_endpoint = false\n";
  struct Case {
    const char* name;
    std::map<std::string, std::string> env;
    std::string profile;
    std::string want;
  };
  for (const Case& c : {
           Case{"config key", {}, "default", "config [default] use_dualstack_endpoint"},
           Case{"config key false", {}, "v4", ""},
           Case{"variable decides over the config",
                {{"AWS_USE_DUALSTACK_ENDPOINT", "false"}},
                "default",
                ""},
           Case{"variable true",
                {{"AWS_USE_DUALSTACK_ENDPOINT", "TRUE"}},
                "v4",
                "AWS_USE_DUALSTACK_ENDPOINT"},
           Case{"no such profile", {}, "missing", ""},
       }) {
    SCOPED_TRACE(c.name);
    EndpointSettings settings{[&](const std::string& name) -> std::optional<std::string> {
                                auto found = c.env.find(name);
                                if (found == c.env.end()) return std::nullopt;
                                return found->second;
                              },
                              config,
                              c.profile,
                              {}};
    EXPECT_EQ(dualstack_setting(settings), c.want);
  }
}

TEST(DnsTargets, EndpointOverrideSyntax) {
  auto ok = parse_endpoint_override("bedrock-runtime=https://h.example/p");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->first, "bedrock-runtime");
  EXPECT_EQ(ok->second, "https://h.example/p");
  for (const char* bad : {"bedrock-runtime", "Bedrock=https://h", "=https://h.example",
                          "bedrock-runtime=https://user@h.example",
                          "bedrock-runtime=", "bedrock-runtime=https://[::1]/"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(parse_endpoint_override(bad));
  }
  EXPECT_TRUE(sdk_boolean("True"));
  EXPECT_FALSE(sdk_boolean("1"));
  EXPECT_FALSE(sdk_boolean("yes"));
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
