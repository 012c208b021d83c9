#include "switch/core/state.h"

#include <algorithm>

#include "switch/core/role_election.h"

namespace vpc {

std::string_view toString(PeerStatus s) {
  switch (s) {
    case PeerStatus::NotConfigured: return "peer link not configured";
    case PeerStatus::LinkDown: return "peer link is down";
    case PeerStatus::AdjacencyFormed: return "peer adjacency formed ok";
  }
  return "?";
}

std::string_view toString(VpcStatus s) {
  switch (s) {
    case VpcStatus::Up: return "up";
    case VpcStatus::Down: return "down";
    case VpcStatus::DownLocalLeg: return "down*";
  }
  return "?";
}

std::string_view toString(VpcConsistency c) {
  switch (c) {
    case VpcConsistency::Success: return "success";
    case VpcConsistency::Failed: return "failed";
    case VpcConsistency::NotApplicable: return "Not Applicable";
  }
  return "?";
}

std::string_view toString(PeerLeg l) {
  switch (l) {
    case PeerLeg::Unknown: return "unknown";
    case PeerLeg::NotConfigured: return "not configured";
    case PeerLeg::Up: return "up";
    case PeerLeg::Down: return "down";
  }
  return "?";
}

std::string_view toString(PortState s) {
  switch (s) {
    case PortState::Connected: return "connected";
    case PortState::Disabled: return "disabled";
    case PortState::SuspendedByVpc: return "suspndByV";
    case PortState::NoOperMembers: return "noOperMem";
    case PortState::Down: return "down";
    case PortState::Suspended: return "suspended";
    case PortState::NotConnected: return "notconnec";
  }
  return "?";
}

std::string toString(const RoleState& r) { return roleDisplay(r.configured, r.operational); }

bool sameRole(const RoleState& a, const RoleState& b) {
  auto shown = [](const RoleState& r) { return r.configured == Role::None ? r.operational : r.configured; };
  if (a.operational != b.operational) return false;
  return a.operational == Role::None || shown(a) == shown(b);
}

Cause inconsistentCause(const Mismatch& m) { return cause(CauseKind::Inconsistent, {arg(m.type), m.parameter}); }

std::string reasonText(const VpcRow& row) {
  switch (row.reason) {
    case VpcReason::Success: return "success";
    case VpcReason::PeerLinkDown: return describe(cause(CauseKind::PeerLinkIsDown));
    case VpcReason::NotPerformed: return describe(cause(CauseKind::CheckNotPerformed));
    case VpcReason::Inconsistent: return row.mismatch ? describe(inconsistentCause(*row.mismatch)) : "failed";
    case VpcReason::DelayRestore: return "Delay restore is on";
    case VpcReason::NoPeerLink: return describe(cause(CauseKind::NoPeerLinkConfigured));
  }
  return "?";
}

const VpcRow* SwitchStatus::vpc(std::uint32_t id) const {
  const auto it = std::find_if(vpcs.begin(), vpcs.end(), [&](const VpcRow& r) { return r.id == id; });
  return it == vpcs.end() ? nullptr : &*it;
}

const PortRow* SwitchStatus::port(InterfaceId id) const {
  const auto it = ports.find(id);
  return it == ports.end() ? nullptr : &it->second;
}

bool SwitchStatus::forwards(InterfaceId id) const {
  const auto* p = port(id);
  return p && p->state == PortState::Connected;
}

}  // namespace vpc
