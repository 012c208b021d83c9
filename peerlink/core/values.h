// Small value types shared by both switches and the wire: MAC addresses, IPv4 addresses, VLAN sets.
// Parsing accepts what an NX-OS user types; formatting prints what NX-OS prints.
#pragma once

#include <bitset>
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

  bool contains(std::uint16_t vlan) const { return vlan < bits_.size() && bits_.test(vlan); }
  void insert(std::uint16_t vlan) { bits_.set(vlan); }
  void erase(std::uint16_t vlan) { bits_.reset(vlan); }
  bool empty() const { return bits_.none(); }
  std::size_t size() const { return bits_.count(); }
  VlanSet operator&(const VlanSet& o) const { VlanSet r; r.bits_ = bits_ & o.bits_; return r; }
  VlanSet operator|(const VlanSet& o) const { VlanSet r; r.bits_ = bits_ | o.bits_; return r; }
  VlanSet minus(const VlanSet& o) const { VlanSet r; r.bits_ = bits_ & ~o.bits_; return r; }
  bool operator==(const VlanSet& o) const { return bits_ == o.bits_; }

  std::vector<std::uint16_t> ids() const;
  static VlanSet fromIds(const std::vector<std::uint32_t>& ids);  // ignores out-of-range ids
  std::string str(std::string_view empty_text = "-") const;       // "1,10-12,20"

 private:
  std::bitset<4096> bits_;
};

// Lower-case copy, for case-insensitive keyword comparison.
std::string toLower(std::string_view s);
// Strict decimal parse of the whole text; nullopt on anything else (sign, spaces, overflow).
std::optional<std::uint64_t> parseUint(std::string_view text);

}  // namespace vpc
