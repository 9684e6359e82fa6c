#pragma once
// Which names a check resolves: services x Region, with hostnames built per partition
// (aws-reference.md §1.1-1.2) from the check's one Region value. Pure.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/region.hpp"
#include "bedrock_reach/result.hpp"

namespace bedrock_reach {

struct Target {
  std::string service;       // bedrock-runtime
  std::string hostname;      // bedrock-runtime.us-east-1.amazonaws.com
  std::string signing_name;  // "bedrock" for the Bedrock services, else the service
  /// Which setting chose `hostname`: "default", "fips" (--fips / AWS_USE_FIPS_ENDPOINT), or a
  /// ConfiguredEndpoint source ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "--endpoint-url", ...).
  std::string hostname_source = "default";
};

/// The four Bedrock services checked when none are named.
const std::vector<std::string>& default_services();

/// One target per service (empty = the four defaults), in order, without duplicates.
/// `fips` selects the -fips hosts: by default only bedrock and bedrock-runtime (the services
/// with FIPS PrivateLink services), and an invalid_input error in a Region without Bedrock FIPS
/// endpoints. Service names must be DNS labels. `dualstack` selects the dual-stack names: the
/// partition's dualStackDnsSuffix (bedrock-runtime.us-east-1.api.aws; FIPS and dual-stack:
/// bedrock-runtime-fips.us-east-1.api.aws), the URLs of every Bedrock service's endpoint rule set
/// (botocore data/bedrock-runtime/2023-09-30/endpoint-rule-set-1.json: UseDualStack ->
/// https://bedrock-runtime.{Region}.{PartitionResult#dualStackDnsSuffix}).
Result<std::vector<Target>> build_targets(const Region& region,
                                          const std::vector<std::string>& services, bool fips,
                                          bool dualstack = false);

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// Everything besides the Region that the application's SDK reads to choose a service's endpoint.
struct EndpointSettings {
  EnvLookup env;
  std::string_view config_text;     // the shared config file (AWS_CONFIG_FILE, ~/.aws/config)
  std::string profile = "default";  // the active profile (AWS_PROFILE)
  /// --endpoint-url / config check.endpoint_urls: "SERVICE=URL", the highest precedence.
  std::vector<std::string> overrides;
};

/// Where a service's host came from and the host ("" when the SDK uses its default name).
struct ConfiguredEndpoint {
  std::string host;
  /// "--endpoint-url", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL",
  /// "config [services NAME] bedrock_runtime.endpoint_url", "config [profile P] endpoint_url";
  /// "" when nothing is configured. A setting whose URL has no usable host keeps its name with
  /// " (no usable host)" and leaves host empty: the SDK would call that URL, not the default.
  std::string source;
  /// Set when the profile's `services = NAME` names no "[services NAME]" section and the lookup
  /// reaches it: botocore then refuses to create the client (InvalidConfigError in
  /// configprovider.py ConfiguredEndpointProvider._get_services_config), so the application's
  /// calls never start. Says which setting and section; host and source stay empty.
  std::string config_error;
};

/// The endpoint the application's SDK calls for `service`, in botocore's order
/// (configprovider.py ConfiguredEndpointProvider._ENDPOINT_URL_LOOKUP_ORDER; AWS SDKs and Tools
/// Reference Guide, "Service-specific endpoints", feature-ss-endpoints.html):
///   AWS_ENDPOINT_URL_<SERVICE_ID> > AWS_ENDPOINT_URL > endpoint_url in the profile's
///   `services` section's <service_id> sub-section > the profile's own endpoint_url,
/// all four skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (else the profile's
/// ignore_configured_endpoint_urls) is true. An explicit endpoint (our --endpoint-url, like the
/// CLI's --endpoint-url or an endpoint passed to a client) wins over all and is never ignored.
/// The service ID is the client name with '-' -> '_' (botocore _get_snake_case_service_id; the
/// Bedrock services, sts and ec2 have no overrides), upper-cased for the variable
/// (AWS_ENDPOINT_URL_BEDROCK_RUNTIME) and lower-case in the config file (bedrock_runtime). Pure.
ConfiguredEndpoint configured_endpoint(std::string_view service, const EndpointSettings& settings);

/// The host of an endpoint URL ("https://Host.example:8443/path" -> "host.example"), "" when
/// it has none usable (userinfo, IP literal in brackets, characters outside a DNS name).
std::string endpoint_url_host(std::string_view url);

/// Where the application's SDK is told to use the dual-stack names, "" when it is not:
/// AWS_USE_DUALSTACK_ENDPOINT (decides when set), else the profile's use_dualstack_endpoint
/// (botocore configprovider.py 'use_dualstack_endpoint', ensure_boolean; SDKs and Tools
/// Reference Guide, "Dual-stack and FIPS endpoints"). Returns "AWS_USE_DUALSTACK_ENDPOINT" or
/// "config [profile P] use_dualstack_endpoint". Pure.
std::string dualstack_setting(const EndpointSettings& settings);

/// "SERVICE=URL" (--endpoint-url) -> {service, url}; invalid_input when SERVICE is not a lowercase
/// DNS label or URL has no usable host.
Result<std::pair<std::string, std::string>> parse_endpoint_override(std::string_view text);

/// botocore's ensure_boolean: "true" in any case is true, anything else false.
bool sdk_boolean(std::string_view value);

/// The PrivateLink service suffix of a target: a FIPS host (bedrock-runtime-fips.REGION...) has
/// its own (com.amazonaws.REGION.bedrock-runtime-fips); otherwise the service itself.
std::string endpoint_service(const Target& target);

}  // namespace bedrock_reach
