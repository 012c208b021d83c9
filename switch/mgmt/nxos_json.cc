#include "switch/mgmt/nxos_json.h"

#include <nlohmann/json.hpp>

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
    default: return std::nullopt;
  }
  return (pretty ? j.dump(4) : j.dump()) + "\n";
}

}  // namespace vpc::mgmt
