// Endpoint inference when the EC2 API cannot show the endpoint (shared VPC, no API path, denied).
#include <gtest/gtest.h>

#include "path/endpoint_inference.hpp"

namespace bedrock_reach {
namespace {

TlsResult aws_reply() {
  TlsResult tls;
  tls.ok = true;
  tls.version = "TLSv1.3";
  tls.issuer = "Amazon RSA 2048 M02";
  tls.http_status = 403;
  tls.aws_request_id = "6f1c0d5e-2b3a-4c1d-9e8f-0a1b2c3d4e5f";
  return tls;
}

InferenceInput input(std::vector<InferenceAddress> addresses, std::string why = "shared VPC") {
  return InferenceInput{"bedrock-runtime", "bedrock-runtime.us-east-1.amazonaws.com",
                        std::move(why), std::move(addresses)};
}

TEST(EndpointInference, Table) {
  TlsResult good = aws_reply();
  TlsResult failed = aws_reply();
  failed.ok = false;
  TlsResult not_aws = aws_reply();
  not_aws.aws_request_id.clear();
  TlsResult proxied = aws_reply();
  proxied.via_proxy = true;
  struct Case {
    const char* name;
    InferenceInput in;
    bool inferred;
  };
  std::vector<Case> cases{
      {"every answer in the VPC, TLS verified, AWS reply",
       input({{"10.0.1.31", "vpc-private", &good}, {"10.0.2.31", "vpc-private", &good}}), true},
      {"one answer's TLS failed",
       input({{"10.0.1.31", "vpc-private", &good}, {"10.0.2.31", "vpc-private", &failed}}), false},
      {"reply without x-amzn-RequestId", input({{"10.0.1.31", "vpc-private", &not_aws}}), false},
      {"not probed", input({{"10.0.1.31", "vpc-private", nullptr}}), false},
      {"through a proxy", input({{"10.0.1.31", "vpc-private", &proxied}}), false},
      {"public answer", input({{"44.213.112.71", "public", &good}}), false},
      {"private outside the VPC (hub or stale)",
       input({{"10.50.1.10", "private-outside-vpc", &good}}), false},
      {"no answers", input({}), false},
      {"endpoint not hidden", input({{"10.0.1.31", "vpc-private", &good}}, ""), false},
  };
  for (const auto& c : cases) {
    auto finding = infer_private_endpoint(c.in);
    EXPECT_EQ(finding.has_value(), c.inferred) << c.name;
    if (finding) {
      EXPECT_EQ(finding->code, "ENDPOINT_INFERRED") << c.name;
      EXPECT_EQ(finding->severity, Severity::info) << c.name;
      EXPECT_NE(finding->message.find("10.0.1.31"), std::string::npos) << c.name;
      EXPECT_NE(finding->message.find("shared VPC"), std::string::npos) << c.name;
    }
  }
}

}  // namespace
}  // namespace bedrock_reach
