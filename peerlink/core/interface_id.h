// Interface identities of an emulated switch, packed into 32 bits so they can ride the wire in MAC
// records and key hash maps cheaply. Besides real interfaces there are two pseudo kinds:
//   PeerLink - "vPC Peer-Link", where a receiver installs entries that the peer learned on a port
//              this switch does not have (an orphan or non-vPC port);
//   Vpc      - "vPC <id>", how a sender names a port-channel that is a vPC member, so the receiver
//              can install the entry on its own port-channel of the same vPC id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vpc {

enum class IfKind : std::uint8_t { None = 0, Ethernet = 1, PortChannel = 2, Vlan = 3, Mgmt = 4, PeerLink = 5, Vpc = 6 };

class InterfaceId {
 public:
  constexpr InterfaceId() = default;

  static constexpr std::uint32_t kMaxSlot = 99;
  static constexpr std::uint32_t kMaxPort = 1024;
  static constexpr std::uint32_t kMaxPortChannel = 4096;
  static constexpr std::uint32_t kMaxVpc = 4096;

  static constexpr InterfaceId ethernet(std::uint32_t slot, std::uint32_t port) {
    return InterfaceId(IfKind::Ethernet, slot, port);
  }
  static constexpr InterfaceId portChannel(std::uint32_t n) { return InterfaceId(IfKind::PortChannel, 0, n); }
  static constexpr InterfaceId vlan(std::uint32_t v) { return InterfaceId(IfKind::Vlan, 0, v); }
  static constexpr InterfaceId mgmt() { return InterfaceId(IfKind::Mgmt, 0, 0); }
  static constexpr InterfaceId peerLink() { return InterfaceId(IfKind::PeerLink, 0, 0); }
  static constexpr InterfaceId vpc(std::uint32_t id) { return InterfaceId(IfKind::Vpc, 0, id); }

  // For codes this switch produced itself (no validation).
  static constexpr InterfaceId fromTrustedCode(std::uint32_t code) {
    InterfaceId id;
    id.code_ = code;
    return id;
  }
  // Validates a code received from outside (peer message); nullopt if it names nothing sensible.
  static std::optional<InterfaceId> fromCode(std::uint32_t code);
  // "Ethernet1/5", "Eth1/5", "e1/5", "port-channel10", "Po10", "Vlan10", "mgmt0" (case-insensitive).
  static std::optional<InterfaceId> parse(std::string_view text);

  constexpr std::uint32_t code() const { return code_; }
  constexpr IfKind kind() const { return static_cast<IfKind>(code_ & 0xf); }
  constexpr std::uint32_t slot() const { return (code_ >> 4) & 0xff; }
  constexpr std::uint32_t number() const { return code_ >> 12; }  // port, port-channel, vlan or vPC id
  constexpr bool valid() const { return kind() != IfKind::None; }

  std::string longName() const;   // "Ethernet1/5", "port-channel10", "vPC Peer-Link"
  std::string shortName() const;  // "Eth1/5", "Po10", "vPC Peer-Link"

  friend constexpr bool operator==(InterfaceId a, InterfaceId b) { return a.code_ == b.code_; }
  friend constexpr auto operator<=>(InterfaceId a, InterfaceId b) { return a.sortKey() <=> b.sortKey(); }

 private:
  constexpr InterfaceId(IfKind kind, std::uint32_t slot, std::uint32_t n)
      : code_(static_cast<std::uint32_t>(kind) | (slot << 4) | (n << 12)) {}
  // Display order: kind, then slot, then number.
  constexpr std::uint64_t sortKey() const {
    return (static_cast<std::uint64_t>(code_ & 0xf) << 40) | (static_cast<std::uint64_t>(slot()) << 20) | number();
  }
  std::uint32_t code_ = 0;
};

struct InterfaceIdHash {
  std::size_t operator()(InterfaceId i) const { return i.code(); }
};

}  // namespace vpc
