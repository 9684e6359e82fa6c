#pragma once
// /proc/PID/task/TID/schedstat: "<ns on CPU> <ns runnable but waiting> <timeslices>\n"
// (Documentation/scheduler/sched-stats.rst). Pure parse, bounded.
#include <chrono>
#include <optional>
#include <string_view>

namespace bedrock_reach {

/// The second field, the time spent waiting on a run queue; nullopt for anything else.
std::optional<std::chrono::nanoseconds> parse_schedstat_wait(std::string_view text);

}  // namespace bedrock_reach
