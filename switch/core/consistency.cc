#include "switch/core/consistency.h"

#include <algorithm>

namespace vpc {

namespace {

std::string enabled(bool b) { return b ? "Enabled" : "Disabled"; }

std::string capitalised(const std::string& s) {
  std::string out = s;
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string stpPortType(const std::string& t) {
  if (t == "edge") return "Edge Port";
  if (t == "network") return "Network Port";
  if (t == "normal") return "Normal Port";
  return "Default";
}

std::vector<peer::ConsistencyParam> vpcParams(const SwitchConfig& cfg, const InterfaceConfig& pc) {
  std::string mode = "-";
  std::string lacp = "-";
  for (const auto& m : cfg.members(pc.id.number())) {
    const auto* mc = cfg.interface(m);
    if (!mc) continue;
    mode = mc->channel_mode == ChannelMode::On ? "on" : "active";
    lacp = mc->channel_mode == ChannelMode::On ? "off" : "on";
    break;
  }
  return {
      {"mode", 1, mode},
      {"Interface type", 1, "port-channel"},
      {"LACP Mode", 1, lacp},
      {"Speed", 1, pc.speed == "auto" ? "auto" : pc.speed + " Mb/s"},
      {"Duplex", 1, pc.duplex},
      {"MTU", 1, std::to_string(pc.mtu)},
      {"Port Mode", 1, std::string(toString(pc.mode))},
      {"Native Vlan", 1, std::to_string(pc.native_vlan)},
      {"Admin port mode", 1, std::string(toString(pc.mode))},
      {"STP Port Type", 1, stpPortType(pc.stp_port_type)},
      {"STP Port Guard", 1, "Default"},
      {"delayed-lacp", 1, "disabled"},
      {"Allowed VLANs", kTypeInfo, (pc.carriedVlans() & cfg.vlans).str()},
  };
}

}  // namespace

peer::ConsistencyParams localConsistency(const SwitchConfig& cfg) {
  peer::ConsistencyParams p;
  const auto& stp = cfg.stp;
  std::string mst_map;
  for (const auto& [inst, vlans] : stp.mst_instances)
    mst_map += (mst_map.empty() ? "" : " ") + std::to_string(inst) + ":" + vlans.str();
  VlanSet svi_up;
  for (const auto& [id, ic] : cfg.interfaces)
    if (id.kind() == IfKind::Vlan && !ic.shutdown) svi_up.insert(static_cast<std::uint16_t>(id.number()));
  p.global = {
      {"STP MST Simulate PVST", 1, "Enabled"},
      {"STP Port Type, Edge BPDUFilter, Edge BPDUGuard", 1,
       capitalised(stp.port_type_default) + ", " + enabled(stp.bpdufilter_default) + ", " +
           enabled(stp.bpduguard_default)},
      {"STP MST Region Name", 1, "\"" + stp.mst_name + "\""},
      {"STP Disabled", 1, stp.disabled_vlans.empty() ? "None" : stp.disabled_vlans.str()},
      {"STP Mode", 1, stp.mode == "mst" ? "MST" : "Rapid-PVST"},
      {"STP Bridge Assurance", 1, enabled(stp.bridge_assurance)},
      {"STP Loopguard", 1, enabled(stp.loopguard_default)},
      {"STP MST Region Revision", 1, std::to_string(stp.mst_revision)},
      {"STP MST Region Instance to VLAN Mapping", 1, mst_map.empty() ? "-" : mst_map},
      {"MAC Aging Time", 2, std::to_string(cfg.mac_aging_s)},
      {"Interface-vlan admin up", 2, svi_up.str()},
      {"Allowed VLANs", kTypeInfo, cfg.vlans.str()},
  };
  for (const auto& [id, ic] : cfg.interfaces)
    if (ic.vpc_id) p.vpcs.push_back(peer::VpcConsistency{*ic.vpc_id, vpcParams(cfg, ic)});
  std::sort(p.vpcs.begin(), p.vpcs.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  if (cfg.vpc_domain) {
    p.graceful_consistency_check = cfg.vpc_domain->graceful_consistency_check;
    p.role_priority = cfg.vpc_domain->role_priority;
  }
  return p;
}

std::string paramValue(const std::vector<peer::ConsistencyParam>& params, const std::string& name) {
  for (const auto& p : params)
    if (p.name == name) return p.value;
  return "-";
}

namespace {
void compare(const std::vector<peer::ConsistencyParam>& local, const std::vector<peer::ConsistencyParam>& peer,
             std::vector<Mismatch>& out) {
  for (const auto& p : local) {
    if (p.type == kTypeInfo || p.name == "STP Disabled") continue;  // compared per VLAN
    const std::string theirs = paramValue(peer, p.name);
    if (theirs != p.value) out.push_back(Mismatch{p.type, p.name, p.value, theirs});
  }
}
}  // namespace

ConsistencyResult checkConsistency(const peer::ConsistencyParams& local, const peer::ConsistencyParams& peer) {
  ConsistencyResult r;
  r.graceful = local.graceful_consistency_check && peer.graceful_consistency_check;
  compare(local.global, peer.global, r.global);
  for (const auto& v : local.vpcs) {
    auto it = std::find_if(peer.vpcs.begin(), peer.vpcs.end(), [&](const auto& pv) { return pv.id == v.id; });
    if (it == peer.vpcs.end()) continue;  // not configured on the peer: a different rule
    std::vector<Mismatch> found;
    compare(v.params, it->params, found);
    if (!found.empty()) r.vpcs[v.id] = std::move(found);
  }
  auto vlans = [](const std::string& v) { return v == "None" || v == "-" ? VlanSet{} : VlanSet::parse(v).value_or(VlanSet{}); };
  const auto mine = vlans(paramValue(local.global, "STP Disabled"));
  const auto theirs = vlans(paramValue(peer.global, "STP Disabled"));
  r.stp_vlan_mismatch = mine.minus(theirs) | theirs.minus(mine);
  return r;
}

const Mismatch* ConsistencyResult::firstGlobal(std::uint32_t type) const {
  for (const auto& i : global)
    if (i.type == type) return &i;
  return nullptr;
}

const Mismatch* ConsistencyResult::firstVpc(std::uint32_t vpc, std::uint32_t type) const {
  auto it = vpcs.find(vpc);
  if (it == vpcs.end()) return nullptr;
  for (const auto& i : it->second)
    if (i.type == type) return &i;
  return nullptr;
}

}  // namespace vpc
