// vPC role election: pure functions (vpc-behaviour.md §1). The vPC manager calls it when the peer-link
// session reports that the peer's Hello passed the checks, and for `vpc role preempt`.
//   1. Sticky: a switch that stayed up as operational primary (sticky bit set by a failover or by
//      auto-recovery) keeps the role against a peer that is not sticky, whatever the priorities.
//   2. Otherwise the lower role priority wins.
//   3. On equal priorities the lower local system MAC (the box's own MAC, not the vPC system MAC) wins.
// The configured role is what rules 2-3 alone give; the operational role is what all three give.
// When they differ NX-OS prints "primary, operational secondary" (or the reverse).
#pragma once

#include <cstdint>
#include <string>

#include "peerlink/core/cause.h"
#include "peerlink/core/messages.h"
#include "peerlink/core/values.h"

namespace vpc {

struct RoleCandidate {
  std::uint32_t role_priority = 32667;  // the value that applies at this peer-link initialisation
  MacAddress local_mac;
  bool sticky = false;
  Role current_role = Role::None;       // operational role held before this session
};

struct Election {
  Role configured = Role::None;   // from priorities and MACs alone
  Role operational = Role::None;  // what this switch becomes
  Cause why;                      // the rule that decided
};

// Precondition: the two local MACs differ (checked with the Hello).
Election electRole(const RoleCandidate& self, const RoleCandidate& peer);

// "primary", "secondary", "primary, operational secondary", "secondary, operational primary",
// "none established".
std::string roleDisplay(Role configured, Role operational);

}  // namespace vpc
