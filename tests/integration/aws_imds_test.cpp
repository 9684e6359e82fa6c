// IMDSv2 client against an in-process loopback fake: token and reuse, retries, IMDSv1 fallback,
// 401 refresh, no role, credential errors, unreachable / silent IMDS and the deadline.
#include <atomic>
#include <map>
#include <mutex>

#include "aws/imds.hpp"
#include "aws_fake_imds.hpp"
#include "aws_test_rig.hpp"
#include "support/fake_http_server.hpp"

namespace bedrock_reach::test {
namespace {

[[maybe_unused]] const auto* const kCurl = ::testing::AddGlobalTestEnvironment(new CurlGlobal);

struct Run {
  bool done = false;
  int calls = 0;
  ProbeOutcome<InstanceContext> outcome;
};

ImdsOptions options_for(const std::string& url) {
  ImdsOptions o =
      ImdsOptions::from_environment(env_of({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", url}}));
  EXPECT_EQ(o.endpoint.rfind("http://127.0.0.1:", 0), 0u) << "tests talk to loopback only";
  return o;
}

std::shared_ptr<Run> discover(AwsRig& rig, const ImdsOptions& options, Millis budget = Millis(5000),
                              ImdsTokenCache* cache = nullptr) {
  auto run = std::make_shared<Run>();
  ProbeContext ctx = rig.context(budget);
  auto done = [run](ProbeOutcome<InstanceContext> outcome) {
    ++run->calls;
    run->done = true;
    run->outcome = std::move(outcome);
  };
  if (cache != nullptr) {
    probe_imds(ctx, rig.http, ImdsRequest{options, cache, {}}, done);
  } else {
    probe_imds(ctx, rig.http, ImdsRequest{options, nullptr, {}}, done);
  }
  EXPECT_TRUE(rig.run([&] { return run->done; }));
  return run;
}

std::size_t count(const FakeHttpServer& server, const std::string& method) {
  std::size_t n = 0;
  for (const auto& r : server.requests()) n += r.method == method ? 1 : 0;
  return n;
}

TEST(AwsImds, AnnouncesTheRegionOnceBeforeTheRestCompletes) {
  FakeImds imds;
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  int done_calls = 0;
  std::vector<std::string> regions;
  bool region_before_done = false;
  ProbeContext ctx = rig.context(Millis(5000));
  ImdsRequest request{options_for(server.url()), nullptr, [&](const std::string& region) {
                        regions.push_back(region);
                        region_before_done = done_calls == 0;
                      }};
  probe_imds(ctx, rig.http, request, [&](ProbeOutcome<InstanceContext>) { ++done_calls; });
  ASSERT_TRUE(rig.run([&] { return done_calls > 0; }));
  EXPECT_EQ(regions, (std::vector<std::string>{"us-east-1"}));
  EXPECT_TRUE(region_before_done) << "the DNS names need only the Region: no waiting for stage two";
  EXPECT_EQ(done_calls, 1);
}

TEST(AwsImds, ReadsIdentityNetworkAndRoleCredentials) {
  FakeImds imds;
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  auto run = discover(rig, options_for(server.url()));
  ASSERT_EQ(run->calls, 1);
  EXPECT_TRUE(run->outcome.findings.empty());
  EXPECT_FALSE(run->outcome.cut_by_deadline);
  ASSERT_TRUE(run->outcome.data.identity);
  const InstanceIdentity& id = *run->outcome.data.identity;
  EXPECT_EQ(id.region, "us-east-1");
  EXPECT_EQ(id.az, "us-east-1a");
  EXPECT_EQ(id.az_id, "use1-az4");
  EXPECT_EQ(id.instance_id, "i-0123456789abcdef0");
  EXPECT_EQ(id.partition, "aws");
  EXPECT_EQ(id.domain, "amazonaws.com");
  EXPECT_EQ(id.account_id, "123456789012");
  EXPECT_EQ(id.iam_role, "diag-role");
  EXPECT_EQ(id.instance_profile_arn, "arn:aws:iam::123456789012:instance-profile/diag");
  ASSERT_EQ(id.macs.size(), 2u);
  const MacInfo& primary = *id.primary();
  EXPECT_EQ(primary.mac, kMac);  // listed second, but it is meta-data/mac and device 0
  EXPECT_EQ(primary.vpc_id, "vpc-0123456789abcdef0");
  EXPECT_EQ(primary.subnet_id, "subnet-0aaa1111bbbb2222c");
  EXPECT_EQ(primary.vpc_ipv4_cidrs, (std::vector<std::string>{"10.0.0.0/16", "100.64.0.0/16"}));
  EXPECT_EQ(primary.vpc_ipv6_cidrs, (std::vector<std::string>{"2600:1f18:1234:5600::/56"}));
  EXPECT_EQ(primary.subnet_ipv4_cidr, "10.0.1.0/24");
  EXPECT_EQ(primary.subnet_ipv6_cidrs, (std::vector<std::string>{"2600:1f18:1234:5601::/64"}));
  EXPECT_EQ(primary.local_ipv4s, (std::vector<std::string>{"10.0.1.10", "10.0.1.11"}));
  EXPECT_EQ(primary.ipv6s, (std::vector<std::string>{"2600:1f18:1234:5601::10"}));
  EXPECT_EQ(primary.security_group_ids,
            (std::vector<std::string>{"sg-0a990000000000001", "sg-0b990000000000002"}));
  EXPECT_EQ(id.macs[1].device_number, 1);
  ASSERT_TRUE(run->outcome.data.role_credentials);
  const Credentials& c = *run->outcome.data.role_credentials;
  EXPECT_EQ(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(c.session_token.reveal(), "session-token-example");
  EXPECT_EQ(c.source, "instance-role:diag-role");
  EXPECT_TRUE(c.expiration.has_value());
  EXPECT_FALSE(run->outcome.data.imds_v1);

  // One token, sent on every GET; the PUT asks for a TTL.
  EXPECT_EQ(count(server, "PUT"), 1u);
  for (const auto& r : server.requests()) {
    if (r.method == "PUT") {
      ASSERT_NE(r.header("x-aws-ec2-metadata-token-ttl-seconds"), nullptr);
      EXPECT_EQ(*r.header("x-aws-ec2-metadata-token-ttl-seconds"), "21600");
    } else {
      ASSERT_NE(r.header("x-aws-ec2-metadata-token"), nullptr) << r.path;
      EXPECT_EQ(*r.header("x-aws-ec2-metadata-token"), "token-1");
    }
  }
  // Notes never carry the secret.
  for (const auto& note : run->outcome.data.notes) {
    EXPECT_EQ(note.find("wJalrXUtnFEMI"), std::string::npos);
  }
}

TEST(AwsImds, TokenIsReusedAcrossChecksThroughTheCache) {
  FakeImds imds;
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  ImdsTokenCache cache;
  auto first = discover(rig, options_for(server.url()), Millis(5000), &cache);
  ASSERT_TRUE(first->outcome.data.identity);
  auto second = discover(rig, options_for(server.url()), Millis(5000), &cache);
  ASSERT_TRUE(second->outcome.data.identity);
  EXPECT_EQ(count(server, "PUT"), 1u);
  EXPECT_EQ(imds.tokens_issued.load(), 1);
}

TEST(AwsImds, RejectedCachedTokenIsRefreshedOnce) {
  FakeImds imds;
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  ImdsTokenCache cache;
  cache.token = Secret("stale");  // IMDS restarted: it no longer knows this one
  cache.expires = rig.loop.now() + std::chrono::hours(1);
  auto run = discover(rig, options_for(server.url()), Millis(5000), &cache);
  ASSERT_TRUE(run->outcome.data.identity);
  EXPECT_EQ(run->outcome.data.identity->region, "us-east-1");
  EXPECT_TRUE(run->outcome.findings.empty());
  EXPECT_EQ(count(server, "PUT"), 1u);
  EXPECT_EQ(cache.token.reveal(), "token-1");
}

TEST(AwsImds, ServerErrorsAreRetried) {
  FakeImds imds;
  imds.token_failures = 1;
  imds.get_failures = 2;
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  auto run = discover(rig, options_for(server.url()));
  ASSERT_TRUE(run->outcome.data.identity);
  EXPECT_TRUE(run->outcome.findings.empty());
  EXPECT_EQ(count(server, "PUT"), 2u);
  EXPECT_EQ(run->outcome.data.identity->region, "us-east-1");
  EXPECT_EQ(run->outcome.data.identity->instance_id, "i-0123456789abcdef0");
}

TEST(AwsImds, RefusedTokenFallsBackToImdsV1UnlessDisabled) {
  FakeImds imds;
  imds.token_status = 403;
  imds.v2_required = false;
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  auto v1 = discover(rig, options_for(server.url()));
  ASSERT_TRUE(v1->outcome.data.identity);
  EXPECT_TRUE(v1->outcome.data.imds_v1);
  for (const auto& r : server.requests()) {
    if (r.method == "GET") {
      EXPECT_EQ(r.header("x-aws-ec2-metadata-token"), nullptr);
    }
  }
  ImdsOptions strict = options_for(server.url());
  strict.allow_v1_fallback = false;
  auto refused = discover(rig, strict);
  EXPECT_FALSE(refused->outcome.data.identity);
  ASSERT_TRUE(has_finding(refused->outcome.findings, "IMDS_UNAVAILABLE"));
  EXPECT_NE(refused->outcome.findings[0].message.find("403"), std::string::npos);
}

TEST(AwsImds, DisabledImdsAnswers403EverywhereAndIsUnavailable) {
  FakeImds imds;
  imds.token_status = 403;  // the simulator's "enabled: false"
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  auto run = discover(rig, options_for(server.url()));
  EXPECT_FALSE(run->outcome.data.identity);
  EXPECT_TRUE(has_finding(run->outcome.findings, "IMDS_UNAVAILABLE"));
}

TEST(AwsImds, NoRoleMeansNoCredentialsAndNoFinding) {
  FakeImds imds;
  imds.tree.erase("meta-data/iam/info");
  imds.tree.erase("meta-data/iam/security-credentials/");
  imds.tree.erase("meta-data/iam/security-credentials/diag-role");
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  auto run = discover(rig, options_for(server.url()));
  ASSERT_TRUE(run->outcome.data.identity);
  EXPECT_TRUE(run->outcome.data.identity->iam_role.empty());
  EXPECT_FALSE(run->outcome.data.role_credentials);
  EXPECT_TRUE(run->outcome.findings.empty());
}

TEST(AwsImds, CredentialErrorDocumentIsANoteNotCredentials) {
  FakeImds imds;
  imds.tree["meta-data/iam/security-credentials/diag-role"] =
      R"({"Code" : "AssumeRoleUnauthorizedAccess", "Message" : "EC2 cannot assume the role"})";
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  auto run = discover(rig, options_for(server.url()));
  ASSERT_TRUE(run->outcome.data.identity);
  EXPECT_FALSE(run->outcome.data.role_credentials);
  bool noted = false;
  for (const auto& n : run->outcome.data.notes) {
    noted |= n.find("AssumeRoleUnauthorizedAccess") != std::string::npos;
  }
  EXPECT_TRUE(noted);
}

TEST(AwsImds, RegionFromAzWhenPlacementRegionIsMissing) {
  FakeImds imds;
  imds.tree.erase("meta-data/placement/region");
  imds.tree.erase("meta-data/services/partition");
  imds.tree.erase("meta-data/services/domain");
  imds.tree["meta-data/placement/availability-zone"] = "us-gov-west-1a";
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  auto run = discover(rig, options_for(server.url()));
  ASSERT_TRUE(run->outcome.data.identity);
  EXPECT_EQ(run->outcome.data.identity->region, "us-gov-west-1");
  EXPECT_EQ(run->outcome.data.identity->partition, "aws-us-gov");
  EXPECT_EQ(run->outcome.data.identity->domain, "amazonaws.com");
}

TEST(AwsImds, OlderMetadataWithoutListingOrCidrBlocks) {
  FakeImds imds;
  std::string m = std::string("meta-data/network/interfaces/macs/") + kMac + "/";
  imds.tree.erase("meta-data/network/interfaces/macs/");
  imds.tree.erase(m + "vpc-ipv4-cidr-blocks");
  imds.tree[m + "vpc-ipv4-cidr-block"] = "10.0.0.0/16";
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  auto run = discover(rig, options_for(server.url()));
  ASSERT_TRUE(run->outcome.data.identity);
  ASSERT_EQ(run->outcome.data.identity->macs.size(), 1u);
  EXPECT_EQ(run->outcome.data.identity->macs[0].mac, kMac);
  EXPECT_EQ(run->outcome.data.identity->macs[0].vpc_ipv4_cidrs,
            (std::vector<std::string>{"10.0.0.0/16"}));
}

TEST(AwsImds, DisabledByEnvironmentSendsNothing) {
  FakeImds imds;
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  ImdsOptions o =
      ImdsOptions::from_environment(env_of({{"AWS_EC2_METADATA_DISABLED", "true"},
                                            {"AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url()}}));
  auto run = discover(rig, o);
  EXPECT_EQ(run->calls, 1);
  EXPECT_FALSE(run->outcome.data.identity);
  ASSERT_TRUE(has_finding(run->outcome.findings, "IMDS_UNAVAILABLE"));
  EXPECT_EQ(run->outcome.findings[0].severity, Severity::info);
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(AwsImds, RefusedConnectionIsUnavailableQuickly) {
  LoopbackSocket closed(/*listen_silently=*/false);
  AwsRig rig;
  ImdsOptions o = options_for(closed.url());
  auto run = discover(rig, o);
  EXPECT_TRUE(has_finding(run->outcome.findings, "IMDS_UNAVAILABLE"));
  EXPECT_LT(run->outcome.elapsed_ms, 1000.0);
}

TEST(AwsImds, SilentImdsIsUnavailableWithinAboutASecond) {
  LoopbackSocket silent(/*listen_silently=*/true);  // connects, never answers (like a drop)
  AwsRig rig;
  auto run = discover(rig, options_for(silent.url()));
  ASSERT_TRUE(has_finding(run->outcome.findings, "IMDS_UNAVAILABLE"));
  EXPECT_FALSE(run->outcome.cut_by_deadline);
  EXPECT_GE(run->outcome.elapsed_ms, 900.0);
  EXPECT_LT(run->outcome.elapsed_ms, 1500.0);  // one timed-out token request, not retried
  std::cout << "[ figure ] silent IMDS reported unavailable after " << run->outcome.elapsed_ms
            << " ms\n";
}

TEST(AwsImds, UnansweredTokenButPromptTokenlessAnswerIsTheHopLimit) {
  // A container one routed hop away with HttpPutResponseHopLimit 1: the PUT connects, its reply
  // never arrives; a GET without a token gets 401 at once (issue 16).
  FakeImds imds;
  imds.put_delay = Millis(3000);
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  auto run = discover(rig, options_for(server.url()));
  EXPECT_TRUE(has_finding(run->outcome.findings, "IMDS_HOP_LIMIT"));
  EXPECT_FALSE(has_finding(run->outcome.findings, "IMDS_UNAVAILABLE"));
  EXPECT_LT(run->outcome.elapsed_ms, 1600.0);  // the SDKs' one-second token wait, then one GET
}

TEST(AwsImds, CompletesOnceAtTheDeadline) {
  FakeImds imds;
  imds.get_delay = Millis(700);
  FakeHttpServer server(std::ref(imds));
  AwsRig rig;
  ImdsOptions o = options_for(server.url());
  auto run = discover(rig, o, Millis(250));
  EXPECT_TRUE(run->outcome.cut_by_deadline);
  EXPECT_LT(run->outcome.elapsed_ms, 600.0);
  // Late answers must not call back again.
  rig.run([] { return false; }, Millis(900));
  EXPECT_EQ(run->calls, 1);
}

}  // namespace
}  // namespace bedrock_reach::test
