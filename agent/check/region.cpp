#include "check/region.hpp"

namespace bedrock_reach {

std::optional<RegionChoice> choose_region(const std::string& flag, const Environment& env,
                                          const std::string& config_region) {
  if (!flag.empty()) return RegionChoice{flag, "flag"};
  if (auto region = env.get("AWS_REGION")) return RegionChoice{*region, "AWS_REGION"};
  if (auto region = env.get("AWS_DEFAULT_REGION"))
    return RegionChoice{*region, "AWS_DEFAULT_REGION"};
  if (!config_region.empty()) return RegionChoice{config_region, "config"};
  return std::nullopt;
}

}  // namespace bedrock_reach
