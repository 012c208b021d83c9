// Topology and drill files (YAML, read with yaml-cpp). Every problem is reported as
// "file:line:col: error: what", and a file is either loaded whole or not at all.
//
// Topology (labs/schema/topology.schema.json):
//   name: pair                      [a-z0-9][a-z0-9-]*
//   time-scale: 0.05                optional; vpclab deploy/run --time-scale wins
//   nodes:                          exactly two switches (a vPC pair)
//     leaf1: {config: leaf1.cfg}    a file relative to the topology, or the config text itself
//     leaf2: {config: leaf2.cfg, kind: nxos-vpc}
//   links:                          optional; the pair's two paths, both relayed
//     - {name: peer-link, endpoints: [leaf1, leaf2]}
//     - {name: keepalive, endpoints: [leaf1, leaf2]}
//   hosts:                          optional; Linux hosts (network namespaces) on the switches' ports
//     server1: {address: 10.10.0.11/24, vlan: 10, links: [leaf1:Ethernet1/1, leaf2:Ethernet1/1]}
//     backup:  {address: 10.10.0.21/24, vlan: 10, links: [leaf2:Ethernet1/5]}
//   A host on one port is single-homed; on a port of each switch it is dual-homed, and both ports must
//   be members of the same vPC (the host bonds its two links). `vlan` is the host's VLAN: it must be
//   carried by its ports; the host tags its frames when a port is a trunk whose native VLAN it is not.
//
// Drill (labs/schema/drill.schema.json): see labs/drills/README.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "labs/core/drill.h"
#include "peerlink/core/result.h"
#include "switch/core/config.h"

namespace vpc::lab {

struct TopologyNode {
  std::string name;
  std::string config_file;  // "" when the config is inline
  std::string config_text;
  SwitchConfig config;
};

// One link of a host: a switch's Ethernet port.
struct HostLink {
  std::string node;
  InterfaceId port;
};

struct TopologyHost {
  std::string name;
  std::string address;  // A.B.C.D/len
  Ipv4 ip;
  std::uint32_t prefix = 24;
  std::uint16_t vlan = 1;
  bool tagged = false;  // its frames carry the VLAN's tag (its ports are trunks, the VLAN not native)
  std::vector<HostLink> links;  // one (single-homed) or two (dual-homed, a bond)
  int line = 0;
};

struct Topology {
  std::string file;  // as given
  std::string name;
  std::optional<double> time_scale;
  std::vector<TopologyNode> nodes;
  std::vector<std::string> paths;  // "peer-link", "keepalive"
  std::vector<TopologyHost> hosts;
  // Where the switches run: all on the machine's loopback (127.2.<slot>.0/24, the default), or each in a
  // network namespace of its own with its own address, joined to the lab's relays by a routed link -
  // as two hosts are (`placement: namespaces`; needs root).
  bool namespaces = false;
};

Result<Topology> loadTopology(const std::string& path);

struct LoadedDrill {
  Drill drill;
  Topology topology;
};
// The drill and the topology it names (relative to the drill file), checked against each other.
Result<LoadedDrill> loadDrill(const std::string& path);

std::string readWholeFile(const std::string& path, bool* ok);
// A node's config files as TopologyNode::config_file joins them ("a.cfg + b.cfg").
std::vector<std::string> configFiles(const std::string& joined);
std::string dirOf(const std::string& path);
std::string joinPath(const std::string& dir, const std::string& rel);

// A name for a lab, topology, node or run: lowercase letters, digits, '-' and '_', at most 40, starting
// with a letter or digit (it becomes a directory and a process tag).
bool validLabName(const std::string& name);

}  // namespace vpc::lab
