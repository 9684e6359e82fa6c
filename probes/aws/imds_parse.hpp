#pragma once
// Pure helpers for instance metadata answers: listings, the role-credentials document, the
// iam/info and identity documents, ISO-8601 times. Bytes in, values out; no I/O.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/credentials.hpp"
#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

inline constexpr std::size_t kMaxImdsBodyBytes = 64 * 1024;
inline constexpr std::size_t kMaxImdsListEntries = 64;

/// LF-separated values or a directory listing (sub-directories keep their trailing '/'); blank
/// lines and CRs dropped, at most kMaxImdsListEntries.
std::vector<std::string> parse_imds_lines(std::string_view body);
/// First line, trimmed (values have no trailing newline, but tolerate one).
std::string parse_imds_value(std::string_view body);

/// "2017-05-17T15:09:54Z", with optional fraction and "+00:00"; UTC only.
Result<std::chrono::system_clock::time_point> parse_iso8601_utc(std::string_view text);
/// Calendar fields (UTC) to unix seconds; nullopt outside 1970..2200 or for impossible fields.
std::optional<long long> unix_seconds_utc(int year, int month, int day, int hour, int minute,
                                          int second);

/// The iam/security-credentials/ROLE document. Code must be "Success" and AccessKeyId,
/// SecretAccessKey and Token present; errors name the Code but never a value.
Result<Credentials> parse_imds_role_credentials(std::string_view json, const std::string& role);
/// InstanceProfileArn from iam/info, empty when absent.
std::string parse_imds_instance_profile_arn(std::string_view json);
/// accountId from dynamic/instance-identity/document, empty when absent.
std::string parse_imds_account_id(std::string_view json);

}  // namespace bedrock_reach
