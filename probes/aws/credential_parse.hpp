#pragma once
// Pure parsers and request builders for the application's credential sources (issue 16):
// container endpoints, STS (Query API XML, botocore/data/sts/2011-06-15/service-2.json), the IAM
// Identity Center portal and its token cache, credential_process output. Received bytes are
// hostile: sizes are capped by the caller, fields are checked, secrets go into Secret only.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "bedrock_reach/credentials.hpp"
#include "bedrock_reach/environment.hpp"
#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

struct SourcedCredentials {
  Credentials credentials;
  std::string arn;  // role or assumed-role ARN when the source says it, else empty
};

/// ECS / EKS Pod Identity JSON: AccessKeyId, SecretAccessKey, Token, Expiration, RoleArn (ECS).
Result<SourcedCredentials> parse_container_credentials(std::string_view json);

/// AssumeRole / AssumeRoleWithWebIdentity response: Credentials and AssumedRoleUser/Arn. An STS
/// <ErrorResponse> becomes ErrorKind::access_denied with "Code: Message".
Result<SourcedCredentials> parse_sts_credentials(std::string_view xml);

/// GetCallerIdentity's Arn, or the STS error as above.
Result<std::string> parse_sts_caller_arn(std::string_view xml);

/// portal GetRoleCredentials JSON (roleCredentials, expiration in epoch milliseconds).
Result<Credentials> parse_sso_role_credentials(std::string_view json);

/// credential_process output: {"Version": 1, AccessKeyId, SecretAccessKey, SessionToken?,
/// Expiration?} (https://docs.aws.amazon.com/sdkref/latest/guide/feature-process-credentials.html).
Result<Credentials> parse_process_credentials(std::string_view json);

/// An SSO token cache file: the accessToken when its startUrl matches and expiresAt is after
/// `now`; nullopt otherwise.
std::optional<Secret> parse_sso_cache(std::string_view json, std::string_view start_url,
                                      std::chrono::system_clock::time_point now);

/// sts.REGION.amazonaws.com (regional, the SDK default), or sts.amazonaws.com when
/// AWS_STS_REGIONAL_ENDPOINTS=legacy and the Region was one of the global endpoint's.
std::string sts_hostname(const Environment& env, const std::string& region,
                         const std::string& dns_suffix);

/// Form bodies (Version 2011-06-15), fully encoded.
std::string sts_assume_role_body(const std::string& role_arn, const std::string& session,
                                 const std::string& external_id);
std::string sts_web_identity_body(const std::string& role_arn, const std::string& session,
                                  const std::string& token);
std::string sts_caller_identity_body();

}  // namespace bedrock_reach
