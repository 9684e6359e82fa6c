#include "aws/credential_plan.hpp"

#include <algorithm>
#include <cctype>

namespace bedrock_reach {
namespace {

using Section = std::map<std::string, std::string>;
using Kind = CredentialStep::Kind;
constexpr int kMaxChain = 4;  // source_profile hops, as the SDKs refuse long or circular chains

std::string_view trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

std::string get(const Section& s, const char* key) {
  auto it = s.find(key);
  return it == s.end() ? std::string() : it->second;
}

std::string header_for(const std::string& profile, bool config_file) {
  return (config_file && profile != "default") ? "profile " + profile : profile;
}

struct Planner {
  const Environment& env;
  std::string_view config;
  std::string_view credentials;
  CredentialPlan plan;

  std::optional<Section> config_profile(const std::string& name) const {
    return ini_section(config, header_for(name, true));
  }
  std::optional<Section> credentials_profile(const std::string& name) const {
    return ini_section(credentials, name);
  }

  static bool has_keys(const std::optional<Section>& s) {
    return s && !get(*s, "aws_access_key_id").empty() && !get(*s, "aws_secret_access_key").empty();
  }

  std::optional<CredentialStep> container_step() const {
    CredentialStep step{.kind = Kind::container, .method = "container-role"};
    if (auto relative = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
      step.url = "http://169.254.170.2" + *relative;
    } else if (auto full = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
      step.url = *full;
    } else {
      return std::nullopt;
    }
    step.auth_token_file = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").value_or("");
    if (step.auth_token_file.empty())
      step.auth_token = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN").value_or("");
    return step;
  }

  /// The base and role steps for profile `name` (role_arn profiles recurse into source_profile).
  bool profile_steps(const std::string& name, int depth, std::vector<CredentialStep>& out) {
    auto cfg = config_profile(name);
    if (depth > kMaxChain) {
      plan.error = "profile " + name + ": source_profile chain longer than " +
                   std::to_string(kMaxChain) + " (or circular)";
      return false;
    }
    if (cfg && !get(*cfg, "role_arn").empty()) {
      CredentialStep role{.kind = Kind::assume_role, .method = "assume-role", .profile = name};
      role.role_arn = get(*cfg, "role_arn");
      role.session_name = get(*cfg, "role_session_name");
      role.external_id = get(*cfg, "external_id");
      std::string source = get(*cfg, "source_profile");
      std::string credential_source = get(*cfg, "credential_source");
      std::string token_file = get(*cfg, "web_identity_token_file");
      if (!source.empty() && !credential_source.empty()) {
        plan.error = "profile " + name + " has both source_profile and credential_source";
        return false;
      }
      if (!token_file.empty() && source.empty() && credential_source.empty()) {
        CredentialStep web{
            .kind = Kind::web_identity, .method = "assume-role-with-web-identity", .profile = name};
        web.role_arn = role.role_arn;
        web.session_name = role.session_name;
        web.token_file = token_file;
        out.push_back(std::move(web));
        return true;
      }
      if (!credential_source.empty()) {
        if (credential_source == "Ec2InstanceMetadata") {
          out.push_back({.kind = Kind::instance_role, .method = "iam-role"});
        } else if (credential_source == "Environment") {
          out.push_back({.kind = Kind::environment, .method = "env"});
        } else if (credential_source == "EcsContainer") {
          auto c = container_step();
          if (!c) {
            plan.error = "profile " + name +
                         ": credential_source = EcsContainer but no container credentials URI";
            return false;
          }
          out.push_back(std::move(*c));
        } else {
          plan.error = "profile " + name + ": unsupported credential_source " + credential_source;
          return false;
        }
      } else if (!source.empty()) {
        // A source profile with its own keys stops the recursion (as botocore's
        // _resolve_source_credentials does), even if it also names a role.
        bool found =
            source == name ? static_step(source, out) : profile_steps(source, depth + 1, out);
        if (!found) {
          if (!plan.error) {
            plan.error = "profile " + name + ": source_profile " + source + " has no credentials";
          }
          return false;
        }
      } else {
        plan.error = "profile " + name + ": role_arn without source_profile or credential_source";
        return false;
      }
      out.push_back(std::move(role));
      return true;
    }
    if (depth > 0) return static_step(name, out) || sso_or_process(name, out);
    return false;
  }

  bool static_step(const std::string& name, std::vector<CredentialStep>& out) {
    if (has_keys(credentials_profile(name)) || has_keys(config_profile(name))) {
      out.push_back(
          {.kind = Kind::static_keys, .method = "shared-credentials-file", .profile = name});
      return true;
    }
    return false;
  }

  bool sso_or_process(const std::string& name, std::vector<CredentialStep>& out) {
    auto cfg = config_profile(name);
    if (!cfg) return false;
    if (auto step = sso_step(name, *cfg)) {
      out.push_back(std::move(*step));
      return true;
    }
    if (!get(*cfg, "credential_process").empty()) {
      out.push_back({.kind = Kind::process,
                     .method = "custom-process",
                     .profile = name,
                     .command = get(*cfg, "credential_process")});
      return true;
    }
    return false;
  }

  std::optional<CredentialStep> sso_step(const std::string& name, const Section& cfg) {
    std::string session = get(cfg, "sso_session");
    if (session.empty() && get(cfg, "sso_start_url").empty()) return std::nullopt;
    CredentialStep step{.kind = Kind::sso, .method = "sso", .profile = name};
    step.sso_account_id = get(cfg, "sso_account_id");
    step.sso_role_name = get(cfg, "sso_role_name");
    if (!session.empty()) {
      auto s = ini_section(config, "sso-session " + session);
      if (!s) {
        plan.error =
            "profile " + name + ": sso_session " + session + " has no [sso-session] section";
        return std::nullopt;
      }
      step.sso_session = session;
      step.sso_start_url = get(*s, "sso_start_url");
      step.sso_region = get(*s, "sso_region");
    } else {
      step.sso_start_url = get(cfg, "sso_start_url");
      step.sso_region = get(cfg, "sso_region");
    }
    return step;
  }

  void run() {
    // 1. Environment keys.
    if (env.get("AWS_ACCESS_KEY_ID") && env.get("AWS_SECRET_ACCESS_KEY")) {
      plan.steps.push_back({.kind = Kind::environment, .method = "env"});
      return;
    }
    std::string profile =
        env.get("AWS_PROFILE").value_or(env.get("AWS_DEFAULT_PROFILE").value_or("default"));
    plan.profile = profile;
    // 2. A profile that assumes a role.
    std::vector<CredentialStep> steps;
    if (profile_steps(profile, 0, steps)) {
      plan.steps = std::move(steps);
      return;
    }
    if (plan.error) return;
    // 3. Web identity from the environment (IRSA).
    auto role = env.get("AWS_ROLE_ARN");
    auto token = env.get("AWS_WEB_IDENTITY_TOKEN_FILE");
    if (role && token && !role->empty() && !token->empty()) {
      CredentialStep web{.kind = Kind::web_identity, .method = "assume-role-with-web-identity"};
      web.role_arn = *role;
      web.token_file = *token;
      web.session_name = env.get("AWS_ROLE_SESSION_NAME").value_or("");
      plan.steps.push_back(std::move(web));
      return;
    }
    // 4-7. SSO, the credentials file, credential_process, the config file's keys.
    auto cfg = config_profile(profile);
    if (cfg) {
      if (auto step = sso_step(profile, *cfg)) {
        plan.steps.push_back(std::move(*step));
        return;
      }
      if (plan.error) return;
    }
    if (has_keys(credentials_profile(profile))) {
      plan.steps.push_back(
          {.kind = Kind::static_keys, .method = "shared-credentials-file", .profile = profile});
      return;
    }
    if (cfg && !get(*cfg, "credential_process").empty()) {
      plan.steps.push_back({.kind = Kind::process,
                            .method = "custom-process",
                            .profile = profile,
                            .command = get(*cfg, "credential_process")});
      return;
    }
    if (has_keys(cfg)) {
      plan.steps.push_back(
          {.kind = Kind::static_keys, .method = "config-file", .profile = profile});
      return;
    }
    // 8-9. Container credentials, then the instance role.
    if (auto c = container_step()) {
      plan.steps.push_back(std::move(*c));
      return;
    }
    plan.steps.push_back({.kind = Kind::instance_role, .method = "iam-role"});
  }
};

}  // namespace

namespace {

/// Where an option line's key ends: the first '=' or ':', RawConfigParser's default delimiters
/// (botocore configloader.py raw_config_parse builds a plain configparser.RawConfigParser), so
/// "region: us-west-2" is a setting as in botocore. Nested blocks split on '=' only
/// (_parse_nested). npos when the line has neither.
size_t option_delimiter(std::string_view line) { return line.find_first_of("=:"); }

std::string lower_key(std::string_view key) {
  std::string out(trim(key));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// Walks the lines of `text`'s sections named `header`: `on_line(line, indented)` for every
/// non-blank, non-comment line inside them (trimmed), `on_section()` when one starts.
template <typename OnSection, typename OnLine>
void walk_ini_section(std::string_view text, std::string_view header, OnSection on_section,
                      OnLine on_line) {
  bool in_section = false;
  while (!text.empty()) {
    auto end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      auto close = line.find(']');
      std::string_view name = trim(line.substr(1, close == std::string_view::npos ? 0 : close - 1));
      // "[profile  name]" tolerates extra spaces, as botocore does.
      std::string normalized(name);
      for (std::string_view prefix : {"profile", "sso-session", "services"}) {
        if (normalized.rfind(prefix, 0) == 0 && normalized.size() > prefix.size() &&
            (normalized[prefix.size()] == ' ' || normalized[prefix.size()] == '\t')) {
          normalized = std::string(prefix) + " " +
                       std::string(trim(std::string_view(normalized).substr(prefix.size())));
        }
      }
      in_section = normalized == header;
      if (in_section) on_section();
      continue;
    }
    if (!in_section) continue;
    on_line(line, raw.front() == ' ' || raw.front() == '\t');
  }
}

}  // namespace

std::optional<std::map<std::string, std::string>> ini_section(std::string_view text,
                                                              std::string_view header) {
  std::optional<Section> out;
  walk_ini_section(
      text, header,
      [&] {
        if (!out) out = Section{};
      },
      [&](std::string_view line, bool) {
        auto delimiter = option_delimiter(line);
        if (delimiter == std::string_view::npos) return;
        (*out)[lower_key(line.substr(0, delimiter))] =
            std::string(trim(line.substr(delimiter + 1)));
      });
  return out;
}

std::optional<IniSection> ini_section_nested(std::string_view text, std::string_view header) {
  std::optional<IniSection> out;
  std::string open_block;  // the key whose indented lines are a sub-section, "" for none
  bool continuation = false;
  walk_ini_section(
      text, header,
      [&] {
        if (!out) out = IniSection{};
        open_block.clear();
        continuation = false;
      },
      [&](std::string_view line, bool indented) {
        if (indented && (!open_block.empty() || continuation)) {
          // Inside a nested block (or a continuation of a plain value, which is ignored).
          auto equals = line.find('=');
          if (!open_block.empty() && equals != std::string_view::npos)
            out->nested[open_block][std::string(trim(line.substr(0, equals)))] =
                std::string(trim(line.substr(equals + 1)));
          return;
        }
        open_block.clear();
        continuation = false;
        auto delimiter = option_delimiter(line);
        if (delimiter == std::string_view::npos) return;
        std::string key = lower_key(line.substr(0, delimiter));
        std::string value(trim(line.substr(delimiter + 1)));
        if (value.empty()) {
          open_block = key;
          out->nested[key];  // botocore: an empty block is an empty dict
          out->values.erase(key);
        } else {
          continuation = true;
          out->nested.erase(key);
          out->values[key] = std::move(value);
        }
      });
  return out;
}

CredentialPlan plan_credentials(const Environment& env, std::string_view config_text,
                                std::string_view credentials_text) {
  Planner planner{env, config_text, credentials_text, {}};
  planner.run();
  if (planner.plan.error) planner.plan.steps.clear();
  return std::move(planner.plan);
}

bool container_uri_allowed(std::string_view url) {
  if (url.rfind("https://", 0) == 0) return true;
  if (url.rfind("http://", 0) != 0) return false;
  std::string_view rest = url.substr(7);
  std::string_view host;
  if (!rest.empty() && rest.front() == '[') {
    host = rest.substr(1, rest.find(']') == std::string_view::npos ? 0 : rest.find(']') - 1);
  } else {
    host = rest.substr(0, rest.find_first_of(":/"));
  }
  return host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23" ||
         host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace bedrock_reach
