#include "cli/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>

namespace bedrock_reach {

TerminalInfo terminal_info(const TerminalFacts& facts) {
  TerminalInfo info;
  info.stdout_tty = facts.stdout_tty;
  info.stderr_tty = facts.stderr_tty;
  const bool dumb = !facts.term || facts.term->empty() || *facts.term == "dumb";
  info.cursor_control = !dumb;
  info.colour = !dumb && (!facts.no_color || facts.no_color->empty());
  if (facts.columns) {
    int value = 0;
    const auto& text = *facts.columns;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size() && value >= 20 && value <= 1000) {
      info.columns = value;
      return info;
    }
  }
  if (facts.stdout_tty && facts.tty_columns > 0) info.columns = facts.tty_columns;
  return info;
}

TerminalFacts probe_terminal() {
  auto env = [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  TerminalFacts facts;
  facts.stdout_tty = isatty(STDOUT_FILENO) == 1;
  facts.stderr_tty = isatty(STDERR_FILENO) == 1;
  facts.term = env("TERM");
  facts.no_color = env("NO_COLOR");
  facts.columns = env("COLUMNS");
  struct winsize size {};
  if (facts.stdout_tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0)
    facts.tty_columns = size.ws_col;
  return facts;
}

}  // namespace bedrock_reach
