// What the tables need to know about this switch's ports, as a value the node rebuilds from the
// configuration and the derived status whenever either changes: which port-channel is which vPC,
// which vPCs forward which VLANs, which other ports are up, which SVIs are down, and who the two
// switches are (logical locations for the convergence digests). Pure.
#pragma once

#include <cstdint>
#include <map>
#include <utility>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "peerlink/core/interface_id.h"
#include "peerlink/core/records.h"
#include "peerlink/core/values.h"
#include "switch/core/config.h"
#include "switch/core/state.h"

namespace vpc {

struct PortMap {
  absl::flat_hash_map<std::uint32_t, std::uint32_t> vpc_of_port;  // vPC port-channel code -> vPC id
  absl::flat_hash_map<std::uint32_t, InterfaceId> port_of_vpc;     // vPC id -> its port-channel
  std::map<std::uint32_t, VlanSet> vpc_active;                     // forwarding vPCs -> the VLANs they forward
  absl::flat_hash_set<std::uint32_t> configured;                   // every configured interface (codes)
  absl::flat_hash_set<std::uint32_t> up;                           // other ports that are connected (codes)
  VlanSet dead_svis;                                               // VLANs whose SVI is not connected
  std::uint64_t self = 0;                                          // this switch's local MAC
  std::uint64_t peer = 0;                                          // the peer's local MAC (0: not yet known)

  static PortMap build(const SwitchConfig& config, const SwitchStatus& status, std::uint64_t peer_mac);

  // How the peer is told of a local port: a vPC port-channel as IfKind::Vpc (the peer resolves it to
  // its own port-channel of the same vPC), anything else as itself.
  std::uint32_t wirePort(std::uint32_t local_port) const {
    const auto it = vpc_of_port.find(local_port);
    return it == vpc_of_port.end() ? local_port : InterfaceId::vpc(it->second).code();
  }
  bool vpcForwards(std::uint32_t vpc, std::uint16_t vlan) const {
    const auto it = vpc_active.find(vpc);
    return it != vpc_active.end() && it->second.contains(vlan);
  }
  // Where this switch installs a MAC entry, with its NX-OS flag: '*' on a local port, '+' on the
  // peer-link. A peer entry on vPC X sits on this switch's own port-channel of vPC X while it forwards
  // the VLAN; a local entry on a vPC whose leg is down points at the peer-link (the host is reachable
  // through the peer's leg).
  std::pair<InterfaceId, char> installedMac(std::uint64_t key, bool has_local, const MacValue& local,
                                           const MacValue& peer) const;
  // Whether the identities the digests are computed from differ (then they are recomputed).
  bool sameIdentity(const PortMap& o) const { return vpc_of_port == o.vpc_of_port && self == o.self && peer == o.peer; }
};

}  // namespace vpc
