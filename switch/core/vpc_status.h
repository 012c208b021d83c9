// Deriving the operator-visible status of one switch from what the vPC manager knows: a pure function
// of its inputs (DESIGN.md §6, vpc-behaviour.md §1-§5). The vPC manager calls it after every input and
// records every difference as an event.
//
//  - A vPC forwards when its port-channel is up, the switch holds a role, nothing suspends it, no delay
//    restore is pending, and - with the peer adjacent - it is configured on both switches and passes the
//    Type-1 checks (with graceful consistency-check only the secondary suspends on a mismatch). With the
//    peer-link down only an operational primary forwards.
//  - Peer-link lost on the operational secondary: every vPC, every `vpc orphan-port suspend` port and
//    every SVI of a vPC VLAN (but `dual-active exclude`) is suspended.
//  - The peer-link's own port-channel and its members are down with the peer-link, on both sides.
#pragma once

#include <optional>
#include <map>
#include <set>

#include "peerlink/core/cause.h"
#include "peerlink/core/messages.h"
#include "peerlink/core/time.h"
#include "switch/core/config.h"
#include "switch/core/consistency.h"
#include "switch/core/state.h"

namespace vpc {

// What the peer-link session says.
struct LinkFacts {
  bool adjacent = false;
  Causes down;  // why not adjacent (most immediate first)
};

// The delay-restore timers: when each runs out (unset: off), and why they were started.
struct RestoreTimers {
  std::optional<TimePoint> vpc, svi, orphan;
  Causes why;
  bool running(const std::optional<TimePoint>& at, TimePoint now) const { return at && now < *at; }
};

// Ports bound to real links whose carrier is lost (a bound port starts without carrier until the
// shell reports it; an unbound port has none to lose).
using NoCarrier = std::set<InterfaceId>;
// Members LACP has not bundled for its own reasons (switch/core/lacp_manager.h), with why.
using LacpOut = std::map<InterfaceId, Causes>;

struct DeriveInputs {
  const SwitchConfig& config;
  const NoCarrier& no_carrier;
  RoleState role;
  bool peer_dead = false;                   // took over after the peer was declared dead (or auto-recovered)
  const LinkFacts& link;
  const std::optional<Causes>& suspend_all;  // why every vPC is suspended (secondary, peer-link down)
  const RestoreTimers& restore;
  const std::optional<peer::VpcState>& peer_vpc_state;
  const std::optional<ConsistencyResult>& consistency;  // both switches' parameters known
  const SwitchStatus& previous;
  TimePoint now;
  const LacpOut* lacp_out = nullptr;
};

SwitchStatus deriveStatus(const DeriveInputs& in);

// A port-channel is up when it is not shut and a member is up: not shut, and with carrier if bound.
// An LACP member also needs LACP to have bundled it (`lacp_out`).
bool memberUp(const SwitchConfig& config, const NoCarrier& no_carrier, InterfaceId member,
              const LacpOut* lacp_out = nullptr);
bool portChannelUp(const SwitchConfig& config, const NoCarrier& no_carrier, const InterfaceConfig& pc,
                   const LacpOut* lacp_out = nullptr);
// VLANs the peer-link carries (the vPC VLANs).
VlanSet vpcVlans(const SwitchConfig& config);

}  // namespace vpc
