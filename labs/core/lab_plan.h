// Where a deployed lab's switches and relays live, and each switch's config rewritten to use them.
// Pure: a lab's slot and its topology in, addresses and config text out.
//
// A lab owns the loopback block 127.2.<slot>.0/24 (Linux answers all of 127/8). For a pair:
//   .1 leaf-A, .2 leaf-B            management :9000, peer-link listen and keepalive on their own address
//   .3 -> B, .4 -> A                TCP relays of the peer-link path (each switch dials the relay)
//   .5 <-> .6                       the UDP relay of the keepalive path (A sends to .5, B to .6)
// so every byte between the two switches crosses a relay that vpclab controls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "peerlink/core/result.h"
#include "switch/core/config.h"

namespace vpc::lab {

constexpr std::uint32_t kMaxSlot = 250;

struct NodePlan {
  std::string name;
  std::string address;     // 127.2.S.1
  std::string management;  // address:9000
  std::string config_text;  // the topology's config with this lab's addresses (NX-OS text)
};

struct RelayPlan {
  std::string listen;  // A.B.C.D:port the switch sends to
  std::string target;  // where the relay forwards
};

struct PathPlan {
  std::string name;  // "peer-link" | "keepalive"
  std::string kind;  // "tcp" | "udp"
  std::string a, b;  // node names
  // tcp: two relays, [0] dialled by a and forwarding to b, [1] dialled by b and forwarding to a.
  // udp: one relay with two sides: [0] is a's side (a sends to `listen`; `target` is a's own address),
  // [1] is b's side. A datagram from a leaves through b's side towards b.
  std::vector<RelayPlan> relays;
  std::string between() const { return a + " <-> " + b; }
};

struct LabPlan {
  std::uint32_t slot = 0;
  std::vector<NodePlan> nodes;
  std::vector<PathPlan> paths;
};

std::string slotAddress(std::uint32_t slot, std::uint32_t host);  // 127.2.<slot>.<host>

// The plan for a vPC pair: `configs` are the two switches' parsed configs, in topology order. Each
// config must have a vPC domain with a peer-keepalive and an emulator peer-link (checked here).
Result<LabPlan> planPair(std::uint32_t slot, const std::vector<std::string>& names,
                         const std::vector<SwitchConfig>& configs);

}  // namespace vpc::lab
