// Proxy variables: the input's lines become HTTPS_PROXY, NO_PROXY and HTTP_PROXY.
#include <cstdint>
#include <sstream>
#include <string>

#include "proxy/proxy_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bedrock_reach;
  std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
  std::string https, no_proxy, http;
  std::getline(lines, https);
  std::getline(lines, no_proxy);
  std::getline(lines, http);
  Environment env;
  env.set("HTTPS_PROXY", https);
  env.set("NO_PROXY", no_proxy);
  env.set("http_proxy", http);
  ProxyConfig config = ProxyConfig::from_environment(env);
  for (const char* host :
       {"bedrock-runtime.us-east-1.amazonaws.com", "169.254.169.254", "10.0.1.5", "::1"}) {
    (void)proxy_for(config, host, 443);
    (void)no_proxy_matches(config.no_proxy, host, 443);
  }
  (void)proxy_endpoint(https);
  (void)redact_proxy_url(https);
  (void)proxy_findings(config, {ServiceName{"bedrock", "bedrock.us-east-1.amazonaws.com"}});
  return 0;
}
