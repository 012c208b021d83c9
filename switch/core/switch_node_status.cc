// SwitchNode: deriving the operator-visible status, recording its changes, and the views.
#include <algorithm>
#include <cmath>

#include "switch/core/explain.h"
#include "switch/core/switch_node.h"

namespace vpc {

namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string secondsText(std::uint32_t s) { return std::to_string(s) + "s"; }

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

bool SwitchNode::portChannelUp(const InterfaceConfig& pc) const {
  if (pc.shutdown) return false;
  for (const auto& m : config_.members(pc.id.number())) {
    if (const auto* mc = config_.interface(m); mc && !mc->shutdown) return true;
  }
  return false;
}

VlanSet SwitchNode::vpcVlans() const {
  if (const auto* pl = config_.peerLink()) return pl->carriedVlans() & config_.vlans;
  return {};
}

std::optional<ConsistencyResult> SwitchNode::consistency() const {
  if (!session_.adjacent() || !peer_consistency_) return std::nullopt;
  return checkConsistency(local_consistency_, *peer_consistency_);
}

std::string SwitchNode::countdown(const std::optional<TimePoint>& at, std::uint32_t configured_s, TimePoint now) const {
  if (!restorePending(at, now)) return "Timer is off.(timeout = " + secondsText(configured_s) + ")";
  // Remaining time in NX-OS seconds (unscaled), so it reads against the configured value.
  const double left = toSeconds(*at - now) / options_.time_scale;
  return "Timer is on.(timeout = " + secondsText(configured_s) + ", " +
         std::to_string(static_cast<long long>(std::ceil(left))) + "s left)";
}

// ---------------------------------------------------------------------------------------------------
// Derivation

VpcRow SwitchNode::deriveVpc(const InterfaceConfig& pc, TimePoint now) const {
  VpcRow row;
  row.id = *pc.vpc_id;
  row.port = pc.id.shortName();
  row.status = "down";
  row.active_vlans = "-";
  const std::string name = "vPC " + std::to_string(row.id);
  const bool adjacent = session_.adjacent();
  const peer::VpcInfo* theirs = nullptr;
  if (!peer_vpc_state_) {
    row.peer_leg = "unknown";
  } else {
    for (const auto& v : peer_vpc_state_->vpcs)
      if (v.id == row.id) theirs = &v;
    row.peer_leg = !theirs ? "not configured" : (theirs->members_up && !theirs->suspended ? "up" : "down");
  }
  auto down = [&](std::string consistency, std::string reason, std::vector<std::string> chain) {
    row.consistency = std::move(consistency);
    row.reason = std::move(reason);
    row.reason_chain = std::move(chain);
    return row;
  };

  if (!config_.peerLink()) return down("failed", "vPC peer-link does not exist", {"vPC peer-link does not exist"});
  if (!portChannelUp(pc)) {
    const std::string why = "local " + pc.id.longName() + " is down (" +
                            (pc.shutdown ? std::string("shutdown") : std::string("no member port up")) + ")";
    if (adjacent) {
      row.status = "down*";
      return down("Not Applicable", "Consistency Check Not Performed",
                  {why, row.peer_leg == "up" ? "traffic for it crosses the peer-link to the peer's leg"
                                             : "the peer's leg is " + row.peer_leg + " too"});
    }
    return down("failed", "Peer-link is down", {why});
  }
  if (role_ == Role::None) return down("failed", "Peer-link is down", {"Peer-link is down", session_.downReason()});
  if (suspend_all_) return down("failed", "Peer-link is down", concat({"Peer-link is down"}, *suspend_all_));
  if (restorePending(restore_at_, now))
    return down("success", "Delay restore is on",
                concat({"delay restore " + std::to_string(config_.vpc_domain->delay_restore_s) + " s is running"},
                       restore_why_));

  const VlanSet carried = pc.carriedVlans() & config_.vlans;
  if (!adjacent) {  // an operational primary keeps forwarding without its peer
    row.status = "up";
    row.active = carried;
    row.active_vlans = carried.str();
    row.peer_link_traffic_allowed = false;
    if (peer_dead_) {
      row.consistency = "success";
      row.reason = "success";
      row.reason_chain = {"the peer is gone: this switch took over as operational primary"};
    } else {
      row.consistency = "failed";
      row.reason = "Peer-link is down";
      row.reason_chain = {"the primary keeps its vPCs up while the peer-link is down",
                          "peer-link down: " + session_.downReason()};
    }
    return row;
  }
  if (!peer_vpc_state_ || !peer_consistency_) {
    // The peer's state is a round trip away: a vPC that forwards keeps forwarding meanwhile (a peer
    // rejoining must not flap the survivor's vPCs).
    for (const auto& prev : status_.vpcs)
      if (prev.id == row.id && prev.status == "up") return prev;
    return down("Not Applicable", "Consistency Check Not Performed",
                {"Consistency Check Not Performed", "waiting for the peer's vPC state"});
  }
  if (!theirs)
    return down("Not Applicable", "Consistency Check Not Performed",
                {"Consistency Check Not Performed", name + " is not configured on the peer"});

  row.consistency = "success";
  row.reason = "success";
  row.reason_chain = {"peer adjacency formed ok", name + " configured on both switches"};
  VlanSet suspended_vlans;
  if (auto cc = consistency()) {
    const bool we_suspend = !cc->graceful || role_ == Role::Secondary;
    const std::string rule = cc->graceful
                                 ? (we_suspend ? "graceful consistency-check: the secondary suspends"
                                               : "graceful consistency-check: the primary keeps forwarding")
                                 : "graceful consistency-check is off: both switches suspend";
    const Inconsistency* bad = cc->firstGlobal(1);
    if (!bad) bad = cc->firstVpc(row.id, 1);
    if (bad) {
      const std::vector<std::string> chain{inconsistencyReason(*bad),
                                           bad->parameter + ": local " + bad->local + ", peer " + bad->peer, rule};
      if (we_suspend) return down("failed", inconsistencyReason(*bad), chain);
      row.consistency = "failed";
      row.reason = inconsistencyReason(*bad);
      row.reason_chain = chain;
    }
    suspended_vlans = cc->stp_vlan_mismatch;
  }
  const VlanSet active = carried & theirs->allowed_vlans & peer_vpc_state_->vlans;
  const VlanSet forwarding = active.minus(suspended_vlans);
  row.status = "up";
  row.active = forwarding;
  row.active_vlans = forwarding.str();
  if (!(forwarding == carried))
    row.reason_chain.push_back("VLANs " + carried.minus(forwarding).str() +
                               " suspended (not allowed or inconsistent on the peer)");
  row.peer_link_traffic_allowed = row.peer_leg == "down";
  return row;
}

SwitchNode::Status SwitchNode::deriveStatus(TimePoint now) const {
  Status s;
  s.role = roleDisplay(config_role_, role_);
  if (!config_.vpc_domain || !config_.peerLink()) s.peer_status = "peer link not configured";
  else s.peer_status = session_.adjacent() ? "peer adjacency formed ok" : "peer link is down";

  std::vector<const InterfaceConfig*> ports;
  for (const auto& [id, ic] : config_.interfaces)
    if (ic.vpc_id) ports.push_back(&ic);
  std::sort(ports.begin(), ports.end(), [](auto* a, auto* b) { return *a->vpc_id < *b->vpc_id; });
  std::map<std::uint32_t, const VpcRow*> by_pc;
  for (const auto* ic : ports) {
    s.vpcs.push_back(deriveVpc(*ic, now));
    const auto& row = s.vpcs.back();
    if (row.status == "up") s.vpc_active[row.id] = row.active;
  }
  for (std::size_t i = 0; i < ports.size(); ++i) by_pc[ports[i]->id.number()] = &s.vpcs[i];

  const VlanSet vpc_vlans = vpcVlans();
  const auto* d = config_.vpc_domain ? &*config_.vpc_domain : nullptr;
  // The peer-link's port-channel is up only while the peer-link is (both sides, whoever noticed first).
  const bool peer_link_down = config_.peerLink() && !session_.adjacent() && !config_.peerLink()->shutdown;
  for (const auto& [id, ic] : config_.interfaces) {
    PortStatus ps{"connected", {}};
    switch (id.kind()) {
      case IfKind::Ethernet: {
        if (ic.shutdown) {
          ps = {"disabled", {"shutdown"}};
        } else if (ic.channel_group) {
          auto it = by_pc.find(*ic.channel_group);
          if (it != by_pc.end() && it->second->status == "down") ps = {"suspndByV", it->second->reason_chain};
          if (peer_link_down && config_.peerLink()->id.number() == *ic.channel_group)
            ps = {"suspended", {"member of the vPC peer-link, which is down", session_.downReason()}};
        } else if (ic.orphan_port_suspend && role_ == Role::None) {
          ps = {"suspndByV", {"vpc orphan-port suspend: suspended with the vPCs", "no vPC role yet: " +
                                                                                    session_.downReason()}};
        } else if (ic.orphan_port_suspend && suspend_all_) {
          ps = {"suspndByV", concat({"vpc orphan-port suspend: suspended with the vPCs"}, *suspend_all_)};
        } else if (ic.orphan_port_suspend && restorePending(orphan_restore_at_, now)) {
          ps = {"suspndByV", concat({"delay restore orphan-port " + std::to_string(d->delay_restore_orphan_s) +
                                     " s is running"},
                                    restore_why_)};
        }
        break;
      }
      case IfKind::PortChannel: {
        if (ic.shutdown) ps = {"disabled", {"shutdown"}};
        else if (!portChannelUp(ic)) ps = {"noOperMem", {"no member port up"}};
        else if (ic.vpc_peer_link && peer_link_down)
          ps = {"noOperMem", {"the vPC peer-link is down: no member is up in it", session_.downReason()}};
        else if (ic.vpc_id) {
          auto it = by_pc.find(id.number());
          if (it != by_pc.end() && it->second->status != "up") ps = {"suspndByV", it->second->reason_chain};
        }
        break;
      }
      case IfKind::Vlan: {
        const auto vlan = static_cast<std::uint16_t>(id.number());
        const bool vpc_vlan = vpc_vlans.contains(vlan);
        if (ic.shutdown) ps = {"disabled", {"shutdown"}};
        else if (!config_.vlans.contains(vlan)) ps = {"down", {"VLAN " + std::to_string(vlan) + " does not exist"}};
        else if (vpc_vlan && role_ == Role::None)
          ps = {"down", {"SVI of vPC VLAN " + std::to_string(vlan) + " waits for the peer adjacency",
                         "no vPC role yet: " + session_.downReason()}};
        else if (vpc_vlan && suspend_all_ && !d->dual_active_exclude_svi.contains(vlan))
          ps = {"down", concat({"SVI of vPC VLAN " + std::to_string(vlan) + " shut on the secondary"}, *suspend_all_)};
        else if (vpc_vlan && restorePending(svi_restore_at_, now))
          ps = {"down", concat({"delay restore interface-vlan " + std::to_string(d->delay_restore_svi_s) +
                                " s is running"},
                               restore_why_)};
        break;
      }
      default: break;
    }
    s.ports[id] = std::move(ps);
  }
  return s;
}

void SwitchNode::recordStatusChanges(Status next, TimePoint now, Effects& out) {
  if (next.role != status_.role) {
    const std::string why = session_.adjacent()                 ? std::string("peer adjacency formed")
                            : !session_.downReason().empty()    ? session_.downReason()
                                                                : next.peer_status;
    recordEvent(out, now, "role", status_.role, next.role, {why});
  }
  if (next.peer_status != status_.peer_status) {
    std::vector<std::string> why;
    if (next.peer_status == "peer adjacency formed ok") why = {"Hello checks passed, roles decided"};
    else if (!session_.downReason().empty()) why = {session_.downReason()};
    else why = {next.peer_status};
    recordEvent(out, now, "peer status", status_.peer_status, next.peer_status, why);
  }
  for (const auto& row : next.vpcs) {
    const auto it = std::find_if(status_.vpcs.begin(), status_.vpcs.end(), [&](const VpcRow& r) { return r.id == row.id; });
    const std::string subject = "vPC " + std::to_string(row.id);
    if (it == status_.vpcs.end()) {
      recordEvent(out, now, subject, "", row.status, row.reason_chain);
    } else if (it->status != row.status) {
      recordEvent(out, now, subject, it->status, row.status, row.reason_chain);
    } else if (it->reason != row.reason) {
      recordEvent(out, now, subject, it->reason, row.reason, row.reason_chain, EventKind::ReasonChanged);
    } else if (it->active_vlans != row.active_vlans) {
      recordEvent(out, now, subject, "active vlans " + it->active_vlans, "active vlans " + row.active_vlans,
                  row.reason_chain);
    }
  }
  for (const auto& [id, ps] : next.ports) {
    auto it = status_.ports.find(id);
    const std::string before = it == status_.ports.end() ? std::string() : it->second.status;
    if (before == ps.status) continue;
    if (!before.empty() || ps.status != "connected")
      recordEvent(out, now, "interface " + id.shortName(), before, ps.status,
                  ps.why.empty() ? std::vector<std::string>{"up"} : ps.why);
    flush_needed_ = true;
  }
  if (next.vpc_active != status_.vpc_active) flush_needed_ = true;
  status_ = std::move(next);
}

// ---------------------------------------------------------------------------------------------------
// What this switch tells the peer

peer::Hello SwitchNode::localHello() const {
  peer::Hello h;
  h.hostname = config_.hostname;
  h.local_mac = *config_.emulator.local_mac;
  h.boot_id = options_.boot_id;
  h.sticky = sticky_;
  h.operational_role = role_;
  h.operational_role_priority = op_role_priority_;
  h.vpcs_forwarding = !status_.vpc_active.empty();
  if (config_.vpc_domain) {
    const auto& d = *config_.vpc_domain;
    h.domain_id = d.id;
    h.system_mac = d.systemMac();
    h.system_priority = d.system_priority;
    h.role_priority = d.role_priority;
    if (d.arp_synchronize) h.capabilities |= kCapabilityArpSync;
  }
  return h;
}

KeepaliveMsg SwitchNode::localKeepalive() const {
  KeepaliveMsg k;
  k.local_mac = *config_.emulator.local_mac;
  k.role = role_;
  k.peer_link_up = session_.adjacent();
  k.boot_id = options_.boot_id;
  if (config_.vpc_domain) {
    k.domain_id = config_.vpc_domain->id;
    k.system_mac = config_.vpc_domain->systemMac();
  }
  return k;
}

peer::VpcState SwitchNode::localVpcState() const {
  peer::VpcState s;
  s.vlans = config_.vlans;
  s.peer_link_allowed_vlans = vpcVlans();
  for (const auto& [id, ic] : config_.interfaces) {
    if (!ic.vpc_id) continue;
    const bool forwarding = status_.vpc_active.count(*ic.vpc_id) > 0;
    const bool up = portChannelUp(ic);
    // "suspended": the leg is up but not forwarding (peer-link loss, delay restore, a Type-1 mismatch).
    s.vpcs.push_back(peer::VpcInfo{*ic.vpc_id, id.shortName(), up, up && !forwarding, ic.carriedVlans() & config_.vlans});
  }
  std::sort(s.vpcs.begin(), s.vpcs.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return s;
}

// ---------------------------------------------------------------------------------------------------
// MAC mapping

InterfaceId SwitchNode::peerPort(std::uint64_t key, const MacTable::Entry& e) const {
  const auto peer_port = InterfaceId::fromTrustedCode(e.peer.port);  // validated by the codec
  if (peer_port.kind() == IfKind::Vpc) {
    auto it = status_.vpc_active.find(peer_port.number());
    if (it != status_.vpc_active.end() && it->second.contains(keyVlan(key))) {
      if (const auto* pc = config_.vpcPort(peer_port.number())) return pc->id;
    }
  }
  return InterfaceId::peerLink();
}

std::pair<InterfaceId, char> SwitchNode::installedPort(std::uint64_t key, const MacTable::Entry& e) const {
  if (e.has_local) {
    const auto port = InterfaceId::fromTrustedCode(e.local.port);
    if (const auto* ic = config_.interface(port); ic && ic->vpc_id) {
      // Our leg of the vPC is down: the host is still reachable through the peer's leg.
      auto it = status_.vpc_active.find(*ic->vpc_id);
      if (it == status_.vpc_active.end() || !it->second.contains(keyVlan(key))) return {InterfaceId::peerLink(), '+'};
    }
    return {port, '*'};
  }
  const auto port = peerPort(key, e);
  return {port, port == InterfaceId::peerLink() ? '+' : '*'};
}

// ---------------------------------------------------------------------------------------------------
// Views

VpcView SwitchNode::vpcView(TimePoint now) const {
  VpcView v;
  v.hostname = config_.hostname;
  v.time_scale = options_.time_scale;
  v.role = status_.role;
  v.peer_status = status_.peer_status;
  v.vpcs = status_.vpcs;
  v.local_mac = *config_.emulator.local_mac;
  v.sticky = sticky_;
  v.dual_active_detection_status = failover_.dualActiveDetected() ? 1 : 0;
  v.keepalive_status = std::string(keepaliveStatusText(keepalive_.state()));
  if (!session_.adjacent() && config_.peerLink()) v.peer_status_reason = session_.downReason();
  if (const auto* pl = config_.peerLink()) {
    PeerLinkRow row;
    row.port = pl->id.shortName();
    row.status = session_.adjacent() ? "up" : "down";
    row.active_vlans = session_.adjacent() ? vpcVlans().str() : "-";
    if (!session_.adjacent()) row.reason = session_.downReason();
    v.peer_link = row;
  }
  const auto cc = consistency();
  v.per_vlan_consistency_status = "success";
  v.type2_consistency_status = "success";
  if (!config_.peerLink()) {
    v.consistency_status = "failed";
    v.consistency_reason = "vPC peer-link does not exist";
  } else if (!cc || !peer_vpc_state_) {
    v.consistency_status = "failed";
    v.consistency_reason = "Consistency Check Not Performed";
    v.type2_consistency_status = "failed";
    v.type2_reason = "Consistency Check Not Performed";
  } else {
    const Inconsistency* t1 = cc->firstGlobal(1);
    v.consistency_status = t1 ? "failed" : "success";
    if (t1) v.consistency_reason = inconsistencyReason(*t1);
    if (!cc->stp_vlan_mismatch.empty()) v.per_vlan_consistency_status = "failed";
    const Inconsistency* t2 = cc->firstGlobal(2);
    for (const auto& [id, list] : cc->vpcs)
      if (!t2) t2 = cc->firstVpc(id, 2);
    if (t2) {
      v.type2_consistency_status = "failed";
      v.type2_reason = inconsistencyReason(*t2);
    }
  }
  if (config_.vpc_domain) {
    const auto& d = *config_.vpc_domain;
    v.domain_configured = true;
    v.domain_id = d.id;
    v.peer_gateway = d.peer_gateway;
    v.dual_active_excluded_vlans = d.dual_active_exclude_svi.str("-");
    v.graceful_consistency_check = !d.graceful_consistency_check ? "Disabled"
                                   : (peer_consistency_ && !peer_consistency_->graceful_consistency_check)
                                       ? "Disabled (due to peer configuration)"
                                       : "Enabled";
    v.layer3_peer_router = d.layer3_peer_router;
    if (!d.auto_recovery) {
      v.auto_recovery_status = "Disabled";
    } else if (auto left = failover_.bootWaitLeft(now)) {
      v.auto_recovery_status = "Enabled, timer is on.(timeout = " + secondsText(d.auto_recovery_reload_delay_s) +
                               ", " + std::to_string(static_cast<long long>(std::ceil(toSeconds(*left) / options_.time_scale))) +
                               "s left)";
    } else {
      v.auto_recovery_status = "Enabled, timer is off.(timeout = " + secondsText(d.auto_recovery_reload_delay_s) + ")";
    }
    v.delay_restore_status = countdown(restore_at_, d.delay_restore_s, now);
    v.delay_restore_svi_status = countdown(svi_restore_at_, d.delay_restore_svi_s, now);
    v.delay_restore_orphan_status = countdown(orphan_restore_at_, d.delay_restore_orphan_s, now);
    v.system_mac = d.systemMac();
    v.system_priority = d.system_priority;
    v.local_config_role_priority = d.role_priority;
    v.local_role_priority = op_role_priority_;
  }
  if (peer_hello_) {
    v.peer_mac = peer_hello_->local_mac;
    v.peer_role_priority = session_.adjacent() ? peer_hello_->role_priority : peer_hello_->operational_role_priority;
    v.peer_config_role_priority = peer_config_priority_;
  }
  return v;
}

ConsistencyView SwitchNode::consistencyView(const std::string& scope, std::uint32_t vpc) const {
  ConsistencyView v;
  const auto cc = consistency();
  const bool have_peer = cc.has_value();
  auto typeText = [](std::uint32_t t) { return t == kTypeInfo ? std::string("-") : std::to_string(t); };
  auto rowsFor = [&](const std::vector<peer::ConsistencyParam>& mine, const std::vector<peer::ConsistencyParam>* theirs) {
    for (const auto& p : mine)
      v.rows.push_back({p.name, typeText(p.type), p.value, theirs ? paramValue(*theirs, p.name) : "-"});
  };
  if (scope == "vlans") {
    const VlanSet peer_disabled =
        have_peer ? VlanSet::parse(paramValue(peer_consistency_->global, "STP Disabled")).value_or(VlanSet{}) : VlanSet{};
    for (auto vlan : config_.vlans.ids()) {
      v.rows.push_back({"Vlan " + std::to_string(vlan) + " STP", "1",
                        config_.stp.disabled_vlans.contains(vlan) ? "Disabled" : "Enabled",
                        !have_peer ? "-" : (peer_disabled.contains(vlan) ? "Disabled" : "Enabled")});
    }
    v.status = !have_peer ? "not performed" : (cc->stp_vlan_mismatch.empty() ? "success" : "failed");
    if (have_peer && !cc->stp_vlan_mismatch.empty())
      v.reason = "VLANs " + cc->stp_vlan_mismatch.str() + " suspended: STP enabled on one switch only";
    return v;
  }
  if (scope == "vpc") {
    const auto it = std::find_if(local_consistency_.vpcs.begin(), local_consistency_.vpcs.end(),
                                 [&](const auto& x) { return x.id == vpc; });
    if (it == local_consistency_.vpcs.end()) {
      v.status = "failed";
      v.reason = "vPC " + std::to_string(vpc) + " is not configured";
      return v;
    }
    const std::vector<peer::ConsistencyParam>* theirs = nullptr;
    if (have_peer)
      for (const auto& pv : peer_consistency_->vpcs)
        if (pv.id == vpc) theirs = &pv.params;
    rowsFor(it->params, theirs);
    const auto row = std::find_if(status_.vpcs.begin(), status_.vpcs.end(), [&](const VpcRow& r) { return r.id == vpc; });
    const auto* pc = config_.vpcPort(vpc);
    VlanSet local_allowed = pc ? pc->carriedVlans() & config_.vlans : VlanSet{};
    VlanSet active = row != status_.vpcs.end() ? row->active : VlanSet{};
    v.rows.push_back({"Local suspended VLANs", "-", have_peer && theirs ? local_allowed.minus(active).str() : "-", "-"});
    if (!have_peer) {
      v.status = "not performed";
      v.reason = session_.adjacent() ? "waiting for the peer's parameters" : "Consistency Check Not Performed";
    } else if (!theirs) {
      v.status = "failed";
      v.reason = "vPC " + std::to_string(vpc) + " is not configured on the peer";
    } else if (const auto* bad = cc->firstVpc(vpc, 1)) {
      v.status = "failed";
      v.reason = inconsistencyReason(*bad);
    } else {
      v.status = "success";
    }
    return v;
  }
  rowsFor(local_consistency_.global, have_peer ? &peer_consistency_->global : nullptr);
  VlanSet suspended;
  if (have_peer && peer_vpc_state_) suspended = config_.vlans.minus(peer_vpc_state_->vlans) | cc->stp_vlan_mismatch;
  v.rows.push_back({"Local suspended VLANs", "-", have_peer ? suspended.str() : "-", "-"});
  if (!have_peer) {
    v.status = "not performed";
    v.reason = "Consistency Check Not Performed";
  } else if (const auto* bad = cc->firstGlobal(1)) {
    v.status = "failed";
    v.reason = inconsistencyReason(*bad);
  } else {
    v.status = "success";
  }
  return v;
}

std::vector<InterfaceRow> SwitchNode::interfaceRows() const {
  std::vector<InterfaceRow> rows;
  for (const auto& [id, ic] : config_.interfaces) {
    InterfaceRow r;
    r.id = id;
    r.description = ic.description;
    auto it = status_.ports.find(id);
    if (it != status_.ports.end()) {
      r.status = it->second.status;
      r.reason_chain = it->second.why;
    }
    if (id.kind() == IfKind::Vlan || id.kind() == IfKind::Mgmt || !ic.switchport) r.vlan = "routed";
    else if (ic.mode == PortMode::Trunk) r.vlan = "trunk";
    else r.vlan = std::to_string(ic.access_vlan);
    r.duplex = ic.duplex == "auto" ? (r.status == "connected" ? "full" : "auto") : ic.duplex;
    r.speed = ic.speed;
    rows.push_back(std::move(r));
  }
  return rows;
}

namespace {
bool macMatches(const MacFilter& f, std::uint64_t key, bool is_static, InterfaceId port) {
  if (f.vlan && keyVlan(key) != f.vlan) return false;
  if (f.mac && keyMac(key) != f.mac->value) return false;
  if (f.iface && *f.iface != port) return false;
  if (f.is_static && *f.is_static != is_static) return false;
  return true;
}
}  // namespace

std::vector<MacRow> SwitchNode::macRows(const MacFilter& filter, TimePoint now) const {
  std::vector<MacRow> rows;
  for (const auto& [key, e] : macs_.entries()) {
    const auto [port, flag] = installedPort(key, e);
    const bool is_static = e.has_local ? e.local.is_static : e.peer.is_static;
    if (!macMatches(filter, key, is_static, port)) continue;
    const TimePoint seen = e.has_local ? e.local_seen : e.peer_seen;
    const auto age = static_cast<std::uint32_t>(std::max<std::int64_t>(
        0, std::chrono::duration_cast<Seconds>(now - seen).count()));
    rows.push_back(MacRow{keyVlan(key), MacAddress{keyMac(key)}, is_static, is_static ? 0 : age, port, flag});
  }
  std::sort(rows.begin(), rows.end(), [](const MacRow& a, const MacRow& b) {
    return a.vlan != b.vlan ? a.vlan < b.vlan : a.mac < b.mac;
  });
  return rows;
}

std::size_t SwitchNode::macCount(const MacFilter& filter) const {
  std::size_t n = 0;
  for (const auto& [key, e] : macs_.entries()) {
    const auto port = installedPort(key, e).first;
    const bool is_static = e.has_local ? e.local.is_static : e.peer.is_static;
    if (macMatches(filter, key, is_static, port)) ++n;
  }
  return n;
}

std::vector<ArpRow> SwitchNode::arpRows(std::uint16_t vlan, TimePoint now) const {
  std::vector<ArpRow> rows;
  for (const auto& [ip, e] : arps_.entries()) {
    const ArpValue& v = e.has_local ? e.local : e.peer;
    if (vlan && v.vlan != vlan) continue;
    rows.push_back(ArpRow{Ipv4{ip}, MacAddress{v.mac}, v.vlan, now - (e.has_local ? e.local_seen : e.peer_seen),
                          !e.has_local});
  }
  std::sort(rows.begin(), rows.end(), [](const ArpRow& a, const ArpRow& b) { return a.ip < b.ip; });
  return rows;
}

SyncView SwitchNode::syncView() const {
  SyncView v;
  v.session_state = std::string(toString(session_.state()));
  v.tx = sender_.status();
  v.rx = receiver_.status();
  v.local_macs = macs_.localCount();
  v.peer_macs = macs_.peerCount();
  v.local_arps = arps_.localCount();
  v.peer_arps = arps_.peerCount();
  v.rtt = session_.rtt();
  v.session_flaps = session_.counters().downs;
  v.arp_sync = arpSyncActive();

  // Logical views (DESIGN.md §5): each assertion mapped to a location both switches name the same way:
  // a vPC by its id, any other port by (owning switch's local MAC, interface).
  const std::uint64_t self = config_.emulator.local_mac->value;
  const std::uint64_t other = peer_hello_ ? peer_hello_->local_mac.value : 0;
  for (const auto& [key, e] : macs_.entries()) {
    std::uint64_t locs[2];
    int n = 0;
    if (e.has_local) {
      const auto wire = InterfaceId::fromTrustedCode(wirePort(InterfaceId::fromTrustedCode(e.local.port)));
      locs[n++] = mix((wire.kind() == IfKind::Vpc ? 0 : self) ^ mix(wire.code()) ^ (e.local.is_static ? 1 : 0));
    }
    if (e.has_peer) {
      const auto port = InterfaceId::fromTrustedCode(e.peer.port);
      const std::uint64_t loc = mix((port.kind() == IfKind::Vpc ? 0 : other) ^ mix(port.code()) ^ (e.peer.is_static ? 1 : 0));
      if (n == 0 || locs[0] != loc) locs[n++] = loc;
    }
    for (int i = 0; i < n; ++i) v.logical_mac_digest += mix(key ^ locs[i]);
    v.logical_macs += static_cast<std::uint64_t>(n);
  }
  for (const auto& [ip, e] : arps_.entries()) {
    std::uint64_t locs[2];
    int n = 0;
    if (e.has_local) locs[n++] = mix(e.local.mac ^ (static_cast<std::uint64_t>(e.local.vlan) << 48));
    if (e.has_peer) {
      const std::uint64_t loc = mix(e.peer.mac ^ (static_cast<std::uint64_t>(e.peer.vlan) << 48));
      if (n == 0 || locs[0] != loc) locs[n++] = loc;
    }
    for (int i = 0; i < n; ++i) v.logical_arp_digest += mix(ip ^ locs[i]);
    v.logical_arps += static_cast<std::uint64_t>(n);
  }
  return v;
}

KeepaliveView SwitchNode::keepaliveView(TimePoint now) const {
  KeepaliveView v;
  v.state = keepalive_.state();
  v.status = std::string(keepaliveStatusText(v.state));
  if (config_.vpc_domain) v.settings = config_.vpc_domain->keepalive;
  v.counters = keepalive_.counters();
  if (auto since = keepalive_.aliveSince(); since && keepalive_.peerAlive()) v.alive_for = now - *since;
  if (auto rx = keepalive_.lastRx()) v.since_last_rx = now - *rx;
  v.last_tx = keepalive_.lastTx();
  v.last_rx = keepalive_.lastRx();
  v.average_rx_interval = keepalive_.averageRxInterval();
  return v;
}

}  // namespace vpc

namespace vpc {

std::vector<OrphanVlanView> SwitchNode::orphanPorts() const {
  // NX-OS: an orphan port is a port on a vPC VLAN that is neither a vPC member nor the peer-link.
  std::vector<OrphanVlanView> out;
  for (auto vlan : vpcVlans().ids()) {
    OrphanVlanView v{vlan, {}};
    for (const auto& [id, ic] : config_.interfaces) {
      if (!ic.switchport || ic.vpc_peer_link || ic.vpc_id) continue;
      if (id.kind() == IfKind::Ethernet && ic.channel_group) continue;  // the port-channel stands for it
      if (id.kind() != IfKind::Ethernet && id.kind() != IfKind::PortChannel) continue;
      if (ic.carriedVlans().contains(vlan)) v.ports.push_back(id);
    }
    if (!v.ports.empty()) out.push_back(std::move(v));
  }
  return out;
}

std::vector<PortChannelView> SwitchNode::portChannels() const {
  std::vector<PortChannelView> out;
  for (const auto& [id, ic] : config_.interfaces) {
    if (id.kind() != IfKind::PortChannel) continue;
    PortChannelView v;
    v.group = id.number();
    v.id = id;
    auto st = status_.ports.find(id);
    const bool up = st != status_.ports.end() && st->second.status == "connected";
    v.flags = std::string(ic.switchport ? "S" : "R") + (up ? "U" : "D");
    v.protocol = "NONE";
    for (const auto& m : config_.members(id.number())) {
      const auto* mc = config_.interface(m);
      if (mc && mc->channel_mode != ChannelMode::On) v.protocol = "LACP";
      auto ms = status_.ports.find(m);
      const std::string s = ms == status_.ports.end() ? std::string("down") : ms->second.status;
      v.members.emplace_back(m, s == "connected" ? 'P' : (s == "suspndByV" || s == "suspended" ? 's' : 'D'));
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<Explanation> SwitchNode::explain(const ExplainQuery& q) const {
  Explanation x;
  std::vector<std::string> subjects;  // events worth showing: the subject and its usual causes
  switch (q.kind) {
    case ExplainQuery::Kind::Vpc: {
      const auto it = std::find_if(status_.vpcs.begin(), status_.vpcs.end(), [&](const VpcRow& r) { return r.id == q.vpc; });
      if (it == status_.vpcs.end()) return notFound("vPC " + std::to_string(q.vpc) + " is not configured");
      x.subject = "vPC " + std::to_string(q.vpc) + " (" + it->port + ")";
      x.status = it->status + (it->status == "up" ? " (active vlans " + it->active_vlans + ")" : "");
      x.reason = it->reason;
      x.chain = it->reason_chain;
      subjects = {"vPC " + std::to_string(q.vpc), "interface " + it->port};
      break;
    }
    case ExplainQuery::Kind::Interface: {
      const auto it = status_.ports.find(q.iface);
      if (it == status_.ports.end()) return notFound("interface " + q.iface.longName() + " does not exist");
      x.subject = "interface " + q.iface.shortName();
      x.status = it->second.status;
      x.chain = it->second.why;
      subjects = {"interface " + q.iface.shortName()};
      if (const auto* ic = config_.interface(q.iface); ic && ic->channel_group)
        subjects.push_back("interface " + InterfaceId::portChannel(*ic->channel_group).shortName());
      break;
    }
    case ExplainQuery::Kind::PeerLink: {
      x.subject = "peer-link";
      x.status = status_.peer_status;
      x.reason = session_.adjacent() ? "" : session_.downReason();
      for (auto it = journal_.events().rbegin(); it != journal_.events().rend(); ++it)
        if (it->subject == "peer status") {
          x.chain = it->reasons;
          break;
        }
      // While it is down, what keeps it down now (the last attempt's cause) comes first; what took it
      // down follows.
      if (!x.reason.empty() && (x.chain.empty() || x.chain.front() != x.reason)) x.chain.insert(x.chain.begin(), x.reason);
      subjects = {"peer status", "peer-link"};
      break;
    }
    case ExplainQuery::Kind::Vlan: {
      const std::uint16_t vlan = q.vlan;
      const std::string name = "VLAN " + std::to_string(vlan);
      if (!config_.vlans.contains(vlan)) return notFound(name + " does not exist");
      x.subject = name;
      const auto cc = consistency();
      std::vector<std::string> forwarding, suspended;
      for (const auto& row : status_.vpcs) {
        const auto* ic = config_.vpcPort(row.id);
        if (!ic || !ic->carriedVlans().contains(vlan)) continue;
        subjects.push_back("vPC " + std::to_string(row.id));
        if (row.status == "up" && row.active.contains(vlan)) {
          forwarding.push_back(row.port);
          continue;
        }
        suspended.push_back(row.port);
        std::string why;
        if (row.status != "up") why = "vPC " + std::to_string(row.id) + " (" + row.port + ") is " + row.status + ": " + row.reason;
        else if (cc && cc->stp_vlan_mismatch.contains(vlan))
          why = name + " suspended on " + row.port + ": STP is enabled for it on one switch only (per-VLAN consistency)";
        else
          why = name + " suspended on " + row.port + " (not allowed or inconsistent on the peer's vPC " +
                std::to_string(row.id) + ")";
        x.chain.push_back(why);
      }
      auto join = [](const std::vector<std::string>& v) {
        std::string out;
        for (const auto& p : v) out += (out.empty() ? "" : ", ") + p;
        return out;
      };
      if (forwarding.empty() && suspended.empty()) x.status = vpcVlans().contains(vlan) ? "on no vPC" : "not a vPC VLAN";
      if (!forwarding.empty()) x.status = "active on " + join(forwarding);
      if (!suspended.empty()) x.status += (x.status.empty() ? "" : "; ") + std::string("suspended on ") + join(suspended);
      if (!vpcVlans().contains(vlan) && config_.peerLink())
        x.chain.push_back(name + " is not allowed on the peer-link, so it is no vPC VLAN");
      subjects.push_back("interface Vlan" + std::to_string(vlan));
      break;
    }
    case ExplainQuery::Kind::Role: {
      x.subject = "role";
      x.status = status_.role + (sticky_ ? " (sticky)" : "");
      for (auto it = journal_.events().rbegin(); it != journal_.events().rend(); ++it)
        if (it->subject == "role" && it->to == status_.role) {
          x.chain = it->reasons;
          break;
        }
      subjects = {"role", "sticky"};
      break;
    }
  }
  x.rules = rulesFor(x.chain);
  // The causes that usually sit under a status change, then the subject's own events.
  for (const char* cause : {"peer-link", "failover", "delay restore", "config", "keepalive", "role"})
    if (std::find(subjects.begin(), subjects.end(), cause) == subjects.end()) subjects.push_back(cause);
  constexpr std::size_t kMaxEvents = 40;
  for (auto it = journal_.events().rbegin(); it != journal_.events().rend() && x.events.size() < kMaxEvents; ++it)
    if (std::find(subjects.begin(), subjects.end(), it->subject) != subjects.end()) x.events.push_back(*it);
  std::reverse(x.events.begin(), x.events.end());
  return x;
}

}  // namespace vpc
