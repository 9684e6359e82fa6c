#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/logger.h>

namespace bedrock_reach {

/// A logger writing to stderr (never stdout: stdout carries the report). Level names as in
/// config; `format` "text" (time level message) or "json" (one JSON object per line).
std::shared_ptr<spdlog::logger> make_stderr_logger(const std::string& name,
                                                   const std::string& level,
                                                   const std::string& format = "text");

/// One log line as a JSON object: {"ts","level","logger","msg"} plus `fields` (lower-cased
/// names, BEDROCK_REACH_ prefix dropped: "status", "codes", ...). Always valid UTF-8 JSON.
std::string json_log_line(const std::string& timestamp, std::string_view level,
                          std::string_view logger, std::string_view message,
                          const std::vector<std::pair<std::string, std::string>>& fields = {});

/// Writes a JSON line to stderr with the fields, at `level`, if the logger would log it.
void log_json_with_fields(spdlog::logger& logger, spdlog::level::level_enum level,
                          const std::string& message,
                          const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace bedrock_reach
