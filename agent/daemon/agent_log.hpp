#pragma once
// The agent's logger: journald (spdlog's systemd sink) when stderr is connected to the journal,
// stderr otherwise.
#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace bedrock_reach {

/// True when $JOURNAL_STREAM names the device:inode of our stderr (systemd sets it).
bool stderr_is_journal(const char* journal_stream);

std::shared_ptr<spdlog::logger> make_agent_logger(const std::string& level);

}  // namespace bedrock_reach
