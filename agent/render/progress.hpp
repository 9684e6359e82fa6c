#pragma once
// The progress line a check shows on stderr when it takes more than about a second and
// stderr is a TTY. Pure formatting; the caller owns the timer and the write.
#include <cstddef>
#include <string>
#include <string_view>

namespace bedrock_reach {

inline constexpr double kProgressAfterMs = 1000;

/// True when a progress line should be drawn: stderr is a TTY and the check has run long enough.
bool should_show_progress(bool stderr_is_tty, double elapsed_ms);

/// "\r\x1b[Kbedrock-reach: checking - dns 1.2 s (3 of 8 probes done)": starts by returning
/// to column 0 and clearing the line, ends without a newline, so the next call overwrites it.
std::string progress_line(std::string_view phase, double elapsed_ms, std::size_t done,
                          std::size_t total);

/// Erases the progress line; write it before the report.
std::string_view clear_progress_line();

}  // namespace bedrock_reach
