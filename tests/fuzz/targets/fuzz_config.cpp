// The TOML config loader: invalid input must end as ConfigError, never a crash.
#include <cstdint>
#include <string>

#include "config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bedrock_reach;
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    Config config = parse_config(text, "fuzz.toml");
    (void)config_to_toml(config);
  } catch (const ConfigError&) {
    // Config load is the one place errors are exceptions; main turns them into exit 3.
  }
  return 0;
}
