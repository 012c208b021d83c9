// The switch the fuzz targets talk to: leaf2 of labs/topologies/pair/ (Ethernet1/1 and Ethernet1/5
// bound to links), booted, its keepalive hearing leaf1, and an adjacent peer-link session on one
// accepted connection - so fuzzed input reaches the session, the vPC manager, the tables and the data
// plane as it would in a running lab.
#pragma once

#include <memory>

#include "switch/core/switch_node.h"

namespace vpc::fuzz {

constexpr ConnId kSession = kAcceptedConnBit | 1;
constexpr ConnId kCandidate = kAcceptedConnBit | 2;

struct SwitchUnderTest {
  SwitchUnderTest();
  void input(const Input& in);  // handled now; the clock then moves 1 ms and timers run
  std::unique_ptr<SwitchNode> node;
  TimePoint now{};
};

// leaf1's Hello and keepalive datagram as leaf2 expects them.
peer::Hello peerHello();
KeepaliveMsg peerKeepalive();

}  // namespace vpc::fuzz
