// Text from outside (config files, configure lines, management requests, names) checked before
// anything reads it: valid UTF-8, no control characters, bounded. The problem names the position and
// never repeats the text (it may be huge, or not printable). Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace vpc {

struct TextProblem {
  std::size_t offset = 0;  // byte offset of the first bad byte (0-based)
  std::string message;     // "invalid UTF-8", "control character U+0000", "longer than N bytes"
};

// UTF-8 (no overlong forms, no surrogates), no C0/C1 control characters except tab, at most max_bytes.
std::optional<TextProblem> checkText(std::string_view s, std::size_t max_bytes);
// Code points in valid UTF-8.
std::size_t codePoints(std::string_view s);
// The text with every byte that is not printable ASCII replaced by '?' (for echoing a bad line).
std::string printable(std::string_view s);

// NX-OS names and free text (docs/configuration.md, "Limits").
constexpr std::size_t kMaxHostname = 63;      // letters, digits, '-', '_', '.'; starts with a letter or digit
constexpr std::size_t kMaxDescription = 254;  // characters
constexpr std::size_t kMaxLine = 65536;       // bytes of one configuration line
std::optional<std::string> checkHostname(std::string_view name);  // the rule broken, if any

}  // namespace vpc
