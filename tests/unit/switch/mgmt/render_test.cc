// vpcctl's NX-OS renderings, line for line against the fact sheet's layouts (golden files), and the
// JSON twins' field names (a contract other tools rely on, DESIGN.md §7).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <google/protobuf/util/json_util.h>

#include "switch/mgmt/registry.h"
#include "switch/mgmt/text.h"

using namespace vpc;

namespace {
// The NX-OS text of a reply to the command as typed, through the registry vpcctl uses.
std::string text(const std::string& command, const google::protobuf::Message& reply) {
  auto m = mgmt::execGrammar().match(command);
  REQUIRE(std::holds_alternative<grammar::Match>(m));
  return mgmt::render(std::get<grammar::Match>(m), reply);
}

std::string golden(const std::string& name) {
  std::ifstream in(std::string(VPC_SOURCE_DIR) + "/tests/unit/switch/mgmt/golden/" + name);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

v1::ShowVpcReply sampleVpc() {
  v1::ShowVpcReply r;
  r.set_domain_id(1);
  r.set_peer_status("peer adjacency formed ok");
  r.set_keepalive_status("peer is alive");
  r.set_consistency_status("success");
  r.set_per_vlan_consistency_status("success");
  r.set_type2_consistency_status("success");
  r.set_role("primary, operational secondary");
  r.set_number_of_vpcs(1);
  r.set_peer_gateway("Enabled");
  r.set_dual_active_excluded_vlans("-");
  r.set_graceful_consistency_check("Enabled");
  r.set_auto_recovery_status("Enabled, timer is off.(timeout = 240s)");
  r.set_delay_restore_status("Timer is off.(timeout = 30s)");
  r.set_delay_restore_svi_status("Timer is off.(timeout = 10s)");
  r.set_delay_restore_orphan_status("Timer is off.(timeout = 0s)");
  r.set_operational_l3_peer_router("Disabled");
  r.set_virtual_peerlink_mode("Disabled");
  r.set_time_scale(1.0);
  auto* pl = r.mutable_peer_link();
  pl->set_id(1);
  pl->set_port("Po1");
  pl->set_status("up");
  pl->set_active_vlans("1,10");
  auto* v = r.add_vpcs();
  v->set_id(11);
  v->set_port("Po11");
  v->set_status("up");
  v->set_consistency("success");
  v->set_reason("success");
  v->set_active_vlans("10");
  return r;
}
}  // namespace

TEST_CASE("render: show vpc matches the NX-OS 9.x layout line for line", "[render][unit]") {
  CHECK(text("show vpc", sampleVpc()) == golden("show_vpc.txt"));
}

TEST_CASE("render: show vpc with the peer-link down wraps long cells as NX-OS does", "[render][unit]") {
  auto r = sampleVpc();
  r.set_domain_id(40);
  r.set_peer_status("peer link is down");
  r.set_consistency_status("failed");
  r.set_consistency_reason("Consistency Check Not Performed");
  r.set_type2_consistency_status("failed");
  r.set_type2_inconsistency_reason("Consistency Check Not Performed");
  r.set_role("secondary");
  r.set_number_of_vpcs(2);
  r.set_peer_gateway("Disabled");
  r.set_auto_recovery_status("Disabled");
  r.mutable_peer_link()->set_status("down");
  r.mutable_peer_link()->set_active_vlans("-");
  r.mutable_peer_link()->set_reason("no heartbeat for 300 ms");
  r.clear_vpcs();
  auto* a = r.add_vpcs();
  a->set_id(3);
  a->set_port("Po3");
  a->set_status("down");
  a->set_consistency("failed");
  a->set_reason("Peer-link is down");
  a->set_active_vlans("-");
  auto* b = r.add_vpcs();
  b->set_id(20);
  b->set_port("Po20");
  b->set_status("down*");
  b->set_consistency("Not Applicable");
  b->set_reason("Consistency Check Not Performed");
  b->set_active_vlans("-");
  CHECK(text("show vpc", r) == golden("show_vpc_down.txt"));
}

TEST_CASE("render: show vpc states the time scale when timers are scaled", "[render][unit]") {
  auto r = sampleVpc();
  r.set_time_scale(0.05);
  CHECK(text("show vpc", r).find("Timers scaled by (emulator)       : 0.05\n") != std::string::npos);
}

TEST_CASE("render: show vpc role", "[render][unit]") {
  v1::ShowVpcRoleReply r;
  r.set_role("secondary, operational primary");
  r.set_system_mac("00:23:04:ee:be:01");
  r.set_system_priority(32667);
  r.set_local_system_mac("0c:e9:00:00:1b:08");
  r.set_local_role_priority(32667);
  r.set_local_config_role_priority(32667);
  r.set_peer_system_mac("0c:d2:00:00:1b:08");
  r.set_peer_role_priority(32667);
  r.set_peer_config_role_priority(32667);
  CHECK(text("show vpc role", r) == golden("show_vpc_role.txt"));
}

TEST_CASE("render: show mac address-table", "[render][unit]") {
  v1::ShowMacReply r;
  auto add = [&](const char* flag, std::uint32_t vlan, const char* mac, const char* type, const char* port) {
    auto* e = r.add_entries();
    e->set_flag(flag);
    e->set_vlan(vlan);
    e->set_mac(mac);
    e->set_type(type);
    e->set_age(0);
    e->set_port(port);
  };
  add("*", 64, "0050.56aa.bb01", "dynamic", "Eth1/9");
  add("*", 64, "0000.0c07.ac40", "dynamic", "Po1");
  add("+", 64, "001b.54c2.3a40", "dynamic", "vPC Peer-Link");
  add("*", 10, "0050.56aa.0001", "static", "Po10");
  CHECK(text("show mac address-table", r) == golden("show_mac.txt"));
  r.set_total(4);
  CHECK(text("show mac address-table count", r) == "Total MAC Addresses for this criterion: 4\n");
}

TEST_CASE("render: show ip arp", "[render][unit]") {
  v1::ShowArpReply r;
  r.set_context("default");
  r.set_total(2);
  auto* a = r.add_entries();
  a->set_ip("100.69.161.1");
  a->set_age("00:17:58");
  a->set_mac("0000.0c9f.f0c9");
  a->set_interface("Vlan201");
  auto* b = r.add_entries();
  b->set_ip("100.69.161.75");
  b->set_age("00:03:39");
  b->set_mac("02ec.a040.0001");
  b->set_interface("Vlan201");
  b->set_flags("+");
  CHECK(text("show ip arp", r) == golden("show_ip_arp.txt"));
}

TEST_CASE("render: show vpc peer-keepalive", "[render][unit]") {
  v1::ShowVpcPeerKeepaliveReply r;
  r.set_keepalive_status("peer is alive");
  r.set_peer_alive_for_s(6459.378);
  r.set_send_status("Success");
  r.set_last_send_at("2023.04.04 19:20:57 700 ms");
  r.set_sent_on_interface("mgmt0");
  r.set_receive_status("Success");
  r.set_last_receive_at("2023.04.04 19:20:57 619 ms");
  r.set_received_on_interface("mgmt0");
  r.set_last_update_from_peer_s(0.591);
  r.set_destination("10.0.0.2");
  r.set_interval_ms(1000);
  r.set_timeout_s(5);
  r.set_hold_timeout_s(3);
  r.set_vrf("management");
  r.set_udp_port(3200);
  r.set_tos(192);
  CHECK(text("show vpc peer-keepalive", r) == golden("show_vpc_peer_keepalive.txt"));
}

TEST_CASE("render: wrap breaks at spaces and after commas", "[render][unit]") {
  CHECK(mgmt::wrap("Consistency Check Not Performed", 21) ==
        std::vector<std::string>{"Consistency Check Not", "Performed"});
  CHECK(mgmt::wrap("1,10,20,30,40", 8) == std::vector<std::string>{"1,10,20,", "30,40"});
  CHECK(mgmt::wrap("", 8) == std::vector<std::string>{""});
}

TEST_CASE("JSON twins keep the contract's field names (DESIGN.md §7)", "[render][unit][contract]") {
  auto hasKeys = [](const std::string& json, std::vector<std::string> keys) {
    for (const auto& k : keys) {
      INFO(k << " in " << json);
      CHECK(json.find("\"" + k + "\":") != std::string::npos);
    }
  };
  hasKeys(mgmt::toJson(sampleVpc(), false),
          {"domain_id", "role", "peer_status", "keepalive_status", "consistency_status", "peer_link", "id", "port",
           "status", "active_vlans", "vpcs", "consistency", "reason"});
  v1::ShowVpcRoleReply role;
  hasKeys(mgmt::toJson(role, false),
          {"role", "dual_active_detection_status", "system_mac", "system_priority", "local_system_mac",
           "local_role_priority", "local_config_role_priority", "peer_system_mac", "peer_role_priority", "sticky"});
  v1::ShowMacReply mac;
  mac.add_entries();
  hasKeys(mgmt::toJson(mac, false), {"entries", "vlan", "mac", "type", "age", "port", "flag"});
  v1::ShowArpReply arp;
  arp.add_entries();
  hasKeys(mgmt::toJson(arp, false), {"entries", "ip", "mac", "interface", "age", "flags"});
  // Values print as values: numbers as numbers, defaults included.
  CHECK(mgmt::toJson(sampleVpc(), false).find("\"domain_id\":1,") != std::string::npos);
  CHECK(mgmt::toJson(role, false).find("\"sticky\":false") != std::string::npos);
}

TEST_CASE("render: show vpc consistency-parameters global wraps like NX-OS", "[render][unit]") {
  v1::ShowVpcConsistencyReply r;
  r.set_scope("global");
  auto add = [&](const char* name, const char* type, const char* local, const char* peer) {
    auto* row = r.add_rows();
    row->set_name(name);
    row->set_type(type);
    row->set_local_value(local);
    row->set_peer_value(peer);
  };
  add("STP MST Simulate PVST", "1", "Enabled", "Enabled");
  add("STP Port Type, Edge BPDUFilter, Edge BPDUGuard", "1", "Normal, Disabled, Disabled", "Normal, Disabled, Disabled");
  add("STP MST Region Name", "1", "\"\"", "\"\"");
  add("STP Disabled", "1", "None", "None");
  add("STP Mode", "1", "Rapid-PVST", "Rapid-PVST");
  add("STP Bridge Assurance", "1", "Enabled", "Enabled");
  add("STP Loopguard", "1", "Disabled", "Disabled");
  add("STP MST Region Revision", "1", "0", "0");
  add("Allowed VLANs", "-", "1,10", "1,10");
  add("Local suspended VLANs", "-", "-", "-");
  CHECK(text("show vpc consistency-parameters global", r) == golden("show_vpc_consistency_global.txt"));
}

TEST_CASE("render: show vpc statistics peer-keepalive", "[render][unit]") {
  v1::ShowVpcPeerKeepaliveReply r;
  r.set_keepalive_status("peer is alive");
  r.set_tx_count(5218);
  r.set_rx_count(5217);
  r.set_average_rx_interval_ms(1000.2);
  r.set_state_changes(1);
  CHECK(text("show vpc statistics peer-keepalive", r) == golden("show_vpc_statistics_peer_keepalive.txt"));
}

TEST_CASE("render: show interface status", "[render][unit]") {
  v1::ShowInterfaceStatusReply r;
  auto add = [&](const char* port, const char* name, const char* status, const char* vlan, const char* duplex,
                 const char* type) {
    auto* i = r.add_interfaces();
    i->set_port(port);
    i->set_name(name);
    i->set_status(status);
    i->set_vlan(vlan);
    i->set_duplex(duplex);
    i->set_speed("auto");
    i->set_type(type);
  };
  add("Eth1/1", "--", "suspndByV", "10", "full", "10G");
  add("Eth1/5", "backup-host", "connected", "10", "full", "10G");
  add("Po10", "server1", "suspndByV", "trunk", "full", "--");
  add("Vlan10", "--", "down", "routed", "auto", "--");
  CHECK(text("show interface status", r) == golden("show_interface_status.txt"));
}

TEST_CASE("render: show vpc orphan-ports", "[render][unit]") {
  v1::ShowVpcOrphanPortsReply r;
  auto* a = r.add_vlans();
  a->set_vlan(1);
  a->add_ports("Eth1/18");
  a->add_ports("Eth3/23");
  auto* b = r.add_vlans();
  b->set_vlan(10);
  b->add_ports("Eth1/5");
  CHECK(text("show vpc orphan-ports", r) == golden("show_vpc_orphan_ports.txt"));
}

TEST_CASE("render: show port-channel summary matches the fact sheet's layout", "[render][unit]") {
  v1::ShowPortChannelSummaryReply r;
  auto add = [&](std::uint32_t group, const char* flags, std::vector<std::pair<const char*, const char*>> members) {
    auto* c = r.add_channels();
    c->set_group(group);
    c->set_port("Po" + std::to_string(group));
    c->set_flags(flags);
    c->set_type("Eth");
    c->set_protocol("LACP");
    for (const auto& [port, flag] : members) {
      auto* m = c->add_members();
      m->set_port(port);
      m->set_flag(flag);
    }
  };
  add(1, "SU", {{"Eth1/2", "P"}, {"Eth1/3", "P"}});
  add(11, "SD", {{"Eth1/1", "s"}});
  add(20, "SU", {{"Eth1/20", "P"}, {"Eth1/21", "P"}, {"Eth1/22", "D"}, {"Eth1/23", "P"}});
  CHECK(text("show port-channel summary", r) == golden("show_port_channel_summary.txt"));
}

TEST_CASE("render: show vpc consistency-parameters vpc N has the per-vPC legend", "[render][unit]") {
  v1::ShowVpcConsistencyReply r;
  r.set_scope("vpc");
  r.set_vpc(10);
  r.set_status("failed");
  r.set_reason("vPC type-1 configuration incompatible - MTU inconsistent");
  auto add = [&](const char* name, const char* type, const char* local, const char* peer) {
    auto* row = r.add_rows();
    row->set_name(name);
    row->set_type(type);
    row->set_local_value(local);
    row->set_peer_value(peer);
  };
  add("mode", "1", "active", "active");
  add("Interface type", "1", "port-channel", "port-channel");
  add("LACP Mode", "1", "on", "on");
  add("MTU", "1", "1500", "9216");
  add("Allowed VLANs", "-", "10,20", "10,20");
  add("Local suspended VLANs", "-", "10,20", "-");
  CHECK(text("show vpc consistency-parameters global", r) == golden("show_vpc_consistency_vpc.txt"));
}

namespace {

void lacpParty(v1::LacpParty* p, std::uint32_t prio, const char* mac, std::uint32_t key, std::uint32_t port,
               std::uint32_t state) {
  p->set_system_priority(prio);
  p->set_system_mac(mac);
  p->set_key(key);
  p->set_port_priority(32768);
  p->set_port(port);
  p->set_state(state);
}

v1::LacpMember* lacpMember(v1::ShowLacpReply& r, const char* port, const char* pc) {
  auto* m = r.add_members();
  m->set_port(port);
  m->set_port_channel(pc);
  m->set_mode("active");
  m->set_rate("normal");
  m->set_link_up(true);
  m->set_flag("P");
  return m;
}

}  // namespace

TEST_CASE("render: show lacp neighbor and counters match NX-OS captures' layouts", "[render][unit][lacp]") {
  // The data of a capture of an NX-OS switch (the genieparser project's golden output for these two
  // commands): our rendering of it must be that capture's text.
  v1::ShowLacpReply r;
  auto add = [&](const char* port, const char* pc, std::uint32_t partner_port, std::uint32_t key, std::uint32_t state,
                 std::uint64_t age, std::uint64_t sent, std::uint64_t rcvd) {
    auto* m = lacpMember(r, port, pc);
    lacpParty(m->mutable_partner(), 32768, "5e:02:00:01:00:07", key, partner_port, state);
    m->set_partner_age_s(age);
    m->set_pdus_sent(sent);
    m->set_pdus_received(rcvd);
  };
  add("Eth1/1", "port-channel1", 0x101, 0x8000, 0x3d, 1140, 92, 85);
  add("Eth1/2", "port-channel1", 0x102, 0x8000, 0x3d, 1140, 79, 87);
  add("Eth1/5", "port-channel2", 0x105, 0x1, 0xd, 834, 118, 146);
  CHECK(text("show lacp neighbor", r) == golden("show_lacp_neighbor.txt"));
  CHECK(text("sh lacp counters", r) == golden("show_lacp_counters.txt"));
}

TEST_CASE("render: show lacp interface shows both ends and the LAG ID as a switch below a vPC pair sees them",
          "[render][unit][lacp]") {
  v1::ShowLacpReply r;
  auto* m = lacpMember(r, "Eth1/1", "port-channel10");
  m->set_pdus_sent(85);
  m->set_pdus_received(46);
  m->set_reason("in sync with partner 0023.04ee.be64, collecting and distributing");
  lacpParty(m->mutable_actor(), 32768, "4c:77:6d:9b:e8:41", 9, 0x101, 61);
  lacpParty(m->mutable_partner(), 32667, "00:23:04:ee:be:64", 33452, 0x104, 61);
  CHECK(text("show lacp interface ethernet1/1", r) == golden("show_lacp_interface.txt"));
}

TEST_CASE("render: show lacp system-identifier gives the switch's own system, then the vPC system",
          "[render][unit][lacp]") {
  v1::ShowLacpReply r;
  r.set_system_priority(32768);
  r.set_system_mac("0c:00:00:00:00:01");
  r.set_vpc_system_priority(32667);
  r.set_vpc_system_mac("00:23:04:ee:be:0a");
  CHECK(text("show lacp system-identifier", r) == golden("show_lacp_system_identifier.txt"));
  r.clear_vpc_system_mac();
  CHECK(text("show lacp system-identifier", r) == "32768,c-0-0-0-0-1\n");
}
