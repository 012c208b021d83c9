#include "peerlink/core/values.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstdio>

namespace vpc {

std::string toLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::uint64_t> parseUint(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

namespace {
int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses `groups` groups of `width` hex digits separated by `sep`.
std::optional<std::uint64_t> parseHexGroups(std::string_view t, int groups, int width, char sep) {
  const std::size_t expected = static_cast<std::size_t>(groups * width + (groups - 1));
  if (t.size() != expected) return std::nullopt;
  std::uint64_t v = 0;
  std::size_t i = 0;
  for (int g = 0; g < groups; ++g) {
    if (g > 0) {
      if (t[i] != sep) return std::nullopt;
      ++i;
    }
    for (int d = 0; d < width; ++d, ++i) {
      const int h = hexDigit(t[i]);
      if (h < 0) return std::nullopt;
      v = (v << 4) | static_cast<std::uint64_t>(h);
    }
  }
  return v;
}
}  // namespace

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  std::optional<std::uint64_t> v;
  if (text.size() == 14) v = parseHexGroups(text, 3, 4, '.');
  else if (text.size() == 17 && text[2] == ':') v = parseHexGroups(text, 6, 2, ':');
  else if (text.size() == 17 && text[2] == '-') v = parseHexGroups(text, 6, 2, '-');
  if (!v) return std::nullopt;
  return MacAddress{*v};
}

std::string MacAddress::dotted() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04x.%04x.%04x", static_cast<unsigned>((value >> 32) & 0xffff),
                static_cast<unsigned>((value >> 16) & 0xffff), static_cast<unsigned>(value & 0xffff));
  return buf;
}

std::string MacAddress::colon() const {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", static_cast<unsigned>((value >> 40) & 0xff),
                static_cast<unsigned>((value >> 32) & 0xff), static_cast<unsigned>((value >> 24) & 0xff),
                static_cast<unsigned>((value >> 16) & 0xff), static_cast<unsigned>((value >> 8) & 0xff),
                static_cast<unsigned>(value & 0xff));
  return buf;
}

std::string hostOf(std::string_view hostport) { return std::string(hostport.substr(0, hostport.rfind(':'))); }

std::string portOf(std::string_view hostport) {
  const auto colon = hostport.rfind(':');
  return colon == std::string_view::npos ? "" : std::string(hostport.substr(colon + 1));
}

std::optional<Ipv4> Ipv4::parse(std::string_view text) {
  std::uint32_t v = 0;
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::size_t j = i;
    while (j < text.size() && text[j] != '.') ++j;
    auto octet = parseUint(text.substr(i, j - i));
    if (!octet || *octet > 255 || j - i > 3) return std::nullopt;
    v = (v << 8) | static_cast<std::uint32_t>(*octet);
    ++parts;
    if (parts < 4) {
      if (j >= text.size()) return std::nullopt;
      i = j + 1;
    } else if (j != text.size()) {
      return std::nullopt;
    }
  }
  return Ipv4{v};
}

std::string Ipv4::str() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", (value >> 24) & 0xff, (value >> 16) & 0xff, (value >> 8) & 0xff,
                value & 0xff);
  return buf;
}

VlanSet VlanSet::all() {
  VlanSet s;
  for (std::uint16_t v = kMinVlan; v <= kMaxVlan; ++v) s.insert(v);
  return s;
}

VlanSet VlanSet::of(std::initializer_list<std::uint16_t> ids) {
  VlanSet s;
  for (auto v : ids) s.insert(v);
  return s;
}

VlanSet VlanSet::fromIds(const std::vector<std::uint32_t>& ids) {
  VlanSet s;
  for (auto v : ids)
    if (v >= kMinVlan && v <= kMaxVlan) s.insert(static_cast<std::uint16_t>(v));
  return s;
}

std::optional<VlanSet> VlanSet::parse(std::string_view text, std::string* error) {
  auto fail = [&](std::string msg) -> std::optional<VlanSet> {
    if (error) *error = std::move(msg);
    return std::nullopt;
  };
  const std::string lower = toLower(text);
  if (lower == "all") return all();
  if (lower == "none") return VlanSet{};
  if (text.empty()) return fail("empty VLAN list");
  VlanSet s;
  std::size_t i = 0;
  while (i <= text.size()) {
    std::size_t j = text.find(',', i);
    if (j == std::string_view::npos) j = text.size();
    const std::string_view item = text.substr(i, j - i);
    const std::size_t dash = item.find('-');
    auto lo = parseUint(item.substr(0, dash));
    auto hi = dash == std::string_view::npos ? lo : parseUint(item.substr(dash + 1));
    if (!lo || !hi) return fail("invalid VLAN '" + std::string(item) + "'");
    if (*lo < kMinVlan || *hi > kMaxVlan || *lo > *hi)
      return fail("VLAN '" + std::string(item) + "' out of range 1-4094");
    for (auto v = *lo; v <= *hi; ++v) s.insert(static_cast<std::uint16_t>(v));
    i = j + 1;
    if (j == text.size()) break;
  }
  return s;
}

bool VlanSet::empty() const {
  for (auto w : words_)
    if (w) return false;
  return true;
}

std::size_t VlanSet::size() const {
  std::size_t n = 0;
  for (auto w : words_) n += static_cast<std::size_t>(std::popcount(w));
  return n;
}

VlanSet VlanSet::operator&(const VlanSet& o) const {
  VlanSet r;
  for (std::size_t i = 0; i < words_.size(); ++i) r.words_[i] = words_[i] & o.words_[i];
  return r;
}

VlanSet VlanSet::operator|(const VlanSet& o) const {
  VlanSet r;
  for (std::size_t i = 0; i < words_.size(); ++i) r.words_[i] = words_[i] | o.words_[i];
  return r;
}

VlanSet VlanSet::minus(const VlanSet& o) const {
  VlanSet r;
  for (std::size_t i = 0; i < words_.size(); ++i) r.words_[i] = words_[i] & ~o.words_[i];
  return r;
}

unsigned VlanSet::nextMember(unsigned from) const {
  for (unsigned i = from >> 6; i < words_.size(); ++i) {
    std::uint64_t w = words_[i];
    if (i == from >> 6) w &= ~std::uint64_t{0} << (from & 63);
    if (w) return i * 64 + static_cast<unsigned>(std::countr_zero(w));
  }
  return kBits;
}

unsigned VlanSet::nextGap(unsigned from) const {
  for (unsigned i = from >> 6; i < words_.size(); ++i) {
    std::uint64_t w = ~words_[i];
    if (i == from >> 6) w &= ~std::uint64_t{0} << (from & 63);
    if (w) return i * 64 + static_cast<unsigned>(std::countr_zero(w));
  }
  return kBits;
}

std::vector<std::uint16_t> VlanSet::ids() const {
  std::vector<std::uint16_t> out;
  out.reserve(size());
  for (unsigned v = nextMember(kMinVlan); v <= kMaxVlan; v = nextMember(v + 1)) out.push_back(static_cast<std::uint16_t>(v));
  return out;
}

std::string VlanSet::str(std::string_view empty_text) const {
  std::string out;
  for (unsigned v = nextMember(kMinVlan); v <= kMaxVlan;) {
    const unsigned end = std::min<unsigned>(nextGap(v) - 1, kMaxVlan);
    if (!out.empty()) out += ',';
    out += std::to_string(v);
    if (end > v) {
      out += '-';
      out += std::to_string(end);
    }
    v = nextMember(end + 1);
  }
  return out.empty() ? std::string(empty_text) : out;
}

}  // namespace vpc
