// Typed views for tests: reading a switch's state as values, not words.
#pragma once

#include <cmath>
#include <stdexcept>
#include <string>

#include "switch/core/snapshot.h"
#include "switch/core/views.h"

namespace vpc::test {

inline constexpr RoleState kNoRole{Role::None, Role::None};
inline constexpr RoleState kPrimary{Role::Primary, Role::Primary};
inline constexpr RoleState kSecondary{Role::Secondary, Role::Secondary};
inline constexpr RoleState kPrimaryOpSecondary{Role::Primary, Role::Secondary};
inline constexpr RoleState kSecondaryOpPrimary{Role::Secondary, Role::Primary};

inline bool isRole(const NodeSnapshot& s, const RoleState& r) { return sameRole(s.status.role, r); }

inline const VpcRow& vpcOf(const NodeSnapshot& s, std::uint32_t id) {
  if (const auto* row = s.status.vpc(id)) return *row;
  throw std::runtime_error("no vPC " + std::to_string(id));
}

inline PortState portOf(const NodeSnapshot& s, const std::string& name) {
  const auto id = InterfaceId::parse(name);
  if (!id) throw std::runtime_error("no interface " + name);
  if (const auto* p = s.status.port(*id)) return p->state;
  throw std::runtime_error("interface " + name + " is not configured");
}

inline const Causes& portChain(const NodeSnapshot& s, const std::string& name) {
  return s.status.port(*InterfaceId::parse(name))->chain;
}

// The keepalive says the peer is not reachable (never was, or no longer).
inline bool unreachable(const NodeSnapshot& s) {
  return s.keepalive.state == KeepaliveState::NotReachable || s.keepalive.state == KeepaliveState::NeverAlive;
}

// A delay-restore (or auto-recovery) timer's remaining time in NX-OS seconds, rounded up as `show vpc`
// prints it; -1 when it is off.
inline long long secondsLeft(const NodeSnapshot& s, const std::optional<TimePoint>& at) {
  if (!at || s.now >= *at) return -1;
  return static_cast<long long>(std::ceil(s.scale.unscaledSeconds(*at - s.now)));
}

inline VlanSet vlans(const std::string& text) { return *VlanSet::parse(text); }

inline Subject iface(const std::string& name) { return Subject::interface(*InterfaceId::parse(name)); }

}  // namespace vpc::test
