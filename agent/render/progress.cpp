#include "render/progress.hpp"

#include <cstdio>

#include "render/render_util.hpp"

namespace bedrock_reach {

bool should_show_progress(bool stderr_is_tty, double elapsed_ms) {
  return stderr_is_tty && elapsed_ms >= kProgressAfterMs;
}

std::string progress_line(std::string_view phase, double elapsed_ms, std::size_t done,
                          std::size_t total) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f s",
                render_detail::finite_or_zero(elapsed_ms) / 1000);
  std::string line = "\r\x1b[Kbedrock-reach: checking - ";
  line += render_detail::terminal_safe(phase.substr(0, 40));
  line += " ";
  line += seconds;
  if (total > 0) {
    line += " (" + std::to_string(done) + " of " + std::to_string(total) + " probes done)";
  }
  return line;
}

std::string_view clear_progress_line() { return "\r\x1b[K"; }

}  // namespace bedrock_reach
