// terminal_info: the rules for colour, cursor movement and width, from gathered facts.
#include <gtest/gtest.h>

#include "cli/terminal.hpp"

namespace bedrock_reach {
namespace {

TerminalFacts tty(std::optional<std::string> term = "xterm-256color") {
  TerminalFacts facts;
  facts.stdout_tty = facts.stderr_tty = true;
  facts.term = std::move(term);
  facts.tty_columns = 132;
  return facts;
}

TEST(Terminal, ATtyGetsColourCursorAndItsWidth) {
  auto info = terminal_info(tty());
  EXPECT_TRUE(info.colour);
  EXPECT_TRUE(info.cursor_control);
  EXPECT_EQ(info.columns, 132);
}

TEST(Terminal, DumbOrMissingTermGetsNoColourAndNoCursorMovement) {
  for (auto term : {std::optional<std::string>("dumb"), std::optional<std::string>(),
                    std::optional<std::string>("")}) {
    auto info = terminal_info(tty(term));
    EXPECT_FALSE(info.colour);
    EXPECT_FALSE(info.cursor_control);
  }
}

TEST(Terminal, NoColorTurnsColourOffButNotTheProgressLine) {
  auto facts = tty();
  facts.no_color = "1";
  auto info = terminal_info(facts);
  EXPECT_FALSE(info.colour);
  EXPECT_TRUE(info.cursor_control);
  facts.no_color = "";  // set but empty: no effect (no-color.org)
  EXPECT_TRUE(terminal_info(facts).colour);
}

TEST(Terminal, ColumnsWinsThenTheTtyAndAPipeIsUnlimited) {
  auto facts = tty();
  facts.columns = "80";
  EXPECT_EQ(terminal_info(facts).columns, 80);
  facts.columns = "wide";
  EXPECT_EQ(terminal_info(facts).columns, 132);
  facts.columns = "5";  // too small to be meant
  EXPECT_EQ(terminal_info(facts).columns, 132);
  TerminalFacts pipe;
  pipe.term = "xterm";
  EXPECT_EQ(terminal_info(pipe).columns, 0);
  pipe.columns = "80";
  EXPECT_EQ(terminal_info(pipe).columns, 80);
}

}  // namespace
}  // namespace bedrock_reach
