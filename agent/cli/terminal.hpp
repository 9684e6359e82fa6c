#pragma once
// What the terminal can show: colour, cursor movement (the \r progress line), width. Decided
// from facts gathered once (probe_terminal) by a pure function, so the rules are table-tested.
#include <optional>
#include <string>

namespace bedrock_reach {

struct TerminalFacts {
  bool stdout_tty = false;
  bool stderr_tty = false;
  std::optional<std::string> term;      // $TERM
  std::optional<std::string> no_color;  // $NO_COLOR
  std::optional<std::string> columns;   // $COLUMNS
  int tty_columns = 0;                  // TIOCGWINSZ of stdout, 0 when unknown
};

struct TerminalInfo {
  bool stdout_tty = false;
  bool stderr_tty = false;
  bool colour = false;          // ANSI colours allowed (no NO_COLOR, not TERM=dumb)
  bool cursor_control = false;  // \r and erase-line allowed (not TERM=dumb)
  int columns = 0;              // width to fit the text report to; 0: no limit (wide table)
};

/// COLUMNS (a number 20..1000) wins, then the TTY's width; a pipe without COLUMNS gets 0,
/// the wide table, so scripts see one stable layout. TERM=dumb (or unset on a TTY) gets
/// neither colour nor cursor movement.
TerminalInfo terminal_info(const TerminalFacts& facts);

/// Reads isatty, the environment and the window size of stdout.
TerminalFacts probe_terminal();

}  // namespace bedrock_reach
