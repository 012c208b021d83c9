// How a lab's hosts are built, as data: the Linux objects each host needs (a network namespace, veth
// links to the switches' ports, for a bond or a VLAN tag an Open vSwitch bridge in userspace) and the
// commands that make them, each with the command that undoes it. Pure: the shell runs the steps in
// order and, on any failure or at destroy, the undos of those that ran in reverse order, so nothing is
// left half-made.
//
// Names (Linux interface names are at most 15 characters; slot S, host index H, link L):
//   vlSHhL   the switch's end of a host link, bound to the switch port (emulator `port IF link ...`)
//   vbSHhL   its other end: in the host's namespace as eth0 (single-homed, untagged), or a bond member
//            / bridge port on the host's OVS bridge
//   vpSHh    the bridge's port towards the host (its peer goes into the namespace as eth0)
//   brSHh    the host's OVS bridge (datapath_type=netdev: no kernel module), bdSHh its bond
//   namespaces: vpclab-<lab>-<host>, and vpclab-<lab>.ovs for the lab's ovs-vswitchd and the bridges'
//   ends of the links (one userspace datapath per namespace)
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "peerlink/core/interface_id.h"
#include "peerlink/core/values.h"

namespace vpc::lab {

struct HostSpec {
  std::string name;
  Ipv4 ip;
  std::uint32_t prefix = 24;
  std::uint16_t vlan = 1;
  bool tagged = false;  // the switch ports carry its VLAN tagged
  bool lacp = false;    // its switch ports speak LACP (channel-group mode active/passive): the bond does too
  struct Link {
    std::size_t node = 0;  // index of the switch in the topology
    InterfaceId port;
  };
  std::vector<Link> links;  // one, or one per switch (a bond)
};

struct HostStep {
  std::vector<std::string> run;   // argv
  std::vector<std::string> undo;  // argv; empty when undoing the step is part of an earlier undo
};

struct PortBindingPlan {
  std::size_t node = 0;
  InterfaceId port;
  std::string link;  // the switch-side interface name
  // The other end of the cable, where a link fault takes it down (the switch owns its own end: it
  // darkens it when the port is shut or suspended): a bond member or bridge port here, or eth0 in
  // the host's namespace.
  std::string far_link;
  std::string far_netns;  // "" for the root namespace
};

struct HostPlan {
  std::string name;
  std::string netns;
  bool ovs = false;  // has an OVS bridge (a bond, or a tagged VLAN)
  std::string bridge;
};

struct HostsPlan {
  std::vector<HostPlan> hosts;
  std::vector<PortBindingPlan> bindings;  // to add to the switches' configs before they start
  bool needs_ovs = false;
  // The lab's own OVS (one ovsdb-server and ovs-vswitchd, database, sockets and logs in `ovs_dir`);
  // the vswitchd and the bridge ends of the host links live in the namespace `ovs_netns`.
  std::string ovs_dir, ovs_db_socket, ovs_netns;
  std::vector<HostStep> ovs_start;  // started before the host steps that use it
  std::vector<HostStep> steps;
};

// `sbin` and `bin`: where ip, ovsdb-server, ovs-vswitchd and ovs-vsctl, ovsdb-tool, ovs-appctl are.
HostsPlan planHosts(std::uint32_t slot, const std::string& lab, const std::string& lab_dir,
                    const std::vector<HostSpec>& hosts, const std::string& sbin = "/usr/sbin",
                    const std::string& bin = "/usr/bin");

std::string netnsOf(const std::string& lab, const std::string& host);
// The Open vSwitch bond of the host at `index` in a lab on `slot` (bdSHh), and the lab's vswitchd
// control socket (for ovs-appctl).
std::string bondOf(std::uint32_t slot, std::size_t index);
std::string ovsControlOf(const std::string& lab_dir);
// The bridge end of link `link` of the host at `index`: a member of its bond (vbSHhLl).
std::string legOf(std::uint32_t slot, std::size_t index, std::size_t link);

// A bond member as its Open vSwitch shows it: enabled to carry traffic (bond/show), and its LACP
// status ("current attached", "defaulted detached"; lacp/show).
struct BondLeg {
  bool enabled = false;
  std::string lacp;
};
// Every member of every bond in the outputs of `ovs-appctl bond/show` and `lacp/show`, by member name.
std::map<std::string, BondLeg> parseBondLegs(const std::string& bond_show, const std::string& lacp_show);
// Which of a bond's legs carry traffic, named by the switch at their far end, in the order of the
// host's links ("leaf1:Ethernet1/1" as the topology writes them), joined by '+': "leaf1+leaf2",
// "leaf2", or "none". The host is the one at `index` in a lab on `slot`.
std::string enabledLegs(std::uint32_t slot, std::size_t index, const std::vector<std::string>& links,
                        const std::map<std::string, BondLeg>& legs);

}  // namespace vpc::lab
