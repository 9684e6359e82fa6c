#pragma once
// Region precedence: --region > AWS_REGION > AWS_DEFAULT_REGION > config > instance metadata.
#include <optional>
#include <string>

#include "bedrock_reach/environment.hpp"

namespace bedrock_reach {

struct RegionChoice {
  std::string region;
  std::string source;  // flag|AWS_REGION|AWS_DEFAULT_REGION|config|imds
};

/// The region known before instance metadata is read; nullopt means "ask IMDS".
std::optional<RegionChoice> choose_region(const std::string& flag, const Environment& env,
                                          const std::string& config_region);

}  // namespace bedrock_reach
