// NX-OS's JSON layouts built from our replies: the keys and shapes a real switch returns.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "labs/lab/inventory.h"
#include "switch/mgmt/nxos_json.h"
#include "switch/mgmt/registry.h"
#include "vpc/v1/mgmt.pb.h"

using namespace vpc;

namespace {
grammar::Match command(const char* line) { return std::get<grammar::Match>(mgmt::execGrammar().match(line)); }
}  // namespace

TEST_CASE("NX-OS JSON: show vpc keys, string values, one row an object and several a list", "[nxapi][unit]") {
  v1::ShowVpcReply r;
  r.set_domain_id(10);
  r.set_role("secondary, operational primary");
  r.set_peer_status("peer adjacency formed ok");
  r.set_keepalive_status("peer is alive");
  r.set_consistency_status("success");
  r.set_per_vlan_consistency_status("success");
  r.set_type2_consistency_status("success");
  r.set_number_of_vpcs(1);
  r.set_peer_gateway("Enabled");
  r.mutable_peer_link()->set_id(1);
  r.mutable_peer_link()->set_port("Po1");
  r.mutable_peer_link()->set_status("up");
  r.mutable_peer_link()->set_active_vlans("1,10,20");
  auto* v = r.add_vpcs();
  v->set_id(10);
  v->set_port("Po10");
  v->set_status("up");
  v->set_consistency("success");
  v->set_active_vlans("10,20");
  auto j = nlohmann::json::parse(*mgmt::nxosJson(command("show vpc"), r, false));
  CHECK(j["vpc-domain-id"] == "10");
  CHECK(j["vpc-role"] == "secondary-primary");
  CHECK(j["vpc-peer-status"] == "peer-ok");
  CHECK(j["vpc-peer-keepalive-status"] == "peer-alive");
  CHECK(j["vpc-peer-consistency-status"] == "SUCCESS");
  CHECK(j["peer-gateway"] == "1");
  CHECK(j["TABLE_peerlink"]["ROW_peerlink"]["peer-link-port-state"] == "1");
  CHECK(j["TABLE_vpc"]["ROW_vpc"].is_object());  // one vPC: an object
  CHECK(j["TABLE_vpc"]["ROW_vpc"]["vpc-ifindex"] == "Po10");
  auto* w = r.add_vpcs();
  w->set_id(20);
  w->set_port("Po20");
  w->set_status("down");
  w->set_consistency("failed");
  w->set_reason("vPC type-1 configuration incompatible - MTU inconsistent");
  j = nlohmann::json::parse(*mgmt::nxosJson(command("show vpc brief"), r, true));
  REQUIRE(j["TABLE_vpc"]["ROW_vpc"].is_array());
  CHECK(j["TABLE_vpc"]["ROW_vpc"][1]["vpc-port-state"] == "0");
  CHECK(j["TABLE_vpc"]["ROW_vpc"][1]["vpc-consistency"] == "inconsistent");
  // Commands without an NX-OS layout here: none (the caller answers with our own JSON twin).
  CHECK_FALSE(mgmt::nxosJson(command("show vpc sync"), v1::ShowVpcReply{}, false));
}

TEST_CASE("NX-OS JSON: show inventory and show version carry what Ansible's nxos modules read", "[nxapi][unit]") {
  v1::InfoReply info;
  info.set_hostname("leaf1");
  info.set_nxos_version("9.3(10)");
  info.set_chassis_serial("VPC00000001");
  info.set_uptime_s(90061);
  auto inv = nlohmann::json::parse(*mgmt::nxosJson(command("show inventory"), info, false));
  CHECK(inv["TABLE_inv"]["ROW_inv"][0]["productid"] == "N9K-C93180YC-EX");
  auto ver = nlohmann::json::parse(*mgmt::nxosJson(command("show version"), info, false));
  CHECK(ver["kickstart_ver_str"] == "9.3(10)");
  CHECK(ver["host_name"] == "leaf1");
  CHECK(ver["kern_uptm_days"] == 1);
  CHECK(ver["kern_uptm_hrs"] == 1);
  CHECK(ver["kern_uptm_mins"] == 1);
}

TEST_CASE("Inventory: the clear password of a user, none when only its hash is kept", "[inventory][unit]") {
  const std::string cfg = "hostname x\nusername admin password vpclab role network-admin\n"
                          "username ops password 0 s3cret\nusername h password 5 $5$abc$def role network-admin\n";
  CHECK(lab::clearPassword(cfg, "admin") == "vpclab");
  CHECK(lab::clearPassword(cfg, "ops") == "s3cret");
  CHECK(lab::clearPassword(cfg, "h").empty());
  CHECK(lab::clearPassword(cfg, "nobody").empty());
}

TEST_CASE("NX-OS JSON: show port-channel summary as TABLE_channel with TABLE_member", "[nxapi][unit]") {
  v1::ShowPortChannelSummaryReply r;
  auto* c = r.add_channels();
  c->set_group(10);
  c->set_port("Po10");
  c->set_flags("SU");
  c->set_type("Eth");
  c->set_protocol("LACP");
  auto* m = c->add_members();
  m->set_port("Eth1/1");
  m->set_flag("P");
  auto j = nlohmann::json::parse(*mgmt::nxosJson(command("show port-channel summary"), r, false));
  const auto row = j["TABLE_channel"]["ROW_channel"];  // one channel: an object
  CHECK(row["group"] == 10);
  CHECK(row["port-channel"] == "port-channel10");
  CHECK(row["layer"] == "S");
  CHECK(row["status"] == "U");
  CHECK(row["prtcl"] == "LACP");
  CHECK(row["TABLE_member"]["ROW_member"]["port"] == "Ethernet1/1");
  CHECK(row["TABLE_member"]["ROW_member"]["port-status"] == "P");
}

TEST_CASE("NX-OS JSON: show interface rows with the keys Ansible's interface facts read", "[nxapi][unit]") {
  v1::ShowInterfaceStatusReply r;
  auto* e = r.add_interfaces();
  e->set_interface("port-channel10");
  e->set_name("to server1");
  e->set_status("connected");
  e->set_mode("trunk");
  e->set_mtu(9216);
  e->set_admin_up(true);
  auto* s = r.add_interfaces();
  s->set_interface("Vlan10");
  s->set_name("--");
  s->set_status("down");
  s->set_ip_address("10.0.10.2/24");
  s->set_mtu(1500);
  s->set_admin_up(true);
  auto all = nlohmann::json::parse(*mgmt::nxosJson(command("show interface"), r, false));
  REQUIRE(all["TABLE_interface"]["ROW_interface"].size() == 2);
  const auto po = all["TABLE_interface"]["ROW_interface"][0];
  CHECK(po["interface"] == "port-channel10");
  CHECK(po["state"] == "up");
  CHECK(po["desc"] == "to server1");
  CHECK(po["eth_mode"] == "trunk");
  CHECK(po["eth_mtu"] == "9216");
  CHECK(po["eth_hw_desc"] == "Port-Channel");
  const auto svi = all["TABLE_interface"]["ROW_interface"][1];
  CHECK(svi["svi_line_proto"] == "down");
  CHECK(svi["svi_ip_addr"] == "10.0.10.2");
  CHECK(svi["svi_ip_mask"] == 24);
  auto one = nlohmann::json::parse(*mgmt::nxosJson(command("show interface vlan10"), r, false));
  CHECK(one["TABLE_interface"]["ROW_interface"]["interface"] == "Vlan10");  // one row: an object
}

TEST_CASE("NX-OS JSON: show mac address-table and show vpc consistency-parameters", "[nxapi][unit]") {
  v1::ShowMacReply mac;
  auto* e = mac.add_entries();
  e->set_vlan(10);
  e->set_mac("0050.5600.0001");
  e->set_type("dynamic");
  e->set_port("Po10");
  e->set_flag("*");
  mac.set_total(1);
  auto j = nlohmann::json::parse(*mgmt::nxosJson(command("show mac address-table"), mac, false));
  const auto row = j["TABLE_mac_address"]["ROW_mac_address"];
  CHECK(row["disp_mac_addr"] == "0050.5600.0001");
  CHECK(row["disp_type"] == "* ");
  CHECK(row["disp_vlan"] == "10");
  CHECK(row["disp_is_static"] == "disabled");
  CHECK(row["disp_port"] == "port-channel10");

  v1::ShowVpcConsistencyReply cc;
  auto* p = cc.add_rows();
  p->set_name("Interface Mtu");
  p->set_type("1");
  p->set_local_value("9216");
  p->set_peer_value("1500");
  auto k = nlohmann::json::parse(*mgmt::nxosJson(command("show vpc consistency-parameters vpc 10"), cc, false));
  const auto c = k["TABLE_vpc_consistency"]["ROW_vpc_consistency"];
  CHECK(c["vpc-param-name"] == "Interface Mtu");
  CHECK(c["vpc-param-type"] == "1");
  CHECK(c["vpc-param-local-val"] == "9216");
  CHECK(c["vpc-param-peer-val"] == "1500");
}

TEST_CASE("NX-OS JSON: show vpc role, peer-keepalive and its statistics, orphan ports", "[nxapi][unit]") {
  v1::ShowVpcRoleReply role;
  role.set_role("primary, operational secondary");
  role.set_system_mac("00:23:04:ee:be:0a");
  role.set_system_priority(32667);
  role.set_local_system_mac("0c:00:00:00:00:01");
  role.set_local_role_priority(100);
  role.set_peer_status("peer link is down");
  role.set_peer_status_reason("peer-keepalive not operational, peer never alive");
  auto r = nlohmann::json::parse(*mgmt::nxosJson(command("show vpc role"), role, false));
  CHECK(r["vpc-current-role"] == "primary-secondary");
  CHECK(r["vpc-system-mac"] == "00:23:04:ee:be:0a");
  CHECK(r["vpc-system-prio"] == "32667");
  CHECK(r["vpc-local-role-prio"] == "100");
  CHECK(r["dual-active-detected"] == "0");
  CHECK(r["vpc-peer-status"] == "peer-link-down");
  CHECK(r["vpc-peer-status-reason"] == "peer-keepalive not operational, peer never alive");
  CHECK_FALSE(r.contains("vpc-peer-system-mac"));  // no peer yet
  role.set_peer_system_mac("0c:00:00:00:00:02");
  role.set_peer_role_priority(200);
  r = nlohmann::json::parse(*mgmt::nxosJson(command("show vpc role"), role, false));
  CHECK(r["vpc-peer-role-prio"] == "200");

  v1::ShowVpcPeerKeepaliveReply k;
  k.set_keepalive_status("peer is alive");
  k.set_destination("10.0.0.2");
  k.set_vrf("management");
  k.set_interval_ms(1000);
  k.set_timeout_s(5);
  k.set_hold_timeout_s(3);
  k.set_tx_count(7);
  k.set_udp_port(3200);
  auto ka = nlohmann::json::parse(*mgmt::nxosJson(command("show vpc peer-keepalive"), k, false));
  CHECK(ka["vpc-peer-keepalive-status"] == "peer-alive");
  CHECK(ka["vpc-keepalive-dest"] == "10.0.0.2");
  CHECK(ka["vpc-keepalive-vrf"] == "management");
  CHECK(ka["vpc-keepalive-interval"] == "1000");
  CHECK(ka["vpc-keepalive-hold-timeout"] == "3");
  CHECK(ka["vpc-keepalive-udp-port"] == "3200");
  auto st = nlohmann::json::parse(*mgmt::nxosJson(command("show vpc statistics peer-keepalive"), k, false));
  CHECK(st["vpc-keepalive-counters-tx"] == "7");
  CHECK(nlohmann::json::parse(*mgmt::nxosJson(command("show vpc peer-keepalive"), v1::ShowVpcPeerKeepaliveReply{},
                                              false))["vpc-keepalive-dest"] == "N/A");

  v1::ShowVpcOrphanPortsReply o;
  auto* v = o.add_vlans();
  v->set_vlan(10);
  v->add_ports("Eth1/5");
  auto op = nlohmann::json::parse(*mgmt::nxosJson(command("show vpc orphan-ports"), o, false));
  CHECK(op["TABLE_orphan_ports"]["ROW_orphan_ports"]["vpc-vlan"] == "10");
  CHECK(op["TABLE_orphan_ports"]["ROW_orphan_ports"]["vpc-orphan-ports"] == "Eth1/5");
}

TEST_CASE("NX-OS JSON: show ip arp and show interface status, and empty tables are {}", "[nxapi][unit]") {
  v1::ShowArpReply arp;
  for (const char* ip : {"10.10.0.11", "10.10.0.21"}) {
    auto* e = arp.add_entries();
    e->set_ip(ip);
    e->set_mac("0050.5600.0001");
    e->set_interface("Vlan10");
    e->set_age("00:00:05");
  }
  arp.set_total(2);
  auto a = nlohmann::json::parse(*mgmt::nxosJson(command("show ip arp"), arp, false));
  const auto vrf = a["TABLE_vrf"]["ROW_vrf"];
  CHECK(vrf["vrf-name-out"] == "default");
  CHECK(vrf["cnt-total"] == "2");
  REQUIRE(vrf["TABLE_adj"]["ROW_adj"].is_array());
  CHECK(vrf["TABLE_adj"]["ROW_adj"][1]["ip-addr-out"] == "10.10.0.21");
  CHECK(vrf["TABLE_adj"]["ROW_adj"][0]["intf-out"] == "Vlan10");
  CHECK(vrf["TABLE_adj"]["ROW_adj"][0]["time-stamp"] == "00:00:05");

  v1::ShowInterfaceStatusReply st;
  auto* i = st.add_interfaces();
  i->set_port("Eth1/5");
  i->set_interface("Ethernet1/5");
  i->set_name("backup-host");
  i->set_status("suspndByV");
  i->set_vlan("10");
  auto s = nlohmann::json::parse(*mgmt::nxosJson(command("show interface status"), st, false));
  CHECK(s["TABLE_interface"]["ROW_interface"]["interface"] == "Ethernet1/5");
  CHECK(s["TABLE_interface"]["ROW_interface"]["state"] == "suspndByV");
  CHECK(s["TABLE_interface"]["ROW_interface"]["name"] == "backup-host");

  // A switch with nothing learned answers an empty object, never `null`.
  CHECK(*mgmt::nxosJson(command("show mac address-table"), v1::ShowMacReply{}, false) == "{}\n");
  CHECK(*mgmt::nxosJson(command("show interface status"), v1::ShowInterfaceStatusReply{}, false) == "{}\n");
}
