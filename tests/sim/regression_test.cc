// Defects found when vpclab was tried the way a new user would (issue 10), each narrated as it was
// seen, two switches in virtual time. Every test here failed on the code before its fix.
#include <catch2/catch.hpp>

#include "tests/support/sim_pair.h"
#include "tests/support/states.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

LearnMacCmd mac(const std::string& m, std::uint16_t vlan, const std::string& iface, bool is_static) {
  LearnMacCmd c;
  c.mac = *MacAddress::parse(m);
  c.vlan = vlan;
  c.iface = *InterfaceId::parse(iface);
  c.is_static = is_static;
  return c;
}

bool has(sim::Pair& p, int i, const std::string& m) {
  MacFilter f;
  f.mac = *MacAddress::parse(m);
  return !macRows(p.sw(i).tables(), f, p.now()).empty();
}

}  // namespace

// 1. leaf2 (secondary) holds a static MAC on its orphan port Eth1/5, one from `learn mac ... static` and
//    one from `mac address-table static` in its configuration.
// 2. The primary is killed: the peer-link drops, leaf2 suspends everything (Eth1/5 has `vpc orphan-port
//    suspend`), and the flush of entries that "lead nowhere" took the static ones too.
// 3. leaf2 takes over after hold-timeout + timeout and brings Eth1/5 back - with an empty table.
// Static entries are configuration: no port state removes them.
TEST_CASE("Regression: static MACs survive the secondary's suspension and its takeover",
          "[rule:static-mac][sim][regression]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.learnMac(1, mac("0050.56cc.0001", 10, "Ethernet1/5", true)));
  REQUIRE(p.learnMac(1, mac("0050.56cc.0002", 10, "Ethernet1/5", false)));
  REQUIRE(p.configure(1, {"mac address-table static 0050.56cc.0003 vlan 10 interface Ethernet1/5"}));
  p.runFor(1s);
  REQUIRE(has(p, 1, "0050.56cc.0003"));
  REQUIRE(has(p, 0, "0050.56cc.0003"));  // synced like any entry of leaf2's

  p.kill(0);
  p.runFor(1s);  // suspended, not yet taken over
  CHECK(has(p, 1, "0050.56cc.0001"));
  CHECK(has(p, 1, "0050.56cc.0003"));
  CHECK_FALSE(has(p, 1, "0050.56cc.0002"));  // a dynamic entry on a suspended port goes
  p.runFor(20s);
  REQUIRE(test::isRole(p.snap(1), test::kSecondaryOpPrimary));
  CHECK(has(p, 1, "0050.56cc.0001"));
  CHECK(has(p, 1, "0050.56cc.0003"));

  SECTION("the configured one reads back in the running-config and goes with 'no'") {
    REQUIRE(p.configure(1, {"no mac address-table static 0050.56cc.0003 vlan 10 interface Ethernet1/5"}));
    CHECK_FALSE(has(p, 1, "0050.56cc.0003"));
    CHECK(has(p, 1, "0050.56cc.0001"));
  }
}

// 1. The primary is killed; the secondary shows `peer link is down` in show vpc.
// 2. Its `show port-channel summary` still read Po1(SU) with members (P): the peer-link port-channel's
//    state came from configuration alone. On NX-OS the peer-link Po goes down with the link.
TEST_CASE("Regression: the peer-link port-channel and its members follow the peer-link on both sides",
          "[rule:peer-link-port-state][sim][regression]") {
  auto p = sim::Pair::startConverged();
  auto po1 = [&](int i) {
    for (const auto& pc : portChannels(p.snap(i)))
      if (pc.group == 1) return pc;
    FAIL("no Po1");
    return PortChannelRow{};
  };
  CHECK(po1(0).up);
  CHECK(po1(0).members.at(0).second == PortState::Connected);

  SECTION("the peer dies") {
    p.kill(0);
    p.runFor(1s);
    CHECK_FALSE(po1(1).up);
    CHECK(test::portOf(p.snap(1), "Po1") == PortState::NoOperMembers);
    for (const auto& [id, state] : po1(1).members) CHECK(state == PortState::Suspended);
  }
  SECTION("the peer-link is cut silently: both sides") {
    p.cutPeerLink();
    p.runFor(4s);
    for (int i = 0; i < 2; ++i) {
      CHECK_FALSE(po1(i).up);
      for (const auto& [id, state] : po1(i).members) CHECK(memberFlag(state) == 's');
    }
    p.restorePeerLink();
    REQUIRE(p.runUntil([&] { return p.converged(); }, 10s));
    CHECK(po1(1).up);
  }
}

// 1. The peer-link goes down; the primary keeps vPC 10 up, but its reason changes.
// 2. The journal said "vPC 10: up -> up": a reason change was recorded as a state change that is none.
TEST_CASE("Regression: a changed reason is its own kind of event, not 'up -> up'", "[rule:events][sim][regression]") {
  auto p = sim::Pair::startConverged();
  p.cutPeerLink();
  p.runFor(2s);
  bool reason_event = false;
  for (const auto& e : p.events(0)) {
    if (e.subject != Subject::vpc(10)) continue;
    CHECK(e.from != e.to);
    if (e.kind == EventKind::ReasonChanged) reason_event = true;
  }
  CHECK(reason_event);
}
