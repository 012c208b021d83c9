// Small value types shared by both switches and the wire: MAC addresses, IPv4 addresses, VLAN sets.
// Parsing accepts what an NX-OS user types; formatting prints what NX-OS prints.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vpc {

constexpr std::uint16_t kMinVlan = 1;
constexpr std::uint16_t kMaxVlan = 4094;

struct MacAddress {
  std::uint64_t value = 0;  // 48 bits, network order: 00:50:56:aa:00:01 -> 0x005056aa0001

  static constexpr std::uint64_t kMask = 0xffffffffffffULL;

  // Accepts 0050.56aa.0001, 00:50:56:aa:00:01, 00-50-56-aa-00-01 (case-insensitive).
  static std::optional<MacAddress> parse(std::string_view text);
  std::string dotted() const;  // 0050.56aa.0001 (show mac address-table)
  std::string colon() const;   // 00:50:56:aa:00:01 (show vpc role)
  bool isMulticast() const { return (value >> 40) & 0x01; }
  friend auto operator<=>(const MacAddress&, const MacAddress&) = default;
};

// "A.B.C.D:port" (an emulator address) split at its last colon: the host, and the port ("" without one).
std::string hostOf(std::string_view hostport);
std::string portOf(std::string_view hostport);

struct Ipv4 {
  std::uint32_t value = 0;  // host order
  static std::optional<Ipv4> parse(std::string_view text);
  std::string str() const;
  friend auto operator<=>(const Ipv4&, const Ipv4&) = default;
};

// A set of VLAN ids 1..4094, printed the NX-OS way ("1,10-12,20").
class VlanSet {
 public:
  VlanSet() = default;
  static VlanSet all();
  // "1,10-12,20"; also "all" and "none". Error text names the offending element.
  static std::optional<VlanSet> parse(std::string_view text, std::string* error = nullptr);
  static VlanSet of(std::initializer_list<std::uint16_t> ids);

  bool contains(std::uint16_t vlan) const { return vlan < kBits && (words_[vlan >> 6] >> (vlan & 63) & 1); }
  void insert(std::uint16_t vlan) {
    if (vlan < kBits) words_[vlan >> 6] |= std::uint64_t{1} << (vlan & 63);
  }
  void erase(std::uint16_t vlan) {
    if (vlan < kBits) words_[vlan >> 6] &= ~(std::uint64_t{1} << (vlan & 63));
  }
  bool empty() const;
  std::size_t size() const;
  VlanSet operator&(const VlanSet& o) const;
  VlanSet operator|(const VlanSet& o) const;
  VlanSet minus(const VlanSet& o) const;
  bool operator==(const VlanSet& o) const { return words_ == o.words_; }

  std::vector<std::uint16_t> ids() const;
  static VlanSet fromIds(const std::vector<std::uint32_t>& ids);  // ignores out-of-range ids
  std::string str(std::string_view empty_text = "-") const;       // "1,10-12,20"

 private:
  static constexpr unsigned kBits = 4096;
  // The first member at or after `from` (kBits if none); the first non-member at or after `from`.
  // A word at a time: the sets are read often (consistency checks, shows) and mostly sparse.
  unsigned nextMember(unsigned from) const;
  unsigned nextGap(unsigned from) const;
  std::array<std::uint64_t, kBits / 64> words_{};
};

// Lower-case copy, for case-insensitive keyword comparison.
std::string toLower(std::string_view s);
// Strict decimal parse of the whole text; nullopt on anything else (sign, spaces, overflow).
std::optional<std::uint64_t> parseUint(std::string_view text);

}  // namespace vpc
