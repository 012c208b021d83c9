// The operator-visible state of one switch, typed: what the vPC manager derives after every input and
// what views render. Decisions compare these enums, never text; the NX-OS words for each value are
// made here (toString), and only views, events and logs call them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "peerlink/core/cause.h"
#include "peerlink/core/interface_id.h"
#include "peerlink/core/messages.h"
#include "peerlink/core/values.h"

namespace vpc {

// `show vpc` "Peer status".
enum class PeerStatus : std::uint8_t { NotConfigured, LinkDown, AdjacencyFormed };
std::string_view toString(PeerStatus s);  // "peer link not configured" | "peer link is down" | "peer adjacency formed ok"

// A vPC's status column: down* is "local leg down, forwarding via the peer's leg".
enum class VpcStatus : std::uint8_t { Up, Down, DownLocalLeg };
std::string_view toString(VpcStatus s);  // "up" | "down" | "down*"

enum class VpcConsistency : std::uint8_t { Success, Failed, NotApplicable };
std::string_view toString(VpcConsistency c);  // "success" | "failed" | "Not Applicable"

// The NX-OS reason column of a vPC.
enum class VpcReason : std::uint8_t { Success, PeerLinkDown, NotPerformed, Inconsistent, DelayRestore, NoPeerLink };

// The peer's port-channel of a vPC, as its VpcState says.
enum class PeerLeg : std::uint8_t { Unknown, NotConfigured, Up, Down };
std::string_view toString(PeerLeg l);  // "unknown" | "not configured" | "up" | "down"

// `show interface status` Status column.
enum class PortState : std::uint8_t { Connected, Disabled, SuspendedByVpc, NoOperMembers, Down, Suspended, NotConnected };
std::string_view toString(PortState s);  // connected | disabled | suspndByV | noOperMem | down | suspended

// A configured role and the operational one ("primary, operational secondary" when they differ).
struct RoleState {
  Role configured = Role::None;
  Role operational = Role::None;
  bool operator==(const RoleState&) const = default;
};
std::string toString(const RoleState& r);
// Whether two role states read the same ("primary" is configured none or primary, operational primary).
bool sameRole(const RoleState& a, const RoleState& b);

// A Type-1/Type-2 parameter that differs between the switches.
struct Mismatch {
  std::uint32_t type = 1;
  std::string parameter;
  std::string local;
  std::string peer;
  bool operator==(const Mismatch&) const = default;
};
Cause inconsistentCause(const Mismatch& m);  // NX-OS: "vPC type-1 configuration incompatible - MTU inconsistent"

struct VpcRow {
  std::uint32_t id = 0;
  InterfaceId port;
  VpcStatus status = VpcStatus::Down;
  VpcConsistency consistency = VpcConsistency::Failed;
  VpcReason reason = VpcReason::PeerLinkDown;
  std::optional<Mismatch> mismatch;  // the parameter behind VpcReason::Inconsistent (or a Type-1 the
                                     // primary keeps forwarding despite, with graceful check)
  VlanSet active;                    // the VLANs it forwards
  Causes chain;                      // why, most immediate first
  PeerLeg peer_leg = PeerLeg::Unknown;
  bool peer_link_traffic_allowed = false;  // loop avoidance: frames from the peer-link may leave here
  bool operator==(const VpcRow&) const = default;
};
std::string reasonText(const VpcRow& row);  // the NX-OS reason column

struct PortRow {
  PortState state = PortState::Connected;
  Causes chain;  // why it is not connected
  bool operator==(const PortRow&) const = default;
};

// Everything the vPC manager derives, re-derived after every input and diffed into events.
struct SwitchStatus {
  RoleState role;
  PeerStatus peer = PeerStatus::NotConfigured;
  std::vector<VpcRow> vpcs;                     // by vPC id
  std::map<InterfaceId, PortRow> ports;
  std::map<std::uint32_t, VlanSet> vpc_active;  // forwarding vPCs -> the VLANs they forward

  const VpcRow* vpc(std::uint32_t id) const;
  const PortRow* port(InterfaceId id) const;
  bool forwards(InterfaceId port) const;  // a port (not a vPC port-channel) that is connected
};

}  // namespace vpc
