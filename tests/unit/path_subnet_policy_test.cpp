// audit_subnet with the endpoint policy (issue 20): the same principal for every subnet, the
// subnet's CIDR as aws:VpcSourceIp, the VPC and endpoint as aws:SourceVpc / aws:SourceVpce.
#include <gtest/gtest.h>

#include <algorithm>

#include "path/subnet_audit.hpp"
#include "support/vpc_fixture.hpp"

namespace bedrock_reach {
namespace {

using namespace test;  // NOLINT: the fixture's names read as the VPC they describe

const char* const kPrincipal =
    "arn:aws:sts::123456789012:assumed-role/app-role/i-0123456789abcdef0";

// Allow all, deny every source outside 10.0.1.0/24 and 10.0.3.0/25.
const char* const kSubnetPolicy =
    R"({"Version":"2012-10-17","Statement":[)"
    R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},)"
    R"({"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":)"
    R"({"NotIpAddress":{"aws:VpcSourceIp":["10.0.1.0/24","10.0.3.0/25"]}}}]})";

PolicyRequest principal() {
  PolicyRequest r;
  r.principal_arn = kPrincipal;
  r.principal_account = "123456789012";
  r.source_ip = "10.0.1.10";  // the host's own address: never used for another subnet
  return r;
}

SubnetServiceVerdict judge(const Subnet& subnet, const std::string& policy,
                           const PolicyRequest* who, std::vector<std::string> resources = {}) {
  VpcFixture fx;
  AuditServiceInput service{"bedrock-runtime",
                            "bedrock-runtime.us-east-1.amazonaws.com",
                            kService,
                            {{"10.0.1.25", "endpoint-eni", "", "", "", {}},
                             {"10.0.2.61", "endpoint-eni", "", "", "", {}}}};
  service.endpoint_id = fx.endpoint().id;
  service.policy_document = policy;
  service.policy_resources = std::move(resources);
  return audit_subnet(fx.topology, subnet, {service}, {}, who).services.front();
}

std::vector<std::string> codes(const SubnetServiceVerdict& s) {
  std::vector<std::string> out;
  for (const auto& f : s.findings) out.push_back(f.code);
  return out;
}

Subnet subnet(const char* id, const char* cidr, const char* az) {
  return Subnet{id, kVpc, cidr, {}, az, ""};
}

TEST(SubnetPolicy, AllowedDeniedAndPartialSubnets) {
  PolicyRequest who = principal();
  auto allowed = judge(subnet(kSubnetA, "10.0.1.0/24", "us-east-1a"), kSubnetPolicy, &who);
  EXPECT_EQ(allowed.status, Severity::ok);
  EXPECT_TRUE(codes(allowed).empty());

  auto denied = judge(subnet(kSubnetB, "10.0.2.0/24", "us-east-1b"), kSubnetPolicy, &who);
  EXPECT_EQ(denied.status, Severity::critical);
  EXPECT_EQ(denied.root_cause(), "POLICY_DENIES");
  const Finding& f = denied.findings.front();
  std::string evidence;
  for (const auto& e : f.evidence) evidence += e + "\n";
  EXPECT_NE(evidence.find("covers none of the source subnet 10.0.2.0/24"), std::string::npos)
      << evidence;
  EXPECT_NE(evidence.find(std::string("judged for ") + kPrincipal), std::string::npos);
  EXPECT_NE(evidence.find("aws:VpcSourceIp = the subnet 10.0.2.0/24"), std::string::npos);

  auto partial = judge(subnet(kSubnetC, "10.0.3.0/24", "us-east-1a"), kSubnetPolicy, &who);
  EXPECT_EQ(partial.status, Severity::warning);
  EXPECT_EQ(partial.root_cause(), "POLICY_CONDITIONAL");
}

TEST(SubnetPolicy, SourceVpcAndVpceAreTheAuditedOnes) {
  PolicyRequest who = principal();
  const std::string only_this_endpoint =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0a1b2c3d4e5f67890",)"
      R"("aws:SourceVpc":"vpc-0123456789abcdef0"}}}]})";
  EXPECT_TRUE(codes(judge(subnet(kSubnetB, "10.0.2.0/24", "us-east-1b"), only_this_endpoint, &who))
                  .empty());
  const std::string other_endpoint =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0ffffffffffffffff"}}}]})";
  EXPECT_EQ(codes(judge(subnet(kSubnetB, "10.0.2.0/24", "us-east-1b"), other_endpoint, &who)),
            std::vector<std::string>{"POLICY_DENIES"});
}

TEST(SubnetPolicy, PrincipalScopedPartReadsTheSameInEverySubnet) {
  PolicyRequest who = principal();
  const std::string other_role =
      R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":)"
      R"("arn:aws:iam::123456789012:role/other-role"},"Action":"*","Resource":"*"}]})";
  for (const char* cidr : {"10.0.1.0/24", "10.0.2.0/24", "10.0.200.0/24"}) {
    auto s = judge(subnet("subnet-0x", cidr, "us-east-1a"), other_role, &who);
    EXPECT_EQ(s.root_cause(), "POLICY_DENIES") << cidr;
  }
}

TEST(SubnetPolicy, NotJudgedWithoutAPrincipalOrAPolicy) {
  PolicyRequest who = principal();
  Subnet b = subnet(kSubnetB, "10.0.2.0/24", "us-east-1b");
  EXPECT_TRUE(codes(judge(b, kSubnetPolicy, nullptr)).empty());
  EXPECT_TRUE(codes(judge(b, "", &who)).empty());
}

// --model (issue 20's leftover): a policy scoped to some models is POLICY_SCOPED for "any model",
// fine for a listed model and a deny for another, as check judges it.
TEST(SubnetPolicy, ModelsNarrowTheResourceAsCheckDoes) {
  PolicyRequest who = principal();
  const std::string scoped =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"bedrock:InvokeModel*",)"
      R"("Resource":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-*"}]})";
  Subnet a = subnet(kSubnetA, "10.0.1.0/24", "us-east-1a");
  EXPECT_EQ(codes(judge(a, scoped, &who)), std::vector<std::string>{"POLICY_SCOPED"});

  const std::string claude =
      model_resource_arn("anthropic.claude-3-haiku-20240307-v1:0", "aws", "us-east-1", "");
  auto allowed = judge(a, scoped, &who, {claude});
  EXPECT_TRUE(codes(allowed).empty());
  EXPECT_EQ(allowed.status, Severity::ok);

  const std::string titan =
      model_resource_arn("amazon.titan-text-express-v1", "aws", "us-east-1", "");
  auto denied = judge(a, scoped, &who, {claude, titan});
  ASSERT_EQ(codes(denied), std::vector<std::string>{"POLICY_DENIES"});
  std::string evidence;
  for (const auto& e : denied.findings.front().evidence) evidence += e + "\n";
  EXPECT_NE(evidence.find("resource " + titan + " (--model)"), std::string::npos) << evidence;
  EXPECT_EQ(evidence.find(claude), std::string::npos) << evidence;
}

TEST(SubnetPolicy, Ipv6OnlySubnetUsesItsIpv6Range) {
  PolicyRequest who = principal();
  Subnet v6only{"subnet-0v6", kVpc, "", {"2600:1f18:1:100::/64"}, "us-east-1a", ""};
  auto found = codes(judge(v6only, kSubnetPolicy, &who));
  EXPECT_EQ(std::count(found.begin(), found.end(), "POLICY_DENIES"), 1);
}

}  // namespace
}  // namespace bedrock_reach
