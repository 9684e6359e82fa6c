// Issue 16: where the application runs and which credentials it uses. Table tests for the pure
// pieces: credential source order (botocore's), STS/container/SSO/process parsers, runtime
// detection, clock skew. Secrets never reach a message.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "aws/clock_observer.hpp"
#include "aws/clock_skew.hpp"
#include "aws/credential_fetch.hpp"
#include "aws/credential_parse.hpp"
#include "aws/credential_plan.hpp"
#include "aws/runtime.hpp"
#include "loop/epoll_loop.hpp"

namespace bedrock_reach {
namespace {

using Kind = CredentialStep::Kind;
Environment env_of(std::map<std::string, std::string> vars) { return Environment(std::move(vars)); }

std::vector<std::string> methods(const CredentialPlan& plan) {
  std::vector<std::string> out;
  for (const auto& s : plan.steps) out.push_back(s.method);
  return out;
}

TEST(CredentialPlan, FollowsBotocoreOrder) {
  const std::string config =
      "[profile app]\nrole_arn = arn:aws:iam::1:role/app/r\ncredential_source = "
      "Ec2InstanceMetadata\n"
      "[profile chain]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = base\n"
      "[profile base]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n"
      "[profile dev]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n"
      "[sso-session corp]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
      "[profile vault]\ncredential_process = /bin/helper --x\n"
      "[profile loop]\nrole_arn = arn:aws:iam::1:role/l\nsource_profile = loop2\n"
      "[profile loop2]\nrole_arn = arn:aws:iam::1:role/l2\nsource_profile = loop\n";
  struct Case {
    std::map<std::string, std::string> env;
    std::vector<std::string> want;
  } cases[] = {
      {{{"AWS_ACCESS_KEY_ID", "AKIA"}, {"AWS_SECRET_ACCESS_KEY", "s"}, {"AWS_PROFILE", "app"}},
       {"env"}},
      {{{"AWS_PROFILE", "app"},
        {"AWS_ROLE_ARN", "arn:aws:iam::1:role/w"},
        {"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}},
       {"iam-role", "assume-role"}},
      {{{"AWS_PROFILE", "chain"}}, {"shared-credentials-file", "assume-role"}},
      {{{"AWS_ROLE_ARN", "arn:aws:iam::1:role/w"},
        {"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"},
        {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/x"}},
       {"assume-role-with-web-identity"}},
      {{{"AWS_PROFILE", "dev"}, {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/x"}}, {"sso"}},
      {{{"AWS_PROFILE", "vault"}}, {"custom-process"}},
      {{{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/x"}}, {"container-role"}},
      {{{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://169.254.170.23/v1/credentials"}},
       {"container-role"}},
      {{}, {"iam-role"}},
      {{{"AWS_PROFILE", "loop"}}, {}},  // circular source_profile: refused, as the SDKs do
  };
  for (const auto& c : cases) {
    CredentialPlan plan = plan_credentials(env_of(c.env), config, "");
    EXPECT_EQ(methods(plan), c.want) << (c.env.count("AWS_PROFILE") ? c.env.at("AWS_PROFILE") : "");
  }
  auto ecs =
      plan_credentials(env_of({{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/abc"}}), "", "");
  EXPECT_EQ(ecs.steps[0].url, "http://169.254.170.2/v2/abc");
  auto app = plan_credentials(env_of({{"AWS_PROFILE", "app"}}), config, "");
  EXPECT_TRUE(app.needs_sts());
  EXPECT_EQ(app.final_step()->role_arn, "arn:aws:iam::1:role/app/r");
  auto sso = plan_credentials(env_of({{"AWS_PROFILE", "dev"}}), config, "");
  EXPECT_EQ(sso.steps[0].sso_start_url, "https://x.awsapps.com/start");
  EXPECT_EQ(sso.steps[0].sso_role_name, "R");
  EXPECT_TRUE(plan_credentials(env_of({{"AWS_PROFILE", "loop"}}), config, "").error.has_value());
}

TEST(CredentialPlan, ContainerUriRules) {
  EXPECT_TRUE(container_uri_allowed("http://169.254.170.23/v1/credentials"));
  EXPECT_TRUE(container_uri_allowed("http://[fd00:ec2::23]/v1/credentials"));
  EXPECT_TRUE(container_uri_allowed("http://127.0.0.1:51679/creds"));
  EXPECT_TRUE(container_uri_allowed("https://example.com/creds"));
  EXPECT_FALSE(container_uri_allowed("http://10.0.0.5/creds"));
  EXPECT_FALSE(container_uri_allowed("file:///etc/passwd"));
}

TEST(CredentialParse, StsRepliesAndErrors) {
  const char* ok =
      "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
      "<AssumedRoleUser><AssumedRoleId>AROA1:s</AssumedRoleId><Arn>arn:aws:sts::1:assumed-role/r/s"
      "</Arn></AssumedRoleUser><Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>sek"
      "</SecretAccessKey><SessionToken>tok</SessionToken><Expiration>2030-01-01T00:00:00Z"
      "</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";
  auto r = parse_sts_credentials(ok);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->arn, "arn:aws:sts::1:assumed-role/r/s");
  EXPECT_EQ(r->credentials.access_key_id, "ASIAX");
  EXPECT_EQ(r->credentials.secret_access_key.reveal(), "sek");
  const char* err =
      "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message>"
      "</Error><RequestId>x</RequestId></ErrorResponse>";
  auto e = parse_sts_credentials(err);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message, "STS AccessDenied: no");
  EXPECT_FALSE(parse_sts_credentials("not xml <"));
  auto who = parse_sts_caller_arn(
      "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:sts::1:assumed-role/p/s"
      "</Arn><UserId>x</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>");
  ASSERT_TRUE(who);
  EXPECT_EQ(*who, "arn:aws:sts::1:assumed-role/p/s");
}

TEST(CredentialParse, ContainerSsoProcessAndCache) {
  auto ecs = parse_container_credentials(
      R"({"AccessKeyId":"ASIA1","Expiration":"2030-01-01T00:00:00Z","RoleArn":"arn:aws:iam::1:role/ecs/t","SecretAccessKey":"s","Token":"t"})");
  ASSERT_TRUE(ecs);
  EXPECT_EQ(ecs->arn, "arn:aws:iam::1:role/ecs/t");
  EXPECT_FALSE(parse_container_credentials(R"({"AccessKeyId":"A"})"));
  auto sso = parse_sso_role_credentials(
      R"({"roleCredentials":{"accessKeyId":"ASIA2","secretAccessKey":"s","sessionToken":"t","expiration":1900000000000}})");
  ASSERT_TRUE(sso);
  EXPECT_TRUE(sso->expiration.has_value());
  // Past 2262 system_clock overflows (fuzz_credentials found it): refused, never wrapped.
  EXPECT_FALSE(parse_sso_role_credentials(
      R"({"roleCredentials":{"accessKeyId":"A","secretAccessKey":"s","expiration":10900000000000}})"));
  EXPECT_TRUE(
      parse_process_credentials(R"({"Version":1,"AccessKeyId":"A","SecretAccessKey":"s"})"));
  auto bad = parse_process_credentials(
      R"({"Version":2,"AccessKeyId":"A","SecretAccessKey":"SECRETCANARY"})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.find("SECRETCANARY"), std::string::npos);
  auto now = std::chrono::system_clock::now();
  std::string cache =
      R"({"startUrl":"https://x/start","accessToken":"aoa","expiresAt":"2099-01-01T00:00:00Z"})";
  EXPECT_TRUE(parse_sso_cache(cache, "https://x/start", now));
  EXPECT_FALSE(parse_sso_cache(cache, "https://other/start", now));
  EXPECT_FALSE(parse_sso_cache(
      R"({"startUrl":"https://x/start","accessToken":"a","expiresAt":"2001-01-01T00:00:00Z"})",
      "https://x/start", now));
}

TEST(CredentialParse, StsHostAndBodies) {
  EXPECT_EQ(sts_hostname(env_of({}), "eu-west-1", "amazonaws.com"), "sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(sts_hostname(env_of({{"AWS_STS_REGIONAL_ENDPOINTS", "legacy"}}), "us-east-1",
                         "amazonaws.com"),
            "sts.amazonaws.com");
  EXPECT_EQ(sts_hostname(env_of({{"AWS_STS_REGIONAL_ENDPOINTS", "legacy"}}), "ap-east-1",
                         "amazonaws.com"),
            "sts.ap-east-1.amazonaws.com");
  EXPECT_EQ(sts_assume_role_body("arn:aws:iam::1:role/a/b", "s", ""),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%2Fb&"
            "RoleSessionName=s");
}

/// Runs one credential_process on its own loop until it completes.
Result<std::string> run_credential_process(const std::string& command, Millis timeout,
                                           std::size_t cap) {
  EpollLoop loop;
  std::optional<Result<std::string>> result;
  start_credential_process(loop, command, timeout, cap,
                           [&](Result<std::string> r) { result = std::move(r); });
  EXPECT_FALSE(result) << "completion must not run inside start_credential_process()";
  loop.run_until([&] { return result.has_value(); }, loop.now() + timeout + Millis(5000));
  if (!result) return make_error(ErrorKind::internal, "never completed");
  return std::move(*result);
}

TEST(CredentialProcess, TimeoutAndOutput) {
  auto out = run_credential_process("echo '{\"Version\":1}'", Millis(2000), 1024);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "{\"Version\":1}\n");
  auto slow = run_credential_process("sleep 5", Millis(100), 1024);
  ASSERT_FALSE(slow);
  EXPECT_EQ(slow.error().kind, ErrorKind::timeout);
  auto failed = run_credential_process("echo SECRETCANARY; exit 3", Millis(2000), 1024);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message.find("SECRETCANARY"), std::string::npos);
}

TEST(CredentialProcess, DoesNotHoldTheLoop) {
  // A slow process must not stop the loop: a timer due meanwhile fires before the process ends.
  EpollLoop loop;
  bool timer_fired = false;
  bool timer_before_process = false;
  std::optional<Result<std::string>> result;
  loop.add_timer(loop.now() + Millis(20), [&] { timer_fired = true; });
  start_credential_process(loop, "sleep 0.3; echo '{}'", Millis(3000), 1024,
                           [&](Result<std::string> r) {
                             timer_before_process = timer_fired;
                             result = std::move(r);
                           });
  ASSERT_TRUE(loop.run_until([&] { return result.has_value(); }, loop.now() + Millis(5000)));
  EXPECT_TRUE(timer_before_process);
  ASSERT_TRUE(*result);
  EXPECT_EQ(**result, "{}\n");
}

TEST(CredentialProcess, ClosedOutputButStillRunningIsKilledAtTheTimeout) {
  auto lingering = run_credential_process("exec >&-; sleep 5", Millis(200), 1024);
  ASSERT_FALSE(lingering);
  EXPECT_EQ(lingering.error().kind, ErrorKind::timeout);
}

TEST(Runtime, Detection) {
  EXPECT_EQ(detect_runtime(env_of({}), {}), "host");
  EXPECT_EQ(detect_runtime(env_of({}), {.dockerenv = true}), "docker");
  EXPECT_EQ(detect_runtime(env_of({}), {.cgroup = "0::/system.slice/docker-abc.scope\n"}),
            "docker");
  EXPECT_EQ(detect_runtime(env_of({{"ECS_CONTAINER_METADATA_URI_V4", "http://169.254.170.2/v4/x"}}),
                           {.dockerenv = true}),
            "ecs");
  EXPECT_EQ(detect_runtime(env_of({{"KUBERNETES_SERVICE_HOST", "172.20.0.1"}}), {}), "kubernetes");
  EXPECT_EQ(detect_runtime(env_of({}), {.cgroup = "0::/kubepods/burstable/pod1/abc\n"}),
            "kubernetes");
}

TEST(ClockSkew, ParsesDatesAndRefusals) {
  EXPECT_EQ(parse_http_date("Thu, 01 Jan 1970 00:01:00 GMT"), 60);
  EXPECT_FALSE(parse_http_date("Thu, 01 Foo 1970 00:01:00 GMT"));
  EXPECT_FALSE(parse_http_date("yesterday"));
  auto t = aws_time_from_refusal(
      R"x({"message":"Signature expired: 19700101T000000Z is now earlier than 19700101T001500Z (19700101T002000Z - 5 min.)"})x");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, 20 * 60);
  EXPECT_FALSE(aws_time_from_refusal("The security token included in the request is invalid."));
  EXPECT_TRUE(is_time_refusal("<Response><Errors><Error><Code>RequestExpired</Code>"));
  EXPECT_EQ(clock_source_of("https://sts.us-east-1.amazonaws.com/"), "STS");
  EXPECT_EQ(clock_source_of("https://ec2.us-east-1.amazonaws.com/?x"), "EC2 API");
  EXPECT_EQ(clock_source_of("https://bedrock-runtime.us-east-1.amazonaws.com/model"),
            "bedrock-runtime");
  EXPECT_EQ(clock_source_of("http://169.254.169.254/latest/api/token"), "");
}

TEST(ClockSkew, SeverityByMagnitude) {
  struct Case {
    long long skew;
    std::optional<Severity> want;
  } cases[] = {{0, std::nullopt},          {59, std::nullopt},        {-90, Severity::warning},
               {300, Severity::warning},   {301, Severity::critical}, {1200, Severity::critical},
               {-1200, Severity::critical}};
  for (const auto& c : cases) {
    auto f = clock_findings({ClockSample{"EC2 API", 1000000, 1000000 + c.skew, "Date header"}}, 0,
                            false);
    if (!c.want) {
      EXPECT_TRUE(f.empty()) << c.skew;
      continue;
    }
    ASSERT_EQ(f.size(), 1u) << c.skew;
    EXPECT_EQ(f[0].code, "CLOCK_SKEW");
    EXPECT_EQ(f[0].severity, *c.want) << c.skew;
    EXPECT_NE(f[0].evidence[0].find("local time"), std::string::npos);
  }
  auto refused = clock_findings({}, 2, std::nullopt);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].severity, Severity::critical);
  auto unsynced = clock_findings({}, 0, true);
  ASSERT_EQ(unsynced.size(), 1u);
  EXPECT_EQ(unsynced[0].code, "CLOCK_UNSYNCHRONIZED");
}

}  // namespace
}  // namespace bedrock_reach
