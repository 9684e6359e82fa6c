#include "daemon/agent_log.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <cstdio>
#include <cstdlib>

namespace bedrock_reach {

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

std::shared_ptr<spdlog::logger> make_agent_logger(const std::string& level) {
  std::shared_ptr<spdlog::logger> logger;
  if (stderr_is_journal(std::getenv("JOURNAL_STREAM"))) {
    // The journal adds time, unit and priority itself; the message stays the message.
    auto sink = std::make_shared<spdlog::sinks::systemd_sink_mt>("bedrock-reach");
    logger = std::make_shared<spdlog::logger>("bedrock-reach", sink);
  } else {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    logger = std::make_shared<spdlog::logger>("bedrock-reach", sink);
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::trace);
  return logger;
}

}  // namespace bedrock_reach
