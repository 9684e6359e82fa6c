// assemble_audit and the audit renderers (issue 20) over hand-made facts: the shared sample VPC
// (support/vpc_fixture.hpp), no network, no root.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "audit/audit_assemble.hpp"
#include "render/audit_render.hpp"
#include "support/vpc_fixture.hpp"

namespace bedrock_reach {
namespace {

using namespace test;  // NOLINT: the fixture's names read as the VPC they describe

struct Facts {
  VpcFixture fx;
  std::vector<Target> targets;
  std::map<std::string, NameResolution> measured;
  Region region = *make_region("us-east-1", "test");

  explicit Facts(std::vector<std::string> answer = {"10.0.1.25", "10.0.2.61"}) {
    targets = *build_targets(region, {"bedrock-runtime"}, false);
    NameResolution r;
    r.target = targets.front();
    r.answers.push_back(
        ResolverAnswer{"169.254.169.253", ResolverSpec::Kind::amazon, "ok", "NOERROR", answer});
    measured["bedrock-runtime"] = r;
  }

  std::optional<PolicyRequest> principal;
  std::vector<std::string> models;  // as resource ARNs

  AuditReport audit(bool measured_here = true, bool with_topology = true) {
    AuditFacts facts;
    facts.policy_principal = principal;
    facts.model_resources = models;
    facts.region = region;
    facts.targets = &targets;
    facts.host_subnet = kSubnetC;
    facts.vpcs.push_back(AuditVpcFacts{kVpc, with_topology ? &fx.topology : nullptr,
                                       measured_here ? &measured : nullptr});
    Report check;
    check.region = "us-east-1";
    check.evidence = "api";
    return assemble_audit(facts, check);
  }

  void add_subnet(const char* id, const char* cidr, const char* az) {
    fx.topology.subnets.push_back(Subnet{id, kVpc, cidr, {}, az, ""});
  }
};

TEST(AuditAssemble, HealthyVpcIsOkWithMeasuredAnswerAndPlacedEnis) {
  Facts f;
  AuditReport r = f.audit();
  EXPECT_EQ(r.status, Severity::ok);
  ASSERT_EQ(r.vpcs.size(), 1u);
  const AuditVpc& vpc = r.vpcs.front();
  EXPECT_EQ(vpc.resolver_source, "measured");
  EXPECT_EQ(vpc.azs, (std::vector<std::string>{"us-east-1a", "us-east-1b"}));
  ASSERT_EQ(vpc.enis.size(), 2u);
  EXPECT_EQ(vpc.enis[0].subnet_id, kSubnetA);
  ASSERT_EQ(vpc.answers.size(), 1u);
  EXPECT_EQ(vpc.answers[0].addresses, (std::vector<std::string>{"10.0.1.25", "10.0.2.61"}));
  // Sorted by AZ, then CIDR: A (1a, 10.0.1), C (1a, 10.0.3), B (1b).
  ASSERT_EQ(vpc.subnets.size(), 3u);
  EXPECT_EQ(vpc.subnets[0].id, kSubnetA);
  EXPECT_EQ(vpc.subnets[1].id, kSubnetC);
  EXPECT_EQ(vpc.subnets[2].id, kSubnetB);
}

TEST(AuditAssemble, WorstSubnetDecides) {
  Facts f;
  f.add_subnet("subnet-0d4d0000000000004", "10.0.4.0/24", "us-east-1d");
  EXPECT_EQ(f.audit().status, Severity::warning);
  f.fx.group(kEndpointSg).ingress = {tcp443({"10.0.0.0/22"})};  // 10.0.4.0/24 outside, A/B/C in
  EXPECT_EQ(f.audit().status, Severity::critical);
}

TEST(AuditAssemble, NoTopologyIsUnknown) {
  Facts f;
  AuditReport r = f.audit(true, false);
  EXPECT_EQ(r.status, Severity::unknown);
  EXPECT_EQ(r.vpcs.front().resolver_source, "none");
  EXPECT_TRUE(r.vpcs.front().subnets.empty());
}

TEST(AuditAssemble, AVpcNotDescribedMakesTheAuditUnknown) {
  Facts f;
  Topology missing;  // the API answered nothing for it (InvalidVpcID.NotFound)
  missing.gaps = {"ec2:DescribeVpcs: client InvalidVpcID.NotFound after 1 attempt(s)"};
  AuditFacts facts;
  facts.region = f.region;
  facts.targets = &f.targets;
  facts.vpcs = {AuditVpcFacts{kVpc, &f.fx.topology, &f.measured},
                AuditVpcFacts{"vpc-0ffff000011112222", &missing, nullptr}};
  AuditReport r = assemble_audit(facts, Report{});
  EXPECT_EQ(r.status, Severity::unknown);
  ASSERT_EQ(r.vpcs.size(), 2u);
  EXPECT_EQ(r.vpcs[0].subnets.size(), 3u);
  EXPECT_EQ(r.vpcs[1].gaps.back(), "the EC2 API did not describe vpc-0ffff000011112222");
  EXPECT_NE(render_audit(r, OutputFormat::text, {})
                .find("not read: ec2:DescribeVpcs: client InvalidVpcID.NotFound"),
            std::string::npos);
}

TEST(AuditAssemble, OtherVpcAnswerIsInferredFromPrivateDns) {
  Facts f;
  AuditReport r = f.audit(false);
  EXPECT_EQ(r.vpcs.front().resolver_source, "inferred");
  EXPECT_EQ(r.vpcs.front().answers[0].addresses,
            (std::vector<std::string>{"10.0.1.25", "10.0.2.61"}));
  EXPECT_EQ(r.status, Severity::ok);
  f.fx.endpoint().private_dns_enabled = false;
  r = f.audit(false);
  EXPECT_TRUE(r.vpcs.front().answers[0].addresses.empty());
  EXPECT_EQ(r.status, Severity::critical);
  EXPECT_EQ(r.vpcs.front().subnets[0].services[0].root_cause(), "ENDPOINT_PRIVATE_DNS_DISABLED");
}

TEST(AuditAssemble, VpcWideFindingsCount) {
  Facts f;
  f.fx.topology.dns_attributes.enable_dns_hostnames = false;
  AuditReport r = f.audit();
  ASSERT_FALSE(r.findings.empty());
  EXPECT_EQ(r.findings.front().code, "VPC_DNS_ATTRIBUTES");
  EXPECT_EQ(r.status, Severity::critical);
}

TEST(AuditAssemble, EndpointPolicyJudgedPerSubnetForTheHostsPrincipal) {
  Facts f;
  // Only subnet A (10.0.1.0/24) may call through the endpoint.
  f.fx.endpoint().policy_document =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*",)"
      R"("Condition":{"IpAddress":{"aws:VpcSourceIp":"10.0.1.0/24"}}}]})";
  AuditReport unjudged = f.audit();
  EXPECT_EQ(unjudged.status, Severity::ok);  // no principal: not judged, and the note says so
  EXPECT_NE(render_detail::audit_plane_note(unjudged).find("Endpoint policies are not judged"),
            std::string::npos);

  f.principal = PolicyRequest{};
  f.principal->principal_arn = "arn:aws:sts::123456789012:assumed-role/app-role/i-0abc";
  f.principal->principal_account = "123456789012";
  AuditReport r = f.audit();
  EXPECT_EQ(r.status, Severity::critical);
  const auto& subnets = r.vpcs.front().subnets;  // A, C, B
  ASSERT_EQ(subnets.size(), 3u);
  EXPECT_EQ(subnets[0].status, Severity::ok);
  EXPECT_EQ(subnets[1].services[0].root_cause(), "POLICY_DENIES");
  EXPECT_EQ(subnets[2].services[0].root_cause(), "POLICY_DENIES");
  nlohmann::json j = audit_to_json(r);
  EXPECT_EQ(j["endpoint_policy"]["judged"], true);
  EXPECT_EQ(j["endpoint_policy"]["principal"], f.principal->principal_arn);
  std::string text = render_audit(r, OutputFormat::text, {});
  EXPECT_NE(text.find("Endpoint policies are judged for " + f.principal->principal_arn),
            std::string::npos)
      << text;
}

TEST(AuditAssemble, ModelsReachBedrockRuntimesPolicyAndTheReport) {
  Facts f;
  f.fx.endpoint().policy_document =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"bedrock:InvokeModel*",)"
      R"("Resource":"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-*"}]})";
  f.principal = PolicyRequest{};
  f.principal->principal_arn = "arn:aws:sts::123456789012:assumed-role/app-role/i-0abc";
  f.principal->principal_account = "123456789012";
  AuditReport any = f.audit();
  EXPECT_EQ(any.status, Severity::warning);
  EXPECT_EQ(any.vpcs.front().subnets[0].services[0].root_cause(), "POLICY_SCOPED");
  EXPECT_EQ(audit_to_json(any)["endpoint_policy"]["resources"], nlohmann::json::array({"*"}));

  f.models = {"arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku"};
  AuditReport scoped = f.audit();
  EXPECT_EQ(scoped.status, Severity::ok);
  EXPECT_EQ(audit_to_json(scoped)["endpoint_policy"]["resources"],
            nlohmann::json::array({f.models[0]}));
  EXPECT_NE(render_detail::audit_plane_note(scoped).find(f.models[0] + " (--model)"),
            std::string::npos);
}

TEST(AuditRender, NarrowTerminalGetsTheCompactMatrix) {
  Facts f;
  f.add_subnet("subnet-0d4d0000000000004", "10.0.4.0/24", "us-east-1d");
  AuditReport r = f.audit();
  std::string wide = render_audit(r, OutputFormat::text, {});
  EXPECT_NE(wide.find("ROUTE TABLE"), std::string::npos);
  RenderOptions narrow;
  narrow.columns = 100;
  std::string text = render_audit(r, OutputFormat::text, narrow);
  EXPECT_EQ(text.find("ROUTE TABLE"), std::string::npos) << text;
  EXPECT_NE(text.find("ROUTES"), std::string::npos);
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    EXPECT_LE(end - start, 100u) << text.substr(start, end - start);
    start = end + 1;
  }
  // The failing subnet's root cause on the line under its row, naming the service.
  auto row = text.find("subnet-0d4d0000000000004 ");
  ASSERT_NE(row, std::string::npos) << text;
  auto next = text.find('\n', row) + 1;
  EXPECT_EQ(text.substr(next, text.find('\n', next) - next),
            "    ENDPOINT_AZ_MISSING: bedrock-runtime");
  // Wide enough: the wide matrix (prose still wraps at the width).
  narrow.columns = 250;
  EXPECT_NE(render_audit(r, OutputFormat::text, narrow).find("ROUTE TABLE"), std::string::npos);
}

TEST(AuditRender, EveryFormatShowsEverySubnet) {
  Facts f;
  f.add_subnet("subnet-0d4d0000000000004", "10.0.4.0/24", "us-east-1d");
  AuditReport r = f.audit();
  std::string text = render_audit(r, OutputFormat::text, {});
  EXPECT_NE(text.find("bedrock-reach audit: WARNING"), std::string::npos) << text;
  EXPECT_NE(text.find("no packet was sent from the other subnets"), std::string::npos);
  EXPECT_NE(text.find("subnet-0ccc5555ffff6666a (this host)"), std::string::npos) << text;
  auto at = text.find("subnet-0d4d0000000000004");
  ASSERT_NE(at, std::string::npos) << text;
  std::string row = text.substr(at, text.find('\n', at) - at);
  EXPECT_NE(row.find("ENDPOINT_AZ_MISSING"), std::string::npos) << row;
  EXPECT_NE(row.find("WARNING"), std::string::npos) << row;

  std::string prom = render_audit(r, OutputFormat::prometheus, {});
  EXPECT_NE(prom.find("bedrock_reach_audit_subnet_status{vpc=\"vpc-0123456789abcdef0\","
                      "subnet=\"subnet-0d4d0000000000004\","
                      "az=\"us-east-1d\",service=\"bedrock-runtime\"} 1\n"),
            std::string::npos)
      << prom;
  EXPECT_NE(prom.find("bedrock_reach_audit_status 1\n"), std::string::npos);
  EXPECT_NE(prom.find("bedrock_reach_audit_subnets 4\n"), std::string::npos);

  nlohmann::json j = audit_to_json(r);
  EXPECT_EQ(j["vpc_id"], kVpc);
  EXPECT_EQ(j["exit_code"], 1);
  ASSERT_EQ(j["subnets"].size(), 4u);
  EXPECT_EQ(j["subnets"][3]["id"], "subnet-0d4d0000000000004");
  EXPECT_EQ(j["subnets"][3]["services"][0]["root_cause"], "ENDPOINT_AZ_MISSING");
  EXPECT_EQ(j["subnets"][3]["services"][0]["endpoint"]["eni_in_az"], false);
  EXPECT_EQ(j["subnets"][2]["status"], "ok");  // 1a, 1a, 1b, then 1d

  std::string html = render_audit(r, OutputFormat::html, {});
  EXPECT_NE(html.find("<th>us-east-1d"), std::string::npos);
  EXPECT_NE(html.find("ENI bedrock-runtime 10.0.1.25"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace bedrock_reach
