// LACP between the pair and a server's bond, in virtual time: the bond (tests/support/sim_pair.h) runs
// the same 802.1AX machines at the far end of each switch's bound Ethernet1/1 (vPC 10's member).
#include <catch2/catch.hpp>

#include "tests/support/sim_pair.h"
#include "tests/support/states.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

std::array<SwitchConfig, 2> boundVpc10() {
  auto configs = sim::defaultPairConfigs();
  for (int i = 0; i < 2; ++i)
    configs[i].emulator.ports[*InterfaceId::parse("Ethernet1/1")] = PortBinding{"l" + std::to_string(i + 1) + "e1", 0};
  return configs;
}

bool bundled(const sim::Pair& p, std::size_t bond) {
  return p.bond(bond).member(0) == lacp::Member::Bundled && p.bond(bond).member(1) == lacp::Member::Bundled;
}

// A server bond on both switches' Ethernet1/1 (vPC 10), the pair booted and the links lit, until the
// bond has both legs bundled and vPC 10 is up on both switches. The bond's index.
std::size_t startBundled(sim::Pair& p) {
  const auto server = p.lacpBond({{0, "Ethernet1/1"}, {1, "Ethernet1/1"}});
  p.start();
  for (int i = 0; i < 2; ++i) p.link(i, "Ethernet1/1", true);
  REQUIRE(p.runUntil(
      [&] {
        return bundled(p, server) && test::vpcOf(p.snap(0), 10).status == VpcStatus::Up &&
               test::vpcOf(p.snap(1), 10).status == VpcStatus::Up;
      },
      60s));
  return server;
}

}  // namespace

TEST_CASE("LACP: both switches speak as the vPC system, the server's bond aggregates a link to each",
          "[rule:lacp-one-system][sim][lacp]") {
  sim::Pair p(boundVpc10());
  const auto server = startBundled(p);
  // One partner for the bond: the vPC system MAC and system priority, one key (0x8000 + vPC 10), and
  // port numbers that differ (leaf2, secondary by configuration, adds 0x4000).
  const auto& a = p.bond(server).ports()[0].partner();
  const auto& b = p.bond(server).ports()[1].partner();
  CHECK(a.system == p.sw(0).config().vpc_domain->systemMac());
  CHECK(a.system_priority == p.sw(0).config().vpc_domain->system_priority);
  CHECK(a.system == b.system);
  CHECK(a.key == 0x800a);
  CHECK(b.key == 0x800a);
  CHECK(a.port == 0x0101);
  CHECK(b.port == 0x4101);
  // Each switch shows the member bundled (P), its partner the server.
  const auto m = p.sw(0).lacp().members();
  REQUIRE(m.size() == 1);
  CHECK(m[0].member == lacp::Member::Bundled);
  CHECK(m[0].partner.system.value == 0x525400aa0001ULL);
}

TEST_CASE("LACP: the switch the configuration makes secondary adds 0x4000 to its port numbers, whatever its MAC",
          "[rule:lacp-one-system][sim][lacp]") {
  auto configs = boundVpc10();
  configs[0].vpc_domain->role_priority = 20000;  // leaf1 (the lower MAC) now ranks second
  sim::Pair p(configs);
  const auto server = startBundled(p);
  CHECK(p.bond(server).ports()[0].partner().port == 0x4101);
  CHECK(p.bond(server).ports()[1].partner().port == 0x0101);
}

TEST_CASE("LACP: the primary dies - the secondary's leg leaves the bundle while suspended and rejoins when it takes over",
          "[rule:lacp-vpc-hold][sim][lacp]") {
  sim::Pair p(boundVpc10());
  const auto server = startBundled(p);
  p.kill(0);
  p.link(0, "Ethernet1/1", false);  // a dead switch's port is dark
  // leaf2 suspends its vPC at once (it does not know yet that leaf1 is dead): its leg leaves the bundle
  // out of sync, the link up.
  REQUIRE(p.runUntil([&] { return test::vpcOf(p.snap(1), 10).status == VpcStatus::Down; }, 5s));
  p.runFor(50ms);
  CHECK(p.bond(server).member(1) != lacp::Member::Bundled);
  CHECK_FALSE(p.sw(1).lacp().members()[0].actor.state & lacp::kSynchronization);
  // Hold-timeout and timeout later it is operational primary: the leg rejoins, and stays.
  REQUIRE(p.runUntil([&] { return p.bond(server).member(1) == lacp::Member::Bundled; }, 20s));
  CHECK(p.runUntil([&] { return test::vpcOf(p.snap(1), 10).status == VpcStatus::Up; }, 5s));
  p.runFor(5s);
  CHECK(p.bond(server).member(1) == lacp::Member::Bundled);
  CHECK(test::vpcOf(p.snap(1), 10).status == VpcStatus::Up);
}

TEST_CASE("LACP: a member that hears no LACPDU is suspended (lacp suspend-individual), and says why",
          "[rule:lacp-suspend-individual][sim][lacp]") {
  sim::Pair p(boundVpc10());
  p.start();
  for (int i = 0; i < 2; ++i) p.link(i, "Ethernet1/1", true);
  p.runFor(30s);
  const auto m = p.sw(0).lacp().members();
  REQUIRE(m.size() == 1);
  CHECK(m[0].member == lacp::Member::Suspended);
  CHECK(m[0].rx == lacp::RxState::Defaulted);
  CHECK(m[0].reason.find("no LACPDU from the partner") != std::string::npos);
  CHECK(test::portOf(p.snap(0), "Eth1/1") == PortState::Suspended);
  CHECK(test::vpcOf(p.snap(0), 10).status != VpcStatus::Up);
  CHECK(p.lastEvent(0, Subject{SubjectKind::Lacp, InterfaceId::parse("Ethernet1/1")->code()}, "s"));
}

TEST_CASE("LACP: with no lacp suspend-individual a member without a partner is individual and forwards",
          "[rule:lacp-suspend-individual][sim][lacp]") {
  auto configs = boundVpc10();
  for (auto& c : configs) c.interfaces.at(InterfaceId::portChannel(10)).lacp_suspend_individual = false;
  sim::Pair p(configs);
  p.start();
  for (int i = 0; i < 2; ++i) p.link(i, "Ethernet1/1", true);
  p.runFor(30s);
  const auto m = p.sw(0).lacp().members();
  REQUIRE(m.size() == 1);
  CHECK(m[0].member == lacp::Member::Individual);
  CHECK(lacp::flag(m[0].member) == 'I');
  CHECK(test::portOf(p.snap(0), "Eth1/1") == PortState::Connected);
  CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::Up);
}

TEST_CASE("LACP: a peer-link loss takes the secondary's leg out of the bundle, delay restore holds it out, then it rejoins",
          "[rule:lacp-vpc-hold][sim][lacp]") {
  sim::Pair p(boundVpc10());
  const auto server = startBundled(p);
  p.cutPeerLink();
  REQUIRE(p.runUntil([&] { return p.bond(server).member(1) != lacp::Member::Bundled; }, 5s));
  CHECK(p.bond(server).member(0) == lacp::Member::Bundled);  // the primary's leg carries on
  CHECK(p.sw(1).lacp().members()[0].member == lacp::Member::Suspended);
  CHECK(p.lit(1, "Ethernet1/1"));  // out of sync, the link up
  p.runFor(5s);
  CHECK(p.bond(server).member(1) != lacp::Member::Bundled);  // for as long as the peer-link is down
  p.restorePeerLink();
  // The adjacency forms again; leaf2's vPC waits delay restore (30 s) before it comes up, and its
  // leg stays out of the bundle until then.
  REQUIRE(p.runUntil([&] { return p.snap(1).status.peer == PeerStatus::AdjacencyFormed; }, 10s));
  p.runFor(20s);
  CHECK(test::vpcOf(p.snap(1), 10).status != VpcStatus::Up);
  CHECK(p.bond(server).member(1) != lacp::Member::Bundled);
  CHECK_THAT(p.sw(1).lacp().members()[0].reason, Catch::Matchers::Contains("delay restore"));
  REQUIRE(p.runUntil([&] { return p.bond(server).member(1) == lacp::Member::Bundled; }, 20s));
  CHECK(p.runUntil([&] { return test::vpcOf(p.snap(1), 10).status == VpcStatus::Up; }, 5s));
}

TEST_CASE("LACP: a Type-1 mismatch on vPC 10 takes the secondary's leg out of the bundle until it is fixed",
          "[rule:lacp-vpc-hold][sim][lacp]") {
  sim::Pair p(boundVpc10());
  const auto server = startBundled(p);
  REQUIRE(p.configure(1, {"interface port-channel10", "mtu 1500"}));
  REQUIRE(p.runUntil([&] { return p.bond(server).member(1) != lacp::Member::Bundled; }, 5s));
  CHECK(p.bond(server).member(0) == lacp::Member::Bundled);  // graceful consistency-check: the primary's stays
  CHECK_THAT(p.sw(1).lacp().members()[0].reason, Catch::Matchers::Contains("MTU"));
  REQUIRE(p.configure(1, {"interface port-channel10", "mtu 9216"}));
  CHECK(p.runUntil([&] { return p.bond(server).member(1) == lacp::Member::Bundled; }, 10s));
}

TEST_CASE("LACP: dual-active - both switches keep the vPC system identity, so the server's bond keeps both legs",
          "[rule:lacp-vpc-hold][sim][lacp]") {
  sim::Pair p(boundVpc10());
  const auto server = startBundled(p);
  p.cutKeepalive();
  p.cutPeerLink();
  // leaf2 suspends, then takes over as operational primary after hold-timeout and timeout: both
  // switches now forward as primary, and both legs are back in the bundle - one system to the server.
  REQUIRE(p.runUntil([&] { return p.snap(1).status.role.operational == Role::Primary; }, 20s));
  REQUIRE(p.runUntil([&] { return bundled(p, server); }, 10s));
  const auto& a = p.bond(server).ports()[0].partner();
  const auto& b = p.bond(server).ports()[1].partner();
  CHECK(a.system == b.system);
  CHECK(a.key == b.key);
  CHECK(a.system == p.sw(0).config().vpc_domain->systemMac());
}

TEST_CASE("LACP: a shut port-channel shuts its members - disabled, dark, out of LACP - and no shutdown brings them back",
          "[rule:lacp-vpc-hold][sim][lacp]") {
  sim::Pair p(boundVpc10());
  const auto server = startBundled(p);
  const Subject eth11{SubjectKind::Lacp, InterfaceId::parse("Ethernet1/1")->code()};
  auto lacpEvents = [&] {
    return std::count_if(p.events(0).begin(), p.events(0).end(), [&](const Event& e) { return e.subject == eth11; });
  };
  // A change that has nothing to do with the member says nothing about it (its LACP group is rebuilt).
  const auto before = lacpEvents();
  REQUIRE(p.configure(0, {"interface port-channel10", "description to server1 (bonded)"}));
  p.runFor(1s);
  CHECK(lacpEvents() == before);

  REQUIRE(p.configure(0, {"interface port-channel10", "shutdown"}));
  p.runFor(100ms);
  CHECK(test::portOf(p.snap(0), "Eth1/1") == PortState::Disabled);
  CHECK_FALSE(p.lit(0, "Ethernet1/1"));  // the server sees no carrier on that leg
  CHECK(p.sw(0).lacp().members()[0].member == lacp::Member::Down);
  CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::DownLocalLeg);
  CHECK(p.lit(1, "Ethernet1/1"));

  const auto mark = p.events(0).size();
  REQUIRE(p.configure(0, {"interface port-channel10", "no shutdown"}));
  CHECK(p.lit(0, "Ethernet1/1"));
  CHECK(p.runUntil([&] { return bundled(p, server) && test::vpcOf(p.snap(0), 10).status == VpcStatus::Up; }, 10s));
  // vPC 10 comes up once, when LACP has bundled its member - never "up" for no time before that.
  std::vector<std::string> vpc10;
  for (auto i = mark; i < p.events(0).size(); ++i)
    if (p.events(0)[i].subject == Subject::vpc(10)) vpc10.push_back(p.events(0)[i].to);
  CHECK(vpc10 == std::vector<std::string>{"up"});
}
