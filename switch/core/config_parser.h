// Parses NX-OS startup-config text into a SwitchConfig. Indentation opens blocks as in a running-config;
// `!` starts a comment. Every line is matched against the grammar of its mode (global, vpc domain,
// interface, vlan, emulator); unknown or unsupported lines, out-of-range values and inconsistent
// statements are errors naming file:line:col and the offending text. All or nothing: no partial config
// is ever returned.
#pragma once

#include <string>
#include <string_view>

#include "peerlink/core/result.h"
#include "switch/core/config.h"

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
};

ConfigParseResult parseConfig(std::string_view text, std::string_view file_name);

}  // namespace vpc
