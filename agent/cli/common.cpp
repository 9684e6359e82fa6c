#include "cli/common.hpp"

#include <sys/stat.h>

namespace bedrock_reach {

Config load_effective_config(const ConfigSource& source) {
  if (!source.explicit_path.empty()) return load_config_file(source.explicit_path);
  struct stat info {};
  if (stat(kDefaultConfigPath, &info) == 0) return load_config_file(kDefaultConfigPath);
  return Config{};
}

}  // namespace bedrock_reach
