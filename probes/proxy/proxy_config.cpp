#include "proxy/proxy_config.hpp"

#include <algorithm>
#include <cctype>

#include "bedrock_reach/ip.hpp"
#include "bedrock_reach/probe.hpp"
#include "bedrock_reach/strings.hpp"

namespace bedrock_reach {
namespace {

constexpr std::string_view kImdsAddress = "169.254.169.254";

using strings::lower;

// First set (non-empty) variable among `names`, with the name that set it.
std::optional<std::pair<std::string, std::string>> first_set(
    const Environment& environment, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (auto value = environment.get(name)) return std::make_pair(std::string(name), *value);
  }
  return std::nullopt;
}

std::string normalize_host(std::string_view host) {
  std::string out = lower(host);
  if (out.size() >= 2 && out.front() == '[' && out.back() == ']') {
    out = out.substr(1, out.size() - 2);
  }
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::optional<int> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    port = port * 10 + (c - '0');
  }
  return port > 0 && port <= 65535 ? std::optional<int>(port) : std::nullopt;
}

struct Entry {
  std::string host;  // name, IP or CIDR, no brackets
  std::optional<int> port;
};

// "[v6]:443", "name:443", "v6" (several colons: never a port), "10.0.0.0/8".
Entry split_entry(std::string_view entry) {
  Entry out;
  if (!entry.empty() && entry.front() == '[') {
    auto close = entry.find(']');
    if (close == std::string_view::npos) return {std::string(entry), std::nullopt};
    out.host = std::string(entry.substr(1, close - 1));
    if (close + 1 < entry.size() && entry[close + 1] == ':') {
      out.port = parse_port(entry.substr(close + 2));
    }
    return out;
  }
  auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    if (auto port = parse_port(entry.substr(colon + 1))) {
      out.host = std::string(entry.substr(0, colon));
      out.port = port;
      return out;
    }
  }
  out.host = std::string(entry);
  return out;
}

bool entry_matches(const Entry& entry, const std::string& host,
                   const std::optional<IpAddress>& host_ip) {
  if (host_ip) {
    if (entry.host.find('/') != std::string::npos) {
      auto prefix = IpPrefix::parse(entry.host, /*allow_host_bits=*/true);
      return prefix && prefix->family() == host_ip->family() && prefix->contains(*host_ip);
    }
    auto ip = IpAddress::parse(entry.host);
    return ip ? *ip == *host_ip : entry.host == host;
  }
  std::string_view name = entry.host;
  if (name.rfind("*.", 0) == 0) name.remove_prefix(1);  // Go's form; curl and urllib: same effect
  while (!name.empty() && name.front() == '.') name.remove_prefix(1);
  while (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty()) return false;
  if (host == name) return true;
  return host.size() > name.size() &&
         host.compare(host.size() - name.size(), name.size(), name) == 0 &&
         host[host.size() - name.size() - 1] == '.';
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

}  // namespace

std::vector<std::string> parse_no_proxy(std::string_view value) {
  std::vector<std::string> entries;
  std::string current;
  auto flush = [&] {
    if (!current.empty() && entries.size() < 1000) entries.push_back(lower(current));
    current.clear();
  };
  for (char c : value.substr(0, 64 * 1024)) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      current.push_back(c);
    }
  }
  flush();
  return entries;
}

bool no_proxy_matches(const std::vector<std::string>& no_proxy, std::string_view host, int port) {
  const std::string normalized = normalize_host(host);
  const std::optional<IpAddress> host_ip = IpAddress::parse(normalized);
  for (const auto& raw : no_proxy) {
    if (raw == "*") return true;
    Entry entry = split_entry(raw);
    if (entry.port && *entry.port != port) continue;
    if (entry_matches(entry, normalized, host_ip)) return true;
  }
  return false;
}

ProxyConfig ProxyConfig::from_environment(const Environment& environment) {
  ProxyConfig config;
  auto all = first_set(environment, {"all_proxy", "ALL_PROXY"});
  if (auto https = first_set(environment, {"https_proxy", "HTTPS_PROXY"})) {
    config.https_source = https->first;
    config.https_proxy = https->second;
  } else if (all) {
    config.https_source = all->first;
    config.https_proxy = all->second;
  }
  if (auto http = first_set(environment, {"http_proxy", "HTTP_PROXY"})) {
    config.http_source = http->first;
    config.http_proxy = http->second;
  } else if (all) {
    config.http_source = all->first;
    config.http_proxy = all->second;
  }
  if (auto bypass = first_set(environment, {"no_proxy", "NO_PROXY"})) {
    config.no_proxy_source = bypass->first;
    config.no_proxy = parse_no_proxy(bypass->second);
  }
  return config;
}

std::optional<std::string> proxy_for(const ProxyConfig& config, std::string_view host, int port) {
  if (!config.https_proxy || no_proxy_matches(config.no_proxy, host, port)) return std::nullopt;
  return config.https_proxy;
}

std::optional<std::string> http_proxy_for(const ProxyConfig& config, std::string_view host,
                                          int port) {
  if (!config.http_proxy || no_proxy_matches(config.no_proxy, host, port)) return std::nullopt;
  return config.http_proxy;
}

std::string redact_proxy_url(std::string_view url) {
  auto scheme = url.find("://");
  std::size_t authority = scheme == std::string_view::npos ? 0 : scheme + 3;
  auto end = url.find_first_of("/?#", authority);
  auto at = url.rfind('@', end == std::string_view::npos ? url.size() : end);
  if (at == std::string_view::npos || at < authority) return std::string(url);
  return std::string(url.substr(0, authority)) + "***@" + std::string(url.substr(at + 1));
}

std::optional<ProxyEndpoint> proxy_endpoint(std::string_view url) {
  auto scheme_end = url.find("://");
  std::string scheme =
      scheme_end == std::string_view::npos ? "http" : lower(url.substr(0, scheme_end));
  std::string_view rest = scheme_end == std::string_view::npos ? url : url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  auto at = rest.rfind('@');
  if (at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (rest.empty()) return std::nullopt;
  ProxyEndpoint endpoint;
  endpoint.port = scheme == "https" ? 443 : 1080;
  if (rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    endpoint.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
    if (!rest.empty() && rest.front() == ':') {
      auto port = parse_port(rest.substr(1));
      if (!port) return std::nullopt;
      endpoint.port = *port;
    }
  } else {
    auto colon = rest.find(':');
    endpoint.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      auto port = parse_port(rest.substr(colon + 1));
      if (!port) return std::nullopt;
      endpoint.port = *port;
    }
  }
  if (endpoint.host.empty()) return std::nullopt;
  endpoint.host = lower(endpoint.host);
  return endpoint;
}

std::vector<Finding> proxy_findings(const ProxyConfig& config,
                                    const std::vector<ServiceName>& names) {
  std::vector<Finding> findings;
  const std::string bypass = config.no_proxy_source.empty()
                                 ? "NO_PROXY is not set"
                                 : config.no_proxy_source + "=" + joined(config.no_proxy);
  for (const auto& name : names) {
    auto proxy = proxy_for(config, name.hostname, 443);
    if (!proxy) continue;
    const std::string shown = redact_proxy_url(*proxy);
    findings.push_back(make_finding(
        "PROXY_INTERCEPTS", name.service, "",
        "HTTPS requests to " + name.hostname + " would go to the proxy " + shown + " (" +
            config.https_source + "), not straight to the endpoint",
        {config.https_source + "=" + shown, bypass,
         "curl and the AWS SDKs read these variables; " + name.hostname + " is not exempt"}));
  }
  if (auto proxy = http_proxy_for(config, kImdsAddress, 80)) {
    const std::string shown = redact_proxy_url(*proxy);
    findings.push_back(make_finding(
        "PROXY_IMDS_NOT_EXEMPT", "", std::string(kImdsAddress),
        "instance-metadata requests (http://169.254.169.254) would go to the proxy " + shown +
            " (" + config.http_source + "): credentials and region lookups can fail",
        {config.http_source + "=" + shown, bypass}));
  } else if (config.https_proxy && !no_proxy_matches(config.no_proxy, kImdsAddress, 80)) {
    Finding finding = make_finding(
        "PROXY_IMDS_NOT_EXEMPT", "", std::string(kImdsAddress),
        "169.254.169.254 is not in NO_PROXY; only " + config.https_source +
            " is set, which curl does not apply to the plain-http metadata service, but SDKs "
            "configured with one proxy for all traffic would send it there",
        {config.https_source + "=" + redact_proxy_url(*config.https_proxy), bypass});
    finding.severity = Severity::info;
    findings.push_back(std::move(finding));
  }
  return findings;
}

}  // namespace bedrock_reach
