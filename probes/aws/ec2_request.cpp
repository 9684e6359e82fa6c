#include "aws/ec2_request.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "aws/ec2_parse.hpp"
#include "bedrock_reach/strings.hpp"

namespace bedrock_reach {
namespace {

using strings::lower;

std::string without_trailing_slash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

bool is_throttle_code(std::string_view code) {
  return code == "RequestLimitExceeded" || code == "Throttling" || code == "ThrottlingException" ||
         code == "EC2ThrottledException" || code == "RequestThrottled" ||
         code == "RequestThrottledException" || code == "TooManyRequestsException";
}

bool is_auth_code(std::string_view code) {
  return code == "AuthFailure" || code == "SignatureDoesNotMatch" || code == "RequestExpired" ||
         code == "InvalidClientTokenId" || code == "ExpiredToken" ||
         code == "RequestExpiredException" || code == "UnrecognizedClientException" ||
         code == "IncompleteSignature" || code == "MissingAuthenticationToken";
}

}  // namespace

Ec2Options Ec2Options::from_environment(const Environment& env, const Region& region) {
  Ec2Options options;
  options.region = region.name;
  bool ignore_configured =
      lower(env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").value_or("")) == "true";
  if (auto url = env.get("AWS_ENDPOINT_URL_EC2"); url && !ignore_configured) {
    options.endpoint_url = without_trailing_slash(*url);
    options.endpoint_source = "AWS_ENDPOINT_URL_EC2";
  } else if (auto global = env.get("AWS_ENDPOINT_URL"); global && !ignore_configured) {
    options.endpoint_url = without_trailing_slash(*global);
    options.endpoint_source = "AWS_ENDPOINT_URL";
  } else if (lower(env.get("AWS_USE_FIPS_ENDPOINT").value_or("")) == "true") {
    // aws-us-gov's FIPS EC2 host is the regular name (aws-reference §1.1).
    options.endpoint_url =
        "https://" + region.hostname(region.partition.id == "aws-us-gov" ? "ec2" : "ec2-fips");
    options.endpoint_source = "fips";
  } else {
    options.endpoint_url = "https://" + region.hostname("ec2");
  }
  if (auto bundle = env.get("AWS_CA_BUNDLE")) options.ca_bundle = *bundle;
  return options;
}

std::string rfc3986_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0F]);
    }
  }
  return out;
}

std::string ec2_form_body(std::string_view action, const QueryParams& params) {
  std::string body = "Action=" + rfc3986_encode(action) + "&Version=" + std::string(kEc2ApiVersion);
  for (const auto& [name, value] : params) {
    body += "&" + rfc3986_encode(name) + "=" + rfc3986_encode(value);
  }
  return body;
}

void add_ec2_filter(QueryParams& params, int index, const std::string& name,
                    const std::vector<std::string>& values) {
  std::string prefix = "Filter." + std::to_string(index) + ".";
  params.emplace_back(prefix + "Name", name);
  for (std::size_t i = 0; i < values.size(); ++i) {
    params.emplace_back(prefix + "Value." + std::to_string(i + 1), values[i]);
  }
}

void add_ec2_list(QueryParams& params, const std::string& name,
                  const std::vector<std::string>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    params.emplace_back(name + "." + std::to_string(i + 1), values[i]);
  }
}

HttpRequest build_ec2_request(const Ec2Options& options, const Credentials& credentials,
                              std::string_view action, const QueryParams& params,
                              Millis total_timeout) {
  HttpRequest r;
  r.method = "POST";
  r.url = options.endpoint_url + "/";
  r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.body = ec2_form_body(action, params);
  r.connect_timeout = std::min(options.connect_timeout, total_timeout);
  r.total_timeout = total_timeout;
  r.ca_bundle = options.ca_bundle;
  r.proxy = options.proxy;
  r.max_body_bytes = options.max_body_bytes;
  // All four SigV4 fields: 7.88.1 guesses service and region from the host otherwise.
  r.sigv4 = SigV4Signing{options.region, "ec2", &credentials};
  r.keep_across_checks = true;  // the daemon's next check reuses the connection (issue 19)
  return r;
}

const char* to_string(Ec2FailureKind kind) {
  switch (kind) {
    case Ec2FailureKind::transport:
      return "transport";
    case Ec2FailureKind::throttled:
      return "throttled";
    case Ec2FailureKind::server:
      return "server";
    case Ec2FailureKind::denied:
      return "denied";
    case Ec2FailureKind::auth:
      return "auth";
    case Ec2FailureKind::client:
      return "client";
    case Ec2FailureKind::parse:
      return "parse";
    case Ec2FailureKind::deadline:
      return "deadline";
  }
  return "unknown";
}

std::optional<Ec2Failure> classify_ec2_answer(std::string_view action, const HttpResult& result) {
  Ec2Failure f;
  f.action = std::string(action);
  if (!result) {
    f.kind = result.error().kind == ErrorKind::cancelled ? Ec2FailureKind::deadline
                                                         : Ec2FailureKind::transport;
    f.transport = result.error().kind;
    f.message = result.error().message.substr(0, 300);
    return f;
  }
  if (result->status == 200) return std::nullopt;
  f.http_status = result->status;
  auto error = parse_ec2_error(result->body);
  if (error) {
    f.code = error->code;
    f.message = error->message;
    f.request_id = error->request_id;
  } else {
    f.code = "HTTP " + std::to_string(result->status);
    f.message = "HTTP " + std::to_string(result->status) + " without an EC2 error document";
  }
  if (f.code == "UnauthorizedOperation" || f.code == "AccessDenied" ||
      f.code == "AccessDeniedException") {
    f.kind = Ec2FailureKind::denied;
  } else if (is_throttle_code(f.code) || result->status == 429) {
    f.kind = Ec2FailureKind::throttled;
  } else if (is_auth_code(f.code) || result->status == 401) {
    f.kind = Ec2FailureKind::auth;
  } else if (result->status >= 500) {
    f.kind = Ec2FailureKind::server;
  } else {
    f.kind = Ec2FailureKind::client;
  }
  return f;
}

bool ec2_retryable(const Ec2Failure& failure) {
  switch (failure.kind) {
    case Ec2FailureKind::throttled:
    case Ec2FailureKind::server:
      return true;
    case Ec2FailureKind::transport:
      return failure.transport == ErrorKind::timeout || failure.transport == ErrorKind::refused ||
             failure.transport == ErrorKind::unreachable ||
             failure.transport == ErrorKind::protocol;
    default:
      return false;
  }
}

Millis ec2_backoff_delay(int retry, Millis base, Millis cap, double unit_random) {
  double ceiling = static_cast<double>(base.count()) * std::ldexp(1.0, std::clamp(retry, 0, 30));
  ceiling = std::min(ceiling, static_cast<double>(cap.count()));
  double unit = std::clamp(unit_random, 0.0, 1.0);
  return Millis(static_cast<long>(ceiling * unit));
}

}  // namespace bedrock_reach
