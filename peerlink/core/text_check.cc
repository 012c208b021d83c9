#include "peerlink/core/text_check.h"

#include <cstdint>

namespace vpc {

namespace {

std::string hex4(std::uint32_t cp) {
  static const char* d = "0123456789ABCDEF";
  std::string s = "U+";
  for (int shift = 12; shift >= 0; shift -= 4) s += d[(cp >> shift) & 0xf];
  return s;
}

// Decodes one code point at s[i]; returns its length, or 0 when the bytes are not valid UTF-8.
std::size_t decode(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t c = b(i);
  std::size_t n = 0;
  std::uint32_t min = 0;
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  if ((c & 0xe0) == 0xc0) n = 2, cp = c & 0x1f, min = 0x80;
  else if ((c & 0xf0) == 0xe0) n = 3, cp = c & 0x0f, min = 0x800;
  else if ((c & 0xf8) == 0xf0) n = 4, cp = c & 0x07, min = 0x10000;
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

}  // namespace

std::optional<TextProblem> checkText(std::string_view s, std::size_t max_bytes) {
  if (s.size() > max_bytes) return TextProblem{max_bytes, "longer than " + std::to_string(max_bytes) + " bytes"};
  for (std::size_t i = 0; i < s.size();) {
    std::uint32_t cp = 0;
    const auto n = decode(s, i, cp);
    if (n == 0) return TextProblem{i, "invalid UTF-8"};
    if ((cp < 0x20 && cp != '\t') || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
      return TextProblem{i, "control character " + hex4(cp)};
    i += n;
  }
  return std::nullopt;
}

std::size_t codePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

std::string printable(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  return out;
}

std::optional<std::string> checkHostname(std::string_view name) {
  const std::string rule = "a hostname is 1-" + std::to_string(kMaxHostname) +
                           " letters, digits, '-', '_' or '.', starting with a letter or digit";
  if (name.empty() || name.size() > kMaxHostname) return rule;
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front())) return rule;
  for (char c : name)
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return rule;
  return std::nullopt;
}

}  // namespace vpc
