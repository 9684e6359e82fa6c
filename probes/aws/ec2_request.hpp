#pragma once
// Pure pieces of the EC2 Query API client: options from the environment, the form body, the
// HttpRequest (SigV4 by libcurl), classification of answers and the backoff schedule.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/region.hpp"
#include "bedrock_reach/credentials.hpp"
#include "bedrock_reach/environment.hpp"
#include "bedrock_reach/http.hpp"

namespace bedrock_reach {

inline constexpr std::string_view kEc2ApiVersion = "2016-11-15";

struct Ec2Options {
  std::string region;                       // signing region
  std::string endpoint_url;                 // https://ec2.REGION.amazonaws.com, no trailing slash
  std::string endpoint_source = "default";  // AWS_ENDPOINT_URL_EC2|AWS_ENDPOINT_URL|fips|default
  std::string ca_bundle;                    // AWS_CA_BUNDLE; empty: the system store
  std::optional<std::string> proxy;         // nullopt: direct (the lead decides on proxies)
  Millis connect_timeout{1500};
  Millis attempt_timeout{5000};
  int max_attempts = 5;          // per page, throttling and 5xx included
  int max_timeout_attempts = 2;  // a timed-out attempt is retried at most once
  Millis backoff_base{100};
  Millis backoff_cap{2000};
  int max_pages = 20;
  std::size_t max_body_bytes = 4u << 20;
  std::uint64_t jitter_seed = 0;  // 0: seeded from std::random_device

  /// Endpoint: AWS_ENDPOINT_URL_EC2, else AWS_ENDPOINT_URL (both ignored when
  /// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), else https://ec2[-fips].REGION.DNS_SUFFIX
  /// (AWS_USE_FIPS_ENDPOINT=true; in aws-us-gov the FIPS host is ec2.REGION itself), the DNS
  /// suffix from the Region's partition. CA bundle from AWS_CA_BUNDLE.
  static Ec2Options from_environment(const Environment& env, const Region& region);
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;

/// RFC 3986: unreserved characters stay, everything else is %XX with upper-case hex.
std::string rfc3986_encode(std::string_view text);
/// "Action=A&Version=2016-11-15&k=v..." fully encoded, parameters in the given order.
std::string ec2_form_body(std::string_view action, const QueryParams& params);
/// Filter.N.Name / Filter.N.Value.M (1-based), as botocore's EC2 serializer writes them.
void add_ec2_filter(QueryParams& params, int index, const std::string& name,
                    const std::vector<std::string>& values);
/// NAME.1, NAME.2, ...
void add_ec2_list(QueryParams& params, const std::string& name,
                  const std::vector<std::string>& values);

/// The signed POST: SigV4 (region, "ec2", credentials) is done by the HTTP engine; the session
/// token travels as X-Amz-Security-Token. Only plain "Name: value" headers (removal-style
/// headers break 7.88.1's signing). `credentials` must outlive the request.
HttpRequest build_ec2_request(const Ec2Options& options, const Credentials& credentials,
                              std::string_view action, const QueryParams& params,
                              Millis total_timeout);

enum class Ec2FailureKind {
  transport,  // no HTTP answer: timeout, refused, DNS, TLS
  throttled,  // RequestLimitExceeded and friends
  server,     // 5xx
  denied,     // UnauthorizedOperation: the role lacks the action
  auth,       // AuthFailure, SignatureDoesNotMatch, expired token: the credentials are bad
  client,     // any other 4xx
  parse,      // 200 but not the expected XML
  deadline,   // the check's deadline left no time
};
const char* to_string(Ec2FailureKind kind);

struct Ec2Failure {
  Ec2FailureKind kind = Ec2FailureKind::transport;
  ErrorKind transport = ErrorKind::internal;  // for transport failures
  std::string action;
  std::string code;     // AWS error code when there was one
  std::string message;  // one line, no secrets
  std::string request_id;
  long http_status = 0;
  int attempts = 0;
};

/// Maps one exchange to a failure; nullopt for a 200 (the body is then the caller's to parse).
std::optional<Ec2Failure> classify_ec2_answer(std::string_view action, const HttpResult& result);
/// Throttling, 5xx and transport errors other than TLS/DNS failures are worth another try.
bool ec2_retryable(const Ec2Failure& failure);
/// "Full jitter": uniform in [0, min(cap, base * 2^retry)] with `unit_random` in [0, 1).
Millis ec2_backoff_delay(int retry, Millis base, Millis cap, double unit_random);

}  // namespace bedrock_reach
