// EC2 request composition (form body, SigV4 fields, headers), endpoint and IMDS options from the
// environment, answer classification, backoff bounds and partition facts.
#include <gtest/gtest.h>

#include <map>

#include "aws/ec2_request.hpp"
#include "aws/imds.hpp"
#include "aws/region.hpp"

namespace bedrock_reach {
namespace {

/// Environment from literal pairs (a braced single pair is ambiguous for Environment itself).
Environment env_of(std::map<std::string, std::string> vars) { return Environment(std::move(vars)); }

TEST(AwsEc2Request, FormBodyMatchesBotocoreSerialization) {
  QueryParams p;
  add_ec2_filter(p, 1, "service-name",
                 {"com.amazonaws.us-east-1.bedrock-runtime", "com.amazonaws.us-east-1.bedrock"});
  add_ec2_filter(p, 2, "vpc-id", {"vpc-0abc"});
  p.emplace_back("MaxResults", "100");
  // aws-reference §4.1, verified with botocore's serializer.
  EXPECT_EQ(ec2_form_body("DescribeVpcEndpoints", p),
            "Action=DescribeVpcEndpoints&Version=2016-11-15&Filter.1.Name=service-name&Filter.1."
            "Value.1=com.amazonaws.us-east-1.bedrock-runtime&Filter.1.Value.2=com.amazonaws.us-"
            "east-1.bedrock&Filter.2.Name=vpc-id&Filter.2.Value.1=vpc-0abc&MaxResults=100");
  QueryParams ids;
  add_ec2_list(ids, "VpcEndpointId", {"vpce-1", "vpce-2"});
  ids.emplace_back("NextToken", "tok==");
  EXPECT_EQ(ec2_form_body("DescribeVpcEndpoints", ids),
            "Action=DescribeVpcEndpoints&Version=2016-11-15&VpcEndpointId.1=vpce-1&"
            "VpcEndpointId.2=vpce-2&NextToken=tok%3D%3D");
}

TEST(AwsEc2Request, Rfc3986EncodesEverythingReserved) {
  EXPECT_EQ(rfc3986_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(rfc3986_encode("a b+c/d=e&f:g"), "a%20b%2Bc%2Fd%3De%26f%3Ag");
  EXPECT_EQ(rfc3986_encode("\xC3\xA9"), "%C3%A9");  // upper-case hex, per byte
}

TEST(AwsEc2Request, SignedPostCarriesAllSigV4FieldsAndNoRemovalHeaders) {
  Ec2Options options =
      Ec2Options::from_environment(Environment(), *make_region("eu-west-1", "test"));
  Credentials c;
  c.access_key_id = "ASIAEXAMPLE";
  c.secret_access_key = Secret("secret");
  c.session_token = Secret("token");
  HttpRequest r =
      build_ec2_request(options, c, "DescribeVpcs", {{"VpcId.1", "vpc-1"}}, Millis(800));
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://ec2.eu-west-1.amazonaws.com/");
  EXPECT_EQ(r.body, "Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-1");
  ASSERT_TRUE(r.sigv4);
  EXPECT_EQ(r.sigv4->region, "eu-west-1");
  EXPECT_EQ(r.sigv4->service, "ec2");
  EXPECT_EQ(r.sigv4->credentials, &c);
  EXPECT_EQ(r.total_timeout, Millis(800));
  EXPECT_LE(r.connect_timeout, Millis(800));
  for (const auto& [name, value] : r.headers) {
    EXPECT_FALSE(value.empty()) << name << ": removal-style headers break 7.88.1 signing";
    EXPECT_NE(name, "Authorization");
    EXPECT_NE(name, "X-Amz-Date");  // curl adds it; a second one is bug #11738
    EXPECT_EQ(value.find("secret"), std::string::npos);
  }
  EXPECT_EQ(r.headers.front().first, "Content-Type");
  EXPECT_FALSE(r.proxy.has_value());
}

TEST(AwsEc2Request, EndpointPrecedence) {
  EXPECT_EQ(
      Ec2Options::from_environment(Environment(), *make_region("us-east-1", "test")).endpoint_url,
      "https://ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(
      Ec2Options::from_environment(Environment(), *make_region("cn-north-1", "test")).endpoint_url,
      "https://ec2.cn-north-1.amazonaws.com.cn");
  Environment both({{"AWS_ENDPOINT_URL_EC2", "https://10.0.0.9:8443/"},
                    {"AWS_ENDPOINT_URL", "https://global.example"},
                    {"AWS_CA_BUNDLE", "/etc/sim/ca.pem"}});
  auto o = Ec2Options::from_environment(both, *make_region("us-east-1", "test"));
  EXPECT_EQ(o.endpoint_url, "https://10.0.0.9:8443");
  EXPECT_EQ(o.endpoint_source, "AWS_ENDPOINT_URL_EC2");
  EXPECT_EQ(o.ca_bundle, "/etc/sim/ca.pem");
  auto global = Ec2Options::from_environment(env_of({{"AWS_ENDPOINT_URL", "https://g.example"}}),
                                             *make_region("us-east-1", "test"));
  EXPECT_EQ(global.endpoint_url, "https://g.example");
  Environment ignored(
      {{"AWS_ENDPOINT_URL_EC2", "https://x"}, {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"}});
  EXPECT_EQ(Ec2Options::from_environment(ignored, *make_region("us-west-2", "test")).endpoint_url,
            "https://ec2.us-west-2.amazonaws.com");
  Environment fips = env_of({{"AWS_USE_FIPS_ENDPOINT", "true"}});
  EXPECT_EQ(Ec2Options::from_environment(fips, *make_region("us-east-1", "test")).endpoint_url,
            "https://ec2-fips.us-east-1.amazonaws.com");
  EXPECT_EQ(Ec2Options::from_environment(fips, *make_region("us-gov-west-1", "test")).endpoint_url,
            "https://ec2.us-gov-west-1.amazonaws.com");
}

HttpResult answer(long status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string error_xml(const std::string& code) {
  return "<Response><Errors><Error><Code>" + code +
         "</Code><Message>m</Message></Error></Errors>"
         "<RequestID>rid</RequestID></Response>";
}

TEST(AwsEc2Request, ClassifiesAnswers) {
  EXPECT_FALSE(classify_ec2_answer("DescribeVpcs", answer(200, "<x/>")));
  auto denied =
      classify_ec2_answer("DescribeVpcs", answer(403, error_xml("UnauthorizedOperation")));
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->kind, Ec2FailureKind::denied);
  EXPECT_EQ(denied->request_id, "rid");
  EXPECT_FALSE(ec2_retryable(*denied));
  auto throttled =
      classify_ec2_answer("DescribeVpcs", answer(503, error_xml("RequestLimitExceeded")));
  EXPECT_EQ(throttled->kind, Ec2FailureKind::throttled);
  EXPECT_TRUE(ec2_retryable(*throttled));
  EXPECT_EQ(classify_ec2_answer("A", answer(401, error_xml("AuthFailure")))->kind,
            Ec2FailureKind::auth);
  EXPECT_EQ(classify_ec2_answer("A", answer(500, error_xml("InternalError")))->kind,
            Ec2FailureKind::server);
  EXPECT_EQ(classify_ec2_answer("A", answer(502, "<html>bad gateway</html>"))->kind,
            Ec2FailureKind::server);
  EXPECT_EQ(classify_ec2_answer("A", answer(400, error_xml("InvalidParameterValue")))->kind,
            Ec2FailureKind::client);
  HttpFailure timeout;
  timeout.kind = ErrorKind::timeout;
  auto t = classify_ec2_answer("A", tl::unexpected(timeout));
  EXPECT_EQ(t->kind, Ec2FailureKind::transport);
  EXPECT_TRUE(ec2_retryable(*t));
  HttpFailure tls;
  tls.kind = ErrorKind::tls;
  EXPECT_FALSE(ec2_retryable(*classify_ec2_answer("A", tl::unexpected(tls))));
}

TEST(AwsEc2Request, BackoffIsBoundedFullJitter) {
  const Millis base{100}, cap{2000};
  EXPECT_EQ(ec2_backoff_delay(0, base, cap, 0.0), Millis(0));
  EXPECT_EQ(ec2_backoff_delay(0, base, cap, 0.999), Millis(99));
  EXPECT_EQ(ec2_backoff_delay(3, base, cap, 0.5), Millis(400));
  for (int retry = 0; retry < 64; ++retry) {
    for (double u : {0.0, 0.25, 0.5, 0.999999, 1.0, 7.0, -1.0}) {
      Millis d = ec2_backoff_delay(retry, base, cap, u);
      EXPECT_GE(d.count(), 0);
      EXPECT_LE(d, cap);
    }
  }
}

TEST(AwsImdsOptions, FromEnvironmentLikeTheSdks) {
  ImdsOptions d = ImdsOptions::from_environment(Environment());
  EXPECT_FALSE(d.disabled);
  EXPECT_EQ(d.endpoint, "http://169.254.169.254");
  EXPECT_TRUE(d.config_error.empty());
  EXPECT_LE(d.connect_timeout, Millis(1000));

  EXPECT_TRUE(
      ImdsOptions::from_environment(env_of({{"AWS_EC2_METADATA_DISABLED", "True"}})).disabled);
  EXPECT_FALSE(
      ImdsOptions::from_environment(env_of({{"AWS_EC2_METADATA_DISABLED", "no"}})).disabled);
  EXPECT_EQ(
      ImdsOptions::from_environment(env_of({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv6"}}))
          .endpoint,
      "http://[fd00:ec2::254]");
  auto both = ImdsOptions::from_environment(
      env_of({{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1338/"},
              {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"}}));
  EXPECT_EQ(both.endpoint, "http://127.0.0.1:1338");  // the endpoint wins over the mode
  auto bad =
      ImdsOptions::from_environment(env_of({{"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv5"}}));
  EXPECT_FALSE(bad.config_error.empty());
  auto tuned = ImdsOptions::from_environment(env_of({{"AWS_METADATA_SERVICE_TIMEOUT", "0.5"},
                                                     {"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "3"},
                                                     {"AWS_EC2_METADATA_V1_DISABLED", "true"}}));
  EXPECT_EQ(tuned.request_timeout, Millis(500));
  EXPECT_EQ(tuned.max_attempts, 3);
  EXPECT_FALSE(tuned.allow_v1_fallback);
  auto junk = ImdsOptions::from_environment(Environment(
      {{"AWS_METADATA_SERVICE_TIMEOUT", "soon"}, {"AWS_METADATA_SERVICE_NUM_ATTEMPTS", "-2"}}));
  EXPECT_EQ(junk.request_timeout, d.request_timeout);
  EXPECT_EQ(junk.max_attempts, d.max_attempts);
}

}  // namespace
}  // namespace bedrock_reach
