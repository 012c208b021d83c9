#include "switch/core/views.h"

#include <algorithm>

#include "switch/core/vpc_status.h"

namespace vpc {

std::string_view toString(CheckStatus s) {
  switch (s) {
    case CheckStatus::Success: return "success";
    case CheckStatus::Failed: return "failed";
    case CheckStatus::NotPerformed: return "not performed";
  }
  return "?";
}

std::string_view toString(Graceful g) {
  switch (g) {
    case Graceful::Enabled: return "Enabled";
    case Graceful::Disabled: return "Disabled";
    case Graceful::DisabledByPeer: return "Disabled (due to peer configuration)";
  }
  return "?";
}

GlobalConsistency globalConsistency(const NodeSnapshot& s) {
  GlobalConsistency g;
  if (!s.config->peerLink()) {
    g.type1 = CheckStatus::Failed;
    g.type1_reason = cause(CauseKind::NoPeerLinkConfigured);
    return g;
  }
  if (!s.consistency || !s.peer_vpc_state) {
    g.type1 = CheckStatus::Failed;
    g.type1_reason = cause(CauseKind::CheckNotPerformed);
    g.type2 = CheckStatus::Failed;
    g.type2_reason = cause(CauseKind::CheckNotPerformed);
    return g;
  }
  const auto& cc = *s.consistency;
  const Mismatch* t1 = cc.firstGlobal(1);
  g.type1 = t1 ? CheckStatus::Failed : CheckStatus::Success;
  if (t1) g.type1_reason = inconsistentCause(*t1);
  if (!cc.stp_vlan_mismatch.empty()) g.per_vlan = CheckStatus::Failed;
  const Mismatch* t2 = cc.firstGlobal(2);
  for (const auto& [id, list] : cc.vpcs)
    if (!t2) t2 = cc.firstVpc(id, 2);
  if (t2) {
    g.type2 = CheckStatus::Failed;
    g.type2_reason = inconsistentCause(*t2);
  }
  return g;
}

Graceful graceful(const NodeSnapshot& s) {
  if (!s.config->vpc_domain || !s.config->vpc_domain->graceful_consistency_check) return Graceful::Disabled;
  if (s.peer_consistency && !s.peer_consistency->graceful_consistency_check) return Graceful::DisabledByPeer;
  return Graceful::Enabled;
}

Result<ConsistencyView> consistencyView(const NodeSnapshot& s, ConsistencyScope scope, std::uint32_t vpc) {
  const auto& cfg = *s.config;
  ConsistencyView v;
  const auto& cc = s.consistency;
  const bool have_peer = cc.has_value();
  auto rowsFor = [&](const std::vector<peer::ConsistencyParam>& mine, const std::vector<peer::ConsistencyParam>* theirs) {
    for (const auto& p : mine)
      v.rows.push_back({p.name, p.type, p.value,
                        theirs ? std::optional<std::string>(paramValue(*theirs, p.name)) : std::nullopt});
  };
  switch (scope) {
    case ConsistencyScope::Vlans: {
      const VlanSet peer_disabled =
          have_peer ? VlanSet::parse(paramValue(s.peer_consistency->global, "STP Disabled")).value_or(VlanSet{})
                    : VlanSet{};
      for (auto vlan : cfg.vlans.ids()) {
        v.rows.push_back({"Vlan " + std::to_string(vlan) + " STP", 1,
                          cfg.stp.disabled_vlans.contains(vlan) ? "Disabled" : "Enabled",
                          have_peer ? std::optional<std::string>(peer_disabled.contains(vlan) ? "Disabled" : "Enabled")
                                    : std::nullopt});
      }
      v.status = !have_peer ? CheckStatus::NotPerformed
                            : (cc->stp_vlan_mismatch.empty() ? CheckStatus::Success : CheckStatus::Failed);
      if (have_peer && !cc->stp_vlan_mismatch.empty())
        v.reason = cause(CauseKind::StpVlansSuspended, {cc->stp_vlan_mismatch.str()});
      return v;
    }
    case ConsistencyScope::Vpc: {
      const auto it = std::find_if(s.local_consistency.vpcs.begin(), s.local_consistency.vpcs.end(),
                                   [&](const auto& x) { return x.id == vpc; });
      if (it == s.local_consistency.vpcs.end()) return notFound("vPC " + std::to_string(vpc) + " is not configured");
      const std::vector<peer::ConsistencyParam>* theirs = nullptr;
      if (have_peer)
        for (const auto& pv : s.peer_consistency->vpcs)
          if (pv.id == vpc) theirs = &pv.params;
      rowsFor(it->params, have_peer ? theirs : nullptr);
      const auto* row = s.status.vpc(vpc);
      const auto* pc = cfg.vpcPort(vpc);
      const VlanSet local_allowed = pc ? pc->carriedVlans() & cfg.vlans : VlanSet{};
      const VlanSet active = row ? row->active : VlanSet{};
      v.rows.push_back({"Local suspended VLANs", 0, have_peer && theirs ? local_allowed.minus(active).str() : "-",
                        std::string("-")});
      if (!have_peer) {
        v.status = CheckStatus::NotPerformed;
        v.reason = cause(s.adjacent() ? CauseKind::WaitingForPeerParameters : CauseKind::CheckNotPerformed);
      } else if (!theirs) {
        v.status = CheckStatus::Failed;
        v.reason = cause(CauseKind::NotConfiguredOnPeer, {arg(vpc)});
      } else if (const auto* bad = cc->firstVpc(vpc, 1)) {
        v.status = CheckStatus::Failed;
        v.reason = inconsistentCause(*bad);
      } else {
        v.status = CheckStatus::Success;
      }
      return v;
    }
    case ConsistencyScope::Global: break;
  }
  rowsFor(s.local_consistency.global, have_peer ? &s.peer_consistency->global : nullptr);
  VlanSet suspended;
  if (have_peer && s.peer_vpc_state) suspended = cfg.vlans.minus(s.peer_vpc_state->vlans) | cc->stp_vlan_mismatch;
  v.rows.push_back({"Local suspended VLANs", 0, have_peer ? suspended.str() : "-", std::string("-")});
  if (!have_peer) {
    v.status = CheckStatus::NotPerformed;
    v.reason = cause(CauseKind::CheckNotPerformed);
  } else if (const auto* bad = cc->firstGlobal(1)) {
    v.status = CheckStatus::Failed;
    v.reason = inconsistentCause(*bad);
  } else {
    v.status = CheckStatus::Success;
  }
  return v;
}

std::vector<InterfaceRow> interfaceRows(const NodeSnapshot& s) {
  std::vector<InterfaceRow> rows;
  for (const auto& [id, ic] : s.config->interfaces) {
    InterfaceRow r;
    r.id = id;
    r.description = ic.description;
    if (const auto* p = s.status.port(id)) {
      r.state = p->state;
      r.chain = p->chain;
    }
    r.routed = id.kind() == IfKind::Vlan || id.kind() == IfKind::Mgmt || !ic.switchport;
    if (!r.routed && ic.mode != PortMode::Trunk) r.access_vlan = ic.access_vlan;
    r.duplex = ic.duplex == "auto" ? (r.state == PortState::Connected ? "full" : "auto") : ic.duplex;
    r.speed = ic.speed;
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<OrphanVlan> orphanPorts(const SwitchConfig& config) {
  // NX-OS: an orphan port is a port on a vPC VLAN that is neither a vPC member nor the peer-link.
  std::vector<OrphanVlan> out;
  for (auto vlan : vpcVlans(config).ids()) {
    OrphanVlan v{vlan, {}};
    for (const auto& [id, ic] : config.interfaces) {
      if (!ic.switchport || ic.vpc_peer_link || ic.vpc_id) continue;
      if (id.kind() == IfKind::Ethernet && ic.channel_group) continue;  // the port-channel stands for it
      if (id.kind() != IfKind::Ethernet && id.kind() != IfKind::PortChannel) continue;
      if (ic.carriedVlans().contains(vlan)) v.ports.push_back(id);
    }
    if (!v.ports.empty()) out.push_back(std::move(v));
  }
  return out;
}

char memberFlag(PortState s) {
  switch (s) {
    case PortState::Connected: return 'P';
    case PortState::SuspendedByVpc:
    case PortState::Suspended: return 's';
    default: return 'D';
  }
}

std::vector<PortChannelRow> portChannels(const NodeSnapshot& s) {
  const auto& cfg = *s.config;
  std::vector<PortChannelRow> out;
  for (const auto& [id, ic] : cfg.interfaces) {
    if (id.kind() != IfKind::PortChannel) continue;
    PortChannelRow v;
    v.group = id.number();
    v.id = id;
    v.switched = ic.switchport;
    v.up = s.status.forwards(id);
    for (const auto& m : cfg.members(id.number())) {
      const auto* mc = cfg.interface(m);
      if (mc && mc->channel_mode != ChannelMode::On) v.lacp = true;
      const auto* ms = s.status.port(m);
      v.members.emplace_back(m, ms ? ms->state : PortState::Down);
    }
    out.push_back(std::move(v));
  }
  return out;
}

std::optional<MacRow> macRow(const TableSync& tables, std::uint64_t key, const MacTable::Entry& e,
                             const MacFilter& f, TimePoint now) {
  const auto vlan = keyVlan(key);
  if (f.vlan && vlan != f.vlan) return std::nullopt;
  if (f.mac && keyMac(key) != f.mac->value) return std::nullopt;
  const bool is_static = e.has_local ? e.local.is_static : e.peer.is_static;
  if (f.is_static && *f.is_static != is_static) return std::nullopt;
  const auto [port, flag] = tables.installedPort(key, e);
  if (f.iface && *f.iface != port) return std::nullopt;
  const TimePoint seen = e.has_local ? e.local_seen : e.peer_seen;
  const auto age = static_cast<std::uint32_t>(
      std::max<std::int64_t>(0, std::chrono::duration_cast<Seconds>(now - seen).count()));
  return MacRow{vlan, MacAddress{keyMac(key)}, is_static, is_static ? 0 : age, port, flag};
}

std::vector<MacRow> macRows(const TableSync& tables, const MacFilter& filter, TimePoint now) {
  std::vector<MacRow> rows;
  for (const auto& [key, e] : tables.macs().entries())
    if (auto row = macRow(tables, key, e, filter, now)) rows.push_back(*row);
  std::sort(rows.begin(), rows.end(),
            [](const MacRow& a, const MacRow& b) { return a.vlan != b.vlan ? a.vlan < b.vlan : a.mac < b.mac; });
  return rows;
}

std::optional<ArpRow> arpRow(std::uint32_t ip, const ArpTable::Entry& e, std::uint16_t vlan, TimePoint now) {
  const ArpValue& v = e.has_local ? e.local : e.peer;
  if (vlan && v.vlan != vlan) return std::nullopt;
  return ArpRow{Ipv4{ip}, MacAddress{v.mac}, v.vlan, now - (e.has_local ? e.local_seen : e.peer_seen), !e.has_local};
}

std::vector<ArpRow> arpRows(const TableSync& tables, std::uint16_t vlan, TimePoint now) {
  std::vector<ArpRow> rows;
  for (const auto& [ip, e] : tables.arps().entries())
    if (auto row = arpRow(ip, e, vlan, now)) rows.push_back(*row);
  std::sort(rows.begin(), rows.end(), [](const ArpRow& a, const ArpRow& b) { return a.ip < b.ip; });
  return rows;
}

}  // namespace vpc
