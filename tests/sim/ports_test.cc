// Ports bound to real links (emulator `port IF link NAME`): their carrier is an input, and losing it
// is a member-port or peer-link failure with NX-OS's consequences. Two switches in virtual time, the
// carrier reported as the shell would.
#include <catch2/catch.hpp>

#include "tests/support/sim_pair.h"
#include "tests/support/states.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

// Both sample configs with the named Ethernet ports bound to links (names as a lab would give them).
std::array<SwitchConfig, 2> bound(const std::vector<std::string>& ports) {
  auto configs = sim::defaultPairConfigs();
  for (int i = 0; i < 2; ++i)
    for (const auto& p : ports) {
      const auto id = *InterfaceId::parse(p);
      configs[i].emulator.ports[id] = PortBinding{"l" + std::to_string(i + 1) + "e" + std::to_string(id.number()), 0};
    }
  return configs;
}

}  // namespace

TEST_CASE("Ports: a bound vPC member without carrier is a member-port failure, its return restores the vPC",
          "[rule:member-port-failure][sim][ports]") {
  sim::Pair p(bound({"Ethernet1/1"}));
  p.lacpBond({{0, "Ethernet1/1"}, {1, "Ethernet1/1"}});  // server1's bond at the far end (mode active)
  p.start();
  p.runFor(2s);
  // A bound port starts without carrier: vPC 10's only member is down on both switches until the
  // shell reports the link.
  CHECK(test::portOf(p.snap(0), "Eth1/1") == PortState::NotConnected);
  CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::DownLocalLeg);
  p.link(0, "Ethernet1/1", true);
  p.link(1, "Ethernet1/1", true);
  REQUIRE(p.runUntil([&] { return p.converged() && test::vpcOf(p.snap(1), 10).status == VpcStatus::Up; }, 60s));
  CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::Up);

  p.link(0, "Ethernet1/1", false);
  p.runFor(100ms);
  const auto s0 = p.snap(0);
  CHECK(test::portOf(s0, "Eth1/1") == PortState::NotConnected);
  CHECK(has(s0.status.port(*InterfaceId::parse("Eth1/1"))->chain, CauseKind::LinkNotConnected));
  CHECK(test::portOf(s0, "Po10") == PortState::NoOperMembers);
  CHECK(test::vpcOf(s0, 10).status == VpcStatus::DownLocalLeg);
  // The peer keeps the vPC and knows its partner's leg is down (the loop-avoidance exception).
  const auto s1 = p.snap(1);
  CHECK(test::vpcOf(s1, 10).status == VpcStatus::Up);
  CHECK(test::vpcOf(s1, 10).peer_leg == PeerLeg::Down);
  CHECK(p.lastEvent(0, Subject::interface(*InterfaceId::parse("Eth1/1")), "notconnec"));

  p.link(0, "Ethernet1/1", true);  // LACP bundles it again (after the aggregate wait)
  REQUIRE(p.runUntil([&] { return test::vpcOf(p.snap(0), 10).status == VpcStatus::Up; }, 10s));
  p.runFor(100ms);
  CHECK(test::vpcOf(p.snap(1), 10).peer_leg == PeerLeg::Up);
}

TEST_CASE("Ports: the peer-link's members losing carrier take the peer-link down at once, and back up",
          "[rule:peer-link-failure][sim][ports]") {
  sim::Pair p(bound({"Ethernet1/49", "Ethernet1/50"}));
  p.start();
  p.runFor(2s);
  CHECK_FALSE(p.sw(0).sessionState() == SessionState::Established);  // no carrier yet: no peer-link
  for (int i = 0; i < 2; ++i) {
    p.link(i, "Ethernet1/49", true);
    p.link(i, "Ethernet1/50", true);
  }
  REQUIRE(p.runUntil([&] { return p.converged(); }, 60s));

  // One member gone: the port-channel still carries.
  p.link(1, "Ethernet1/49", false);
  p.runFor(500ms);
  CHECK(p.converged());
  // Both gone on the secondary: its peer-link is down at once (no heartbeat timeout to wait for), and
  // it suspends its vPCs as after any peer-link loss.
  p.link(1, "Ethernet1/50", false);
  p.runFor(20ms);
  CHECK(p.snap(1).status.peer == PeerStatus::LinkDown);
  CHECK(test::vpcOf(p.snap(1), 10).status == VpcStatus::Down);
  CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::Up);

  p.link(1, "Ethernet1/50", true);
  REQUIRE(p.runUntil([&] { return p.converged(); }, 60s));
}

TEST_CASE("Ports: shut and suspended ports take their link down (LACP members leave the bundle by LACP instead)",
          "[rule:suspended-ports-dark][sim][ports]") {
  sim::Pair p(bound({"Ethernet1/1", "Ethernet1/5"}));
  const auto server = p.lacpBond({{0, "Ethernet1/1"}, {1, "Ethernet1/1"}});
  p.start();
  for (int i = 0; i < 2; ++i) {
    p.link(i, "Ethernet1/1", true);
    p.link(i, "Ethernet1/5", true);
  }
  REQUIRE(p.runUntil([&] { return p.converged() && test::vpcOf(p.snap(1), 10).status == VpcStatus::Up; }, 60s));
  CHECK(p.lit(1, "Ethernet1/1"));
  // The peer-link fails with the keepalive alive: the secondary suspends its vPC legs and its
  // `vpc orphan-port suspend` ports. The orphan's link goes dark; the vPC leg speaks LACP, so it stays
  // lit and leaves the server's bundle out of sync. The primary keeps everything.
  p.cutPeerLink();
  REQUIRE(p.runUntil([&] { return test::portOf(p.snap(1), "Eth1/1") == PortState::SuspendedByVpc; }, 30s));
  CHECK(p.lit(1, "Ethernet1/1"));
  p.runFor(100ms);
  CHECK(p.bond(server).member(1) != lacp::Member::Bundled);
  CHECK(p.bond(server).member(0) == lacp::Member::Bundled);
  CHECK(test::portOf(p.snap(1), "Eth1/5") == PortState::SuspendedByVpc);
  CHECK_FALSE(p.lit(1, "Ethernet1/5"));
  CHECK(p.lit(0, "Ethernet1/1"));
  CHECK(p.lit(0, "Ethernet1/5"));
  // Dark is not a carrier loss: the port stays suspended, not "not connected".
  p.runFor(1s);
  CHECK(test::portOf(p.snap(1), "Eth1/1") == PortState::SuspendedByVpc);
  // Restored: the legs come back lit (after delay restore, as the vPCs do).
  p.restorePeerLink();
  REQUIRE(p.runUntil([&] { return test::vpcOf(p.snap(1), 10).status == VpcStatus::Up; }, 120s));
  CHECK(p.lit(1, "Ethernet1/5"));
  CHECK(p.runUntil([&] { return p.bond(server).member(1) == lacp::Member::Bundled; }, 10s));
  // `shutdown` on an interface darkens it too, `no shutdown` lights it.
  REQUIRE(p.configure(0, {"interface Ethernet1/5", "shutdown"}));
  p.runFor(10ms);
  CHECK_FALSE(p.lit(0, "Ethernet1/5"));
}
