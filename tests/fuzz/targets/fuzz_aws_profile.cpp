// Shared credentials and config files (INI), in both section syntaxes, and the config file's
// nested `services` sections that choose the application's endpoint.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "aws/credential_plan.hpp"
#include "aws/credentials_chain.hpp"
#include "dns/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bedrock_reach;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_profile_keys(text, "default", false);
  (void)parse_profile_keys(text, "prod", true);
  (void)ini_section(text, "profile prod");
  (void)ini_section_nested(text, "services s");
  EndpointSettings settings{
      [](const std::string&) -> std::optional<std::string> { return std::nullopt; },
      text,
      "default",
      {}};
  for (const char* service : {"bedrock-runtime", "sts", "bedrock"})
    (void)configured_endpoint(service, settings);
  settings.profile = "prod";
  (void)configured_endpoint("bedrock-agent-runtime", settings);
  return 0;
}
