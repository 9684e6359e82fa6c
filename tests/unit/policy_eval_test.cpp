// Endpoint policy evaluation: AWS samples (aws-reference.md §4.5, §7), principal forms, action
// and resource wildcards, every condition operator, conditional outcomes, hostile documents.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "policy/policy_eval.hpp"
#include "tls/tls_rules.hpp"

namespace bedrock_reach {
namespace {

const char* const kSession = "arn:aws:sts::123456789012:assumed-role/app-role/i-0123456789abcdef0";

PolicyRequest request(std::vector<std::string> actions) {
  PolicyRequest r;
  r.principal_arn = kSession;
  r.principal_account = "123456789012";
  r.source_vpc = "vpc-0123456789abcdef0";
  r.source_vpce = "vpce-0a1b2c3d4e5f67890";
  r.source_ip = "10.0.3.7";
  r.actions = std::move(actions);
  return r;
}

std::vector<std::string> runtime() {
  return {"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"};
}

std::vector<ActionVerdict> eval(const std::string& policy, const PolicyRequest& r) {
  auto result = evaluate_endpoint_policy(policy, r);
  EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
  return result ? *result : std::vector<ActionVerdict>{};
}

PolicyDecision decide(const std::string& policy,
                      const std::string& action = "bedrock:InvokeModel") {
  auto verdicts = eval(policy, request({action}));
  return verdicts.empty() ? PolicyDecision::implicit_deny : verdicts[0].decision;
}

// A one-statement Allow-all policy with the given Condition block.
std::string allow_if(const std::string& condition) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*",)"
         R"("Resource":"*","Condition":)" +
         condition + "}]}";
}

// Allow all plus a Deny-all statement with the given Condition block.
std::string deny_if(const std::string& condition) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*",)"
         R"("Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*",)"
         R"("Condition":)" +
         condition + "}]}";
}

constexpr auto A = PolicyDecision::allow;
constexpr auto D = PolicyDecision::explicit_deny;
constexpr auto N = PolicyDecision::implicit_deny;
constexpr auto C = PolicyDecision::conditional;

TEST(PolicyEval, AwsSampleDefaultFullAccess) {
  const std::string policy = R"({
  "Statement": [
    {
      "Action": "*",
      "Effect": "Allow",
      "Principal": "*",
      "Resource": "*"
    }
  ]
})";
  auto verdicts = eval(policy, request(runtime()));
  ASSERT_EQ(verdicts.size(), 2u);
  for (const auto& v : verdicts) {
    EXPECT_EQ(v.decision, A);
    EXPECT_EQ(v.statement_index, 0u);
  }
  EXPECT_EQ(verdicts[1].action, "bedrock:InvokeModelWithResponseStream");
}

TEST(PolicyEval, NoPolicyIsTheDefaultFullAccess) {
  for (const char* blank : {"", "  \n\t"}) {
    auto verdicts = eval(blank, request(runtime()));
    ASSERT_EQ(verdicts.size(), 2u);
    EXPECT_EQ(verdicts[0].decision, A);
    EXPECT_NE(verdicts[0].reason.find("default"), std::string::npos);
  }
}

TEST(PolicyEval, AwsSampleControlPlanePolicy) {
  // vpce-0f9e8d7c6b5a43210's policy from the DescribeVpcEndpoints sample.
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["bedrock:ListFoundationModels","bedrock:GetFoundationModel"],"Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"bedrock:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"123456789012"}}}]})";
  auto verdicts = eval(policy, request({"bedrock:ListFoundationModels", "bedrock:InvokeModel"}));
  ASSERT_EQ(verdicts.size(), 2u);
  EXPECT_EQ(verdicts[0].decision, A);
  EXPECT_EQ(verdicts[0].statement_index, 0u);
  EXPECT_EQ(verdicts[1].decision, N);
  EXPECT_FALSE(verdicts[1].statement_index);

  PolicyRequest other = request({"bedrock:ListFoundationModels"});
  other.principal_arn = "arn:aws:sts::111111111111:assumed-role/x/i-1";
  other.principal_account = "111111111111";
  verdicts = eval(policy, other);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].decision, D);
  EXPECT_EQ(verdicts[0].statement_index, 1u);
  EXPECT_NE(verdicts[0].reason.find("Statement[1]"), std::string::npos) << verdicts[0].reason;
}

TEST(PolicyEval, AwsSampleRestrictiveRuntimePolicy) {
  // §7.4: allows inference (and so Converse), blocks the control plane.
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",
    "Action":["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"],"Resource":"*"}]})";
  auto verdicts =
      eval(policy, request({"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream",
                            "bedrock:ListFoundationModels"}));
  ASSERT_EQ(verdicts.size(), 3u);
  EXPECT_EQ(verdicts[0].decision, A);
  EXPECT_EQ(verdicts[1].decision, A);
  EXPECT_EQ(verdicts[2].decision, N);
}

TEST(PolicyEval, ActionsMatchCaseInsensitivelyWithWildcards) {
  struct Case {
    const char* action_element;
    const char* action;
    PolicyDecision want;
  };
  const Case cases[] = {
      {R"("BEDROCK:invokemodel")", "bedrock:InvokeModel", A},
      {R"("BEDROCK:invokemodel")", "bedrock:InvokeModelWithResponseStream", N},
      {R"("bedrock:Invoke*")", "bedrock:InvokeModelWithResponseStream", A},
      {R"("bedrock:invoke*")", "bedrock:InvokeAgent", A},
      {R"("bedrock:InvokeMode?")", "bedrock:InvokeModel", A},
      {R"("bedrock:InvokeModel?")", "bedrock:InvokeModel", N},
      {R"("bedrock:*")", "bedrock:ListAgents", A},
      {R"("*")", "bedrock:Retrieve", A},
      {R"("s3:*")", "bedrock:InvokeModel", N},
      {R"(["s3:GetObject","bedrock:Retrieve*"])", "bedrock:RetrieveAndGenerate", A},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.action_element);
    std::string policy =
        std::string(R"({"Statement":{"Effect":"Allow","Principal":"*","Action":)") +
        c.action_element + R"(,"Resource":"*"}})";
    EXPECT_EQ(decide(policy, c.action), c.want) << c.action;
  }
}

TEST(PolicyEval, NotAction) {
  const std::string policy =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"bedrock:InvokeModelWith*","Resource":"*"}]})";
  auto verdicts = eval(policy, request(runtime()));
  EXPECT_EQ(verdicts[0].decision, A);
  EXPECT_EQ(verdicts[1].decision, N);
  const std::string deny =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Deny","Principal":"*","NotAction":["bedrock:List*"],"Resource":"*"}]})";
  EXPECT_EQ(decide(deny, "bedrock:InvokeModel"), D);
  EXPECT_EQ(decide(deny, "bedrock:ListFoundationModels"), A);
}

TEST(PolicyEval, PrincipalForms) {
  struct Case {
    const char* principal;
    PolicyDecision want;
  };
  const Case cases[] = {
      {R"("*")", A},
      {R"({"AWS":"*"})", A},
      {R"({"AWS":"123456789012"})", A},
      {R"({"AWS":"999999999999"})", N},
      {R"({"AWS":["111111111111","123456789012"]})", A},
      {R"({"AWS":"arn:aws:iam::123456789012:root"})", A},
      {R"({"AWS":"arn:aws:iam::999999999999:root"})", N},
      {R"({"AWS":"arn:aws:iam::123456789012:role/app-role"})", A},
      {R"({"AWS":"arn:aws:iam::123456789012:role/team/app-role"})", A},  // role path
      {R"({"AWS":"arn:aws:iam::123456789012:role/other-role"})", N},
      {R"({"AWS":"arn:aws:iam::999999999999:role/app-role"})", N},
      {R"({"AWS":"arn:aws:sts::123456789012:assumed-role/app-role/i-0123456789abcdef0"})", A},
      {R"({"AWS":"arn:aws:sts::123456789012:assumed-role/app-role/i-other"})", N},
      {R"({"AWS":"arn:aws:iam::123456789012:user/alice"})", N},
      {R"({"Service":"ec2.amazonaws.com"})", N},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.principal);
    std::string policy = std::string(R"({"Statement":[{"Effect":"Allow","Principal":)") +
                         c.principal + R"(,"Action":"bedrock:*","Resource":"*"}]})";
    EXPECT_EQ(decide(policy), c.want);
  }
}

TEST(PolicyEval, PrincipalGivenAsRoleArn) {
  PolicyRequest r = request({"bedrock:InvokeModel"});
  r.principal_arn = "arn:aws:iam::123456789012:role/app-role";
  const std::string policy =
      R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app-role"},"Action":"*","Resource":"*",
        "Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/app-role"}}}]})";
  EXPECT_EQ(eval(policy, r)[0].decision, A);
}

TEST(PolicyEval, UnknownCallerIsConditionalForSpecificPrincipals) {
  PolicyRequest r = request({"bedrock:InvokeModel"});
  r.principal_arn.clear();
  r.principal_account.clear();
  const std::string policy =
      R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"*","Resource":"*"}]})";
  EXPECT_EQ(eval(policy, r)[0].decision, C);
  EXPECT_EQ(
      eval(R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"}]})", r)[0].decision, A);
}

TEST(PolicyEval, MissingPrincipalIsConditional) {
  EXPECT_EQ(decide(R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"), C);
}

TEST(PolicyEval, NotPrincipal) {
  // Deny everyone except account 999999999999: that includes us.
  const std::string deny_others =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Deny","NotPrincipal":{"AWS":"999999999999"},"Action":"*","Resource":"*"}]})";
  EXPECT_EQ(decide(deny_others), D);
  const std::string deny_not_us =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"*","Resource":"*"}]})";
  EXPECT_EQ(decide(deny_not_us), A);
}

TEST(PolicyEval, ExplicitDenyWinsInAnyOrder) {
  const std::string deny_first =
      R"({"Statement":[{"Sid":"NoInvoke","Effect":"Deny","Principal":"*","Action":"bedrock:InvokeModel","Resource":"*"},
        {"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})";
  auto verdicts = eval(deny_first, request(runtime()));
  EXPECT_EQ(verdicts[0].decision, D);
  EXPECT_EQ(verdicts[0].statement_index, 0u);
  EXPECT_NE(verdicts[0].reason.find("Sid NoInvoke"), std::string::npos) << verdicts[0].reason;
  EXPECT_EQ(verdicts[1].decision, A);
  EXPECT_EQ(verdicts[1].statement_index, 1u);
  const std::string deny_last =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Deny","Principal":"*","Action":"bedrock:*","Resource":"*"}]})";
  EXPECT_EQ(decide(deny_last), D);
}

TEST(PolicyEval, NoStatementsMeansImplicitDeny) {
  EXPECT_EQ(decide(R"({"Version":"2012-10-17","Statement":[]})"), N);
  EXPECT_EQ(
      decide(R"({"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]})"),
      N);
}

TEST(PolicyEval, Resources) {
  const std::string anthropic =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"bedrock:InvokeModel",
        "Resource":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.*"}]})";
  auto verdicts = eval(anthropic, request({"bedrock:InvokeModel"}));
  EXPECT_EQ(verdicts[0].decision, C);  // the model is not known: allowed only for some
  EXPECT_NE(verdicts[0].reason.find("Resource limits it to"), std::string::npos)
      << verdicts[0].reason;
  PolicyRequest claude = request({"bedrock:InvokeModel"});
  claude.resource =
      "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
  EXPECT_EQ(eval(anthropic, claude)[0].decision, A);
  PolicyRequest titan = claude;
  titan.resource = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1";
  EXPECT_EQ(eval(anthropic, titan)[0].decision, N);

  const std::string not_resource =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Deny","Principal":"*","Action":"*","NotResource":"arn:aws:bedrock:*::foundation-model/anthropic.*"}]})";
  EXPECT_EQ(eval(not_resource, claude)[0].decision, A);
  EXPECT_EQ(eval(not_resource, titan)[0].decision, D);
  EXPECT_EQ(eval(not_resource, request({"bedrock:InvokeModel"}))[0].decision, C);
}

TEST(PolicyEval, DenyOnSomeResourcesMakesAnAllowConditional) {
  const std::string policy =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
        {"Effect":"Deny","Principal":"*","Action":"bedrock:InvokeModel","Resource":"arn:aws:bedrock:*::foundation-model/meta.*"}]})";
  auto verdicts = eval(policy, request(runtime()));
  EXPECT_EQ(verdicts[0].decision, C);
  EXPECT_EQ(verdicts[0].statement_index, 1u);
  EXPECT_EQ(verdicts[1].decision, A);
}

struct ConditionCase {
  const char* name;
  std::string policy;
  PolicyDecision want;
};

TEST(PolicyEval, ConditionOperatorsTable) {
  const ConditionCase cases[] = {
      {"SourceVpc equals",
       allow_if(R"({"StringEquals":{"aws:SourceVpc":"vpc-0123456789abcdef0"}})"), A},
      {"SourceVpc other", allow_if(R"({"StringEquals":{"aws:SourceVpc":"vpc-1"}})"), N},
      {"SourceVpc one of",
       allow_if(R"({"StringEquals":{"aws:SourceVpc":["vpc-1","vpc-0123456789abcdef0"]}})"), A},
      {"key names ignore case",
       allow_if(R"({"StringEquals":{"AWS:SOURCEVPCE":"vpce-0a1b2c3d4e5f67890"}})"), A},
      {"StringEquals is case-sensitive",
       allow_if(R"({"StringEquals":{"aws:SourceVpce":"VPCE-0A1B2C3D4E5F67890"}})"), N},
      {"StringEqualsIgnoreCase",
       allow_if(R"({"StringEqualsIgnoreCase":{"aws:SourceVpce":"VPCE-0A1B2C3D4E5F67890"}})"), A},
      {"StringNotEquals ANDs values",
       allow_if(R"({"StringNotEquals":{"aws:SourceVpc":["vpc-1","vpc-0123456789abcdef0"]}})"), N},
      {"StringNotEquals other",
       allow_if(R"({"StringNotEquals":{"aws:SourceVpc":["vpc-1","vpc-2"]}})"), A},
      {"StringNotEqualsIgnoreCase",
       allow_if(R"({"StringNotEqualsIgnoreCase":{"aws:SourceVpc":"VPC-0123456789ABCDEF0"}})"), N},
      {"StringLike role",
       allow_if(R"({"StringLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/app-*"}})"),
       A},
      {"StringLike other",
       allow_if(R"({"StringLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/ops-*"}})"),
       N},
      {"StringNotLike",
       allow_if(R"({"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ops-*"}})"), A},
      {"ArnEquals role",
       allow_if(R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/app-role"}})"),
       A},
      {"ArnEquals is the role, not the session",
       allow_if(
           R"({"ArnEquals":{"aws:PrincipalArn":"arn:aws:sts::123456789012:assumed-role/app-role/i-0123456789abcdef0"}})"),
       N},
      {"ArnLike", allow_if(R"({"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/app-*"}})"), A},
      {"ArnNotLike", allow_if(R"({"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/app-*"}})"),
       N},
      {"ArnNotEquals",
       allow_if(R"({"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/x"}})"), A},
      {"PrincipalAccount", allow_if(R"({"StringEquals":{"aws:PrincipalAccount":"123456789012"}})"),
       A},
      {"Bool SecureTransport", allow_if(R"({"Bool":{"aws:SecureTransport":"true"}})"), A},
      {"Bool JSON true", allow_if(R"({"Bool":{"aws:SecureTransport":true}})"), A},
      {"Bool false", allow_if(R"({"Bool":{"aws:SecureTransport":"false"}})"), N},
      {"Null SourceIp true (absent via endpoint)", allow_if(R"({"Null":{"aws:SourceIp":"true"}})"),
       A},
      {"Null SourceVpc false (present)", allow_if(R"({"Null":{"aws:SourceVpc":"false"}})"), A},
      {"Null SourceVpc true", allow_if(R"({"Null":{"aws:SourceVpc":"true"}})"), N},
      {"IfExists on absent key",
       allow_if(R"({"StringEqualsIfExists":{"aws:SourceIp":"203.0.113.9"}})"), A},
      {"IfExists on present key", allow_if(R"({"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}})"),
       N},
      {"StringEquals on absent key", allow_if(R"({"StringEquals":{"aws:SourceIp":"203.0.113.9"}})"),
       N},
      {"VpcSourceIp in CIDR", allow_if(R"({"IpAddress":{"aws:VpcSourceIp":"10.0.0.0/16"}})"), A},
      {"VpcSourceIp outside",
       allow_if(R"({"IpAddress":{"aws:VpcSourceIp":["10.1.0.0/16","192.168.0.0/16"]}})"), N},
      {"NotIpAddress VpcSourceIp",
       allow_if(R"({"NotIpAddress":{"aws:VpcSourceIp":"10.1.0.0/16"}})"), A},
      {"ForAnyValue prefix",
       allow_if(R"({"ForAnyValue:StringEquals":{"aws:SourceVpce":["vpce-0a1b2c3d4e5f67890"]}})"),
       A},
      {"ForAllValues prefix",
       allow_if(R"({"ForAllValues:StringLike":{"aws:SourceVpc":["vpc-0123*"]}})"), A},
      {"operators AND",
       allow_if(
           R"({"StringEquals":{"aws:SourceVpc":"vpc-0123456789abcdef0"},"StringLike":{"aws:PrincipalArn":"*ops*"}})"),
       N},
      {"keys AND",
       allow_if(
           R"({"StringEquals":{"aws:SourceVpc":"vpc-0123456789abcdef0","aws:PrincipalAccount":"1"}})"),
       N},
      {"unknown key", allow_if(R"({"StringEquals":{"aws:PrincipalOrgID":"o-abc"}})"), C},
      {"unknown operator", allow_if(R"({"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}})"), C},
      {"date operator",
       allow_if(R"({"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}})"), C},
      {"false beats unknown",
       allow_if(R"({"StringEquals":{"aws:PrincipalOrgID":"o-abc","aws:SourceVpc":"vpc-1"}})"), N},
      {"policy variable",
       allow_if(
           R"({"StringLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/*"}})"),
       A},
      {"unknown policy variable",
       allow_if(R"({"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/${aws:username}"}})"), C},
      // Deny statements.
      {"deny outside our VPC",
       deny_if(R"({"StringNotEquals":{"aws:SourceVpc":"vpc-0123456789abcdef0"}})"), A},
      {"deny unless org (unknown)",
       deny_if(R"({"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}})"), C},
      {"deny not from IP range: SourceIp is absent via the endpoint",
       deny_if(R"({"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})"), D},
      {"deny NotIpAddressIfExists",
       deny_if(R"({"NotIpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}})"), D},
      {"deny plain IpAddress on absent key",
       deny_if(R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}})"), A},
      {"deny insecure transport", deny_if(R"({"Bool":{"aws:SecureTransport":"false"}})"), A},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(to_string(decide(c.policy)), std::string(to_string(c.want)));
  }
}

TEST(PolicyEval, PolicyVariablesAreLiteralInOldVersion) {
  std::string policy =
      R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*",
        "Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/*"}}}]})";
  EXPECT_EQ(decide(policy), N);
}

TEST(PolicyEval, ConditionalReasonNamesTheKey) {
  auto verdicts = eval(allow_if(R"({"StringEquals":{"aws:PrincipalOrgID":"o-abc"}})"),
                       request({"bedrock:InvokeModel"}));
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].statement_index, 0u);
  EXPECT_NE(verdicts[0].reason.find("aws:PrincipalOrgID"), std::string::npos) << verdicts[0].reason;
}

TEST(PolicyEval, UnknownSourceVpcIsConditionalNotGuessed) {
  PolicyRequest r = request({"bedrock:InvokeModel"});
  r.source_vpc.clear();
  auto verdicts =
      eval(allow_if(R"({"StringEquals":{"aws:SourceVpc":"vpc-0123456789abcdef0"}})"), r);
  EXPECT_EQ(verdicts[0].decision, C);
}

TEST(PolicyEval, MalformedDocumentsAreParseErrors) {
  const char* cases[] = {
      "not json",
      "[]",
      R"({"Version":"2012-10-17"})",
      R"({"Statement":5})",
      R"({"Statement":[5]})",
      R"({"Statement":[{"Principal":"*","Action":"*","Resource":"*"}]})",
      R"({"Statement":[{"Effect":"Maybe","Principal":"*","Action":"*","Resource":"*"}]})",
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Resource":"*"}]})",
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","NotAction":"s3:*"}]})",
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":5}]})",
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":[]}]})",
      R"({"Statement":[{"Effect":"Allow","Principal":"someone","Action":"*"}]})",
      R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":[1]},"Action":"*"}]})",
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Condition":[]}]})",
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":"x"}}]})",
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"StringEquals":{"k":{"a":1}}}}]})",
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","NotResource":"*"}]})",
      R"({"Version":1,"Statement":[]})",
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Sid":7}]})",
      "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"\xff\"}]}",
  };
  for (const char* policy : cases) {
    SCOPED_TRACE(policy);
    auto result = evaluate_endpoint_policy(policy, request(runtime()));
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().kind, ErrorKind::parse);
  }
}

TEST(PolicyEval, ParseErrorNamesTheStatementNotTheContent) {
  auto result = evaluate_endpoint_policy(
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"},{"Effect":"Allow","Sid":"TOPSECRETVALUE","Principal":"*"}]})",
      request(runtime()));
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("Statement[1]"), std::string::npos);
  EXPECT_EQ(result.error().message.find("TOPSECRETVALUE"), std::string::npos);
}

TEST(PolicyEval, DeepNestingIsRejectedCheaply) {
  std::string deep = R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","X":)";
  deep += std::string(5000, '[') + std::string(5000, ']') + "}]}";
  auto result = evaluate_endpoint_policy(deep, request(runtime()));
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::parse);
  // Brackets inside strings do not count.
  std::string quoted = R"({"Statement":[{"Sid":")" + std::string(100, '[') +
                       R"(","Effect":"Allow","Principal":"*","Action":"*"}]})";
  EXPECT_TRUE(evaluate_endpoint_policy(quoted, request(runtime())).has_value());
}

TEST(PolicyEval, SizeCapIsTwentyThousandFourHundredEightyCharacters) {
  const std::string body = R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"}]})";
  std::string at_cap = body + std::string(kMaxPolicyChars - body.size(), ' ');
  EXPECT_TRUE(evaluate_endpoint_policy(at_cap, request(runtime())).has_value());
  auto over = evaluate_endpoint_policy(at_cap + " ", request(runtime()));
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().kind, ErrorKind::too_large);
  // Characters, not bytes: 2-byte characters in a Sid still fit.
  std::string sid;
  for (int i = 0; i < 15000; ++i) sid += "\xc3\xa9";  // é
  std::string wide =
      R"({"Statement":[{"Sid":")" + sid + R"(","Effect":"Allow","Principal":"*","Action":"*"}]})";
  ASSERT_GT(wide.size(), kMaxPolicyChars);
  EXPECT_TRUE(evaluate_endpoint_policy(wide, request(runtime())).has_value());
}

TEST(RequiredActions, PerService) {
  EXPECT_EQ(required_actions("bedrock-runtime"), runtime());
  EXPECT_EQ(required_actions("com.amazonaws.us-east-1.bedrock-runtime"), runtime());
  EXPECT_EQ(required_actions("bedrock-runtime-fips"), runtime());
  EXPECT_EQ(required_actions("bedrock"), std::vector<std::string>{"bedrock:ListFoundationModels"});
  EXPECT_EQ(required_actions("bedrock-agent-runtime"),
            (std::vector<std::string>{"bedrock:InvokeAgent", "bedrock:Retrieve",
                                      "bedrock:RetrieveAndGenerate"}));
  EXPECT_EQ(required_actions("bedrock-agent"), std::vector<std::string>{"bedrock:ListAgents"});
  EXPECT_TRUE(required_actions("s3").empty());
  EXPECT_TRUE(required_actions("").empty());
}

TEST(PolicyRequestForInstance, BuildsSessionAndRoleArns) {
  InstanceIdentity instance;
  instance.instance_id = "i-0123456789abcdef0";
  instance.account_id = "123456789012";
  instance.partition = "aws-us-gov";
  instance.iam_role = "app-role";
  MacInfo mac;
  mac.local_ipv4s = {"10.0.3.7"};
  instance.macs.push_back(mac);
  PolicyRequest r = policy_request_for_instance(instance, "vpc-1", "vpce-1", runtime());
  EXPECT_EQ(r.principal_arn,
            "arn:aws-us-gov:sts::123456789012:assumed-role/app-role/i-0123456789abcdef0");
  EXPECT_EQ(r.role_arn, "arn:aws-us-gov:iam::123456789012:role/app-role");
  EXPECT_EQ(r.principal_account, "123456789012");
  EXPECT_EQ(r.source_ip, "10.0.3.7");
  EXPECT_EQ(r.source_vpce, "vpce-1");
  EXPECT_EQ(r.actions, runtime());
  instance.iam_role.clear();
  EXPECT_TRUE(policy_request_for_instance(instance, "", "", {}).principal_arn.empty());
}

TEST(PolicyFindings, DeniesConditionalAndErrors) {
  const std::string policy =
      R"({"Statement":[{"Effect":"Deny","Principal":"*","Action":"bedrock:InvokeModel","Resource":"*"},
        {"Effect":"Allow","Principal":"*","Action":"bedrock:InvokeModelWithResponseStream","Resource":"*",
         "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]})";
  auto verdicts = evaluate_endpoint_policy(policy, request(runtime()));
  auto findings = policy_findings("bedrock-runtime", "vpce-0a1b2c3d4e5f67890", verdicts);
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].code, "POLICY_DENIES");
  EXPECT_EQ(findings[0].severity, Severity::critical);
  EXPECT_EQ(findings[0].service, "bedrock-runtime");
  EXPECT_EQ(findings[0].address, "");
  EXPECT_EQ(findings[0].message,
            "the endpoint policy of vpce-0a1b2c3d4e5f67890 denies bedrock:InvokeModel (explicit "
            "deny in Statement[0])");
  ASSERT_EQ(findings[0].evidence.size(), 1u);
  EXPECT_NE(findings[0].evidence[0].find("Statement[0]"), std::string::npos);
  EXPECT_EQ(findings[1].code, "POLICY_CONDITIONAL");
  EXPECT_EQ(findings[1].severity, Severity::warning);
  EXPECT_NE(findings[1].message.find("bedrock:InvokeModelWithResponseStream (Statement[1])"),
            std::string::npos)
      << findings[1].message;

  auto implicit = evaluate_endpoint_policy(R"({"Statement":[]})", request(runtime()));
  findings = policy_findings("bedrock-runtime", "vpce-1", implicit);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].message.find("no statement allows it"), std::string::npos);

  auto broken = evaluate_endpoint_policy("{", request(runtime()));
  findings = policy_findings("bedrock-runtime", "vpce-1", broken);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "POLICY_CONDITIONAL");
  EXPECT_NE(findings[0].message.find("could not evaluate"), std::string::npos);

  auto allowed = evaluate_endpoint_policy("", request(runtime()));
  EXPECT_TRUE(policy_findings("bedrock-runtime", "vpce-1", allowed).empty());
}

// The signed probe and the policy evaluation judge the same thing: each service's probe action
// is one of the actions its evaluation checks.
TEST(PolicyEval, SignedProbeActionIsAmongTheEvaluatedActions) {
  for (const char* service : {"bedrock", "bedrock-runtime", "bedrock-agent",
                              "bedrock-agent-runtime", "bedrock-runtime-fips"}) {
    auto call = signed_probe_call(service);
    ASSERT_TRUE(call) << service;
    auto actions = required_actions(service);
    EXPECT_NE(std::find(actions.begin(), actions.end(), "bedrock:" + call->operation),
              actions.end())
        << service << " probes " << call->operation;
  }
}

TEST(PolicyEval, PrincipalArnOfAnInstanceRoleIsConditionalNotDenied) {
  // IMDS names the role (bedrock-app), never its path (role/service-role/bedrock-app).
  InstanceIdentity instance;
  instance.instance_id = "i-0123456789abcdef0";
  instance.account_id = "123456789012";
  instance.iam_role = "bedrock-app";
  PolicyRequest r = policy_request_for_instance(instance, "vpc-1", "vpce-1", runtime());
  EXPECT_FALSE(r.role_path_known);
  const std::string by_condition =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"bedrock:*","Resource":"*",
        "Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/service-role/bedrock-app"}}}]})";
  auto verdicts = evaluate_endpoint_policy(by_condition, r);
  ASSERT_TRUE(verdicts);
  EXPECT_EQ((*verdicts)[0].decision, PolicyDecision::conditional);
  // Principal elements name roles by ARN; IAM matches the role whatever its path.
  const std::string by_principal =
      R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/service-role/bedrock-app"},
        "Action":"bedrock:*","Resource":"*"}]})";
  verdicts = evaluate_endpoint_policy(by_principal, r);
  ASSERT_TRUE(verdicts);
  EXPECT_EQ((*verdicts)[0].decision, PolicyDecision::allow);
}

TEST(PolicyFindings, ResourceScopedAllowIsScopedNotConditional) {
  const std::string policy =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"bedrock:InvokeModel*",
        "Resource":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-*"}]})";
  auto findings = policy_findings("bedrock-runtime", "vpce-1",
                                  evaluate_endpoint_policy(policy, request(runtime())));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "POLICY_SCOPED");
  EXPECT_EQ(findings[0].severity, Severity::warning);
  EXPECT_NE(findings[0].message.find("--model"), std::string::npos);
  EXPECT_NE(findings[0].evidence[0].find("anthropic.claude-*"), std::string::npos);
  // A condition the agent cannot check keeps it conditional, even with a resource limit.
  const std::string conditioned =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"bedrock:InvokeModel*",
        "Resource":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-*",
        "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]})";
  findings = policy_findings("bedrock-runtime", "vpce-1",
                             evaluate_endpoint_policy(conditioned, request(runtime())));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "POLICY_CONDITIONAL");
  // With the application's model (--model) the same policy decides.
  PolicyRequest in_scope = request(runtime());
  in_scope.resource =
      "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
  EXPECT_TRUE(
      policy_findings("bedrock-runtime", "vpce-1", evaluate_endpoint_policy(policy, in_scope))
          .empty());
  PolicyRequest outside = request(runtime());
  outside.resource = "arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-8b-instruct-v1:0";
  findings =
      policy_findings("bedrock-runtime", "vpce-1", evaluate_endpoint_policy(policy, outside));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "POLICY_DENIES");
}

// Every seed in tests/fuzz/corpus/policy evaluates to a value or an error, never a crash.
TEST(PolicyCorpus, ReplaysWithoutCrashing) {
  std::filesystem::path dir = std::filesystem::path(BR_SOURCE_DIR) / "tests/fuzz/corpus/policy";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto result = evaluate_endpoint_policy(text.str(), request(runtime()));
    if (result) {
      EXPECT_EQ(result->size(), 2u) << entry.path();
    }
    ++files;
  }
  EXPECT_GE(files, 8u);
}

}  // namespace
}  // namespace bedrock_reach

namespace bedrock_reach {
namespace {

// Deterministic mutation smoke test over the corpus seeds: byte flips, truncations, splices.
// Every mutant must give a value or an error value (run under ASan/UBSan in the asan preset).
TEST(PolicyCorpus, MutationsNeverCrash) {
  std::filesystem::path dir = std::filesystem::path(BR_SOURCE_DIR) / "tests/fuzz/corpus/policy";
  std::vector<std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    seeds.push_back(text.str());
  }
  ASSERT_FALSE(seeds.empty());
  const std::string alphabet = "{}[]\":,*?$ \\aAzZ09-/.\xff\xc3";
  std::mt19937 rng(777);
  size_t values = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string text = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text.erase(at, 1 + rng() % 8);
          break;
        case 2:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        default:
          text.insert(at, seeds[rng() % seeds.size()].substr(0, rng() % 64));
          break;
      }
    }
    auto result = evaluate_endpoint_policy(text, request(runtime()));
    if (result) {
      ++values;
      ASSERT_EQ(result->size(), 2u);
    }
  }
  EXPECT_GT(values, 0u);
}

}  // namespace
}  // namespace bedrock_reach
