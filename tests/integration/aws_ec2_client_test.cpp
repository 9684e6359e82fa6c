// The EC2 Query API client against a loopback fake: SigV4 as AWS verifies it (re-derived here
// with OpenSSL), retries with bounded jittered backoff, the deadline, timeouts, denial, paging.
#include <atomic>

#include "aws/ec2_client.hpp"
#include "aws_test_rig.hpp"
#include "support/fake_http_server.hpp"
#include "support/sigv4_check.hpp"

namespace bedrock_reach::test {
namespace {

/// Re-derives the SigV4 signature of `r` as AWS (and the simulator) do; "" when valid.
std::string verify_sigv4(const FakeRequest& r, const std::string& secret,
                         const std::string& region) {
  const std::string* auth = r.header("authorization");
  const std::string* date = r.header("x-amz-date");
  if (auth == nullptr || date == nullptr) return "missing Authorization or X-Amz-Date";
  if (auth->rfind("AWS4-HMAC-SHA256 ", 0) != 0) return "wrong algorithm";
  std::string credential = authorization_field(*auth, "Credential");
  std::string signed_headers = authorization_field(*auth, "SignedHeaders");
  std::string signature = authorization_field(*auth, "Signature");
  std::string day = date->substr(0, 8);
  std::string scope = day + "/" + region + "/ec2/aws4_request";
  if (credential.substr(credential.find('/') + 1) != scope) return "scope " + credential;
  std::string canonical = r.method + "\n" + r.path + "\n" + r.query + "\n";
  std::size_t start = 0;
  while (start <= signed_headers.size()) {
    auto end = signed_headers.find(';', start);
    std::string name = signed_headers.substr(start, end == std::string::npos ? end : end - start);
    const std::string* value = r.header(name);
    if (value == nullptr) return "signed header not sent: " + name;
    canonical += name + ":" + *value + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  canonical += "\n" + signed_headers + "\n" + sha256_hex(r.body);
  std::string to_sign = "AWS4-HMAC-SHA256\n" + *date + "\n" + scope + "\n" + sha256_hex(canonical);
  return sigv4_signature(secret, day, region, "ec2", to_sign) == signature ? ""
                                                                           : "signature mismatch";
}

Credentials test_credentials() {
  Credentials c;
  c.access_key_id = "ASIATESTKEY";
  c.secret_access_key = Secret("test/secret+key");
  c.session_token = Secret("session-token/with+chars=");
  c.source = "test";
  return c;
}

Ec2Options fast_options(const std::string& url) {
  Ec2Options o = Ec2Options::from_environment(env_of({{"AWS_ENDPOINT_URL_EC2", url}}),
                                              *make_region("us-east-1", "test"));
  EXPECT_EQ(o.endpoint_url.rfind("http://127.0.0.1:", 0), 0u) << "tests talk to loopback only";
  o.backoff_base = Millis(20);
  o.backoff_cap = Millis(80);
  o.jitter_seed = 42;
  return o;
}

std::string error_xml(const std::string& code) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + code +
         "</Code><Message>message for " + code +
         "</Message></Error></Errors><RequestID>req-1</RequestID></Response>";
}

template <typename T>
struct Outcome {
  bool done = false;
  int calls = 0;
  std::optional<Ec2Result<T>> result;
};

std::shared_ptr<Outcome<std::string>> request(AwsRig& rig, Ec2Client& client,
                                              const std::string& action, Millis budget) {
  auto out = std::make_shared<Outcome<std::string>>();
  client.request(action, {{"VpcId.1", "vpc-1"}}, rig.loop.now() + budget,
                 [out](Ec2Result<std::string> r) {
                   ++out->calls;
                   out->done = true;
                   out->result = std::move(r);
                 });
  EXPECT_TRUE(rig.run([&] { return out->done; }));
  return out;
}

TEST(AwsEc2Client, SignsLikeAwsWithTheSessionToken) {
  FakeHttpServer server([](const FakeRequest&) {
    return FakeReply{200, read_aws_sample("DescribeVpcs.xml"), "text/xml;charset=UTF-8"};
  });
  AwsRig rig;
  Credentials creds = test_credentials();
  Ec2Client client(rig.loop, rig.http, fast_options(server.url()), creds);
  auto out = request(rig, client, "DescribeVpcs", Millis(3000));
  ASSERT_TRUE(*out->result) << out->result->error().message;
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const FakeRequest& r = requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/");
  EXPECT_EQ(r.body, "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-1");
  ASSERT_NE(r.header("x-amz-security-token"), nullptr);
  EXPECT_EQ(*r.header("x-amz-security-token"), "session-token/with+chars=");
  const std::string& auth = *r.header("authorization");
  EXPECT_NE(auth.find("Credential=ASIATESTKEY/"), std::string::npos);
  EXPECT_NE(auth.find("/us-east-1/ec2/aws4_request"), std::string::npos);
  EXPECT_NE(authorization_field(auth, "SignedHeaders").find("x-amz-security-token"),
            std::string::npos);
  EXPECT_EQ(verify_sigv4(r, "test/secret+key", "us-east-1"), "");
  EXPECT_NE(verify_sigv4(r, "wrong-secret", "us-east-1"), "");
  EXPECT_EQ(auth.find("test/secret+key"), std::string::npos);
}

TEST(AwsEc2Client, RetriesThrottlingWithBoundedBackoff) {
  std::atomic<int> calls{0};
  FakeHttpServer server([&](const FakeRequest&) {
    if (++calls <= 3) return FakeReply{503, error_xml("RequestLimitExceeded"), "text/xml"};
    return FakeReply{200, read_aws_sample("DescribeVpcs.xml"), "text/xml"};
  });
  AwsRig rig;
  Ec2Options o = fast_options(server.url());
  Ec2Client client(rig.loop, rig.http, o, test_credentials());
  auto out = request(rig, client, "DescribeVpcs", Millis(5000));
  ASSERT_TRUE(*out->result);
  EXPECT_EQ(calls.load(), 4);
  EXPECT_EQ(client.stats().retries, 3);
  EXPECT_EQ(client.stats().throttled, 3);
  auto requests = server.requests();
  for (std::size_t i = 1; i < requests.size(); ++i) {
    auto gap = std::chrono::duration_cast<Millis>(requests[i].received - requests[i - 1].received);
    EXPECT_LE(gap, o.backoff_cap + Millis(250)) << "retry " << i;  // cap + exchange slack
  }
}

TEST(AwsEc2Client, GivesUpAfterMaxAttempts) {
  FakeHttpServer server([](const FakeRequest&) {
    return FakeReply{500, error_xml("InternalError"), "text/xml"};
  });
  AwsRig rig;
  Ec2Options o = fast_options(server.url());
  o.max_attempts = 3;
  Ec2Client client(rig.loop, rig.http, o, test_credentials());
  auto out = request(rig, client, "DescribeSubnets", Millis(5000));
  ASSERT_FALSE(*out->result);
  const Ec2Failure& f = out->result->error();
  EXPECT_EQ(f.kind, Ec2FailureKind::server);
  EXPECT_EQ(f.code, "InternalError");
  EXPECT_EQ(f.request_id, "req-1");
  EXPECT_EQ(f.attempts, 3);
  EXPECT_EQ(server.request_count(), 3u);
}

TEST(AwsEc2Client, BackoffNeverOutlivesTheDeadline) {
  FakeHttpServer server([](const FakeRequest&) {
    return FakeReply{503, error_xml("RequestLimitExceeded"), "text/xml"};
  });
  AwsRig rig;
  Ec2Options o = fast_options(server.url());
  o.backoff_base = Millis(400);
  o.backoff_cap = Millis(5000);
  o.max_attempts = 50;
  Ec2Client client(rig.loop, rig.http, o, test_credentials());
  auto started = rig.loop.now();
  auto out = request(rig, client, "DescribeVpcs", Millis(600));
  auto elapsed = std::chrono::duration_cast<Millis>(rig.loop.now() - started);
  ASSERT_FALSE(*out->result);
  EXPECT_EQ(out->result->error().kind, Ec2FailureKind::throttled);
  EXPECT_LT(elapsed, Millis(700));
  EXPECT_LT(out->result->error().attempts, 50);
  EXPECT_EQ(out->calls, 1);
}

TEST(AwsEc2Client, TimedOutAttemptIsRetriedOnceOnly) {
  LoopbackSocket silent(/*listen_silently=*/true);
  AwsRig rig;
  Ec2Options o = fast_options(silent.url());
  o.attempt_timeout = Millis(150);
  Ec2Client client(rig.loop, rig.http, o, test_credentials());
  auto out = request(rig, client, "DescribeVpcs", Millis(5000));
  ASSERT_FALSE(*out->result);
  EXPECT_EQ(out->result->error().kind, Ec2FailureKind::transport);
  EXPECT_EQ(out->result->error().transport, ErrorKind::timeout);
  EXPECT_EQ(out->result->error().attempts, 2);
}

TEST(AwsEc2Client, DenialAndAuthFailuresAreNotRetried) {
  FakeHttpServer server([](const FakeRequest& r) {
    if (r.param("Action") == "DescribeVpcs") {
      return FakeReply{403, error_xml("UnauthorizedOperation"), "text/xml"};
    }
    return FakeReply{401, error_xml("AuthFailure"), "text/xml"};
  });
  AwsRig rig;
  Ec2Client client(rig.loop, rig.http, fast_options(server.url()), test_credentials());
  auto denied = request(rig, client, "DescribeVpcs", Millis(3000));
  ASSERT_FALSE(*denied->result);
  EXPECT_EQ(denied->result->error().kind, Ec2FailureKind::denied);
  auto auth = request(rig, client, "DescribeSubnets", Millis(3000));
  ASSERT_FALSE(*auth->result);
  EXPECT_EQ(auth->result->error().kind, Ec2FailureKind::auth);
  EXPECT_EQ(server.request_count(), 2u);
}

std::string subnets_page(int page, bool last) {
  std::string xml =
      "<DescribeSubnetsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
      "<requestId>r</requestId><subnetSet><item><subnetId>subnet-" +
      std::to_string(page) + "</subnetId></item></subnetSet>";
  if (!last) xml += "<nextToken>page+" + std::to_string(page + 1) + "==</nextToken>";
  return xml + "</DescribeSubnetsResponse>";
}

TEST(AwsEc2Client, PagingFollowsNextToken) {
  FakeHttpServer server([](const FakeRequest& r) {
    std::string token = r.param("NextToken");
    int page = token.empty() ? 1 : std::stoi(token.substr(5));
    return FakeReply{200, subnets_page(page, page == 3), "text/xml"};
  });
  AwsRig rig;
  Ec2Client client(rig.loop, rig.http, fast_options(server.url()), test_credentials());
  bool done = false;
  Ec2Result<std::vector<Subnet>> result = tl::unexpected(Ec2Failure{});
  client.describe_all<Subnet>("DescribeSubnets", {{"Filter.1.Name", "vpc-id"}},
                              &parse_describe_subnets, rig.loop.now() + Millis(5000),
                              [&](Ec2Result<std::vector<Subnet>> r) {
                                done = true;
                                result = std::move(r);
                              });
  ASSERT_TRUE(rig.run([&] { return done; }));
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_EQ(result->size(), 3u);
  EXPECT_EQ((*result)[2].id, "subnet-3");
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].param("NextToken"), "page+2==");  // survives form encoding
  EXPECT_EQ(requests[1].param("Filter.1.Name"), "vpc-id");
  EXPECT_NE(requests[1].body.find("NextToken=page%2B2%3D%3D"), std::string::npos);
}

TEST(AwsEc2Client, EndlessPagingStopsAtThePageLimit) {
  FakeHttpServer server([](const FakeRequest&) {
    return FakeReply{200, subnets_page(1, false), "text/xml"};
  });
  AwsRig rig;
  Ec2Options o = fast_options(server.url());
  o.max_pages = 4;
  Ec2Client client(rig.loop, rig.http, o, test_credentials());
  bool done = false;
  Ec2Result<std::vector<Subnet>> result = tl::unexpected(Ec2Failure{});
  client.describe_all<Subnet>("DescribeSubnets", {}, &parse_describe_subnets,
                              rig.loop.now() + Millis(5000), [&](Ec2Result<std::vector<Subnet>> r) {
                                done = true;
                                result = std::move(r);
                              });
  ASSERT_TRUE(rig.run([&] { return done; }));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "PageLimit");
  EXPECT_EQ(server.request_count(), 4u);
}

TEST(AwsEc2Client, GarbageWithStatus200IsAParseFailure) {
  FakeHttpServer server([](const FakeRequest&) {
    return FakeReply{200, "<html><body>upstream connect error", "text/html"};
  });
  AwsRig rig;
  Ec2Client client(rig.loop, rig.http, fast_options(server.url()), test_credentials());
  bool done = false;
  Ec2Result<std::vector<Vpc>> result = tl::unexpected(Ec2Failure{});
  client.describe_all<Vpc>("DescribeVpcs", {}, &parse_describe_vpcs, rig.loop.now() + Millis(3000),
                           [&](Ec2Result<std::vector<Vpc>> r) {
                             done = true;
                             result = std::move(r);
                           });
  ASSERT_TRUE(rig.run([&] { return done; }));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, Ec2FailureKind::parse);
}

}  // namespace
}  // namespace bedrock_reach::test
