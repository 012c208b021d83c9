// The vPC manager on its own: the facts a session would report are handed to it directly, and what it
// derives is read as typed state and causes.
#include <catch2/catch.hpp>

#include "switch/core/vpc_manager.h"
#include "tests/support/effects.h"
#include "tests/support/fake_clock.h"
#include "tests/support/sim_pair.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

peer::Hello helloFrom(const SwitchConfig& cfg, bool sticky = false, Role role = Role::None, bool forwarding = false) {
  peer::Hello h;
  h.domain_id = cfg.vpc_domain->id;
  h.system_mac = cfg.vpc_domain->systemMac();
  h.system_priority = cfg.vpc_domain->system_priority;
  h.local_mac = *cfg.emulator.local_mac;
  h.role_priority = cfg.vpc_domain->role_priority;
  h.sticky = sticky;
  h.operational_role = role;
  h.vpcs_forwarding = forwarding;
  return h;
}

struct Manager {
  test::FakeClock clock;
  std::shared_ptr<const SwitchConfig> self = std::make_shared<const SwitchConfig>(sim::loadConfig("labs/topologies/pair/leaf2.cfg"));
  SwitchConfig peer = sim::loadConfig("labs/topologies/pair/leaf1.cfg");
  VpcManager vpc{self, TimeScale{}};
  Effects out;
  LinkFacts link;

  bool settle() { return vpc.settle(link, clock.now(), out).changed; }
  // The peer's Hello passed the checks, its state and parameters arrive: a steady adjacency.
  void adjacency(bool peer_forwarding = false) {
    link = LinkFacts{false, {cause(CauseKind::PeerLinkConnecting)}};
    settle();  // the node settles once at start, before any adjacency
    link = LinkFacts{true, {}};
    vpc.adjacencyFormed(helloFrom(peer, false, Role::None, peer_forwarding), clock.now(), out);
    std::vector<peer::Message> send;
    settle();
    vpc.outgoing(true, send);
    peer::VpcState ps;
    ps.vlans = peer.vlans;
    for (const auto& [id, ic] : peer.interfaces)
      if (ic.vpc_id) ps.vpcs.push_back(peer::VpcInfo{*ic.vpc_id, id.shortName(), true, false, ic.carriedVlans()});
    vpc.onMessage(ps, clock.now(), send, out);
    vpc.onMessage(localConsistency(peer), clock.now(), send, out);
    settle();
  }
  void lose(Causes why) {
    link = LinkFacts{false, why};
    vpc.adjacencyLost(why, clock.now(), out);
    settle();
  }
  void run(Duration d) {
    const auto end = clock.now() + d;
    while (vpc.nextDeadline() && *vpc.nextDeadline() <= end) {
      clock.set(*vpc.nextDeadline());
      vpc.tick(clock.now(), out);
      settle();
    }
    clock.set(end);
  }
};

}  // namespace

TEST_CASE("VpcManager: before any adjacency there is no role and no vPC forwards", "[vpc][unit]") {
  Manager m;
  m.link = LinkFacts{false, {cause(CauseKind::PeerNeverAlive)}};
  m.vpc.boot(m.clock.now(), m.out);
  m.settle();
  CHECK(m.vpc.role() == Role::None);
  const auto* row = m.vpc.status().vpc(10);
  REQUIRE(row);
  CHECK(row->status == VpcStatus::Down);
  CHECK(row->chain == Causes{cause(CauseKind::PeerLinkIsDown), cause(CauseKind::PeerNeverAlive)});
  CHECK(m.vpc.status().port(InterfaceId::ethernet(1, 5))->state == PortState::SuspendedByVpc);
}

TEST_CASE("VpcManager: elects the role from the peer's Hello, and records why", "[vpc][unit]") {
  Manager m;
  m.adjacency();
  CHECK(m.vpc.role() == Role::Secondary);  // 200 > 100
  CHECK(m.vpc.roleInfo().why.at(0) == cause(CauseKind::RolePriority, {"200", ">", "100"}));
  CHECK(test::hasEvent(m.out, Subject::of(SubjectKind::PeerLink), "role decided"));
  CHECK(m.vpc.status().vpc(10)->status == VpcStatus::Up);
  CHECK(m.vpc.status().vpc(10)->active == VlanSet::of({10, 20}));

  SECTION("a sticky peer that holds the primary role keeps it, whatever the priorities") {
    m.lose({cause(CauseKind::HeartbeatTimeout, {"300"})});
    m.out.clear();
    m.link = LinkFacts{true, {}};
    auto hello = helloFrom(m.peer, true, Role::Primary, true);
    hello.role_priority = 300;  // worse than ours (200): only the sticky bit keeps it primary
    m.vpc.adjacencyFormed(hello, m.clock.now(), m.out);
    CHECK(m.vpc.role() == Role::Secondary);
    CHECK(m.vpc.roleInfo().role.configured == Role::Primary);
    CHECK(m.vpc.roleInfo().why.at(0) == cause(CauseKind::StickyKeeps, {"peer"}));
  }
}

TEST_CASE("VpcManager: the secondary suspends everything when the peer-link goes, the causes say why",
          "[vpc][unit]") {
  Manager m;
  m.adjacency();
  const Causes why{cause(CauseKind::HeartbeatTimeout, {"300"})};
  m.out.clear();
  m.lose(why);
  const auto* row = m.vpc.status().vpc(10);
  CHECK(row->status == VpcStatus::Down);
  CHECK(row->reason == VpcReason::PeerLinkDown);
  CHECK(row->chain == Causes{cause(CauseKind::PeerLinkIsDown), cause(CauseKind::SecondarySuspendsAll),
                             cause(CauseKind::PeerLinkDown), why[0]});
  CHECK(m.vpc.status().port(InterfaceId::vlan(10))->state == PortState::Down);
  CHECK(m.vpc.failoverState() == FailoverState::Hold);

  SECTION("no keepalive after hold-timeout + timeout: it takes over, sticky") {
    m.run(8s);
    CHECK(m.vpc.role() == Role::Primary);
    CHECK(m.vpc.sticky());
    CHECK(m.vpc.status().vpc(10)->status == VpcStatus::Up);
    CHECK(m.vpc.status().vpc(10)->chain == Causes{cause(CauseKind::TookOver)});
    CHECK(m.vpc.roleInfo().why.at(0) == cause(CauseKind::PeerDeclaredDead, {"5000"}));
  }
  SECTION("a keepalive after the hold-timeout: the peer is alive, it stays suspended") {
    m.run(3s);
    m.vpc.keepaliveReceived(m.clock.now(), m.out);
    m.settle();
    CHECK(m.vpc.failoverState() == FailoverState::PeerAlive);
    CHECK(m.vpc.roleInfo().dual_active_detected);
    m.run(30s);
    CHECK(m.vpc.role() == Role::Secondary);
    CHECK(m.vpc.status().vpc(10)->status == VpcStatus::Down);
  }
}

TEST_CASE("VpcManager: joining a peer that already forwards waits for delay restore", "[vpc][unit]") {
  Manager m;
  m.adjacency(/*peer_forwarding=*/true);
  CHECK(m.vpc.status().vpc(10)->status == VpcStatus::Down);
  CHECK(m.vpc.status().vpc(10)->reason == VpcReason::DelayRestore);
  CHECK(m.vpc.status().vpc(10)->chain ==
        Causes{cause(CauseKind::DelayRestoreRunning, {"30"}), cause(CauseKind::JoinsForwardingPeer)});
  CHECK(m.vpc.status().port(InterfaceId::vlan(10))->state == PortState::Down);
  m.run(10s);
  CHECK(m.vpc.status().port(InterfaceId::vlan(10))->state == PortState::Connected);  // interface-vlan 10 s
  CHECK(m.vpc.status().vpc(10)->status == VpcStatus::Down);
  m.run(20s);
  CHECK(m.vpc.status().vpc(10)->status == VpcStatus::Up);
  CHECK(test::hasEvent(m.out, Subject::of(SubjectKind::DelayRestore), "timer off"));
}

TEST_CASE("VpcManager: a Type-1 mismatch suspends the secondary's vPC with the parameter", "[vpc][unit]") {
  Manager m;
  m.adjacency();
  auto theirs = localConsistency(m.peer);
  for (auto& v : theirs.vpcs)
    for (auto& p : v.params)
      if (v.id == 10 && p.name == "MTU") p.value = "1500";
  std::vector<peer::Message> send;
  m.vpc.onMessage(theirs, m.clock.now(), send, m.out);
  m.settle();
  const auto* row = m.vpc.status().vpc(10);
  CHECK(row->status == VpcStatus::Down);
  CHECK(row->reason == VpcReason::Inconsistent);
  REQUIRE(row->mismatch);
  CHECK(row->mismatch->parameter == "MTU");
  CHECK(row->chain.at(0) == cause(CauseKind::Inconsistent, {"1", "MTU"}));
  CHECK(row->chain.at(2).kind == CauseKind::GracefulSecondarySuspends);
  CHECK(m.vpc.status().vpc(20)->status == VpcStatus::Up);
}

TEST_CASE("VpcManager: a changed reason is recorded as such, a changed state as a state", "[vpc][unit]") {
  // The primary side: leaf1's manager keeps its vPCs up when the peer-link goes, for another reason.
  Manager m;  // leaf2's configuration, to speak as the peer
  auto leaf1 = std::make_shared<const SwitchConfig>(sim::loadConfig("labs/topologies/pair/leaf1.cfg"));
  VpcManager primary(leaf1, TimeScale{});
  test::FakeClock clock;
  Effects out;
  LinkFacts link{true, {}};
  primary.adjacencyFormed(helloFrom(*m.self), clock.now(), out);
  std::vector<peer::Message> send;
  primary.settle(link, clock.now(), out);
  peer::VpcState ps;
  ps.vlans = m.self->vlans;
  for (const auto& [id, ic] : m.self->interfaces)
    if (ic.vpc_id) ps.vpcs.push_back(peer::VpcInfo{*ic.vpc_id, id.shortName(), true, false, ic.carriedVlans()});
  primary.onMessage(ps, clock.now(), send, out);
  primary.onMessage(localConsistency(*m.self), clock.now(), send, out);
  primary.settle(link, clock.now(), out);
  REQUIRE(primary.status().vpc(10)->status == VpcStatus::Up);
  out.clear();
  link = LinkFacts{false, {cause(CauseKind::HeartbeatTimeout, {"300"})}};
  primary.adjacencyLost(link.down, clock.now(), out);
  primary.settle(link, clock.now(), out);
  const auto evs = test::events(out);
  bool reason_event = false;
  for (const auto& e : evs) {
    if (e.subject != Subject::vpc(10)) continue;
    CHECK(e.kind == EventKind::ReasonChanged);  // still up: only the reason changed
    CHECK(e.from == "success");
    CHECK(e.to == "Peer-link is down");
    reason_event = true;
  }
  CHECK(reason_event);
  CHECK(primary.status().vpc(10)->status == VpcStatus::Up);
  CHECK(primary.status().vpc(10)->chain.at(0).kind == CauseKind::PrimaryKeeps);
}

// The node flushes the tables (a walk of every entry) only when a settle says something stopped
// forwarding: what starts forwarding cannot strand an entry.
TEST_CASE("VpcManager: a settle tells forwarding gained from forwarding lost", "[vpc][unit]") {
  Manager m;
  m.adjacency();
  REQUIRE(m.vpc.status().vpc_active.count(10));
  auto settle = [&] { return m.vpc.settle(m.link, m.clock.now(), m.out); };
  CHECK_FALSE(settle().changed);  // nothing new

  m.link = LinkFacts{false, {cause(CauseKind::HeartbeatTimeout, {"300"})}};
  m.vpc.adjacencyLost(m.link.down, m.clock.now(), m.out);
  const auto lost = settle();  // the secondary suspends its vPCs
  CHECK(lost.changed);
  CHECK(lost.lost);

  m.link = LinkFacts{true, {}};
  m.vpc.adjacencyFormed(helloFrom(m.peer), m.clock.now(), m.out);
  const auto back = settle();  // ports come back (the vPCs wait for the peer's state)
  CHECK(back.changed);
  CHECK_FALSE(back.lost);
}
