#pragma once
// The credential chain the SDKs use, in their order: environment, shared credentials file (and
// static keys in the config file), then the instance role from IMDS. Expired credentials are
// skipped. Secrets stay in Secret and never reach a message.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/credentials.hpp"
#include "bedrock_reach/environment.hpp"
#include "bedrock_reach/report.hpp"

namespace bedrock_reach {

struct CredentialsResult {
  std::optional<Credentials> credentials;
  std::vector<Finding> findings;   // NO_CREDENTIALS when none
  std::vector<std::string> notes;  // which sources were tried and why they were skipped
};

/// Reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN (or AWS_SECURITY_TOKEN) /
/// AWS_CREDENTIAL_EXPIRATION, then the profile AWS_PROFILE (else AWS_DEFAULT_PROFILE, else
/// "default") from AWS_SHARED_CREDENTIALS_FILE (else $HOME/.aws/credentials) and AWS_CONFIG_FILE
/// (else $HOME/.aws/config), then `instance_role`. Credentials expiring within 30 s of `now`
/// count as expired. Pure apart from reading those two files (each capped at 1 MiB).
CredentialsResult resolve_credentials(const Environment& env,
                                      const std::optional<Credentials>& instance_role,
                                      std::chrono::system_clock::time_point now);

/// Static keys of one profile in INI text. In the config file the section is "[profile NAME]"
/// (but "[default]" for default). nullopt when the profile has no access key pair.
struct ProfileKeys {
  std::string access_key_id;
  Secret secret_access_key;
  Secret session_token;
};
std::optional<ProfileKeys> parse_profile_keys(std::string_view ini_text, const std::string& profile,
                                              bool config_file_syntax);

}  // namespace bedrock_reach
