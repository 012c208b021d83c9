// Parses NX-OS startup-config text into a SwitchConfig. Indentation opens blocks as in a running-config;
// `!` starts a comment. Every line is matched against the grammar of its mode (global, vpc domain,
// interface, vlan, emulator); unknown or unsupported lines, out-of-range values and inconsistent
// statements are errors naming file:line:col and the offending text. All or nothing: no partial config
// is ever returned.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "peerlink/core/result.h"
#include "switch/core/config.h"
#include "switch/core/grammar.h"

namespace vpc {

struct ConfigError {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  std::string text;  // the offending line
  // "leaf1.cfg:12:17: error: value 70000 out of range 1-65535\n   role priority 70000\n                 ^"
  std::string format() const;
};

struct ConfigParseResult {
  std::optional<SwitchConfig> config;
  std::optional<ConfigError> error;
  bool role_priority_entered = false;  // a `role priority` line was applied (re-entering one clears sticky)
};

ConfigParseResult parseConfig(std::string_view text, std::string_view file_name);

// Specs of the config grammar that do not compile (developer errors; a unit test requires none).
std::vector<std::string> configGrammarErrors();

// `configure terminal`: applies lines (as typed at the prompt, no indentation needed) to a copy of
// `base`. A sub-mode command (vpc domain, interface, vlan, spanning-tree mst configuration) enters the
// mode; a line the mode does not know is tried as a global command (leaving the mode, as NX-OS does);
// `exit` leaves a mode, `end` stops. Errors name "configure:<line number>:<col>". All or nothing.
// The emulator block cannot change at run time.
ConfigParseResult applyConfigLines(const SwitchConfig& base, const std::vector<std::string>& lines);

// For an interactive `configure terminal` (vpcctl's shell), which checks each line's syntax as it is typed
// and keeps the prompt's mode. Nothing is applied here; the switch applies the lines.
enum class ConfigMode { Global, VpcDomain, Interface, Vlan, Mst };
struct TerminalLine {
  ConfigMode mode = ConfigMode::Global;  // the mode the line leaves the session in
  bool opens_mode = false;               // the line entered `mode` (vpc domain, interface, vlan, mst)
};
// The line as typed in `mode`: a line the mode does not know is tried as a global command, which leaves
// the mode (as NX-OS does). `exit`, `end` and `do` are the shell's, not the config grammar's.
std::variant<TerminalLine, grammar::MatchError> classifyTerminalLine(ConfigMode mode, std::string_view line);
// `?` and tab completion in `mode`.
std::vector<grammar::Candidate> completeTerminalLine(ConfigMode mode, std::string_view line);

}  // namespace vpc
