// Where a deployed lab's switches and relays live, and each switch's config rewritten to use them.
// Pure: a lab's slot and its topology in, addresses and config text out.
//
// A lab owns the loopback block 127.2.<slot>.0/24 (Linux answers all of 127/8). For a pair:
//   .1 leaf-A, .2 leaf-B            management :9000, peer-link listen and keepalive on their own address
//   .3 -> B, .4 -> A                TCP relays of the peer-link path (each switch dials the relay)
//   .5 <-> .6                       the UDP relay of the keepalive path (A sends to .5, B to .6)
// so every byte between the two switches crosses a relay that vpclab controls.
//
// With `namespaces`, each switch runs in a network namespace of its own (vpc<slot>-<node>), on a veth
// link to the machine: switch A is 10.250.<slot>.2/30 behind the machine's 10.250.<slot>.1, switch B
// 10.250.<slot>.6/30 behind .5, each with a default route to its side. The relays listen on the
// machine's side of each link (A dials .1, B dials .5; the keepalive relay's sides are .1 and .5), so
// nothing between the switches assumes one loopback: as on two hosts, every byte is routed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "labs/core/host_plan.h"
#include "peerlink/core/result.h"
#include "switch/core/config.h"

namespace vpc::lab {

constexpr std::uint32_t kMaxSlot = 250;

struct NodePlan {
  std::string name;
  std::string address;     // 127.2.S.1 (10.250.S.2 in a namespace)
  // `namespaces` only: the namespace, the veth link (machine side and switch side) and the machine's
  // address on it, which is the switch's gateway.
  std::string netns, link, link_peer, gateway;
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
                         const std::vector<SwitchConfig>& configs, bool namespaces = false);

// `placement: namespaces`: the commands that make each switch's namespace and its routed veth link to
// the machine (address, gateway, default route), each with what undoes it. Empty for the loopback.
std::vector<HostStep> namespaceSteps(const LabPlan& plan);

// 10.250.<slot>.<host>: the addresses of a lab placed in namespaces.
std::string namespaceAddress(std::uint32_t slot, std::uint32_t host);
// The machine's end of switch `index`'s veth link in lab slot `slot` ("vx7n0"; the switch's end is "vy7n0").
std::string namespaceLink(std::uint32_t slot, std::size_t index);

}  // namespace vpc::lab
