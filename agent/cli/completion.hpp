#pragma once
// Shell completions generated from the CLI's own definition (the CLI11 App): every subcommand,
// option, choice (IsMember validators) and FILE argument comes from the parser itself, so
// there is no second list to keep in step. `bedrock-reach completion bash|zsh` prints them;
// the build runs it to produce the files the packages install.
#include <string>

#include "cli/common.hpp"

namespace bedrock_reach {

/// The script for `shell` ("bash" or "zsh") completing `app` (the root, fully set up).
std::string completion_script(CLI::App& app, const std::string& shell);

/// Adds the hidden `completion SHELL` subcommand; call after every other subcommand.
void setup_completion_command(CLI::App& app, RunState& state);

}  // namespace bedrock_reach
