// Shared credentials and config files (INI), in both section syntaxes.
#include <cstdint>
#include <string_view>

#include "aws/credentials_chain.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bedrock_reach;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_profile_keys(text, "default", false);
  (void)parse_profile_keys(text, "prod", true);
  return 0;
}
