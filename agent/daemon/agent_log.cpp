#include "daemon/agent_log.hpp"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <cstdio>
#include <cstdlib>

#include "log/logging.hpp"

namespace bedrock_reach {
namespace {

// As the agent's plain state-change lines: unknown is as loud as critical.
spdlog::level::level_enum level_for(Severity status) {
  switch (status) {
    case Severity::critical:
    case Severity::unknown:
      return spdlog::level::err;
    case Severity::warning:
      return spdlog::level::warn;
    default:
      return spdlog::level::info;
  }
}

// syslog(3) priorities, as journald stores them.
int priority_for(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return 2;
    case spdlog::level::err:
      return 3;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::info:
      return 6;
    default:
      return 7;
  }
}

// One journal entry with MESSAGE, PRIORITY, SYSLOG_IDENTIFIER and the fields.
void send_to_journal(spdlog::level::level_enum level, const std::string& message,
                     const LogFields& fields) {
  std::vector<std::string> items = {"MESSAGE=" + message,
                                    "PRIORITY=" + std::to_string(priority_for(level)),
                                    "SYSLOG_IDENTIFIER=bedrock-reach"};
  for (const auto& [name, value] : fields) items.push_back(name + "=" + value);
  std::vector<iovec> vectors;
  for (auto& item : items) vectors.push_back({item.data(), item.size()});
  sd_journal_sendv(vectors.data(), static_cast<int>(vectors.size()));
}

}  // namespace

bool stderr_is_journal(const char* journal_stream) {
  if (journal_stream == nullptr) return false;
  unsigned long long device = 0;
  unsigned long long inode = 0;
  if (std::sscanf(journal_stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat info {};
  if (fstat(STDERR_FILENO, &info) != 0) return false;
  return static_cast<unsigned long long>(info.st_dev) == device &&
         static_cast<unsigned long long>(info.st_ino) == inode;
}

std::shared_ptr<spdlog::logger> make_agent_logger(const std::string& level,
                                                  const std::string& format) {
  std::shared_ptr<spdlog::logger> logger;
  if (stderr_is_journal(std::getenv("JOURNAL_STREAM"))) {
    // The journal adds time, unit and priority itself; the message stays the message.
    auto sink = std::make_shared<spdlog::sinks::systemd_sink_mt>("bedrock-reach");
    logger = std::make_shared<spdlog::logger>("bedrock-reach", sink);
    logger->set_level(spdlog::level::from_str(level));
  } else {
    logger = make_stderr_logger("bedrock-reach", level, format);
  }
  logger->flush_on(spdlog::level::trace);
  return logger;
}

StateEventSink make_state_event_sink(std::shared_ptr<spdlog::logger> logger,
                                     const std::string& format) {
  const bool journal = stderr_is_journal(std::getenv("JOURNAL_STREAM"));
  return [logger = std::move(logger), journal, json = format == "json"](
             Severity status, const std::string& message, const LogFields& fields) {
    const auto level = level_for(status);
    if (!logger->should_log(level)) return;
    if (journal) {
      send_to_journal(level, message, fields);
    } else if (json) {
      log_json_with_fields(*logger, level, message, fields);
    } else {
      logger->log(level, "{}", message);
    }
  };
}

}  // namespace bedrock_reach
