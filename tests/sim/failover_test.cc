// The NX-OS failure rules (DESIGN.md §6, vpc-behaviour.md §3-§5), two switches in virtual time with the
// NX-OS default timers of the sample configs (keepalive 1 s / 5 s / hold 3 s, delay restore 30 s,
// SVIs 10 s, orphan ports 0 s). leaf1 (index 0) is primary, leaf2 (index 1) secondary.
#include <catch2/catch.hpp>

#include "tests/support/sim_pair.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

const VpcRow& rowOf(const VpcView& v, std::uint32_t id) {
  for (const auto& r : v.vpcs)
    if (r.id == id) return r;
  throw std::runtime_error("no vPC " + std::to_string(id));
}

std::string port(sim::Pair& p, int i, const std::string& name) {
  const auto id = *InterfaceId::parse(name);
  for (const auto& r : p.sw(i).interfaceRows())
    if (r.id == id) return r.status;
  return "?";
}

LearnMacCmd macs(const std::string& first, std::uint32_t count, std::uint16_t vlan, const std::string& iface) {
  LearnMacCmd c;
  c.mac = *MacAddress::parse(first);
  c.count = count;
  c.vlan = vlan;
  c.iface = *InterfaceId::parse(iface);
  return c;
}

bool bothDown(sim::Pair& p) {
  return p.sw(0).vpcView(p.now()).peer_status == "peer link is down" &&
         p.sw(1).vpcView(p.now()).peer_status == "peer link is down";
}

bool contains(const std::vector<std::string>& chain, const std::string& fragment) {
  for (const auto& s : chain)
    if (s.find(fragment) != std::string::npos) return true;
  return false;
}

Duration since(sim::Pair&, std::optional<TimePoint> at, TimePoint t0) {
  REQUIRE(at);
  return *at - t0;
}

}  // namespace

TEST_CASE("Failover: peer-link loss with the keepalive alive: the secondary suspends, the primary keeps all",
          "[sim][failover]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.learnMac(1, macs("0050.5700.0000", 20, 10, "Eth1/5")));
  REQUIRE(p.learnMac(1, macs("0050.5710.0000", 20, 10, "Po10")));
  p.runFor(1s);
  const auto t0 = p.now();
  p.cutPeerLink();
  REQUIRE(p.runUntil([&] { return bothDown(p); }, 1s));

  SECTION("the secondary suspends vPCs, orphan-port-suspend ports and vPC-VLAN SVIs at once") {
    const auto v2 = p.sw(1).vpcView(p.now());
    CHECK(v2.role == "secondary");
    CHECK(rowOf(v2, 10).status == "down");
    CHECK(rowOf(v2, 10).reason == "Peer-link is down");
    CHECK(contains(rowOf(v2, 10).reason_chain, "secondary suspends all vPCs"));
    CHECK(contains(rowOf(v2, 10).reason_chain, "no heartbeat for 300 ms"));
    CHECK(rowOf(v2, 20).status == "down");
    CHECK(port(p, 1, "Eth1/5") == "suspndByV");
    CHECK(port(p, 1, "Eth1/1") == "suspndByV");
    CHECK(port(p, 1, "Vlan10") == "down");
    CHECK(v2.consistency_status == "failed");
    CHECK(v2.consistency_reason == "Consistency Check Not Performed");
    CHECK(v2.dual_active_detection_status == 0);  // not decided yet: hold-timeout
    const auto suspended = since(p, p.lastEvent(1, "vPC 10", "down"), t0);
    const auto peer_down = since(p, p.lastEvent(1, "peer status", "peer link is down"), t0);
    CHECK(suspended == peer_down);  // at once
    CHECK(p.sw(1).macTable().size() == 0);  // everything it had leads to the dead peer-link now
  }
  SECTION("the primary changes nothing") {
    const auto v1 = p.sw(0).vpcView(p.now());
    CHECK(v1.role == "primary");
    CHECK(rowOf(v1, 10).status == "up");
    CHECK(rowOf(v1, 10).consistency == "failed");
    CHECK(rowOf(v1, 10).reason == "Peer-link is down");
    CHECK(rowOf(v1, 10).active_vlans == "10,20");
    CHECK(port(p, 0, "Eth1/5") == "connected");
    CHECK(port(p, 0, "Vlan10") == "connected");
    // leaf2's orphan MACs pointed at the peer-link: flushed; its vPC 10 MACs stay on leaf1's Po10.
    CHECK(p.sw(0).macTable().size() == 20);
  }
  SECTION("after the hold-timeout a keepalive proves the peer alive: stay suspended, dual-active avoided") {
    p.runFor(60s);
    const auto v2 = p.sw(1).vpcView(p.now());
    CHECK(v2.dual_active_detection_status == 1);
    CHECK(v2.role == "secondary");
    CHECK(v2.keepalive_status == "peer is alive");
    CHECK(rowOf(v2, 10).status == "down");
    CHECK(p.sw(1).failoverState() == FailoverState::PeerAlive);
    CHECK_FALSE(p.sw(1).sticky());
    const auto decided = since(p, p.lastEvent(1, "failover", "peer alive"), t0);
    const auto lost = since(p, p.lastEvent(1, "failover", "hold-timeout"), t0);
    CHECK(decided >= lost + 3s);      // keepalives inside the hold-timeout were ignored
    CHECK(decided <= lost + 3s + 1s);  // the first one after it decides (sent every second)
  }
}

TEST_CASE("Failover: peer-link restored: adjacency, resync, then the secondary's ports after delay restore",
          "[sim][failover][restore]") {
  auto p = sim::Pair::startConverged();
  p.cutPeerLink();
  p.runFor(10s);
  const auto t0 = p.now();
  p.restorePeerLink();
  REQUIRE(p.runUntil([&] { return p.sw(1).vpcView(p.now()).peer_status == "peer adjacency formed ok"; }, 5s));
  const auto adjacency = p.now();
  p.runFor(1s);
  auto v2 = p.sw(1).vpcView(p.now());
  CHECK(v2.role == "secondary");
  CHECK(v2.dual_active_detection_status == 0);
  CHECK(rowOf(v2, 10).status == "down");
  CHECK(rowOf(v2, 10).reason == "Delay restore is on");
  CHECK(v2.delay_restore_status == "Timer is on.(timeout = 30s, 29s left)");
  CHECK(v2.delay_restore_svi_status == "Timer is on.(timeout = 10s, 9s left)");
  CHECK(port(p, 1, "Eth1/5") == "connected");  // delay restore orphan-port is 0
  CHECK(port(p, 1, "Vlan10") == "down");
  // The primary was forwarding all along: no delay there.
  CHECK(rowOf(p.sw(0).vpcView(p.now()), 10).status == "up");
  p.runFor(30s);
  v2 = p.sw(1).vpcView(p.now());
  CHECK(rowOf(v2, 10).status == "up");
  CHECK(rowOf(v2, 10).consistency == "success");
  CHECK(v2.delay_restore_status == "Timer is off.(timeout = 30s)");
  CHECK(port(p, 1, "Vlan10") == "connected");
  const auto svi_up = since(p, p.lastEvent(1, "interface Vlan10", "connected"), adjacency);
  const auto vpc_up = since(p, p.lastEvent(1, "vPC 10", "up"), adjacency);
  CHECK(svi_up >= 10s);
  CHECK(svi_up < 10s + 1ms);
  CHECK(vpc_up >= 30s);
  CHECK(vpc_up < 30s + 1ms);
  CHECK(p.converged());
  (void)t0;
}

TEST_CASE("Failover: keepalive loss alone changes only the status", "[sim][failover]") {
  auto p = sim::Pair::startConverged();
  p.cutKeepalive();
  p.runFor(10s);
  for (int i = 0; i < 2; ++i) {
    const auto v = p.sw(i).vpcView(p.now());
    CHECK(v.keepalive_status == "peer is not reachable through peer-keepalive");
    CHECK(v.peer_status == "peer adjacency formed ok");
    CHECK(rowOf(v, 10).status == "up");
  }
  CHECK(p.sw(0).vpcView(p.now()).role == "primary");
  CHECK(p.sw(1).vpcView(p.now()).role == "secondary");
}

TEST_CASE("Failover: both paths lost with both alive: dual-active, and the recovery keeps the sticky primary",
          "[sim][failover][dual-active]") {
  auto p = sim::Pair::startConverged();
  p.cutKeepalive();
  p.runFor(6s);
  const auto t0 = p.now();
  p.cutPeerLink();
  REQUIRE(p.runUntil([&] { return bothDown(p); }, 1s));
  const auto lost = *p.lastEvent(1, "failover", "hold-timeout");
  p.runFor(10s);
  // No keepalive in the window: leaf2 takes over. Both are primary now.
  auto v1 = p.sw(0).vpcView(p.now());
  auto v2 = p.sw(1).vpcView(p.now());
  CHECK(v1.role == "primary");
  CHECK(v2.role == "secondary, operational primary");
  CHECK(p.sw(1).sticky());
  CHECK(rowOf(v2, 10).status == "up");
  CHECK(rowOf(v2, 10).consistency == "success");  // the peer is gone for it
  CHECK(rowOf(v1, 10).status == "up");
  const auto took_over = since(p, p.lastEvent(1, "role", "secondary, operational primary"), lost);
  CHECK(took_over == 3s + 5s);
  (void)t0;

  // Paths return: the switch that became operational primary keeps it (sticky); leaf1's vPCs flap.
  p.restoreKeepalive();
  p.restorePeerLink();
  REQUIRE(p.runUntil([&] { return p.sw(0).vpcView(p.now()).peer_status == "peer adjacency formed ok"; }, 10s));
  p.runFor(1s);
  v1 = p.sw(0).vpcView(p.now());
  v2 = p.sw(1).vpcView(p.now());
  CHECK(v1.role == "primary, operational secondary");
  CHECK(v2.role == "secondary, operational primary");
  CHECK(rowOf(v1, 10).status == "down");
  CHECK(rowOf(v1, 10).reason == "Delay restore is on");
  CHECK(contains(rowOf(v1, 10).reason_chain, "lost the primary role to the sticky peer"));
  CHECK(rowOf(v2, 10).status == "up");
  p.runFor(30s);
  CHECK(rowOf(p.sw(0).vpcView(p.now()), 10).status == "up");
  CHECK(p.converged());
}

TEST_CASE("Failover: primary failure: the secondary becomes operational primary after hold-timeout + timeout",
          "[sim][failover]") {
  auto p = sim::Pair::startConverged();
  const auto t0 = p.now();
  p.kill(0);
  REQUIRE(p.runUntil([&] { return p.sw(1).vpcView(p.now()).peer_status == "peer link is down"; }, 1s));
  CHECK(p.now() - t0 < 1ms);  // the process died: its connection was reset at once
  CHECK(rowOf(p.sw(1).vpcView(p.now()), 10).status == "down");
  p.runFor(20s);
  const auto v2 = p.sw(1).vpcView(p.now());
  CHECK(v2.role == "secondary, operational primary");
  CHECK(v2.keepalive_status == "peer is not reachable through peer-keepalive");
  CHECK(rowOf(v2, 10).status == "up");
  CHECK(rowOf(v2, 10).consistency == "success");
  CHECK(port(p, 1, "Eth1/5") == "connected");
  CHECK(port(p, 1, "Vlan10") == "connected");
  CHECK(p.sw(1).sticky());
  const auto took_over = since(p, p.lastEvent(1, "role", "secondary, operational primary"), t0);
  CHECK(took_over >= 8s);
  CHECK(took_over < 8s + 1ms);

  SECTION("the old primary returns as primary, operational secondary; its vPCs wait for delay restore") {
    p.restart(0);
    REQUIRE(p.runUntil([&] { return p.sw(0).vpcView(p.now()).peer_status == "peer adjacency formed ok"; }, 5s));
    const auto back = p.now();
    CHECK(p.sw(0).vpcView(p.now()).role == "primary, operational secondary");
    CHECK(p.sw(1).vpcView(p.now()).role == "secondary, operational primary");
    CHECK(rowOf(p.sw(0).vpcView(p.now()), 10).status == "down");
    p.runFor(31s);
    CHECK(rowOf(p.sw(0).vpcView(p.now()), 10).status == "up");
    CHECK(since(p, p.lastEvent(0, "vPC 10", "up"), back) < 30s + 1ms);
    CHECK(since(p, p.lastEvent(0, "interface Vlan10", "connected"), back) < 10s + 1ms);
  }
  SECTION("re-entering the same role priority clears the sticky bit") {
    REQUIRE(p.configure(1, {"vpc domain 10", "role priority 200"}));
    CHECK_FALSE(p.sw(1).sticky());
  }
}

TEST_CASE("Failover: secondary failure: the primary keeps everything, the secondary returns as secondary",
          "[sim][failover]") {
  auto p = sim::Pair::startConverged();
  p.kill(1);
  p.runFor(20s);
  auto v1 = p.sw(0).vpcView(p.now());
  CHECK(v1.role == "primary");
  CHECK(rowOf(v1, 10).status == "up");
  CHECK(p.sw(0).failoverState() == FailoverState::Idle);  // only a secondary runs the detection
  p.restart(1);
  REQUIRE(p.runUntil([&] { return p.converged(); }, 5s));
  CHECK(p.sw(1).vpcView(p.now()).role == "secondary");
  CHECK(rowOf(p.sw(1).vpcView(p.now()), 10).status == "down");  // delay restore: leaf1 forwards
  p.runFor(31s);
  CHECK(rowOf(p.sw(1).vpcView(p.now()), 10).status == "up");
}

TEST_CASE("Failover: the keepalive broken at boot keeps the peer-link down and the vPCs down", "[sim][failover]") {
  sim::Pair p(sim::defaultPairConfigs());
  p.cutKeepalive();
  p.start();
  p.runFor(300s);
  for (int i = 0; i < 2; ++i) {
    const auto v = p.sw(i).vpcView(p.now());
    CHECK(v.role == "none established");
    CHECK(v.peer_status_reason == "peer-keepalive not operational, peer never alive");
    CHECK(rowOf(v, 10).status == "down");
  }
}

TEST_CASE("Failover: auto-recovery: a switch booting alone becomes primary after reload-delay", "[sim][failover]") {
  auto cfgs = sim::defaultPairConfigs();
  const bool enabled = GENERATE(true, false);
  cfgs[1].vpc_domain->auto_recovery = enabled;
  sim::Pair p(cfgs);
  p.start(1);  // leaf1 never comes back
  p.runFor(100s);
  auto v = p.sw(1).vpcView(p.now());
  if (enabled) {
    CHECK(v.auto_recovery_status == "Enabled, timer is on.(timeout = 240s, 140s left)");
    CHECK(v.role == "none established");
  } else {
    CHECK(v.auto_recovery_status == "Disabled");
  }
  p.runFor(200s);
  v = p.sw(1).vpcView(p.now());
  if (enabled) {
    CHECK(v.role == "primary");
    CHECK(p.sw(1).sticky());
    CHECK(rowOf(v, 10).status == "up");
    CHECK(v.auto_recovery_status == "Enabled, timer is off.(timeout = 240s)");
    CHECK(since(p, p.lastEvent(1, "role", "primary"), TimePoint(std::chrono::hours(1))) == 240s);
    // The sticky hazard: the real primary returns and becomes the operational secondary.
    p.start(0);
    REQUIRE(p.runUntil([&] { return p.converged(); }, 5s));
    CHECK(p.sw(0).vpcView(p.now()).role == "primary, operational secondary");
    CHECK(p.sw(1).vpcView(p.now()).role == "secondary, operational primary");
  } else {
    CHECK(v.role == "none established");
    CHECK(rowOf(v, 10).status == "down");
  }
}

TEST_CASE("Failover: auto-recovery stops waiting when the keepalive works", "[sim][failover]") {
  auto cfgs = sim::defaultPairConfigs();
  cfgs[1].vpc_domain->auto_recovery = true;
  sim::Pair p(cfgs);
  p.cutPeerLink();  // the peer is alive (keepalive) but the peer-link never forms
  p.start();
  p.runFor(400s);
  const auto v = p.sw(1).vpcView(p.now());
  CHECK(v.role == "none established");
  CHECK(rowOf(v, 10).status == "down");
}

TEST_CASE("Failover: with auto-recovery, 3 missed keepalives after a peer-alive decision restore the secondary",
          "[sim][failover]") {
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
  const auto v = p.sw(1).vpcView(p.now());
  if (enabled) {
    CHECK(v.role == "secondary, operational primary");
    CHECK(rowOf(v, 10).status == "up");
    CHECK(since(p, p.lastEvent(1, "role", "secondary, operational primary"), t0) <= 3s);
  } else {
    CHECK(v.role == "secondary");  // both sides dark
    CHECK(rowOf(v, 10).status == "down");
  }
}

TEST_CASE("Failover: member ports down on one switch: down* there, the peer keeps the vPC, MACs re-point",
          "[sim][failover][member]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.learnMac(1, macs("0050.5700.0000", 10, 10, "Po10")));
  REQUIRE(p.learnMac(0, macs("0050.5600.0000", 10, 10, "Po10")));
  p.runFor(100ms);
  const auto how = GENERATE(std::string("Ethernet1/1"), std::string("port-channel10"));
  REQUIRE(p.configure(0, {"interface " + how, "shutdown"}));
  p.runFor(100ms);
  const auto v1 = p.sw(0).vpcView(p.now());
  CHECK(rowOf(v1, 10).status == "down*");
  CHECK(rowOf(v1, 10).consistency == "Not Applicable");
  CHECK(rowOf(v1, 10).reason == "Consistency Check Not Performed");
  CHECK(rowOf(v1, 20).status == "up");
  const auto v2 = p.sw(1).vpcView(p.now());
  CHECK(rowOf(v2, 10).status == "up");
  CHECK(rowOf(v2, 10).peer_leg == "down");
  CHECK(rowOf(v2, 10).peer_link_traffic_allowed);  // the loop-avoidance exception applies
  MacFilter f;
  f.vlan = 10;
  for (const auto& row : p.sw(0).macRows(f, p.now())) {
    CHECK(row.port == InterfaceId::peerLink());  // both its own and leaf2's MACs go via leaf2's leg
    CHECK(row.flag == '+');
  }
  REQUIRE(p.configure(0, {"interface " + how, "no shutdown"}));
  p.runFor(100ms);
  CHECK(rowOf(p.sw(0).vpcView(p.now()), 10).status == "up");
  CHECK_FALSE(rowOf(p.sw(1).vpcView(p.now()), 10).peer_link_traffic_allowed);
}

TEST_CASE("Failover: a role priority change waits for the peer-link to re-initialise", "[sim][failover][role]") {
  auto p = sim::Pair::startConverged();
  auto r = p.configure(1, {"vpc domain 10", "role priority 50"});
  REQUIRE(r);
  REQUIRE(r->messages.size() == 2);
  CHECK(r->messages[0].find("Warning: !!:: vPCs will be flapped") == 0);
  CHECK(r->messages[1].find("Note: --------:: Change will take effect after user has re-initd the vPC peer-link") == 0);
  p.runFor(1s);
  auto v2 = p.sw(1).vpcView(p.now());
  CHECK(v2.role == "secondary");
  CHECK(v2.local_role_priority == 200);
  CHECK(v2.local_config_role_priority == 50);
  CHECK(p.sw(0).vpcView(p.now()).peer_config_role_priority == 50);

  SECTION("re-initialising the peer-link applies it") {
    REQUIRE(p.configure(1, {"interface port-channel1", "shutdown"}));
    p.runFor(1s);
    REQUIRE(p.configure(1, {"interface port-channel1", "no shutdown"}));
    REQUIRE(p.runUntil([&] { return p.converged(); }, 10s));
    CHECK(p.sw(1).vpcView(p.now()).role == "primary");
    CHECK(p.sw(0).vpcView(p.now()).role == "secondary");
  }
  SECTION("vpc role preempt applies it without flapping the peer-link or the vPCs") {
    const auto flaps = p.sw(0).syncView().session_flaps;
    REQUIRE(p.rolePreempt(1));
    p.runFor(100ms);
    CHECK(p.sw(1).vpcView(p.now()).role == "primary");
    CHECK(p.sw(0).vpcView(p.now()).role == "secondary");
    CHECK(p.sw(0).syncView().session_flaps == flaps);
    CHECK(rowOf(p.sw(0).vpcView(p.now()), 10).status == "up");
    CHECK(rowOf(p.sw(1).vpcView(p.now()), 10).status == "up");
  }
}

TEST_CASE("Failover: vpc role preempt needs the peer adjacency", "[sim][failover][role]") {
  auto p = sim::Pair::startConverged();
  p.cutPeerLink();
  p.runFor(1s);
  auto r = p.rolePreempt(0);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("peer-link is down") != std::string::npos);
}

TEST_CASE("Failover: shutting the peer-link port-channel is a clean peer-link loss", "[sim][failover]") {
  auto p = sim::Pair::startConverged();
  const auto t0 = p.now();
  REQUIRE(p.configure(0, {"interface port-channel1", "shutdown"}));
  REQUIRE(p.runUntil([&] { return bothDown(p); }, 1s));
  CHECK(p.now() - t0 < 10ms);  // Goodbye, not a heartbeat timeout
  CHECK(p.sw(0).vpcView(p.now()).peer_status_reason == "vPC peer-link port-channel1 is shut down");
  CHECK(p.sw(1).vpcView(p.now()).peer_status_reason ==
        "peer closed the peer-link: vPC peer-link port-channel1 is shut down");
  p.runFor(10s);
  CHECK(p.sw(1).vpcView(p.now()).dual_active_detection_status == 1);
  REQUIRE(p.configure(0, {"interface port-channel1", "no shutdown"}));
  REQUIRE(p.runUntil([&] { return p.converged(); }, 10s));
}

TEST_CASE("Failover: time-scale shrinks every protocol timer, show vpc keeps the NX-OS values", "[sim][failover]") {
  auto p = sim::Pair::startConverged(sim::defaultPairConfigs(), NodeOptions{1, 0.05, {}});
  const auto t0 = p.now();
  p.kill(0);
  p.runFor(2s);
  CHECK(since(p, p.lastEvent(1, "role", "secondary, operational primary"), t0) < 400ms + 1ms);
  const auto v = p.sw(1).vpcView(p.now());
  CHECK(v.delay_restore_status == "Timer is off.(timeout = 30s)");
  CHECK(v.time_scale == 0.05);
}

TEST_CASE("Failover: delay restore orphan-port holds the orphan-suspend ports after a rejoin", "[sim][failover][restore]") {
  auto cfgs = sim::defaultPairConfigs();
  cfgs[1].vpc_domain->delay_restore_orphan_s = 5;
  auto p = sim::Pair::startConverged(cfgs);
  p.cutPeerLink();
  p.runFor(10s);
  CHECK(port(p, 1, "Eth1/5") == "suspndByV");
  p.restorePeerLink();
  REQUIRE(p.runUntil([&] { return p.sw(1).vpcView(p.now()).peer_status == "peer adjacency formed ok"; }, 5s));
  const auto back = p.now();
  p.runFor(1s);
  CHECK(port(p, 1, "Eth1/5") == "suspndByV");
  CHECK(p.sw(1).vpcView(p.now()).delay_restore_orphan_status == "Timer is on.(timeout = 5s, 4s left)");
  p.runFor(5s);
  CHECK(port(p, 1, "Eth1/5") == "connected");
  CHECK(since(p, p.lastEvent(1, "interface Eth1/5", "connected"), back) < 5s + 1ms);
}
