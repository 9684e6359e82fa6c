#include "log/logging.hpp"

#include <spdlog/details/fmt_helper.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

#include "bedrock_reach/strings.hpp"

namespace bedrock_reach {
namespace {

std::string utc_timestamp(std::chrono::system_clock::time_point when) {
  const auto seconds = std::chrono::system_clock::to_time_t(when);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[96];  // room for any int the format could meet, so GCC sees no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(millis));
  return buf;
}

std::string_view level_name(spdlog::level::level_enum level) {
  const auto name = spdlog::level::to_string_view(level);
  return {name.data(), name.size()};
}

// stderr, one JSON object per line; the mutex keeps lines whole across threads, and the
// state-change writer (log_json_with_fields) takes the same one through the sink.
class JsonLineSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void write_line(const std::string& line) {
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string line =
        json_log_line(utc_timestamp(msg.time), level_name(msg.level),
                      std::string_view(msg.logger_name.data(), msg.logger_name.size()),
                      std::string_view(msg.payload.data(), msg.payload.size()));
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

std::string json_log_line(const std::string& timestamp, std::string_view level,
                          std::string_view logger, std::string_view message,
                          const std::vector<std::pair<std::string, std::string>>& fields) {
  nlohmann::json doc = {{"ts", timestamp},
                        {"level", std::string(level)},
                        {"logger", std::string(logger)},
                        {"msg", std::string(message)}};
  for (const auto& [name, value] : fields) {
    doc[strings::lower(strings::starts_with(name, "BEDROCK_REACH_") ? name.substr(14) : name)] =
        value;
  }
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::shared_ptr<spdlog::logger> make_stderr_logger(const std::string& name,
                                                   const std::string& level,
                                                   const std::string& format) {
  std::shared_ptr<spdlog::logger> logger;
  if (format == "json") {
    logger = std::make_shared<spdlog::logger>(name, std::make_shared<JsonLineSink>());
  } else {
    logger =
        std::make_shared<spdlog::logger>(name, std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(level));
  return logger;
}

void log_json_with_fields(spdlog::logger& logger, spdlog::level::level_enum level,
                          const std::string& message,
                          const std::vector<std::pair<std::string, std::string>>& fields) {
  if (!logger.should_log(level)) return;
  for (const auto& sink : logger.sinks()) {
    if (auto* json = dynamic_cast<JsonLineSink*>(sink.get())) {
      json->write_line(json_log_line(utc_timestamp(std::chrono::system_clock::now()),
                                     level_name(level), logger.name(), message, fields));
      return;
    }
  }
  logger.log(level, "{}", message);  // not a JSON logger: the plain line
}

}  // namespace bedrock_reach
