#include "switch/core/vpc_status.h"

#include <algorithm>

namespace vpc {

bool memberUp(const SwitchConfig& config, const NoCarrier& no_carrier, InterfaceId member, const LacpOut* lacp_out) {
  const auto* mc = config.interface(member);
  return mc && !config.shutDown(member) && !no_carrier.contains(member) && !(lacp_out && lacp_out->contains(member));
}

bool portChannelUp(const SwitchConfig& config, const NoCarrier& no_carrier, const InterfaceConfig& pc,
                   const LacpOut* lacp_out) {
  if (pc.shutdown) return false;
  for (const auto& m : config.members(pc.id.number()))
    if (memberUp(config, no_carrier, m, lacp_out)) return true;
  return false;
}

VlanSet vpcVlans(const SwitchConfig& config) {
  if (const auto* pl = config.peerLink()) return pl->carriedVlans() & config.vlans;
  return {};
}

namespace {

std::string seconds(std::uint32_t s) { return arg(s); }

PeerLeg peerLegOf(const std::optional<peer::VpcState>& state, std::uint32_t id, const peer::VpcInfo** theirs) {
  *theirs = nullptr;
  if (!state) return PeerLeg::Unknown;
  for (const auto& v : state->vpcs)
    if (v.id == id) *theirs = &v;
  if (!*theirs) return PeerLeg::NotConfigured;
  return (*theirs)->members_up && !(*theirs)->suspended ? PeerLeg::Up : PeerLeg::Down;
}

VpcRow deriveVpc(const DeriveInputs& in, const InterfaceConfig& pc) {
  const auto& cfg = in.config;
  VpcRow row;
  row.id = *pc.vpc_id;
  row.port = pc.id;
  const peer::VpcInfo* theirs = nullptr;
  row.peer_leg = peerLegOf(in.peer_vpc_state, row.id, &theirs);
  auto down = [&](VpcConsistency consistency, VpcReason reason, Causes chain) {
    row.consistency = consistency;
    row.reason = reason;
    row.chain = std::move(chain);
    return row;
  };

  if (!cfg.peerLink())
    return down(VpcConsistency::Failed, VpcReason::NoPeerLink, {cause(CauseKind::NoPeerLinkConfigured)});
  if (!portChannelUp(cfg, in.no_carrier, pc, in.lacp_out)) {
    const Cause why = cause(pc.shutdown ? CauseKind::LocalLegShut : CauseKind::LocalLegDown, {pc.id.longName()});
    if (in.link.adjacent) {
      row.status = VpcStatus::DownLocalLeg;
      return down(VpcConsistency::NotApplicable, VpcReason::NotPerformed,
                  {why, row.peer_leg == PeerLeg::Up ? cause(CauseKind::TrafficViaPeerLeg)
                                                    : cause(CauseKind::PeerLegDownToo, {std::string(toString(row.peer_leg))})});
    }
    return down(VpcConsistency::Failed, VpcReason::PeerLinkDown, {why});
  }
  if (in.role.operational == Role::None)
    return down(VpcConsistency::Failed, VpcReason::PeerLinkDown, concat({cause(CauseKind::PeerLinkIsDown)}, in.link.down));
  if (in.suspend_all)
    return down(VpcConsistency::Failed, VpcReason::PeerLinkDown, concat({cause(CauseKind::PeerLinkIsDown)}, *in.suspend_all));
  if (in.restore.running(in.restore.vpc, in.now))
    return down(VpcConsistency::Success, VpcReason::DelayRestore,
                concat({cause(CauseKind::DelayRestoreRunning, {seconds(cfg.vpc_domain->delay_restore_s)})},
                       in.restore.why));

  const VlanSet carried = pc.carriedVlans() & cfg.vlans;
  if (!in.link.adjacent) {  // an operational primary keeps forwarding without its peer
    row.status = VpcStatus::Up;
    row.active = carried;
    if (in.peer_dead) {
      row.consistency = VpcConsistency::Success;
      row.reason = VpcReason::Success;
      row.chain = {cause(CauseKind::TookOver)};
    } else {
      row.consistency = VpcConsistency::Failed;
      row.reason = VpcReason::PeerLinkDown;
      row.chain = concat({cause(CauseKind::PrimaryKeeps), cause(CauseKind::PeerLinkDown)}, in.link.down);
    }
    return row;
  }
  if (!in.peer_vpc_state || !in.consistency) {
    // The peer's state is a round trip away: a vPC that forwards keeps forwarding meanwhile (a peer
    // rejoining must not flap the survivor's vPCs).
    if (const auto* prev = in.previous.vpc(row.id); prev && prev->status == VpcStatus::Up) return *prev;
    return down(VpcConsistency::NotApplicable, VpcReason::NotPerformed,
                {cause(CauseKind::CheckNotPerformed), cause(CauseKind::WaitingForPeerState)});
  }
  if (!theirs)
    return down(VpcConsistency::NotApplicable, VpcReason::NotPerformed,
                {cause(CauseKind::CheckNotPerformed), cause(CauseKind::NotConfiguredOnPeer, {arg(row.id)})});

  row.consistency = VpcConsistency::Success;
  row.reason = VpcReason::Success;
  row.chain = {cause(CauseKind::AdjacencyOk), cause(CauseKind::ConfiguredOnBoth, {arg(row.id)})};
  const auto& cc = *in.consistency;
  const bool we_suspend = !cc.graceful || in.role.operational == Role::Secondary;
  const Cause rule = cause(!cc.graceful  ? CauseKind::GracefulOffBothSuspend
                           : we_suspend ? CauseKind::GracefulSecondarySuspends
                                        : CauseKind::GracefulPrimaryKeeps);
  const Mismatch* bad = cc.firstGlobal(1);
  if (!bad) bad = cc.firstVpc(row.id, 1);
  if (bad) {
    row.mismatch = *bad;
    Causes chain{inconsistentCause(*bad), cause(CauseKind::ParameterValues, {bad->parameter, bad->local, bad->peer}), rule};
    if (we_suspend) return down(VpcConsistency::Failed, VpcReason::Inconsistent, std::move(chain));
    row.consistency = VpcConsistency::Failed;
    row.reason = VpcReason::Inconsistent;
    row.chain = std::move(chain);
  }
  const VlanSet active = carried & theirs->allowed_vlans & in.peer_vpc_state->vlans;
  const VlanSet forwarding = active.minus(cc.stp_vlan_mismatch);
  row.status = VpcStatus::Up;
  row.active = forwarding;
  if (!(forwarding == carried)) row.chain.push_back(cause(CauseKind::VlansSuspended, {carried.minus(forwarding).str()}));
  row.peer_link_traffic_allowed = row.peer_leg == PeerLeg::Down;
  return row;
}

}  // namespace

SwitchStatus deriveStatus(const DeriveInputs& in) {
  const auto& cfg = in.config;
  SwitchStatus s;
  s.role = in.role;
  if (!cfg.vpc_domain || !cfg.peerLink()) s.peer = PeerStatus::NotConfigured;
  else s.peer = in.link.adjacent ? PeerStatus::AdjacencyFormed : PeerStatus::LinkDown;

  std::vector<const InterfaceConfig*> vpc_ports;
  for (const auto& [id, ic] : cfg.interfaces)
    if (ic.vpc_id) vpc_ports.push_back(&ic);
  std::sort(vpc_ports.begin(), vpc_ports.end(), [](auto* a, auto* b) { return *a->vpc_id < *b->vpc_id; });
  std::map<std::uint32_t, const VpcRow*> by_pc;
  s.vpcs.reserve(vpc_ports.size());
  for (const auto* ic : vpc_ports) {
    s.vpcs.push_back(deriveVpc(in, *ic));
    if (s.vpcs.back().status == VpcStatus::Up) s.vpc_active[s.vpcs.back().id] = s.vpcs.back().active;
  }
  for (std::size_t i = 0; i < vpc_ports.size(); ++i) by_pc[vpc_ports[i]->id.number()] = &s.vpcs[i];

  const VlanSet vpc_vlans = vpcVlans(cfg);
  const auto* d = cfg.vpc_domain ? &*cfg.vpc_domain : nullptr;
  const auto* pl = cfg.peerLink();
  // The peer-link's port-channel is up only while the peer-link is (both sides, whoever noticed first);
  // shut, it reads disabled, and its members are down with the link either way.
  const bool peer_link_down = pl && !in.link.adjacent;
  const Causes no_role = concat({cause(CauseKind::NoRoleYet)}, in.link.down);
  for (const auto& [id, ic] : cfg.interfaces) {
    PortRow ps;
    switch (id.kind()) {
      case IfKind::Ethernet: {
        if (cfg.shutDown(id)) {
          ps = {PortState::Disabled, {cause(CauseKind::AdminShutdown)}};
        } else if (in.no_carrier.contains(id)) {
          ps = {PortState::NotConnected, {cause(CauseKind::LinkNotConnected, {id.longName()})}};
        } else if (in.lacp_out && in.lacp_out->contains(id)) {
          ps = {PortState::Suspended, in.lacp_out->at(id)};
        } else if (ic.channel_group) {
          auto it = by_pc.find(*ic.channel_group);
          if (it != by_pc.end() && it->second->status == VpcStatus::Down) ps = {PortState::SuspendedByVpc, it->second->chain};
          if (peer_link_down && pl->id.number() == *ic.channel_group)
            ps = {PortState::Suspended, concat({cause(CauseKind::PeerLinkMemberDown)}, in.link.down)};
        } else if (ic.orphan_port_suspend && in.role.operational == Role::None) {
          ps = {PortState::SuspendedByVpc, concat({cause(CauseKind::OrphanSuspended)}, no_role)};
        } else if (ic.orphan_port_suspend && in.suspend_all) {
          ps = {PortState::SuspendedByVpc, concat({cause(CauseKind::OrphanSuspended)}, *in.suspend_all)};
        } else if (ic.orphan_port_suspend && in.restore.running(in.restore.orphan, in.now)) {
          ps = {PortState::SuspendedByVpc,
                concat({cause(CauseKind::DelayRestoreOrphanRunning, {seconds(d->delay_restore_orphan_s)})},
                       in.restore.why)};
        }
        break;
      }
      case IfKind::PortChannel: {
        if (ic.shutdown) ps = {PortState::Disabled, {cause(CauseKind::AdminShutdown)}};
        else if (!portChannelUp(cfg, in.no_carrier, ic, in.lacp_out))
          ps = {PortState::NoOperMembers, {cause(CauseKind::NoMemberUp)}};
        else if (ic.vpc_peer_link && peer_link_down)
          ps = {PortState::NoOperMembers, concat({cause(CauseKind::PeerLinkPortDown)}, in.link.down)};
        else if (ic.vpc_id) {
          auto it = by_pc.find(id.number());
          if (it != by_pc.end() && it->second->status != VpcStatus::Up) ps = {PortState::SuspendedByVpc, it->second->chain};
        }
        break;
      }
      case IfKind::Vlan: {
        const auto vlan = static_cast<std::uint16_t>(id.number());
        const bool vpc_vlan = vpc_vlans.contains(vlan);
        if (ic.shutdown) ps = {PortState::Disabled, {cause(CauseKind::AdminShutdown)}};
        else if (!cfg.vlans.contains(vlan)) ps = {PortState::Down, {cause(CauseKind::VlanMissing, {arg(vlan)})}};
        else if (vpc_vlan && in.role.operational == Role::None)
          ps = {PortState::Down, concat({cause(CauseKind::SviWaitsForAdjacency, {arg(vlan)})}, no_role)};
        else if (vpc_vlan && in.suspend_all && !d->dual_active_exclude_svi.contains(vlan))
          ps = {PortState::Down, concat({cause(CauseKind::SviShutOnSecondary, {arg(vlan)})}, *in.suspend_all)};
        else if (vpc_vlan && in.restore.running(in.restore.svi, in.now))
          ps = {PortState::Down,
                concat({cause(CauseKind::DelayRestoreSviRunning, {seconds(d->delay_restore_svi_s)})}, in.restore.why)};
        break;
      }
      default: break;
    }
    s.ports[id] = std::move(ps);
  }
  return s;
}

}  // namespace vpc
