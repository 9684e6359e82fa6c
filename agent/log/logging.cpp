#include "log/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>

namespace bedrock_reach {

std::shared_ptr<spdlog::logger> make_stderr_logger(const std::string& name,
                                                   const std::string& level) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>(name, sink);
  logger->set_level(spdlog::level::from_str(level));
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  return logger;
}

}  // namespace bedrock_reach
