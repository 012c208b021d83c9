#include "switch/mgmt/nxos_json.h"

#include <nlohmann/json.hpp>

#include "peerlink/core/interface_id.h"
#include "switch/mgmt/registry.h"
#include "vpc/v1/mgmt.pb.h"

namespace vpc::mgmt {

namespace {

using Json = nlohmann::ordered_json;

// NX-OS puts one row in an object and several in a list.
Json rows(std::vector<Json> list) {
  if (list.size() == 1) return std::move(list.front());
  return Json(std::move(list));
}

// `into` gains {"TABLE_<name>": {"ROW_<name>": rows}} when there are rows; an empty table is left out.
void addTable(Json& into, const std::string& name, std::vector<Json> list) {
  if (!list.empty()) into["TABLE_" + name]["ROW_" + name] = rows(std::move(list));
}

// A reply that is one table: `{}` when it has no rows (as NX-API answers), never null.
Json table(const std::string& name, std::vector<Json> list) {
  Json j = Json::object();
  addTable(j, name, std::move(list));
  return j;
}

// "primary, operational secondary" -> "primary-secondary"; "none established" -> "none-established".
std::string roleWord(const std::string& role) {
  const std::string op = ", operational ";
  if (const auto at = role.find(op); at != std::string::npos) return role.substr(0, at) + "-" + role.substr(at + op.size());
  std::string out = role;
  for (auto& c : out)
    if (c == ' ') c = '-';
  return out;
}

std::string peerStatusWord(const std::string& s) {
  if (s == "peer adjacency formed ok") return "peer-ok";
  if (s == "peer link is down") return "peer-link-down";
  if (s == "peer link not configured") return "peer-not-config";
  return s;
}

std::string keepaliveWord(const std::string& s) {
  if (s == "peer is alive") return "peer-alive";
  if (s.find("not reachable") != std::string::npos) return "peer-unreachable";
  if (s.find("not alive") != std::string::npos || s.find("is not") != std::string::npos) return "peer-not-alive";
  if (s.find("Suspended") != std::string::npos || s.find("suspended") != std::string::npos) return "suspended";
  return s;
}

std::string consistent(const std::string& s) { return s == "success" ? "consistent" : "inconsistent"; }
std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

Json showVpc(const v1::ShowVpcReply& r) {
  Json j;
  j["vpc-domain-id"] = std::to_string(r.domain_id());
  j["vpc-peer-status"] = peerStatusWord(r.peer_status());
  if (!r.peer_status_reason().empty()) j["vpc-peer-status-reason"] = r.peer_status_reason();
  j["vpc-peer-keepalive-status"] = keepaliveWord(r.keepalive_status());
  j["vpc-peer-consistency"] = consistent(r.consistency_status());
  j["vpc-per-vlan-peer-consistency"] = consistent(r.per_vlan_consistency_status());
  j["vpc-peer-consistency-status"] = upper(r.consistency_status().empty() ? "failed" : r.consistency_status());
  j["vpc-type-2-consistency"] = consistent(r.type2_consistency_status());
  j["vpc-type-2-consistency-status"] = upper(r.type2_consistency_status().empty() ? "failed" : r.type2_consistency_status());
  j["vpc-role"] = roleWord(r.role());
  j["num-of-vpcs"] = std::to_string(r.number_of_vpcs());
  j["peer-gateway"] = r.peer_gateway() == "Enabled" ? "1" : "0";
  j["dual-active-excluded-vlans"] = r.dual_active_excluded_vlans().empty() ? "-" : r.dual_active_excluded_vlans();
  j["vpc-graceful-consistency-check-status"] = r.graceful_consistency_check() == "Enabled" ? "enabled" : "disabled";
  j["vpc-auto-recovery-status"] = r.auto_recovery_status();
  j["vpc-delay-restore-status"] = r.delay_restore_status();
  j["vpc-delay-restore-svi-status"] = r.delay_restore_svi_status();
  j["operational-l3-peer"] = r.operational_l3_peer_router();
  j["virtual-peerlink"] = r.virtual_peerlink_mode();
  if (r.has_peer_link()) {
    const auto& pl = r.peer_link();
    j["vpc-peer-link-hdr"] = "Start of VPC peer-link table";
    j["TABLE_peerlink"]["ROW_peerlink"] = Json{{"peer-link-id", std::to_string(pl.id())},
                                               {"peerlink-ifindex", pl.port()},
                                               {"peer-link-port-state", pl.status() == "up" ? "1" : "0"},
                                               {"peer-up-vlan-bitset", pl.active_vlans()}};
  }
  j["vpc-end"] = Json::array({"End of table", "End of table"});
  if (r.vpcs_size()) {
    j["vpc-hdr"] = "Start of vPC table";
    j["vpc-not-es"] = "vPC complex";
    std::vector<Json> list;
    for (const auto& v : r.vpcs()) {
      list.push_back(Json{{"vpc-id", std::to_string(v.id())},
                          {"vpc-ifindex", v.port()},
                          {"vpc-port-state", v.status() == "up" ? "1" : "0"},
                          {"phy-port-if-removed", "disabled"},
                          {"vpc-thru-peerlink", v.peer_link_traffic_allowed() ? "1" : "0"},
                          {"vpc-consistency", v.consistency() == "success" ? "consistent" : "inconsistent"},
                          {"vpc-consistency-status", upper(v.consistency())},
                          {"up-vlan-bitset", v.active_vlans()},
                          {"es-attr", "DF: Invalid"}});
      if (v.consistency() != "success") list.back()["vpc-reason"] = v.reason();
    }
    j["TABLE_vpc"]["ROW_vpc"] = rows(std::move(list));
  }
  return j;
}

Json showVersion(const v1::InfoReply& r) {
  const auto up = static_cast<std::uint64_t>(r.uptime_s());
  return Json{{"header_str", "Cisco Nexus Operating System (NX-OS) Software - emulated by vpclab"},
              {"bios_ver_str", "07.69"},
              {"kickstart_ver_str", r.nxos_version()},
              {"nxos_ver_str", r.nxos_version()},
              {"bios_cmpl_time", ""},
              {"kick_file_name", "bootflash:///vpclab-" + r.version() + ".bin"},
              {"nxos_file_name", "bootflash:///vpclab-" + r.version() + ".bin"},
              {"kick_cmpl_time", "vpclab " + r.version()},
              {"nxos_cmpl_time", "vpclab " + r.version()},
              {"chassis_id", "Nexus9000 C93180YC-EX chassis (emulated)"},
              {"cpu_name", "vpclab emulated supervisor"},
              {"memory", 0},
              {"mem_type", "kB"},
              {"proc_board_id", r.chassis_serial()},
              {"host_name", r.hostname()},
              {"bootflash_size", 0},
              {"kern_uptm_days", up / 86400},
              {"kern_uptm_hrs", up / 3600 % 24},
              {"kern_uptm_mins", up / 60 % 60},
              {"kern_uptm_secs", up % 60},
              {"rr_reason", "Unknown"},
              {"rr_sys_ver", r.nxos_version()},
              {"rr_service", "vpcd started"},
              {"plugins", "Core Plugin, Ethernet Plugin"}};
}

Json showInventory(const v1::InfoReply& r) {
  auto row = [&](const char* name, const char* descr) {
    return Json{{"name", name}, {"desc", descr}, {"productid", "N9K-C93180YC-EX"}, {"vendorid", "V00"},
                {"serialnum", r.chassis_serial()}};
  };
  Json j;
  j["TABLE_inv"]["ROW_inv"] = Json::array({row("Chassis", "Nexus9000 C93180YC-EX Chassis (emulated by vpclab)"),
                                           row("Slot 1", "48x10/25G + 6x40/100G Ethernet Module")});
  return j;
}

// `show interface [IF]`: TABLE_interface/ROW_interface with the keys the cisco.nxos collection's
// interface facts read (state, desc, eth_*; svi_* for SVIs).
Json showInterface(const v1::ShowInterfaceStatusReply& r, const std::string& only) {
  std::vector<Json> list;
  for (const auto& i : r.interfaces()) {
    if (!only.empty() && i.interface() != only) continue;
    const bool up = i.status() == "connected";
    const bool svi = i.interface().rfind("Vlan", 0) == 0;
    const bool pc = i.interface().rfind("port-channel", 0) == 0;
    Json row;
    row["interface"] = i.interface();
    const std::string desc = i.name() == "--" ? std::string() : i.name();
    std::string addr, mask;
    if (const auto slash = i.ip_address().find('/'); slash != std::string::npos) {
      addr = i.ip_address().substr(0, slash);
      mask = i.ip_address().substr(slash + 1);
    }
    if (svi) {
      row["svi_admin_state"] = i.admin_up() ? "up" : "down";
      row["svi_line_proto"] = up ? "up" : "down";
      row["svi_hw_desc"] = "EtherSVI";
      if (!desc.empty()) row["svi_desc"] = desc;
      if (!addr.empty()) {
        row["svi_ip_addr"] = addr;
        row["svi_ip_mask"] = std::stoi(mask);
      }
      row["svi_mtu"] = i.mtu();
      row["svi_bw"] = 1000000;
      row["type"] = "vlan";
    } else {
      row["state"] = up ? "up" : "down";
      if (!up) row["state_rsn_desc"] = i.status();
      row["admin_state"] = i.admin_up() ? "up" : "down";
      row["share_state"] = "Dedicated";
      row["eth_hw_desc"] = pc ? "Port-Channel" : "100/1000/10000/25000 Ethernet";
      if (!desc.empty()) row["desc"] = desc;
      if (!addr.empty()) {
        row["eth_ip_addr"] = addr;
        row["eth_ip_mask"] = std::stoi(mask);
      }
      row["eth_mtu"] = std::to_string(i.mtu());
      row["eth_bw"] = 10000000;
      row["eth_dly"] = 10;
      row["eth_duplex"] = i.duplex() == "half" ? "half" : "full";
      row["eth_speed"] = "10 Gb/s";
      row["eth_mode"] = i.mode();
    }
    list.push_back(std::move(row));
  }
  return table("interface", std::move(list));
}

// `show port-channel summary`: TABLE_channel (group, port-channel, layer, status, type, prtcl) with
// TABLE_member (port, port-status), the NX-API schema of the N9K 9.3 show-command reference.
Json showPortChannels(const v1::ShowPortChannelSummaryReply& r) {
  std::vector<Json> list;
  for (const auto& c : r.channels()) {
    Json row;
    row["group"] = c.group();
    const auto id = InterfaceId::parse(c.port());
    row["port-channel"] = id ? id->longName() : c.port();
    row["layer"] = c.flags().substr(0, 1);
    row["status"] = c.flags().substr(1);
    row["type"] = c.type();
    row["prtcl"] = c.protocol();
    std::vector<Json> members;
    for (const auto& m : c.members()) {
      const auto mid = InterfaceId::parse(m.port());
      members.push_back(Json{{"port", mid ? mid->longName() : m.port()}, {"port-status", m.flag()}});
    }
    addTable(row, "member", std::move(members));
    list.push_back(std::move(row));
  }
  return table("channel", std::move(list));
}

// `show mac address-table`: TABLE_mac_address/ROW_mac_address with the disp_* keys.
std::optional<Json> showMac(const v1::ShowMacReply& r) {
  if (r.entries_size() == 0 && r.total() > 0) return std::nullopt;  // `count`: no NX-OS JSON shape here
  std::vector<Json> list;
  for (const auto& e : r.entries()) {
    const auto id = InterfaceId::parse(e.port());
    list.push_back(Json{{"disp_mac_addr", e.mac()},
                        {"disp_type", (e.flag().empty() ? std::string(" ") : e.flag()) + " "},
                        {"disp_vlan", std::to_string(e.vlan())},
                        {"disp_is_static", e.type() == "static" ? "enabled" : "disabled"},
                        {"disp_age", std::to_string(e.age())},
                        {"disp_is_secure", "disabled"},
                        {"disp_is_ntfy", "disabled"},
                        {"disp_port", id ? id->longName() : e.port()}});
  }
  return table("mac_address", std::move(list));
}

// `show vpc consistency-parameters ...`: TABLE_vpc_consistency/ROW_vpc_consistency.
Json showConsistency(const v1::ShowVpcConsistencyReply& r) {
  std::vector<Json> list;
  for (const auto& row : r.rows())
    list.push_back(Json{{"vpc-param-name", row.name()},
                        {"vpc-param-type", row.type()},
                        {"vpc-param-local-val", row.local_value()},
                        {"vpc-param-peer-val", row.peer_value()}});
  return table("vpc_consistency", std::move(list));
}

// `show vpc role`: the keys of the 9.3(x) show-command reference's schema (vpc-peer-status[-reason],
// vpc-current-role, dual-active-detected, vpc-system-mac, vpc-system-prio, vpc-local-*, vpc-peer-*).
Json showVpcRole(const v1::ShowVpcRoleReply& r) {
  Json j = Json::object();
  j["vpc-peer-status"] = peerStatusWord(r.peer_status());
  if (!r.peer_status_reason().empty()) j["vpc-peer-status-reason"] = r.peer_status_reason();
  j["vpc-current-role"] = roleWord(r.role());
  j["dual-active-detected"] = std::to_string(r.dual_active_detection_status());
  j["vpc-system-mac"] = r.system_mac();
  j["vpc-system-prio"] = std::to_string(r.system_priority());
  j["vpc-local-system-mac"] = r.local_system_mac();
  j["vpc-local-system-prio"] = std::to_string(r.system_priority());
  j["vpc-local-role-prio"] = std::to_string(r.local_role_priority());
  if (!r.peer_system_mac().empty()) {
    j["vpc-peer-system-mac"] = r.peer_system_mac();
    j["vpc-peer-system-prio"] = std::to_string(r.system_priority());
    j["vpc-peer-role-prio"] = std::to_string(r.peer_role_priority());
  }
  return j;
}

// `show vpc peer-keepalive`: the reference's schema (vpc-peer-keepalive-status, vpc-keepalive-dest,
// ...-send-/-receive- interface, tstamp and status, -interval, -timeout, -hold-timeout, -vrf,
// -udp-port, -tos); the keys Ansible's older nxos_vpc read (vpc-keepalive-dest, vpc-keepalive-vrf).
Json showKeepalive(const v1::ShowVpcPeerKeepaliveReply& r) {
  Json j = Json::object();
  j["vpc-peer-keepalive-status"] = keepaliveWord(r.keepalive_status());
  j["vpc-keepalive-dest"] = r.destination().empty() ? "N/A" : r.destination();
  j["vpc-keepalive-send-interface"] = r.sent_on_interface();
  j["vpc-keepalive-receive-interface"] = r.received_on_interface();
  j["vpc-keepalive-send-tstamp"] = r.last_send_at();
  j["vpc-keepalive-receive-tstamp"] = r.last_receive_at();
  if (r.keepalive_status() == "peer is alive")
    j["vpc-peer-keepalive-up-time"] = std::to_string(static_cast<std::uint64_t>(r.peer_alive_for_s()));
  j["vpc-keepalive-send-status"] = r.send_status();
  j["vpc-keepalive-receive-status"] = r.receive_status();
  j["vpc-keepalive-lastupdate"] = std::to_string(static_cast<std::uint64_t>(r.last_update_from_peer_s()));
  j["vpc-keepalive-interval"] = std::to_string(r.interval_ms());
  j["vpc-keepalive-timeout"] = std::to_string(r.timeout_s());
  j["vpc-keepalive-hold-timeout"] = std::to_string(r.hold_timeout_s());
  j["vpc-keepalive-vrf"] = r.vrf();
  j["vpc-keepalive-udp-port"] = std::to_string(r.udp_port());
  j["vpc-keepalive-tos"] = std::to_string(r.tos());
  return j;
}

// `show vpc statistics peer-keepalive`: the reference's schema.
Json showKeepaliveStatistics(const v1::ShowVpcPeerKeepaliveReply& r) {
  Json j = Json::object();
  j["vpc-peer-keepalive-status"] = keepaliveWord(r.keepalive_status());
  j["vpc-keepalive-counters-tx"] = std::to_string(r.tx_count());
  j["vpc-keepalive-counters-rx"] = std::to_string(r.rx_count());
  j["vpc-keepalive-avg-rx-interval"] = std::to_string(static_cast<std::uint64_t>(r.average_rx_interval_ms()));
  j["vpc-keepalive-peer-state-changes"] = std::to_string(r.state_changes());
  return j;
}

// `show vpc orphan-ports`: TABLE_orphan_ports with vpc-vlan and vpc-orphan-ports (the reference's
// schema), a row per VLAN.
Json showOrphanPorts(const v1::ShowVpcOrphanPortsReply& r) {
  std::vector<Json> list;
  for (const auto& v : r.vlans()) {
    std::string ports;
    for (const auto& p : v.ports()) ports += (ports.empty() ? "" : ",") + p;
    list.push_back(Json{{"vpc-vlan", std::to_string(v.vlan())}, {"vpc-orphan-ports", ports}});
  }
  return table("orphan_ports", std::move(list));
}

// `show ip arp`: TABLE_vrf/ROW_vrf (vrf-name-out, cnt-total) holding TABLE_adj/ROW_adj (intf-out,
// ip-addr-out, time-stamp, mac) - the keys NAPALM's NX-OS driver (get_arp_table) and Cisco's NX-SDK
// samples read.
Json showArp(const v1::ShowArpReply& r) {
  std::vector<Json> list;
  for (const auto& e : r.entries())
    list.push_back(Json{{"intf-out", e.interface()},
                        {"ip-addr-out", e.ip()},
                        {"time-stamp", e.age()},
                        {"mac", e.mac()}});
  Json vrf = Json::object();
  vrf["vrf-name-out"] = r.context().empty() ? "default" : r.context();
  vrf["cnt-total"] = std::to_string(r.total());
  addTable(vrf, "adj", std::move(list));
  Json j = Json::object();
  j["TABLE_vrf"]["ROW_vrf"] = std::move(vrf);
  return j;
}

// `show interface status`: TABLE_interface/ROW_interface with interface, name, state, vlan, duplex,
// speed, type (the column names of the text layout, as public scripts read them).
Json showInterfaceStatus(const v1::ShowInterfaceStatusReply& r) {
  std::vector<Json> list;
  for (const auto& i : r.interfaces())
    list.push_back(Json{{"interface", i.interface().empty() ? i.port() : i.interface()},
                        {"name", i.name() == "--" ? std::string() : i.name()},
                        {"state", i.status()},
                        {"vlan", i.vlan()},
                        {"duplex", i.duplex()},
                        {"speed", i.speed()},
                        {"type", i.type()}});
  return table("interface", std::move(list));
}

}  // namespace

std::optional<std::string> nxosJson(const grammar::Match& m, const google::protobuf::Message& reply, bool pretty) {
  Json j;
  switch (m.command) {
    case kShowVpc:
    case kShowVpcBrief: j = showVpc(static_cast<const v1::ShowVpcReply&>(reply)); break;
    case kShowVersion:
    case kShowHardware: j = showVersion(static_cast<const v1::InfoReply&>(reply)); break;
    case kShowInventory: j = showInventory(static_cast<const v1::InfoReply&>(reply)); break;
    case kShowHostname: j = Json{{"hostname", static_cast<const v1::InfoReply&>(reply).hostname()}}; break;
    case kShowInterface:
      j = showInterface(static_cast<const v1::ShowInterfaceStatusReply&>(reply),
                        m.hasValue("if") ? m.interface("if").longName() : std::string());
      break;
    case kShowPortChannelSummary:
      j = showPortChannels(static_cast<const v1::ShowPortChannelSummaryReply&>(reply));
      break;
    case kShowMac: {
      auto mac = showMac(static_cast<const v1::ShowMacReply&>(reply));
      if (!mac) return std::nullopt;
      j = std::move(*mac);
      break;
    }
    case kShowVpcConsistency:
      j = showConsistency(static_cast<const v1::ShowVpcConsistencyReply&>(reply));
      break;
    case kShowVpcRole: j = showVpcRole(static_cast<const v1::ShowVpcRoleReply&>(reply)); break;
    case kShowVpcPeerKeepalive: j = showKeepalive(static_cast<const v1::ShowVpcPeerKeepaliveReply&>(reply)); break;
    case kShowVpcStatisticsKeepalive:
      j = showKeepaliveStatistics(static_cast<const v1::ShowVpcPeerKeepaliveReply&>(reply));
      break;
    case kShowVpcOrphanPorts: j = showOrphanPorts(static_cast<const v1::ShowVpcOrphanPortsReply&>(reply)); break;
    case kShowIpArp: j = showArp(static_cast<const v1::ShowArpReply&>(reply)); break;
    case kShowInterfaceStatus: j = showInterfaceStatus(static_cast<const v1::ShowInterfaceStatusReply&>(reply)); break;
    default: return std::nullopt;
  }
  return (pretty ? j.dump(4) : j.dump()) + "\n";
}

}  // namespace vpc::mgmt
