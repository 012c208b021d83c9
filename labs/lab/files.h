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

struct Topology {
  std::string file;  // as given
  std::string name;
  std::optional<double> time_scale;
  std::vector<TopologyNode> nodes;
  std::vector<std::string> paths;  // "peer-link", "keepalive"
};

Result<Topology> loadTopology(const std::string& path);

struct LoadedDrill {
  Drill drill;
  Topology topology;
};
// The drill and the topology it names (relative to the drill file), checked against each other.
Result<LoadedDrill> loadDrill(const std::string& path);

std::string readWholeFile(const std::string& path, bool* ok);
std::string dirOf(const std::string& path);
std::string joinPath(const std::string& dir, const std::string& rel);

}  // namespace vpc::lab
