// A lab's hosts as a plan: the Linux objects and the commands that make and unmake them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "labs/core/host_plan.h"

using namespace vpc;
using namespace vpc::lab;

namespace {

std::vector<HostSpec> sampleHosts() {
  HostSpec server1{"server1", *Ipv4::parse("10.10.0.11"), 24, 10, true, true,
                   {{0, *InterfaceId::parse("Ethernet1/1")}, {1, *InterfaceId::parse("Ethernet1/1")}}};
  HostSpec backup{"backup", *Ipv4::parse("10.10.0.21"), 24, 10, false, false, {{1, *InterfaceId::parse("Ethernet1/5")}}};
  return {server1, backup};
}

bool contains(const std::vector<std::string>& argv, const std::string& word) {
  return std::find(argv.begin(), argv.end(), word) != argv.end();
}

}  // namespace

TEST_CASE("Host plan: a dual-homed tagged host gets a bond on an OVS bridge, a single-homed one a plain link",
          "[hosts][unit]") {
  const auto p = planHosts(250, "hosts", "/tmp/lab", sampleHosts());
  REQUIRE(p.hosts.size() == 2);
  CHECK(p.needs_ovs);
  CHECK(p.ovs_db_socket == "/tmp/lab/ovs/db.sock");
  CHECK(p.hosts[0].netns == "vpclab-hosts-server1");
  CHECK(p.hosts[0].ovs);
  CHECK_FALSE(p.hosts[1].ovs);
  // Each switch port is bound to its own link; names fit Linux's 15 characters.
  REQUIRE(p.bindings.size() == 3);
  std::set<std::string> links;
  for (const auto& b : p.bindings) {
    CHECK(b.link.size() <= 15);
    links.insert(b.link);
  }
  CHECK(links.size() == 3);
  CHECK(p.bindings[2].node == 1);
  CHECK(p.bindings[2].port.longName() == "Ethernet1/5");
  // The bond speaks LACP (the switch ports are mode active), the bridge port tags VLAN 10 towards them.
  bool bond = false, tagged = false;
  for (const auto& s : p.steps) {
    if (contains(s.run, "add-bond")) bond = contains(s.run, "lacp=active");  // the switch ports speak LACP
    if (contains(s.run, "tag=10")) tagged = true;
    for (const auto& w : s.run)
      if (w.rfind("v", 0) == 0 && w.find('h') != std::string::npos && w.size() < 16 && !contains(s.run, "netns"))
        CHECK(w.size() <= 15);
  }
  CHECK(bond);
  CHECK(tagged);
  // The lab's vswitchd runs in a namespace of its own (one userspace datapath per namespace), and the
  // bridge ends of the links are moved there; a link fault on a bonded host pulls the cable there.
  CHECK(p.ovs_netns == "vpclab-hosts.ovs");
  bool vswitchd_in_ns = false;
  for (const auto& s : p.ovs_start)
    if (contains(s.run, "/usr/sbin/ovs-vswitchd")) vswitchd_in_ns = contains(s.run, "vpclab-hosts.ovs");
  CHECK(vswitchd_in_ns);
  CHECK(p.bindings[0].far_netns == "vpclab-hosts.ovs");
  CHECK(p.bindings[2].far_netns == "vpclab-hosts-backup");
  CHECK(p.bindings[2].far_link == "eth0");
}

TEST_CASE("Host plan: everything a step makes has an undo, and the untagged single-homed host needs no OVS",
          "[hosts][unit]") {
  const auto hosts = std::vector<HostSpec>{sampleHosts()[1]};
  const auto p = planHosts(3, "lab", "/tmp/lab", hosts);
  CHECK_FALSE(p.needs_ovs);
  CHECK(p.ovs_start.empty());
  for (const auto& s : p.steps) {
    const bool makes = contains(s.run, "add") && (contains(s.run, "netns") || contains(s.run, "veth"));
    if (makes) CHECK_FALSE(s.undo.empty());
  }
  // The host's address lands on eth0 in its namespace.
  bool address = false;
  for (const auto& s : p.steps)
    if (contains(s.run, "10.10.0.21/24") && contains(s.run, "vpclab-lab-backup")) address = true;
  CHECK(address);
}

TEST_CASE("host plan: a bond's legs read from Open vSwitch's bond/show and lacp/show", "[unit][hosts]") {
  const std::string bond_show =
      "---- bd1h0 ----\nbond_mode: balance-slb\nlacp_status: negotiated\n\nmember vb1h0l0: enabled\n  active member\n"
      "  may_enable: true\n\nmember vb1h0l1: disabled\n  may_enable: false\n\n";
  const std::string lacp_show =
      "---- bd1h0 ----\n  status: active negotiated\n  sys_id: 52:54:00:aa:00:01\n\nmember: vb1h0l0: current attached\n"
      "  port_id: 1\nmember: vb1h0l1: current detached\n  port_id: 2\n";
  const auto legs = lab::parseBondLegs(bond_show, lacp_show);
  REQUIRE(legs.size() == 2);
  CHECK(legs.at("vb1h0l0").enabled);
  CHECK(legs.at("vb1h0l0").lacp == "current attached");
  CHECK_FALSE(legs.at("vb1h0l1").enabled);
  CHECK(legs.at("vb1h0l1").lacp == "current detached");
  CHECK(lab::legOf(1, 0, 1) == "vb1h0l1");
  CHECK(lab::parseBondLegs("", "").empty());
  // Named by the switch at each leg's far end, in link order.
  const std::vector<std::string> links = {"leaf1:Ethernet1/1", "leaf2:Ethernet1/1"};
  const auto both = lab::parseBondLegs("member vb1h0l0: enabled\nmember vb1h0l1: enabled\n", "");
  CHECK(lab::enabledLegs(1, 0, links, both) == "leaf1+leaf2");
  CHECK(lab::enabledLegs(1, 0, links, legs) == "leaf1");
  const auto second = lab::parseBondLegs("member vb1h0l0: disabled\nmember vb1h0l1: enabled\n", "");
  CHECK(lab::enabledLegs(1, 0, links, second) == "leaf2");
  CHECK(lab::enabledLegs(1, 0, links, {}) == "none");
  CHECK(lab::enabledLegs(2, 0, links, both) == "none");  // another lab's members
}
