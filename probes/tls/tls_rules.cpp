#include "tls/tls_rules.hpp"

#include "aws/sigv4.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "bedrock_reach/strings.hpp"

namespace bedrock_reach {
namespace {

constexpr std::size_t kMaxMessage = 240;
constexpr std::size_t kMaxParsedBody = 64 * 1024;
constexpr long long kSecondsPerDay = 86400;

using strings::lower;

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// One printable line, capped. AWS error text can echo a canonical request (which would carry the
// session-token header), so anything after the first line or a "Canonical String" is dropped.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') break;
    out.push_back(std::isprint(static_cast<unsigned char>(c)) ? c : '?');
    if (out.size() >= kMaxMessage) break;
  }
  for (std::string_view marker : {"The Canonical String", "The String-to-Sign"}) {
    auto at = out.find(marker);
    if (at != std::string::npos) out.resize(at);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string string_field(const nlohmann::json& object, std::initializer_list<const char*> names) {
  if (!object.is_object()) return {};
  for (const char* name : names) {
    auto found = object.find(name);
    if (found != object.end() && found->is_string()) return found->get<std::string>();
  }
  return {};
}

// "com.amazon.coral.service#UnknownOperationException" → "UnknownOperationException";
// "AccessDeniedException:http://internal..." → "AccessDeniedException".
std::string bare_type(std::string type) {
  auto hash = type.rfind('#');
  if (hash != std::string::npos) type = type.substr(hash + 1);
  auto colon = type.find(':');
  if (colon != std::string::npos) type.resize(colon);
  return one_line(type);
}

bool is_credentials_error(std::string_view type_lower, std::string_view message_lower) {
  static constexpr std::string_view kTypes[] = {"unrecognizedclientexception",
                                                "invalidsignatureexception",
                                                "signaturedoesnotmatch",
                                                "incompletesignatureexception",
                                                "incompletesignature",
                                                "expiredtokenexception",
                                                "expiredtoken",
                                                "invalidclienttokenid",
                                                "missingauthenticationtokenexception",
                                                "missingauthenticationtoken",
                                                "invalidaccesskeyid",
                                                "requestexpired",
                                                "authfailure",
                                                "invalidtokenexception"};
  for (auto known : kTypes) {
    if (type_lower == known) return true;
  }
  return contains(message_lower, "security token included in the request is invalid") ||
         contains(message_lower, "security token included in the request is expired") ||
         contains(message_lower, "signature we calculated does not match") ||
         contains(message_lower, "authorization header is missing") ||
         contains(message_lower, "missing authentication token") ||
         contains(message_lower, "signature expired");
}

}  // namespace

std::string failure_code(const HttpFailure& failure, bool via_proxy) {
  const bool tls_up = failure.timings.tls_ms > 0;
  switch (failure.kind) {
    case ErrorKind::cancelled:
      return "CHECK_DEADLINE";
    case ErrorKind::timeout:
      if (tls_up) return "HTTP_NOT_AWS";
      // Connected but no handshake: something accepted TCP and then stalled the TLS exchange.
      return failure.connected && !via_proxy ? "TLS_HANDSHAKE_FAILED" : "TLS_CONNECT_TIMEOUT";
    case ErrorKind::refused:
    case ErrorKind::unreachable:
    case ErrorKind::dns:  // the name is pinned; only a proxy's own name can fail to resolve
      if (tls_up) return "HTTP_NOT_AWS";
      return failure.connected && !via_proxy ? "TLS_HANDSHAKE_FAILED" : "TLS_CONNECT_REFUSED";
    case ErrorKind::tls:
      if (failure.tls_reason == "expired" || failure.tls_reason == "not_yet_valid") {
        return "TLS_CERT_EXPIRED";
      }
      if (failure.tls_reason == "untrusted" || failure.tls_reason == "self_signed") {
        return "TLS_CERT_UNTRUSTED";
      }
      if (failure.tls_reason == "name_mismatch") return "TLS_CERT_NAME_MISMATCH";
      if (failure.tls_reason == "protocol_version") return "TLS_PROTOCOL_OLD";
      return "TLS_HANDSHAKE_FAILED";
    default:
      return tls_up ? "HTTP_NOT_AWS" : "TLS_HANDSHAKE_FAILED";
  }
}

bool starved_of_cpu(Millis cpu_waited, Millis allowed) {
  return cpu_waited >= Millis{100} && cpu_waited * 4 >= allowed;
}

bool server_flight_arrived(const HttpFailure& failure) {
  return failure.kind == ErrorKind::timeout && failure.leaf && failure.tls_version == "TLSv1.3";
}

std::string failure_detail(const HttpFailure& failure) {
  std::string detail = one_line(failure.message);
  if (detail.empty()) detail = to_string(failure.kind);
  return detail;
}

long days_left(const CertDetails& cert, long long now_unix) {
  long long seconds = cert.not_after - now_unix;
  // Floor division, so a certificate that expired an hour ago has -1 days, not 0.
  long long days =
      seconds >= 0 ? seconds / kSecondsPerDay : -((-seconds + kSecondsPerDay - 1) / kSecondsPerDay);
  return static_cast<long>(days);
}

bool tls_version_below_1_2(std::string_view version) {
  return version == "TLSv1.1" || version == "TLSv1" || version == "TLSv1.0" || version == "SSLv3" ||
         version == "SSLv2";
}

std::vector<RuleHit> handshake_checks(const std::string& tls_version,
                                      const std::optional<CertDetails>& leaf, long long now_unix,
                                      int expiry_warning_days) {
  std::vector<RuleHit> hits;
  if (tls_version_below_1_2(tls_version)) {
    hits.push_back({"TLS_PROTOCOL_OLD",
                    "negotiated " + tls_version + ", below TLS 1.2",
                    {"negotiated version " + tls_version}});
  }
  if (!leaf || leaf->not_after == 0) return hits;
  long left = days_left(*leaf, now_unix);
  std::vector<std::string> evidence = {"certificate subject " + leaf->subject,
                                       "notAfter (unix) " + std::to_string(leaf->not_after),
                                       "days left " + std::to_string(left)};
  if (leaf->not_before > now_unix) {
    hits.push_back({"TLS_CERT_EXPIRED", "the certificate is not valid yet", evidence});
  } else if (left < 0 || leaf->not_after <= now_unix) {
    hits.push_back({"TLS_CERT_EXPIRED",
                    "the certificate expired " + std::to_string(-left) + " days ago", evidence});
  } else if (left < expiry_warning_days) {
    hits.push_back({"TLS_CERT_EXPIRING",
                    "the certificate expires in " + std::to_string(left) + " days (warning at " +
                        std::to_string(expiry_warning_days) + ")",
                    evidence});
  }
  return hits;
}

AwsError aws_error_of(const HttpResponse& response) {
  AwsError error;
  if (const std::string* id = response.header("x-amzn-requestid")) error.request_id = one_line(*id);
  if (error.request_id.empty()) {
    if (const std::string* id = response.header("x-amz-request-id")) {
      error.request_id = one_line(*id);
    }
  }
  if (const std::string* type = response.header("x-amzn-errortype")) error.type = bare_type(*type);
  if (response.body.empty() || response.body.size() > kMaxParsedBody) return error;
  auto body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return error;
  std::string message = string_field(body, {"message", "Message"});
  // Classify on the whole message: the deciding words ("VPC endpoint policy") come at its end,
  // past what a display line keeps.
  error.message_lower = lower(message);
  error.message = one_line(message);
  if (error.type.empty()) {
    std::string type = string_field(body, {"__type", "code", "Code"});
    if (type.empty() && body.contains("Output")) type = string_field(body["Output"], {"__type"});
    error.type = bare_type(type);
  }
  return error;
}

bool is_aws_shaped(const HttpResponse& response) {
  for (const char* name : {"x-amzn-requestid", "x-amz-request-id", "x-amzn-errortype"}) {
    const std::string* value = response.header(name);
    if (value != nullptr && !value->empty()) return true;
  }
  return false;
}

const char* to_string(SignedVerdict verdict) {
  switch (verdict) {
    case SignedVerdict::allowed:
      return "allowed";
    case SignedVerdict::denied_policy:
      return "denied-policy";
    case SignedVerdict::denied_iam:
      return "denied-iam";
    case SignedVerdict::credentials_invalid:
      return "credentials-invalid";
    case SignedVerdict::not_aws:
      return "not-aws";
    case SignedVerdict::inconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

SignedClassification classify_signed_reply(const HttpResponse& response) {
  SignedClassification out;
  if (!is_aws_shaped(response)) return out;
  out.error = aws_error_of(response);
  const std::string type = lower(out.error.type);
  const std::string& message = out.error.message_lower;
  const long status = response.status;
  if (status >= 200 && status < 300) {
    out.verdict = SignedVerdict::allowed;
  } else if (status == 401 || is_credentials_error(type, message)) {
    out.verdict = SignedVerdict::credentials_invalid;
  } else if (status == 403 || type == "accessdeniedexception") {
    if (contains(message, "vpc endpoint policy")) {
      out.verdict = SignedVerdict::denied_policy;
      out.explicit_deny = contains(message, "explicit deny");
    } else {
      out.verdict = SignedVerdict::denied_iam;
    }
  } else if (status >= 500) {
    out.verdict = SignedVerdict::inconclusive;
  } else {
    // 400 validation, 404 not found / unknown operation, 429 throttling, 424...: the request was
    // authenticated and authorized before the service looked at the (nonexistent) resource.
    out.verdict = SignedVerdict::allowed;
  }
  return out;
}

std::optional<ProbeCall> signed_probe_call(std::string_view service, std::string_view model) {
  std::string name(service);
  if (name.size() > 5 && name.compare(name.size() - 5, 5, "-fips") == 0) {
    name.resize(name.size() - 5);
  }
  if (name == "bedrock") return ProbeCall{"GET", "/foundation-models", "", "ListFoundationModels"};
  if (name == "bedrock-runtime") {
    // The application's model (--model), its ID URI-encoded as one path segment as botocore
    // serializes the modelId label (serialize.py _render_uri_template: ':' -> %3A, '/' -> %2F).
    // The body "{}" is no valid request for any model, so Bedrock refuses it with
    // ValidationException before anything runs. A path with %XX is signed by the agent itself
    // (aws/sigv4: curl 7.88.1 cannot sign it, reference §5.2).
    if (!model.empty())
      return ProbeCall{"POST", "/model/" + sigv4_uri_encode(model, false) + "/invoke", "{}",
                       "InvokeModel"};
    return ProbeCall{"POST", "/model/bedrock-reach-probe-nonexistent/invoke", "{}", "InvokeModel"};
  }
  if (name == "bedrock-agent") {
    // ListAgents is POST /agents/ in the service model; it only lists.
    return ProbeCall{"POST", "/agents/", "{}", "ListAgents"};
  }
  if (name == "bedrock-agent-runtime") {
    // Retrieve from a knowledge base that does not exist: read-only, nothing runs, and authorized
    // as bedrock:Retrieve - one of the actions the policy evaluation checks for this service
    // (required_actions), so the signed call and the evaluation judge the same thing.
    return ProbeCall{"POST", "/knowledgebases/BRPROBE000/retrieve", "{}", "Retrieve"};
  }
  return std::nullopt;
}

ProbeCall unsigned_probe_call(std::string_view service) {
  if (auto call = signed_probe_call(service)) return *call;
  return ProbeCall{"GET", "/", "", "GET /"};
}

}  // namespace bedrock_reach
