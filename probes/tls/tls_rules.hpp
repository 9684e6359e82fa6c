#pragma once
// Pure rules of the per-address TLS/HTTP probe: an exchange's outcome (HttpResult values, never
// curl types) → finding codes, certificate and protocol checks, and the classification of
// Bedrock replies (aws-reference §6.3-6.5). Table-tested in tests/unit/tls_rules_test.cpp.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/http.hpp"

namespace bedrock_reach {

/// The catalog code for a failed exchange: a TLS_* code while connecting or handshaking,
/// HTTP_NOT_AWS once TLS was up, CHECK_DEADLINE when the check's deadline cancelled it.
/// `via_proxy`: failures before TLS then concern the proxy's tunnel, never a handshake.
std::string failure_code(const HttpFailure& failure, bool via_proxy = false);
/// One line for TlsResult::detail and finding messages.
std::string failure_detail(const HttpFailure& failure);

/// Whether the agent was starved of CPU during a timed step: its thread waited `cpu_waited` (ready
/// to run, not running) of the `allowed` time, a quarter or more (and at least 100 ms). The wait is
/// the whole loop thread's, so it is judged only where server_flight_arrived says the server had
/// already done its part; then HOST_CPU_STARVED replaces TLS_HANDSHAKE_FAILED (tls_probe.cpp).
bool starved_of_cpu(Millis cpu_waited, Millis allowed);
/// A handshake that timed out after the server's TLS 1.3 flight (its certificate included) had
/// arrived: nothing but the agent's own work was left. A server that never answered, a dropped
/// SYN-ACK, or a TLS 1.2 server still owing its Finished is not this, however busy the host.
bool server_flight_arrived(const HttpFailure& failure);

/// Whole days from `now_unix` to notAfter; negative once expired.
long days_left(const CertDetails& cert, long long now_unix);
/// "TLSv1.1", "TLSv1", "SSLv3" → true; "TLSv1.2", "TLSv1.3", "" → false.
bool tls_version_below_1_2(std::string_view version);

struct RuleHit {
  std::string code;
  std::string message;
  std::vector<std::string> evidence;
};
/// Checks on a completed handshake: TLS_PROTOCOL_OLD, TLS_CERT_EXPIRED, TLS_CERT_EXPIRING.
std::vector<RuleHit> handshake_checks(const std::string& tls_version,
                                      const std::optional<CertDetails>& leaf, long long now_unix,
                                      int expiry_warning_days);

/// The AWS error of a reply: code from x-amzn-ErrorType (text before ':') or the body's
/// __type/code, message from the body's message/Message (single line, capped).
struct AwsError {
  std::string type;
  std::string message;  // for display: one line, capped
  std::string request_id;
  std::string message_lower;  // whole message (up to the parsed-body cap), for classification
};
AwsError aws_error_of(const HttpResponse& response);
/// True when the reply carries x-amzn-RequestId (or x-amz-request-id / x-amzn-ErrorType): it came
/// from an AWS front end, whatever its status (§6.3).
bool is_aws_shaped(const HttpResponse& response);

enum class SignedVerdict {
  allowed,              // 2xx, or a validation / not-found / throttling error after authorization
  denied_policy,        // 403 naming a VPC endpoint policy
  denied_iam,           // any other 403 AccessDenied
  credentials_invalid,  // signature, token or key rejected
  not_aws,              // not an AWS-shaped reply
  inconclusive,         // 5xx: reached AWS, no verdict on authorization
};
const char* to_string(SignedVerdict verdict);  // allowed|denied-policy|denied-iam|...

struct SignedClassification {
  SignedVerdict verdict = SignedVerdict::not_aws;
  bool explicit_deny = false;  // the message says "explicit deny"
  AwsError error;
};
SignedClassification classify_signed_reply(const HttpResponse& response);

/// The harmless call that proves a service: authorized like real use, but runs nothing.
struct ProbeCall {
  std::string method;
  std::string path;
  std::string body;  // sent with Content-Type application/json when not empty
  std::string operation;
};
/// nullopt: no signed call for this service (unknown service).
/// `model`: the application's model for bedrock-runtime (empty: a stand-in that cannot exist).
std::optional<ProbeCall> signed_probe_call(std::string_view service, std::string_view model = {});
/// The unsigned reachability request: the signed call's shape, or GET / for other services.
ProbeCall unsigned_probe_call(std::string_view service);

}  // namespace bedrock_reach
