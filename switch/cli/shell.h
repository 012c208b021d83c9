// The interactive NX-OS session of vpcctl (`vpcctl -s leaf1` with no command): exec and configuration
// modes with their prompts, `exit` / `end` / `do`, `?` help, tab completion, and errors printed the NX-OS
// way. Pure: the switch is behind ShellBackend and the terminal (libedit) is in shell_terminal.cc, so
// the whole dialogue is unit-tested line by line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "switch/core/config_parser.h"
#include "switch/core/grammar.h"

namespace vpc::cli {

struct ConfigureOutcome {
  bool ok = false;
  std::vector<std::string> messages;  // NX-OS notes the change printed (ok)
  std::string error;                  // why the switch refused the lines (not ok)
};

// What the shell needs from the switch. vpcctl's backend calls the management API; tests use a fake.
class ShellBackend {
 public:
  virtual ~ShellBackend() = default;
  // Runs an exec command and prints its output; returns vpcctl's exit code for it.
  virtual int exec(const grammar::Match& command, bool json) = 0;
  // Applies lines as typed in configure terminal (the mode's opening line first), all or nothing.
  virtual ConfigureOutcome configure(const std::vector<std::string>& lines) = 0;
};

struct ShellReply {
  std::string out;  // for stdout
  std::string err;  // for stderr (errors)
  int exit_code = 0;  // of the last command: 0, or 1 refused, 2 syntax, 3 unreachable
};

struct Completion {
  std::string insert;                 // text to insert at the cursor
  std::vector<std::string> listing;   // choices to show when the word is not unique (empty: none)
};

class Shell {
 public:
  enum class Mode { Exec, Config };

  Shell(std::string hostname, ShellBackend& backend);

  // "leaf1# ", "leaf1(config)# ", "leaf1(config-if)# ", "leaf1(config-vpc-domain)# ", ...
  std::string prompt() const;
  Mode mode() const { return mode_; }
  ConfigMode configMode() const { return config_mode_; }
  bool done() const { return done_; }

  // One line as typed. In a terminal the typed line is already on screen after the prompt, so a `^`
  // marker is placed under it; otherwise (`echoed` false) the line is repeated above the marker.
  ShellReply handle(std::string_view line, bool echoed);
  // End of input (Ctrl-D): leaves configuration mode first, as `end` does, then the shell.
  ShellReply endOfInput();

  // `?` after `before_cursor`: what may come next, one per line with its help (NX-OS layout).
  std::string help(std::string_view before_cursor) const;
  // Tab after `before_cursor`.
  Completion complete(std::string_view before_cursor) const;

 private:
  struct Word {
    std::string word;
    std::string help;
    bool keyword = true;
  };
  std::vector<Word> candidates(std::string_view before_cursor) const;
  ShellReply execLine(std::string_view line, std::size_t offset, bool echoed, std::string_view shown);
  ShellReply configLine(std::string_view line, bool echoed);
  std::string marker(std::string_view shown, std::size_t column, bool echoed, const grammar::MatchError& e) const;

  std::string hostname_;
  ShellBackend& backend_;
  Mode mode_ = Mode::Exec;
  ConfigMode config_mode_ = ConfigMode::Global;
  std::string context_;  // the line that opened the current configuration sub-mode
  bool done_ = false;
};

// NX-OS's words under a `^` marker for a syntax error ("% Invalid command at '^' marker.").
std::string syntaxErrorText(const grammar::MatchError& e);

}  // namespace vpc::cli
