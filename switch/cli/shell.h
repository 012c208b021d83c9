// The interactive NX-OS session of vpcctl (`vpcctl -s leaf1` with no command): exec and configuration
// modes with their prompts, `exit` / `end` / `do`, `?` help, tab completion, and errors printed the NX-OS
// way. Pure: the switch is behind ShellBackend and the terminal (libedit) is in shell_terminal.cc, so
// the whole dialogue is unit-tested line by line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "switch/core/config_parser.h"
#include "switch/core/grammar.h"
#include "switch/core/users.h"

namespace vpc::cli {

struct ConfigureOutcome {
  bool ok = false;
  std::vector<std::string> messages;  // NX-OS notes the change printed (ok)
  std::string error;                  // why the switch refused the lines (not ok)
};

// How a command's reply is shown: NX-OS text, or JSON (`| json`, `| json-pretty`).
enum class OutputFormat { Text, Json, JsonPretty };

struct ExecOutcome {
  int exit_code = 0;  // vpcctl's: 0, 1 refused, 3 unreachable
  std::string out;    // the command's output (NX-OS text, or the JSON twin)
  std::string err;    // why it failed
};

// What the shell needs from the switch. vpcctl's backend calls the management API; tests use a fake.
class ShellBackend {
 public:
  virtual ~ShellBackend() = default;
  // Runs an exec command; its output comes back to the shell (which filters it through the pipes).
  virtual ExecOutcome exec(const grammar::Match& command, OutputFormat format) = 0;
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

  // `role` decides what the session may do: a network-operator only reads (vpcctl is the lab
  // operator's and has network-admin's rights).
  Shell(std::string hostname, ShellBackend& backend, UserRole role = UserRole::NetworkAdmin);

  // "leaf1# ", "leaf1(config)# ", "leaf1(config-if)# ", "leaf1(config-vpc-domain)# ", ...
  std::string prompt() const;
  Mode mode() const { return mode_; }
  ConfigMode configMode() const { return config_mode_; }
  bool done() const { return done_; }
  std::uint32_t terminalLength() const { return length_; }
  std::uint32_t terminalWidth() const { return width_; }

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
  UserRole role_;
  std::uint32_t length_ = 24;  // `terminal length` (kept; output is not paged)
  std::uint32_t width_ = 80;   // `terminal width`
  Mode mode_ = Mode::Exec;
  ConfigMode config_mode_ = ConfigMode::Global;
  std::string context_;  // the line that opened the current configuration sub-mode
  bool done_ = false;
};

// NX-OS's words under a `^` marker for a syntax error ("% Invalid command at '^' marker.").
std::string syntaxErrorText(const grammar::MatchError& e);

// An exec line split at its pipes: `show vpc | include role | count`.
struct Filter {
  enum class Kind { Include, Exclude, Begin, Count, Last, NoMore, Json, JsonPretty };
  Kind kind;
  std::string pattern;  // include / exclude / begin: a regular expression (case-sensitive, as NX-OS)
  std::size_t lines = 10;  // last
};
struct PipedLine {
  std::string command;          // the text before the first `|`
  std::vector<Filter> filters;  // in order
  OutputFormat format = OutputFormat::Text;  // a `| json`, `| json-pretty` (or `--json`) among them
};
// The line's pipes; an error names the column of the filter NX-OS would not take.
std::variant<PipedLine, grammar::MatchError> splitPipes(std::string_view line);
// `text` through the filters, in order.
std::string applyFilters(const std::vector<Filter>& filters, const std::string& text);

}  // namespace vpc::cli
