// Table tests for the pure TLS/HTTP rules (probes/tls/tls_rules.hpp).
#include "tls/tls_rules.hpp"

#include <gtest/gtest.h>

namespace bedrock_reach {
namespace {

HttpFailure failure(ErrorKind kind, std::string reason = "", double connect_ms = 0,
                    double tls_ms = 0, std::string message = "m") {
  HttpFailure f;
  f.kind = kind;
  f.tls_reason = std::move(reason);
  f.timings.connect_ms = connect_ms;
  f.timings.tls_ms = tls_ms;
  f.connected = connect_ms > 0;
  f.message = std::move(message);
  return f;
}

struct FailureCase {
  const char* name;
  HttpFailure failure;
  bool via_proxy;
  const char* code;
};

TEST(TlsRules, FailureCodes) {
  const FailureCase cases[] = {
      {"syn timeout", failure(ErrorKind::timeout), false, "TLS_CONNECT_TIMEOUT"},
      {"handshake stall", failure(ErrorKind::timeout, "", 0.3), false, "TLS_HANDSHAKE_FAILED"},
      {"reply stall", failure(ErrorKind::timeout, "", 0.3, 2.0), false, "HTTP_NOT_AWS"},
      {"proxy tunnel timeout", failure(ErrorKind::timeout, "", 0.3), true, "TLS_CONNECT_TIMEOUT"},
      {"refused", failure(ErrorKind::refused), false, "TLS_CONNECT_REFUSED"},
      {"unreachable", failure(ErrorKind::unreachable), false, "TLS_CONNECT_REFUSED"},
      {"reset in handshake", failure(ErrorKind::refused, "", 0.2), false, "TLS_HANDSHAKE_FAILED"},
      {"proxy refused tunnel", failure(ErrorKind::refused, "", 0.2), true, "TLS_CONNECT_REFUSED"},
      {"reset after TLS", failure(ErrorKind::refused, "", 0.2, 1.0), false, "HTTP_NOT_AWS"},
      {"proxy name", failure(ErrorKind::dns), true, "TLS_CONNECT_REFUSED"},
      {"expired", failure(ErrorKind::tls, "expired", 0.2), false, "TLS_CERT_EXPIRED"},
      {"not yet valid", failure(ErrorKind::tls, "not_yet_valid", 0.2), false, "TLS_CERT_EXPIRED"},
      {"untrusted", failure(ErrorKind::tls, "untrusted", 0.2), false, "TLS_CERT_UNTRUSTED"},
      {"self-signed", failure(ErrorKind::tls, "self_signed", 0.2), false, "TLS_CERT_UNTRUSTED"},
      {"name", failure(ErrorKind::tls, "name_mismatch", 0.2), false, "TLS_CERT_NAME_MISMATCH"},
      {"old", failure(ErrorKind::tls, "protocol_version", 0.2), false, "TLS_PROTOCOL_OLD"},
      {"handshake", failure(ErrorKind::tls, "handshake", 0.2), false, "TLS_HANDSHAKE_FAILED"},
      {"cancelled", failure(ErrorKind::cancelled), false, "CHECK_DEADLINE"},
      {"garbage before TLS", failure(ErrorKind::protocol, "", 0.2), false, "TLS_HANDSHAKE_FAILED"},
      {"garbage after TLS", failure(ErrorKind::protocol, "", 0.2, 1), false, "HTTP_NOT_AWS"},
      {"too large", failure(ErrorKind::too_large, "", 0.2, 1), false, "HTTP_NOT_AWS"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(failure_code(c.failure, c.via_proxy), c.code) << c.name;
  }
}

TEST(TlsRules, FailureDetailIsOneCappedLine) {
  auto f = failure(ErrorKind::tls, "", 0, 0, std::string(500, 'x') + "\nsecond line");
  std::string detail = failure_detail(f);
  EXPECT_LE(detail.size(), 240u);
  EXPECT_EQ(detail.find('\n'), std::string::npos);
  EXPECT_EQ(failure_detail(failure(ErrorKind::timeout, "", 0, 0, "")), "timeout");
}

TEST(TlsRules, DaysLeftFloors) {
  CertDetails cert;
  cert.not_after = 1000000;
  EXPECT_EQ(days_left(cert, 1000000 - 86400 * 10), 10);
  EXPECT_EQ(days_left(cert, 1000000 - 86400 * 10 + 1), 9);
  EXPECT_EQ(days_left(cert, 1000000 + 3600), -1);
  EXPECT_EQ(days_left(cert, 1000000), 0);
}

TEST(TlsRules, VersionFloor) {
  for (const char* old : {"TLSv1.1", "TLSv1", "SSLv3"}) EXPECT_TRUE(tls_version_below_1_2(old));
  for (const char* ok : {"TLSv1.2", "TLSv1.3", ""}) EXPECT_FALSE(tls_version_below_1_2(ok));
}

TEST(TlsRules, HandshakeChecks) {
  const long long now = 1'800'000'000;
  CertDetails cert;
  cert.subject = "/CN=x";
  cert.not_before = now - 86400;
  cert.not_after = now + 86400 * 30;
  EXPECT_TRUE(handshake_checks("TLSv1.3", cert, now, 14).empty());
  cert.not_after = now + 86400 * 5 + 10;
  auto hits = handshake_checks("TLSv1.3", cert, now, 14);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].code, "TLS_CERT_EXPIRING");
  EXPECT_NE(hits[0].message.find("5 days"), std::string::npos);
  EXPECT_TRUE(handshake_checks("TLSv1.3", cert, now, 3).empty());  // threshold configurable
  cert.not_after = now - 86400 * 2;
  hits = handshake_checks("TLSv1.1", cert, now, 14);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].code, "TLS_PROTOCOL_OLD");
  EXPECT_EQ(hits[1].code, "TLS_CERT_EXPIRED");
  cert.not_before = now + 100;
  cert.not_after = now + 86400 * 100;
  hits = handshake_checks("TLSv1.2", cert, now, 14);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].code, "TLS_CERT_EXPIRED");
  EXPECT_TRUE(handshake_checks("TLSv1.2", std::nullopt, now, 14).empty());
}

HttpResponse reply(long status, std::vector<std::pair<std::string, std::string>> headers,
                   std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

const std::pair<std::string, std::string> kRequestId{"x-amzn-requestid", "abc-123"};

TEST(TlsRules, AwsShapeAndErrorParsing) {
  // The captured unsigned reply (reference §6.3), capital "Message".
  auto unsigned_reply =
      reply(403,
            {kRequestId,
             {"x-amzn-errortype",
              "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/"}},
            R"({"Message":"Authorization header is missing"})");
  EXPECT_TRUE(is_aws_shaped(unsigned_reply));
  AwsError e = aws_error_of(unsigned_reply);
  EXPECT_EQ(e.type, "AccessDeniedException");
  EXPECT_EQ(e.message, "Authorization header is missing");
  EXPECT_EQ(e.request_id, "abc-123");

  auto unknown_op = reply(404, {kRequestId},
                          R"({"Output":{"__type":"com.amazon.coral.service#)"
                          R"(UnknownOperationException"},"Version":"1.0"})");
  EXPECT_EQ(aws_error_of(unknown_op).type, "UnknownOperationException");

  EXPECT_FALSE(is_aws_shaped(reply(200, {{"server", "nginx"}}, "<html>")));
  EXPECT_FALSE(is_aws_shaped(reply(403, {{"x-amzn-requestid", ""}}, "")));
  EXPECT_TRUE(is_aws_shaped(reply(404, {{"x-amzn-errortype", "X"}}, "")));
  // Hostile bodies: not JSON, deep garbage, huge.
  EXPECT_EQ(aws_error_of(reply(403, {kRequestId}, "{not json")).message, "");
  EXPECT_EQ(aws_error_of(reply(403, {kRequestId}, R"({"message":42})")).message, "");
  EXPECT_EQ(aws_error_of(reply(403, {kRequestId}, std::string(70000, '['))).message, "");
}

TEST(TlsRules, ErrorMessageDropsCanonicalRequestEcho) {
  auto r = reply(403, {kRequestId, {"x-amzn-errortype", "InvalidSignatureException"}},
                 R"({"message":"Signature mismatch. The Canonical String for this request )"
                 R"(should have been 'x-amz-security-token:SECRET'"})");
  EXPECT_EQ(aws_error_of(r).message, "Signature mismatch.");
}

struct SignedCase {
  const char* name;
  HttpResponse response;
  SignedVerdict verdict;
  bool explicit_deny;
};

TEST(TlsRules, SignedReplyClassification) {
  auto denied = [](std::string message) {
    return reply(403, {kRequestId, {"x-amzn-errortype", "AccessDeniedException:http://x/"}},
                 R"({"message":")" + message + R"("})");
  };
  const SignedCase cases[] = {
      {"200 list", reply(200, {kRequestId}, R"({"modelSummaries":[]})"), SignedVerdict::allowed,
       false},
      {"validation", reply(400, {kRequestId, {"x-amzn-errortype", "ValidationException"}}, "{}"),
       SignedVerdict::allowed, false},
      {"not found",
       reply(404, {kRequestId, {"x-amzn-errortype", "ResourceNotFoundException"}}, "{}"),
       SignedVerdict::allowed, false},
      {"throttled", reply(429, {kRequestId, {"x-amzn-errortype", "ThrottlingException"}}, "{}"),
       SignedVerdict::allowed, false},
      {"explicit endpoint deny",
       denied("User: arn:aws:sts::1:assumed-role/r/i is not authorized to perform: "
              "bedrock:InvokeModel on resource: arn:x with an explicit deny in a VPC endpoint "
              "policy"),
       SignedVerdict::denied_policy, true},
      {"implicit endpoint deny",
       denied("User: u is not authorized to perform: bedrock:InvokeModel on resource: r because "
              "no VPC endpoint policy allows the bedrock:InvokeModel action"),
       SignedVerdict::denied_policy, false},
      {"iam deny",
       denied("User: u is not authorized to perform: bedrock:InvokeModel on resource: r because "
              "no identity-based policy allows the bedrock:InvokeModel action"),
       SignedVerdict::denied_iam, false},
      {"account not authorized", denied("Your account is not authorized to invoke this API."),
       SignedVerdict::denied_iam, false},
      {"bad token",
       reply(403, {kRequestId, {"x-amzn-errortype", "UnrecognizedClientException:http://x/"}},
             R"({"message":"The security token included in the request is invalid."})"),
       SignedVerdict::credentials_invalid, false},
      {"bad signature",
       reply(403, {kRequestId, {"x-amzn-errortype", "InvalidSignatureException"}},
             R"({"message":"The request signature we calculated does not match"})"),
       SignedVerdict::credentials_invalid, false},
      {"expired token",
       reply(403, {kRequestId, {"x-amzn-errortype", "ExpiredTokenException"}}, "{}"),
       SignedVerdict::credentials_invalid, false},
      {"unsigned reached", denied("Authorization header is missing"),
       SignedVerdict::credentials_invalid, false},
      {"401", reply(401, {kRequestId}, ""), SignedVerdict::credentials_invalid, false},
      {"server error",
       reply(500, {kRequestId, {"x-amzn-errortype", "InternalServerException"}}, "{}"),
       SignedVerdict::inconclusive, false},
      {"not aws", reply(403, {{"server", "squid"}}, "Access Denied"), SignedVerdict::not_aws,
       false},
  };
  for (const auto& c : cases) {
    auto got = classify_signed_reply(c.response);
    EXPECT_EQ(got.verdict, c.verdict) << c.name << " got " << to_string(got.verdict);
    EXPECT_EQ(got.explicit_deny, c.explicit_deny) << c.name;
  }
}

TEST(TlsRules, ProbeCalls) {
  auto control = signed_probe_call("bedrock");
  ASSERT_TRUE(control);
  EXPECT_EQ(control->method, "GET");
  EXPECT_EQ(control->path, "/foundation-models");
  auto runtime = signed_probe_call("bedrock-runtime");
  ASSERT_TRUE(runtime);
  EXPECT_EQ(runtime->method, "POST");
  EXPECT_EQ(runtime->path, "/model/bedrock-reach-probe-nonexistent/invoke");
  EXPECT_EQ(runtime->body, "{}");
  EXPECT_EQ(runtime->path.find(':'), std::string::npos);
  EXPECT_TRUE(signed_probe_call("bedrock-runtime-fips"));
  EXPECT_EQ(signed_probe_call("bedrock-agent")->operation, "ListAgents");
  // Retrieve on a knowledge base that cannot exist: one of the actions the policy evaluation
  // checks for the service (required_actions), read-only.
  EXPECT_EQ(signed_probe_call("bedrock-agent-runtime")->method, "POST");
  EXPECT_EQ(signed_probe_call("bedrock-agent-runtime")->operation, "Retrieve");
  // --model: the model ID is one URI-encoded path segment, as botocore sends it; ':' and '/'
  // become %3A and %2F (the agent signs such a path itself, aws/sigv4).
  EXPECT_EQ(signed_probe_call("bedrock-runtime", "amazon.titan-embed-g1-text-02")->path,
            "/model/amazon.titan-embed-g1-text-02/invoke");
  EXPECT_EQ(signed_probe_call("bedrock-runtime", "anthropic.claude-3-haiku-20240307-v1:0")->path,
            "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke");
  EXPECT_EQ(signed_probe_call("bedrock-runtime",
                              "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
                              "us.anthropic.claude-3-5-sonnet-20240620-v1:0")
                ->path,
            "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2F"
            "us.anthropic.claude-3-5-sonnet-20240620-v1%3A0/invoke");
  EXPECT_FALSE(signed_probe_call("sts"));
  EXPECT_EQ(unsigned_probe_call("sts").path, "/");
  EXPECT_EQ(unsigned_probe_call("bedrock").path, "/foundation-models");
}

}  // namespace
}  // namespace bedrock_reach

namespace bedrock_reach {
namespace {

// Received bytes are hostile: deterministic pseudo-random replies must never crash the rules.
TEST(TlsRules, HostileRepliesNeverCrash) {
  std::uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1664525u + 1013904223u;
    return seed >> 8;
  };
  const std::string alphabet = "{}[]\":,#\\ abcXYZ0189\n\r\t\x01\xff";
  for (int round = 0; round < 3000; ++round) {
    std::string body, type;
    for (std::uint32_t i = 0, n = next() % 64; i < n; ++i)
      body += alphabet[next() % alphabet.size()];
    for (std::uint32_t i = 0, n = next() % 16; i < n; ++i)
      type += alphabet[next() % alphabet.size()];
    HttpResponse r;
    r.status = static_cast<long>(next() % 700);
    r.headers = {{"x-amzn-requestid", type}, {"x-amzn-errortype", type}};
    r.body = body;
    auto verdict = classify_signed_reply(r);
    EXPECT_LE(verdict.error.message.size(), 240u);
    EXPECT_EQ(verdict.error.message.find('\n'), std::string::npos);
  }
}

TEST(TlsRules, StarvedOfCpuNeedsAQuarterOfTheTimeAndAtLeast100Ms) {
  EXPECT_FALSE(starved_of_cpu(Millis{0}, Millis{2000}));
  EXPECT_FALSE(starved_of_cpu(Millis{499}, Millis{2000}));
  EXPECT_TRUE(starved_of_cpu(Millis{500}, Millis{2000}));
  EXPECT_TRUE(starved_of_cpu(Millis{1900}, Millis{2000}));
  EXPECT_FALSE(starved_of_cpu(Millis{99}, Millis{300}));  // too little to say anything
  EXPECT_TRUE(starved_of_cpu(Millis{100}, Millis{300}));
  EXPECT_FALSE(starved_of_cpu(Millis{-50}, Millis{300}));  // a clock that went back: not starved
}

TEST(TlsRules, ServerFlightArrivedOnlyForATimedOutTls13HandshakeWithTheCertificate) {
  auto with_flight = [](ErrorKind kind, const char* version, bool leaf) {
    HttpFailure f = failure(kind, "handshake", 1, 0);
    f.tls_version = version;
    if (leaf) f.leaf = CertDetails{};
    return f;
  };
  EXPECT_TRUE(server_flight_arrived(with_flight(ErrorKind::timeout, "TLSv1.3", true)));
  // TLS 1.2: the server still owes its Finished, so a stall there is the server's.
  EXPECT_FALSE(server_flight_arrived(with_flight(ErrorKind::timeout, "TLSv1.2", true)));
  // No certificate yet: the server never sent its flight (a stall, a dropped SYN-ACK).
  EXPECT_FALSE(server_flight_arrived(with_flight(ErrorKind::timeout, "TLSv1.3", false)));
  EXPECT_FALSE(server_flight_arrived(with_flight(ErrorKind::timeout, "", false)));
  // Not a timeout: the failure speaks for itself.
  EXPECT_FALSE(server_flight_arrived(with_flight(ErrorKind::tls, "TLSv1.3", true)));
}

}  // namespace
}  // namespace bedrock_reach
