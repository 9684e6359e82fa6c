#pragma once
// Which credentials the application would use, in botocore's order (credentials.py
// create_credential_resolver: env, assume-role, assume-role-with-web-identity, sso,
// shared-credentials-file, custom-process, config-file, container-role, iam-role), as a plan of
// steps: the base credentials first, then the roles each later step assumes with the one before.
// Pure: the caller reads the environment and the two INI files (issue 16).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/environment.hpp"

namespace bedrock_reach {

struct CredentialStep {
  enum class Kind {
    environment,    // AWS_ACCESS_KEY_ID/... (resolved by resolve_credentials)
    static_keys,    // a profile's aws_access_key_id in the credentials or config file (same)
    assume_role,    // STS AssumeRole with the previous step's credentials
    web_identity,   // STS AssumeRoleWithWebIdentity (unsigned)
    sso,            // IAM Identity Center: cached token -> portal GetRoleCredentials
    process,        // credential_process
    container,      // ECS task role / EKS Pod Identity endpoint
    instance_role,  // IMDS
  };
  Kind kind = Kind::instance_role;
  std::string method;   // botocore's name for it: env, assume-role, sso, container-role, ...
  std::string profile;  // the profile it came from, if any
  std::string role_arn;
  std::string session_name;
  std::string external_id;
  std::string token_file;  // web identity
  std::string command;     // credential_process (never logged: may carry arguments)
  std::string url;         // container endpoint
  std::string auth_token;  // AWS_CONTAINER_AUTHORIZATION_TOKEN (a secret: never shown)
  std::string auth_token_file;
  std::string sso_start_url, sso_region, sso_account_id, sso_role_name, sso_session;
};

struct CredentialPlan {
  std::vector<CredentialStep> steps;  // empty: no source at all
  std::string profile;                // the active profile name
  std::vector<std::string> notes;     // why a source was skipped or refused
  std::optional<std::string> error;   // a configuration the SDKs would refuse (then steps empty)

  bool needs_sts() const {
    for (const auto& s : steps)
      if (s.kind == CredentialStep::Kind::assume_role ||
          s.kind == CredentialStep::Kind::web_identity)
        return true;
    return false;
  }
  /// The step whose credentials sign the application's calls (the last one).
  const CredentialStep* final_step() const { return steps.empty() ? nullptr : &steps.back(); }
};

/// One INI section as key -> value ("[profile NAME]" in the config file except "[default]";
/// "[sso-session NAME]"; bare "[NAME]" in the credentials file). nullopt when absent.
std::optional<std::map<std::string, std::string>> ini_section(std::string_view text,
                                                              std::string_view header);

/// One section of the shared config file with the nested blocks botocore reads: a key whose
/// value is empty followed by indented "sub = value" lines is a sub-section (botocore
/// configloader.py raw_config_parse / _parse_nested; e.g. "bedrock_runtime =" then
/// "  endpoint_url = https://..." in a "[services NAME]" section). Top-level keys are lowercased
/// as configparser does (optionxform); nested keys keep their case, as _parse_nested does. An
/// indented line after a key with a value is a continuation line and ignored. Same section
/// syntax as ini_section ("[services NAME]" tolerates extra spaces like "[profile NAME]").
struct IniSection {
  std::map<std::string, std::string> values;
  std::map<std::string, std::map<std::string, std::string>> nested;
};
std::optional<IniSection> ini_section_nested(std::string_view text, std::string_view header);

/// The plan for `env` with the config and credentials files' text (either may be empty).
CredentialPlan plan_credentials(const Environment& env, std::string_view config_text,
                                std::string_view credentials_text);

/// botocore's ContainerProvider full URI rules: loopback, 169.254.170.2, 169.254.170.23 and
/// fd00:ec2::23 over http, any host over https.
bool container_uri_allowed(std::string_view url);

}  // namespace bedrock_reach
