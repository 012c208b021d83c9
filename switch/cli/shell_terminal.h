// Drives a Shell from a terminal (libedit: line editing, history, `?` and tab bound to the shell) or,
// when stdin is not a terminal, from lines read one by one (no prompts; errors repeat the line).
#pragma once

#include <string>

#include "switch/cli/shell.h"

namespace vpc::cli {

// Runs until `exit` at the exec prompt or end of input. Returns 0 when every command succeeded, else the
// exit code of the last one that failed. `history_file` may be empty (no history kept across runs).
int runTerminalShell(Shell& shell, const std::string& history_file);
int runScriptShell(Shell& shell);

}  // namespace vpc::cli
