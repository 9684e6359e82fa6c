#pragma once
// The agent's logger: journald (spdlog's systemd sink) when stderr is connected to the journal,
// stderr otherwise, as text or as one JSON object per line (--log-format json). State changes
// carry fields: journald fields (journalctl BEDROCK_REACH_STATUS=critical) or JSON members.
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "daemon/agent.hpp"

namespace bedrock_reach {

/// True when $JOURNAL_STREAM names the device:inode of our stderr (systemd sets it).
bool stderr_is_journal(const char* journal_stream);

/// `format` "text" or "json" (config log.format). Under the journal, the journal's own fields
/// replace both.
std::shared_ptr<spdlog::logger> make_agent_logger(const std::string& level,
                                                  const std::string& format = "text");

/// Where state changes go with their fields: sd_journal_send under the journal, a JSON line
/// with `format` json, else the logger's plain line.
StateEventSink make_state_event_sink(std::shared_ptr<spdlog::logger> logger,
                                     const std::string& format);

}  // namespace bedrock_reach
