#include "aws/credentials_chain.hpp"

#include <string>

#include "aws/credential_plan.hpp"
#include "aws/imds_parse.hpp"
#include "bedrock_reach/probe.hpp"
#include "fs/text_file.hpp"

namespace bedrock_reach {
namespace {

constexpr std::size_t kMaxFileBytes = 1 << 20;
constexpr auto kExpiryMargin = std::chrono::seconds(30);

bool expired(const Credentials& c, std::chrono::system_clock::time_point now) {
  return c.expiration && *c.expiration <= now + kExpiryMargin;
}

std::string key_prefix(const std::string& access_key_id) {
  return access_key_id.substr(0, 4) + "…";  // enough to tell AKIA (long-term) from ASIA
}

}  // namespace

std::optional<ProfileKeys> parse_profile_keys(std::string_view ini_text, const std::string& profile,
                                              bool config_file_syntax) {
  // The config file names profiles "[profile NAME]" except "[default]"; the credentials file
  // "[NAME]". One INI reader for both files, as botocore's raw_config_parse is.
  std::string header =
      (config_file_syntax && profile != "default") ? "profile " + profile : profile;
  auto section = ini_section(ini_text, header);
  if (!section) return std::nullopt;
  auto value = [&](const char* key) {
    auto found = section->find(key);
    return found == section->end() ? std::string() : found->second;
  };
  ProfileKeys keys;
  keys.access_key_id = value("aws_access_key_id");
  std::string secret = value("aws_secret_access_key");
  std::string token = value("aws_session_token");
  if (token.empty()) token = value("aws_security_token");
  if (keys.access_key_id.empty() || secret.empty()) return std::nullopt;
  keys.secret_access_key = Secret(std::move(secret));
  keys.session_token = Secret(std::move(token));
  return keys;
}

CredentialsResult resolve_credentials(const Environment& env,
                                      const std::optional<Credentials>& instance_role,
                                      std::chrono::system_clock::time_point now) {
  CredentialsResult result;
  auto accept = [&](Credentials c) {
    result.notes.push_back("using " + c.source + " (key " + key_prefix(c.access_key_id) + ")");
    result.credentials = std::move(c);
    return result;
  };

  // 1. Environment.
  auto key_id = env.get("AWS_ACCESS_KEY_ID");
  auto secret = env.get("AWS_SECRET_ACCESS_KEY");
  if (key_id && secret) {
    Credentials c;
    c.access_key_id = *key_id;
    c.secret_access_key = Secret(*secret);
    if (auto token = env.get("AWS_SESSION_TOKEN")) {
      c.session_token = Secret(*token);
    } else if (auto legacy = env.get("AWS_SECURITY_TOKEN")) {
      c.session_token = Secret(*legacy);
    }
    c.source = "environment";
    bool usable = true;
    if (auto expiration = env.get("AWS_CREDENTIAL_EXPIRATION")) {
      auto when = parse_iso8601_utc(*expiration);
      if (!when) {
        result.notes.push_back("environment: AWS_CREDENTIAL_EXPIRATION is not ISO-8601; ignored");
      } else {
        c.expiration = *when;
      }
    }
    if (expired(c, now)) {
      result.notes.push_back("environment: credentials expired (AWS_CREDENTIAL_EXPIRATION)");
      usable = false;
    }
    if (usable) return accept(std::move(c));
  } else if (key_id || secret) {
    result.notes.push_back(
        "environment: only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set; skipped");
  }

  // 2. Shared credentials file, then static keys in the config file.
  std::string profile =
      env.get("AWS_PROFILE").value_or(env.get("AWS_DEFAULT_PROFILE").value_or(""));
  bool profile_explicit = !profile.empty();
  if (profile.empty()) profile = "default";
  auto home = env.get("HOME");
  struct Source {
    std::optional<std::string> path;
    bool config_syntax;
    const char* label;
  };
  const Source sources[] = {
      {env.get("AWS_SHARED_CREDENTIALS_FILE")
           .value_or(home ? *home + "/.aws/credentials" : std::string()),
       false, "shared-file"},
      {env.get("AWS_CONFIG_FILE").value_or(home ? *home + "/.aws/config" : std::string()), true,
       "config-file"},
  };
  bool profile_found = false;
  for (const Source& source : sources) {
    if (!source.path || source.path->empty()) continue;
    auto text = read_text_file(*source.path, kMaxFileBytes);
    if (!text) {
      if (text.error().kind == ErrorKind::too_large) {
        result.notes.push_back(std::string(source.label) + ": " + *source.path +
                               " is larger than 1 MiB; skipped");
      }
      continue;
    }
    if (auto keys = parse_profile_keys(*text, profile, source.config_syntax)) {
      profile_found = true;
      Credentials c;
      c.access_key_id = keys->access_key_id;
      c.secret_access_key = keys->secret_access_key;
      c.session_token = keys->session_token;
      c.source = std::string(source.label) + ":" + profile;
      return accept(std::move(c));
    }
  }
  if (profile_explicit && !profile_found) {
    result.notes.push_back("profile " + profile +
                           ": no static keys in the shared credentials or config file");
  }

  // 3. Instance role from IMDS.
  if (instance_role) {
    if (expired(*instance_role, now)) {
      result.notes.push_back(instance_role->source + ": credentials expired");
    } else {
      return accept(*instance_role);
    }
  }

  std::vector<std::string> evidence = result.notes;
  evidence.push_back("tried: environment, shared credentials file (profile " + profile +
                     "), config file, instance role");
  result.findings.push_back(make_finding(
      "NO_CREDENTIALS", "", "",
      "No usable AWS credentials (environment, profile " + profile +
          ", instance role): endpoints, routes and policies are inferred, not verified",
      std::move(evidence)));
  return result;
}

}  // namespace bedrock_reach
