#pragma once
// Proxy settings as curl and the AWS SDKs read them from the environment, and whether a given
// name would go through the proxy. Pure: the environment arrives as a value.
//
// Variables (lower case wins over upper case, as in curl and Python's urllib):
//   https:// URLs  https_proxy, HTTPS_PROXY, then all_proxy, ALL_PROXY
//   http://  URLs  http_proxy (curl ignores HTTP_PROXY; SDKs built on urllib read it), then
//   ALL_PROXY bypass         no_proxy, NO_PROXY: comma/space separated; "*" alone = everything; a
//   leading
//                  dot is ignored and a name matches itself and its subdomains; IP addresses and
//                  CIDRs (v4 and v6) match IP hosts; "name:port" / "ip:port" only match that port.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bedrock_reach/environment.hpp"
#include "bedrock_reach/report.hpp"

namespace bedrock_reach {

struct ProxyConfig {
  std::optional<std::string> https_proxy;  // for https:// URLs, as given (may carry user:pass@)
  std::optional<std::string> http_proxy;   // for http:// URLs (instance metadata)
  std::vector<std::string> no_proxy;       // parsed entries, lower case, trimmed
  std::string https_source;                // which variable set https_proxy ("HTTPS_PROXY"...)
  std::string http_source;
  std::string no_proxy_source;

  static ProxyConfig from_environment(const Environment& environment);
  bool empty() const { return !https_proxy && !http_proxy; }
};

/// Splits a NO_PROXY value into entries (lower case, trimmed, empty ones dropped).
std::vector<std::string> parse_no_proxy(std::string_view value);
/// True when `host` (a name or an IP literal, with or without [ ]) is exempt from the proxy.
bool no_proxy_matches(const std::vector<std::string>& no_proxy, std::string_view host, int port);

/// The proxy an https request to host:port would use; nullopt = direct.
std::optional<std::string> proxy_for(const ProxyConfig& config, std::string_view host,
                                     int port = 443);
/// The proxy a plain-http request (IMDS) to host:port would use; nullopt = direct.
std::optional<std::string> http_proxy_for(const ProxyConfig& config, std::string_view host,
                                          int port = 80);

/// A proxy URL without its user:password, safe for reports and logs.
std::string redact_proxy_url(std::string_view url);

struct ProxyEndpoint {
  std::string host;  // name or IP literal, without brackets
  int port = 1080;
};
/// Host and port of a proxy URL ("http://user:pw@proxy.corp:3128" → proxy.corp, 3128). curl's
/// default port is 1080 when none is given (443 for https:// proxies).
std::optional<ProxyEndpoint> proxy_endpoint(std::string_view url);

struct ServiceName {
  std::string service;   // bedrock-runtime
  std::string hostname;  // bedrock-runtime.us-east-1.amazonaws.com
};

/// PROXY_INTERCEPTS for each service name that would go to a proxy, PROXY_IMDS_NOT_EXEMPT when
/// 169.254.169.254 is not exempt (warning when a plain-http proxy applies; info when only
/// HTTPS_PROXY is set: curl sends IMDS direct, but SDKs that use one proxy for all would not).
std::vector<Finding> proxy_findings(const ProxyConfig& config,
                                    const std::vector<ServiceName>& names);

}  // namespace bedrock_reach
