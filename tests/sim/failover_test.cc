// The NX-OS failure rules (DESIGN.md §6, vpc-behaviour.md §3-§5), two switches in virtual time with the
// NX-OS default timers of the sample configs (keepalive 1 s / 5 s / hold 3 s, delay restore 30 s,
// SVIs 10 s, orphan ports 0 s). leaf1 (index 0) is primary, leaf2 (index 1) secondary.
#include <catch2/catch.hpp>

#include "tests/support/sim_pair.h"
#include "tests/support/states.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

PortState port(sim::Pair& p, int i, const std::string& name) { return test::portOf(p.snap(i), name); }

LearnMacCmd macs(const std::string& first, std::uint32_t count, std::uint16_t vlan, const std::string& iface) {
  LearnMacCmd c;
  c.mac = *MacAddress::parse(first);
  c.count = count;
  c.vlan = vlan;
  c.iface = *InterfaceId::parse(iface);
  return c;
}

bool bothDown(sim::Pair& p) {
  return p.snap(0).status.peer == PeerStatus::LinkDown &&
         p.snap(1).status.peer == PeerStatus::LinkDown;
}

Duration since(sim::Pair&, std::optional<TimePoint> at, TimePoint t0) {
  REQUIRE(at);
  return *at - t0;
}

}  // namespace

TEST_CASE("Failover: peer-link loss with the keepalive alive: the secondary suspends, the primary keeps all",
          "[rule:peer-link-failure][sim][failover]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.learnMac(1, macs("0050.5700.0000", 20, 10, "Eth1/5")));
  REQUIRE(p.learnMac(1, macs("0050.5710.0000", 20, 10, "Po10")));
  p.runFor(1s);
  const auto t0 = p.now();
  p.cutPeerLink();
  REQUIRE(p.runUntil([&] { return bothDown(p); }, 4s));

  SECTION("the secondary suspends vPCs, orphan-port-suspend ports and vPC-VLAN SVIs at once") {
    const auto v2 = p.snap(1);
    CHECK(test::isRole(v2, test::kSecondary));
    CHECK(test::vpcOf(v2, 10).status == VpcStatus::Down);
    CHECK(test::vpcOf(v2, 10).reason == VpcReason::PeerLinkDown);
    CHECK(has(test::vpcOf(v2, 10).chain, CauseKind::SecondarySuspendsAll));
    CHECK(has(test::vpcOf(v2, 10).chain, CauseKind::HeartbeatTimeout));
    CHECK(test::vpcOf(v2, 10).chain.back() == cause(CauseKind::HeartbeatTimeout, {"3000"}));
    CHECK(test::vpcOf(v2, 20).status == VpcStatus::Down);
    CHECK(port(p, 1, "Eth1/5") == PortState::SuspendedByVpc);
    CHECK(port(p, 1, "Eth1/1") == PortState::SuspendedByVpc);
    CHECK(port(p, 1, "Vlan10") == PortState::Down);
    CHECK(globalConsistency(v2).type1 == CheckStatus::Failed);
    CHECK(globalConsistency(v2).type1_reason->kind == CauseKind::CheckNotPerformed);
    CHECK(!v2.role.dual_active_detected);  // not decided yet: hold-timeout
    const auto suspended = since(p, p.lastEvent(1, Subject::vpc(10), "down"), t0);
    const auto peer_down = since(p, p.lastEvent(1, Subject::of(SubjectKind::PeerStatus), "peer link is down"), t0);
    CHECK(suspended == peer_down);  // at once
    CHECK(p.sw(1).tables().macs().size() == 0);  // everything it had leads to the dead peer-link now
  }
  SECTION("the primary changes nothing") {
    const auto v1 = p.snap(0);
    CHECK(test::isRole(v1, test::kPrimary));
    CHECK(test::vpcOf(v1, 10).status == VpcStatus::Up);
    CHECK(test::vpcOf(v1, 10).consistency == VpcConsistency::Failed);
    CHECK(test::vpcOf(v1, 10).reason == VpcReason::PeerLinkDown);
    CHECK(test::vpcOf(v1, 10).active == test::vlans("10,20"));
    CHECK(port(p, 0, "Eth1/5") == PortState::Connected);
    CHECK(port(p, 0, "Vlan10") == PortState::Connected);
    // leaf2's orphan MACs pointed at the peer-link: flushed; its vPC 10 MACs stay on leaf1's Po10.
    CHECK(p.sw(0).tables().macs().size() == 20);
  }
  SECTION("after the hold-timeout a keepalive proves the peer alive: stay suspended, dual-active avoided") {
    p.runFor(60s);
    const auto v2 = p.snap(1);
    CHECK(v2.role.dual_active_detected);
    CHECK(test::isRole(v2, test::kSecondary));
    CHECK(v2.keepalive.state == KeepaliveState::Alive);
    CHECK(test::vpcOf(v2, 10).status == VpcStatus::Down);
    CHECK(p.sw(1).failoverState() == FailoverState::PeerAlive);
    CHECK_FALSE(p.sw(1).sticky());
    const auto decided = since(p, p.lastEvent(1, Subject::of(SubjectKind::Failover), "peer alive"), t0);
    const auto lost = since(p, p.lastEvent(1, Subject::of(SubjectKind::Failover), "hold-timeout"), t0);
    CHECK(decided >= lost + 3s);      // keepalives inside the hold-timeout were ignored
    CHECK(decided <= lost + 3s + 1s);  // the first one after it decides (sent every second)
  }
}

TEST_CASE("Failover: peer-link restored: adjacency, resync, then the secondary's ports after delay restore",
          "[rule:delay-restore][sim][failover][restore]") {
  auto p = sim::Pair::startConverged();
  p.cutPeerLink();
  p.runFor(10s);
  const auto t0 = p.now();
  p.restorePeerLink();
  REQUIRE(p.runUntil([&] { return p.snap(1).status.peer == PeerStatus::AdjacencyFormed; }, 5s));
  const auto adjacency = p.now();
  p.runFor(1s);
  auto v2 = p.snap(1);
  CHECK(test::isRole(v2, test::kSecondary));
  CHECK(!v2.role.dual_active_detected);
  CHECK(test::vpcOf(v2, 10).status == VpcStatus::Down);
  CHECK(test::vpcOf(v2, 10).reason == VpcReason::DelayRestore);
  CHECK(test::secondsLeft(v2, v2.restore.vpc) == 29);
  CHECK(test::secondsLeft(v2, v2.restore.svi) == 9);
  CHECK(port(p, 1, "Eth1/5") == PortState::Connected);  // delay restore orphan-port is 0
  CHECK(port(p, 1, "Vlan10") == PortState::Down);
  // The primary was forwarding all along: no delay there.
  CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::Up);
  p.runFor(30s);
  v2 = p.snap(1);
  CHECK(test::vpcOf(v2, 10).status == VpcStatus::Up);
  CHECK(test::vpcOf(v2, 10).consistency == VpcConsistency::Success);
  CHECK(test::secondsLeft(v2, v2.restore.vpc) == -1);
  CHECK(port(p, 1, "Vlan10") == PortState::Connected);
  const auto svi_up = since(p, p.lastEvent(1, test::iface("Vlan10"), "connected"), adjacency);
  const auto vpc_up = since(p, p.lastEvent(1, Subject::vpc(10), "up"), adjacency);
  CHECK(svi_up >= 10s);
  CHECK(svi_up < 10s + 1ms);
  CHECK(vpc_up >= 30s);
  CHECK(vpc_up < 30s + 1ms);
  CHECK(p.converged());
  (void)t0;
}

TEST_CASE("Failover: keepalive loss alone changes only the status", "[rule:keepalive-loss][sim][failover]") {
  auto p = sim::Pair::startConverged();
  p.cutKeepalive();
  p.runFor(10s);
  for (int i = 0; i < 2; ++i) {
    const auto v = p.snap(i);
    CHECK(test::unreachable(v));
    CHECK(v.status.peer == PeerStatus::AdjacencyFormed);
    CHECK(test::vpcOf(v, 10).status == VpcStatus::Up);
  }
  CHECK(test::isRole(p.snap(0), test::kPrimary));
  CHECK(test::isRole(p.snap(1), test::kSecondary));
}

TEST_CASE("Failover: both paths lost with both alive: dual-active, and the recovery keeps the sticky primary",
          "[rule:dual-active][sim][failover][dual-active]") {
  auto p = sim::Pair::startConverged();
  p.cutKeepalive();
  p.runFor(6s);
  const auto t0 = p.now();
  p.cutPeerLink();
  REQUIRE(p.runUntil([&] { return bothDown(p); }, 4s));
  const auto lost = *p.lastEvent(1, Subject::of(SubjectKind::Failover), "hold-timeout");
  p.runFor(10s);
  // No keepalive in the window: leaf2 takes over. Both are primary now.
  auto v1 = p.snap(0);
  auto v2 = p.snap(1);
  CHECK(test::isRole(v1, test::kPrimary));
  CHECK(test::isRole(v2, test::kSecondaryOpPrimary));
  CHECK(p.sw(1).sticky());
  CHECK(test::vpcOf(v2, 10).status == VpcStatus::Up);
  CHECK(test::vpcOf(v2, 10).consistency == VpcConsistency::Success);  // the peer is gone for it
  CHECK(test::vpcOf(v1, 10).status == VpcStatus::Up);
  const auto took_over = since(p, p.lastEvent(1, Subject::of(SubjectKind::Role), "secondary, operational primary"), lost);
  CHECK(took_over == 3s + 5s);
  (void)t0;

  // Paths return: the switch that became operational primary keeps it (sticky); leaf1's vPCs flap.
  p.restoreKeepalive();
  p.restorePeerLink();
  REQUIRE(p.runUntil([&] { return p.snap(0).status.peer == PeerStatus::AdjacencyFormed; }, 10s));
  p.runFor(1s);
  v1 = p.snap(0);
  v2 = p.snap(1);
  CHECK(test::isRole(v1, test::kPrimaryOpSecondary));
  CHECK(test::isRole(v2, test::kSecondaryOpPrimary));
  CHECK(test::vpcOf(v1, 10).status == VpcStatus::Down);
  CHECK(test::vpcOf(v1, 10).reason == VpcReason::DelayRestore);
  CHECK(has(test::vpcOf(v1, 10).chain, CauseKind::LostPrimaryToSticky));
  CHECK(test::vpcOf(v2, 10).status == VpcStatus::Up);
  p.runFor(30s);
  CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::Up);
  CHECK(p.converged());
}

TEST_CASE("Failover: primary failure: the secondary becomes operational primary after hold-timeout + timeout",
          "[rule:primary-failure][sim][failover]") {
  auto p = sim::Pair::startConverged();
  const auto t0 = p.now();
  p.kill(0);
  REQUIRE(p.runUntil([&] { return p.snap(1).status.peer == PeerStatus::LinkDown; }, 1s));
  CHECK(p.now() - t0 < 1ms);  // the process died: its connection was reset at once
  CHECK(test::vpcOf(p.snap(1), 10).status == VpcStatus::Down);
  p.runFor(20s);
  const auto v2 = p.snap(1);
  CHECK(test::isRole(v2, test::kSecondaryOpPrimary));
  CHECK(test::unreachable(v2));
  CHECK(test::vpcOf(v2, 10).status == VpcStatus::Up);
  CHECK(test::vpcOf(v2, 10).consistency == VpcConsistency::Success);
  CHECK(port(p, 1, "Eth1/5") == PortState::Connected);
  CHECK(port(p, 1, "Vlan10") == PortState::Connected);
  CHECK(p.sw(1).sticky());
  const auto took_over = since(p, p.lastEvent(1, Subject::of(SubjectKind::Role), "secondary, operational primary"), t0);
  CHECK(took_over >= 8s);
  CHECK(took_over < 8s + 1ms);

  SECTION("the old primary returns as primary, operational secondary; its vPCs wait for delay restore") {
    p.restart(0);
    REQUIRE(p.runUntil([&] { return p.snap(0).status.peer == PeerStatus::AdjacencyFormed; }, 5s));
    const auto back = p.now();
    CHECK(test::isRole(p.snap(0), test::kPrimaryOpSecondary));
    CHECK(test::isRole(p.snap(1), test::kSecondaryOpPrimary));
    CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::Down);
    p.runFor(31s);
    CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::Up);
    CHECK(since(p, p.lastEvent(0, Subject::vpc(10), "up"), back) < 30s + 1ms);
    CHECK(since(p, p.lastEvent(0, test::iface("Vlan10"), "connected"), back) < 10s + 1ms);
  }
  SECTION("re-entering the same role priority clears the sticky bit") {
    REQUIRE(p.configure(1, {"vpc domain 10", "role priority 200"}));
    CHECK_FALSE(p.sw(1).sticky());
  }
}

TEST_CASE("Failover: secondary failure: the primary keeps everything, the secondary returns as secondary",
          "[rule:secondary-failure][sim][failover]") {
  auto p = sim::Pair::startConverged();
  p.kill(1);
  p.runFor(20s);
  auto v1 = p.snap(0);
  CHECK(test::isRole(v1, test::kPrimary));
  CHECK(test::vpcOf(v1, 10).status == VpcStatus::Up);
  CHECK(p.sw(0).failoverState() == FailoverState::Idle);  // only a secondary runs the detection
  p.restart(1);
  REQUIRE(p.runUntil([&] { return p.converged(); }, 5s));
  CHECK(test::isRole(p.snap(1), test::kSecondary));
  CHECK(test::vpcOf(p.snap(1), 10).status == VpcStatus::Down);  // delay restore: leaf1 forwards
  p.runFor(31s);
  CHECK(test::vpcOf(p.snap(1), 10).status == VpcStatus::Up);
}

TEST_CASE("Failover: the keepalive broken at boot keeps the peer-link down and the vPCs down",
          "[rule:boot-keepalive-down][sim][failover]") {
  sim::Pair p(sim::defaultPairConfigs());
  p.cutKeepalive();
  p.start();
  p.runFor(300s);
  for (int i = 0; i < 2; ++i) {
    const auto v = p.snap(i);
    CHECK(test::isRole(v, test::kNoRole));
    CHECK(v.session.down.at(0).kind == CauseKind::PeerNeverAlive);
    CHECK(test::vpcOf(v, 10).status == VpcStatus::Down);
  }
}

TEST_CASE("Failover: auto-recovery: a switch booting alone becomes primary after reload-delay",
          "[rule:auto-recovery][sim][failover]") {
  auto cfgs = sim::defaultPairConfigs();
  const bool enabled = GENERATE(true, false);
  cfgs[1].vpc_domain->auto_recovery = enabled;
  sim::Pair p(cfgs);
  p.start(1);  // leaf1 never comes back
  p.runFor(100s);
  auto v = p.snap(1);
  if (enabled) {
    REQUIRE(v.boot_wait_left);
    CHECK(std::ceil(v.scale.unscaledSeconds(*v.boot_wait_left)) == 140);
    CHECK(test::isRole(v, test::kNoRole));
  } else {
    CHECK_FALSE(v.config->vpc_domain->auto_recovery);
    CHECK_FALSE(v.boot_wait_left);
  }
  p.runFor(200s);
  v = p.snap(1);
  if (enabled) {
    CHECK(test::isRole(v, test::kPrimary));
    CHECK(p.sw(1).sticky());
    CHECK(test::vpcOf(v, 10).status == VpcStatus::Up);
    CHECK(v.config->vpc_domain->auto_recovery);
    CHECK_FALSE(v.boot_wait_left);
    CHECK(since(p, p.lastEvent(1, Subject::of(SubjectKind::Role), "primary"), TimePoint(std::chrono::hours(1))) == 240s);
    // The sticky hazard: the real primary returns and becomes the operational secondary.
    p.start(0);
    REQUIRE(p.runUntil([&] { return p.converged(); }, 5s));
    CHECK(test::isRole(p.snap(0), test::kPrimaryOpSecondary));
    CHECK(test::isRole(p.snap(1), test::kSecondaryOpPrimary));
  } else {
    CHECK(test::isRole(v, test::kNoRole));
    CHECK(test::vpcOf(v, 10).status == VpcStatus::Down);
  }
}

TEST_CASE("Failover: auto-recovery stops waiting when the keepalive works", "[rule:auto-recovery][sim][failover]") {
  auto cfgs = sim::defaultPairConfigs();
  cfgs[1].vpc_domain->auto_recovery = true;
  sim::Pair p(cfgs);
  p.cutPeerLink();  // the peer is alive (keepalive) but the peer-link never forms
  p.start();
  p.runFor(400s);
  const auto v = p.snap(1);
  CHECK(test::isRole(v, test::kNoRole));
  CHECK(test::vpcOf(v, 10).status == VpcStatus::Down);
}

TEST_CASE("Failover: with auto-recovery, 3 missed keepalives after a peer-alive decision restore the secondary",
          "[rule:auto-recovery][sim][failover]") {
  auto cfgs = sim::defaultPairConfigs();
  const bool enabled = GENERATE(true, false);
  cfgs[1].vpc_domain->auto_recovery = enabled;
  auto p = sim::Pair::startConverged(cfgs);
  p.cutPeerLink();
  p.runFor(15s);
  REQUIRE(p.sw(1).failoverState() == FailoverState::PeerAlive);
  const auto t0 = p.now();
  p.kill(0);  // the primary dies after the secondary decided it was alive
  p.runFor(30s);
  const auto v = p.snap(1);
  if (enabled) {
    CHECK(test::isRole(v, test::kSecondaryOpPrimary));
    CHECK(test::vpcOf(v, 10).status == VpcStatus::Up);
    CHECK(since(p, p.lastEvent(1, Subject::of(SubjectKind::Role), "secondary, operational primary"), t0) <= 3s);
  } else {
    CHECK(test::isRole(v, test::kSecondary));  // both sides dark
    CHECK(test::vpcOf(v, 10).status == VpcStatus::Down);
  }
}

TEST_CASE("Failover: member ports down on one switch: down* there, the peer keeps the vPC, MACs re-point",
          "[rule:member-port-failure][sim][failover][member]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.learnMac(1, macs("0050.5700.0000", 10, 10, "Po10")));
  REQUIRE(p.learnMac(0, macs("0050.5600.0000", 10, 10, "Po10")));
  p.runFor(100ms);
  const auto how = GENERATE(std::string("Ethernet1/1"), std::string("port-channel10"));
  REQUIRE(p.configure(0, {"interface " + how, "shutdown"}));
  p.runFor(100ms);
  const auto v1 = p.snap(0);
  CHECK(test::vpcOf(v1, 10).status == VpcStatus::DownLocalLeg);
  CHECK(test::vpcOf(v1, 10).consistency == VpcConsistency::NotApplicable);
  CHECK(test::vpcOf(v1, 10).reason == VpcReason::NotPerformed);
  CHECK(test::vpcOf(v1, 20).status == VpcStatus::Up);
  const auto v2 = p.snap(1);
  CHECK(test::vpcOf(v2, 10).status == VpcStatus::Up);
  CHECK(test::vpcOf(v2, 10).peer_leg == PeerLeg::Down);
  CHECK(test::vpcOf(v2, 10).peer_link_traffic_allowed);  // the loop-avoidance exception applies
  MacFilter f;
  f.vlan = 10;
  for (const auto& row : macRows(p.sw(0).tables(), f, p.now())) {
    CHECK(row.port == InterfaceId::peerLink());  // both its own and leaf2's MACs go via leaf2's leg
    CHECK(row.flag == '+');
  }
  REQUIRE(p.configure(0, {"interface " + how, "no shutdown"}));
  p.runFor(100ms);
  CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::Up);
  CHECK_FALSE(test::vpcOf(p.snap(1), 10).peer_link_traffic_allowed);
}

TEST_CASE("Failover: a role priority change waits for the peer-link to re-initialise",
          "[rule:role-election][sim][failover][role]") {
  auto p = sim::Pair::startConverged();
  auto r = p.configure(1, {"vpc domain 10", "role priority 50"});
  REQUIRE(r);
  REQUIRE(r->messages.size() == 2);
  CHECK(r->messages[0].find("Warning: !!:: vPCs will be flapped") == 0);
  CHECK(r->messages[1].find("Note: --------:: Change will take effect after user has re-initd the vPC peer-link") == 0);
  p.runFor(1s);
  auto v2 = p.snap(1);
  CHECK(test::isRole(v2, test::kSecondary));
  CHECK(v2.role.operational_priority == 200);  // elected with 200; 50 waits for a re-initialisation
  CHECK(v2.config->vpc_domain->role_priority == 50);
  CHECK(p.snap(0).role.peer_config_priority == 50);

  SECTION("re-initialising the peer-link applies it") {
    REQUIRE(p.configure(1, {"interface port-channel1", "shutdown"}));
    p.runFor(1s);
    REQUIRE(p.configure(1, {"interface port-channel1", "no shutdown"}));
    REQUIRE(p.runUntil([&] { return p.converged(); }, 10s));
    CHECK(test::isRole(p.snap(1), test::kPrimary));
    CHECK(test::isRole(p.snap(0), test::kSecondary));
  }
  SECTION("vpc role preempt applies it without flapping the peer-link or the vPCs") {
    const auto flaps = p.snap(0).session.counters.downs;
    REQUIRE(p.rolePreempt(1));
    p.runFor(100ms);
    CHECK(test::isRole(p.snap(1), test::kPrimary));
    CHECK(test::isRole(p.snap(0), test::kSecondary));
    CHECK(p.snap(0).session.counters.downs == flaps);
    CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::Up);
    CHECK(test::vpcOf(p.snap(1), 10).status == VpcStatus::Up);
  }
}

TEST_CASE("Failover: vpc role preempt needs the peer adjacency", "[rule:role-preempt][sim][failover][role]") {
  auto p = sim::Pair::startConverged();
  p.cutPeerLink();
  p.runFor(4s);
  auto r = p.rolePreempt(0);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("peer-link is down") != std::string::npos);
}

TEST_CASE("Failover: shutting the peer-link port-channel is a clean peer-link loss",
          "[rule:peer-link-shut][sim][failover]") {
  auto p = sim::Pair::startConverged();
  const auto t0 = p.now();
  REQUIRE(p.configure(0, {"interface port-channel1", "shutdown"}));
  REQUIRE(p.runUntil([&] { return bothDown(p); }, 4s));
  CHECK(p.now() - t0 < 10ms);  // Goodbye, not a heartbeat timeout
  CHECK(p.snap(0).session.down.at(0) == cause(CauseKind::PeerLinkShut, {"port-channel1"}));
  CHECK(p.snap(1).session.down.at(0) == cause(CauseKind::PeerGoodbye, {"vPC peer-link port-channel1 is shut down"}));
  p.runFor(10s);
  CHECK(p.snap(1).role.dual_active_detected);
  REQUIRE(p.configure(0, {"interface port-channel1", "no shutdown"}));
  REQUIRE(p.runUntil([&] { return p.converged(); }, 10s));
}

TEST_CASE("Failover: time-scale shrinks every protocol timer, show vpc keeps the NX-OS values",
          "[rule:timers][sim][failover]") {
  auto p = sim::Pair::startConverged(sim::defaultPairConfigs(), NodeOptions{1, 0.05, {}});
  const auto t0 = p.now();
  p.kill(0);
  p.runFor(2s);
  CHECK(since(p, p.lastEvent(1, Subject::of(SubjectKind::Role), "secondary, operational primary"), t0) < 400ms + 1ms);
  const auto v = p.snap(1);
  CHECK(test::secondsLeft(v, v.restore.vpc) == -1);
  CHECK(v.scale.factor == 0.05);
}

TEST_CASE("Failover: delay restore orphan-port holds the orphan-suspend ports after a rejoin",
          "[rule:delay-restore][sim][failover][restore]") {
  auto cfgs = sim::defaultPairConfigs();
  cfgs[1].vpc_domain->delay_restore_orphan_s = 5;
  auto p = sim::Pair::startConverged(cfgs);
  p.cutPeerLink();
  p.runFor(10s);
  CHECK(port(p, 1, "Eth1/5") == PortState::SuspendedByVpc);
  p.restorePeerLink();
  REQUIRE(p.runUntil([&] { return p.snap(1).status.peer == PeerStatus::AdjacencyFormed; }, 5s));
  const auto back = p.now();
  p.runFor(1s);
  CHECK(port(p, 1, "Eth1/5") == PortState::SuspendedByVpc);
  CHECK(test::secondsLeft(p.snap(1), p.snap(1).restore.orphan) == 4);
  p.runFor(5s);
  CHECK(port(p, 1, "Eth1/5") == PortState::Connected);
  CHECK(since(p, p.lastEvent(1, test::iface("Eth1/5"), "connected"), back) < 5s + 1ms);
}
