// Configuration text from outside: a startup-config file, and the same lines typed at `configure
// terminal` (applied to the sample config), checked line by line as the interactive shell does.
#include <cstddef>
#include <cstdint>
#include <string>

#include "switch/core/config_parser.h"

using namespace vpc;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto file = parseConfig(text, "fuzz.cfg");
  if (file.error) (void)file.error->format();
  static const auto base = parseConfig("hostname s1\nfeature vpc\nfeature lacp\nemulator\n  local-mac 0c:00:00:00:00:01\n"
                                       "  management 127.0.0.1:9000\n",
                                       "base.cfg");
  std::vector<std::string> lines;
  for (std::size_t at = 0; at <= text.size();) {
    const auto end = text.find('\n', at);
    lines.push_back(text.substr(at, end == std::string::npos ? std::string::npos : end - at));
    if (end == std::string::npos) break;
    at = end + 1;
  }
  const auto typed = applyConfigLines(*base.config, lines);
  if (typed.error) (void)typed.error->format();
  ConfigMode mode = ConfigMode::Global;
  for (const auto& l : lines) {
    const auto r = classifyTerminalLine(mode, l);
    if (const auto* t = std::get_if<TerminalLine>(&r)) mode = t->mode;
    (void)completeTerminalLine(mode, l);
  }
  return 0;
}
