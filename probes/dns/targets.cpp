#include "dns/targets.hpp"

#include "aws/credential_plan.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace bedrock_reach {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_dns_label(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
    return false;
  return std::all_of(label.begin(), label.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-'; });
}

bool is_bedrock_family(std::string_view service) {
  // Every Bedrock data-plane and control-plane host but AgentCore and Mantle signs as "bedrock".
  return service == "bedrock" || service == "bedrock-runtime" || service == "bedrock-agent" ||
         service == "bedrock-agent-runtime" || service == "bedrock-data-automation" ||
         service == "bedrock-data-automation-runtime";
}

}  // namespace

const std::vector<std::string>& default_services() {
  static const std::vector<std::string> kDefaults{"bedrock", "bedrock-runtime", "bedrock-agent",
                                                  "bedrock-agent-runtime"};
  return kDefaults;
}

const std::vector<std::string>& fips_default_services() {
  // The Bedrock services with FIPS PrivateLink services of their own
  // (com.amazonaws.REGION.bedrock-fips, com.amazonaws.REGION.bedrock-runtime-fips).
  static const std::vector<std::string> kDefaults{"bedrock", "bedrock-runtime"};
  return kDefaults;
}

bool bedrock_fips_region(std::string_view region) {
  // Regions whose Bedrock endpoints list FIPS hosts (botocore endpoints.json "-fips" keys,
  // aws-reference.md 1.3; AWS General Reference "Amazon Bedrock endpoints and quotas").
  for (std::string_view r :
       {"us-east-1", "us-east-2", "us-west-2", "ca-central-1", "us-gov-east-1", "us-gov-west-1"}) {
    if (region == r) return true;
  }
  return false;
}

Result<std::vector<Target>> build_targets(const Region& region,
                                          const std::vector<std::string>& services, bool fips,
                                          bool dualstack) {
  const Partition& partition = region.partition;
  const auto& names =
      services.empty() ? (fips ? fips_default_services() : default_services()) : services;
  if (fips && !bedrock_fips_region(region.name) &&
      std::any_of(names.begin(), names.end(),
                  [](const std::string& s) { return is_bedrock_family(s); }))
    return make_error(ErrorKind::invalid_input,
                      "--fips: Bedrock has no FIPS endpoints in " + region.name.substr(0, 64) +
                          " (FIPS Regions: us-east-1, us-east-2, us-west-2, ca-central-1, "
                          "us-gov-east-1, us-gov-west-1)");
  std::vector<Target> targets;
  for (const auto& service : names) {
    if (!is_dns_label(service))
      return make_error(ErrorKind::invalid_input,
                        "invalid service name '" + service.substr(0, 64) +
                            "': expected a lowercase DNS label such as bedrock-runtime");
    if (std::any_of(targets.begin(), targets.end(),
                    [&](const Target& t) { return t.service == service; }))
      continue;
    Target target;
    target.service = service;
    target.signing_name = is_bedrock_family(service) ? "bedrock" : service;
    std::string host_label = fips ? service + "-fips" : service;
    // In GovCloud the EC2 FIPS endpoint is the standard name itself (aws-reference.md §1.1).
    if (fips && service == "ec2" && partition.id == "aws-us-gov") host_label = service;
    // bedrock-mantle is published under the dual-stack domain (⚠ uncertain in the reference).
    const std::string& suffix = (dualstack || service == "bedrock-mantle")
                                    ? partition.dual_stack_suffix
                                    : partition.dns_suffix;
    target.hostname = host_label + "." + region.name + "." + suffix;
    if (fips) target.hostname_source = "fips";
    if (dualstack) target.hostname_source = fips ? "fips, dualstack" : "dualstack";
    targets.push_back(std::move(target));
  }
  return targets;
}

std::string endpoint_url_host(std::string_view rest) {
  if (auto scheme = rest.find("://"); scheme != std::string_view::npos)
    rest.remove_prefix(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (rest.find('@') != std::string_view::npos || rest.empty() || rest.front() == '[') return "";
  rest = rest.substr(0, rest.find(':'));  // the port: the check probes 443
  std::string host;
  for (char c : rest) host += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.') return "";
  for (char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return "";
  }
  return host;
}

bool sdk_boolean(std::string_view value) {
  if (value.size() != 4) return false;
  std::string lower;
  for (char c : value) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "true";
}

Result<std::pair<std::string, std::string>> parse_endpoint_override(std::string_view text) {
  auto equals = text.find('=');
  std::string service(text.substr(0, std::min(equals, std::string_view::size_type{64})));
  if (equals == std::string_view::npos || !is_dns_label(service))
    return make_error(ErrorKind::invalid_input,
                      "expected SERVICE=URL with a lowercase service name, e.g. "
                      "bedrock-runtime=https://vpce-...bedrock-runtime.REGION.vpce.amazonaws.com");
  std::string url(text.substr(equals + 1, 2048));
  if (endpoint_url_host(url).empty())
    return make_error(ErrorKind::invalid_input,
                      "the URL for " + service + " has no usable host name");
  return std::make_pair(std::move(service), std::move(url));
}

std::string dualstack_setting(const EndpointSettings& settings) {
  if (settings.env) {
    if (auto env = settings.env("AWS_USE_DUALSTACK_ENDPOINT"))
      return sdk_boolean(*env) ? "AWS_USE_DUALSTACK_ENDPOINT" : "";
  }
  const std::string profile = settings.profile.empty() ? "default" : settings.profile;
  const std::string header = profile == "default" ? profile : "profile " + profile;
  auto section = ini_section_nested(settings.config_text, header);
  if (!section) return "";
  auto it = section->values.find("use_dualstack_endpoint");
  if (it == section->values.end() || !sdk_boolean(it->second)) return "";
  return "config [" + header.substr(0, 72) + "] use_dualstack_endpoint";
}

ConfiguredEndpoint configured_endpoint(std::string_view service, const EndpointSettings& settings) {
  auto found = [](std::string source, std::string_view url) {
    ConfiguredEndpoint out{endpoint_url_host(url), std::move(source)};
    if (out.host.empty()) out.source += " (no usable host)";
    return out;
  };
  for (const auto& text : settings.overrides) {
    auto parsed = parse_endpoint_override(text);
    if (parsed && parsed->first == service) return found("--endpoint-url", parsed->second);
  }
  auto env = [&](const std::string& name) -> std::string {
    return settings.env ? settings.env(name).value_or("") : std::string();
  };
  const std::string profile = settings.profile.empty() ? "default" : settings.profile;
  const std::string profile_header = profile == "default" ? profile : "profile " + profile;
  auto profile_section = ini_section_nested(settings.config_text, profile_header);
  auto profile_value = [&](const char* key) -> std::string {
    if (!profile_section) return "";
    auto it = profile_section->values.find(key);
    return it == profile_section->values.end() ? std::string() : it->second;
  };
  // configprovider.py: the variable, when set, decides; the config key only without it.
  auto ignore_env = settings.env ? settings.env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
                                 : std::optional<std::string>();
  bool ignore = ignore_env ? sdk_boolean(*ignore_env)
                           : sdk_boolean(profile_value("ignore_configured_endpoint_urls"));
  if (ignore) return {};

  std::string id(service.substr(0, 64));
  for (char& c : id) c = c == '-' ? '_' : c;
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // provide() takes the first truthy value: an empty variable or key falls through.
  if (auto url = env("AWS_ENDPOINT_URL_" + upper); !url.empty())
    return found("AWS_ENDPOINT_URL_" + upper, url);
  if (auto url = env("AWS_ENDPOINT_URL"); !url.empty()) return found("AWS_ENDPOINT_URL", url);
  // A profile naming a services section that does not exist (or an empty one) makes botocore
  // refuse to create the client (InvalidConfigError in _get_services_config: `if not
  // services_section`); the default host stays, with the error beside it.
  if (auto services_name = profile_value("services"); !services_name.empty()) {
    auto services = ini_section_nested(settings.config_text, "services " + services_name);
    if (!services || (services->values.empty() && services->nested.empty())) {
      ConfiguredEndpoint out;
      out.config_error = "config [" + profile_header.substr(0, 72) +
                         "] services = " + services_name.substr(0, 64) +
                         ": the config file has no [services " + services_name.substr(0, 64) +
                         "] section (or it is empty)";
      return out;
    }
    auto block = services->nested.find(id);
    if (block != services->nested.end()) {
      auto url = block->second.find("endpoint_url");
      if (url != block->second.end() && !url->second.empty())
        return found(
            "config [services " + services_name.substr(0, 64) + "] " + id + ".endpoint_url",
            url->second);
    }
  }
  if (auto url = profile_value("endpoint_url"); !url.empty())
    return found("config [" + profile_header.substr(0, 72) + "] endpoint_url", url);
  return {};
}

std::string endpoint_service(const Target& target) {
  std::string label = target.hostname.substr(0, target.hostname.find('.'));
  bool fips = label.size() > 5 && label.compare(label.size() - 5, 5, "-fips") == 0;
  return fips ? label : target.service;
}

}  // namespace bedrock_reach
