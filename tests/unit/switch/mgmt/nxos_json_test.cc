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
