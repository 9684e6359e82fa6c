#pragma once
#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace bedrock_reach {

/// A logger writing to stderr (never stdout: stdout carries the report). Level names as in config.
std::shared_ptr<spdlog::logger> make_stderr_logger(const std::string& name,
                                                   const std::string& level);

}  // namespace bedrock_reach
