// One SwitchNode on its own: management commands, validation, ageing, effects. (Two switches talking
// are the sim tier's.)
#include <catch2/catch.hpp>

#include "switch/core/switch_node.h"
#include "switch/core/views.h"
#include "tests/support/effects.h"
#include "tests/support/fake_clock.h"
#include "tests/support/sim_pair.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {
struct Solo {
  test::FakeClock clock;
  SwitchNode node;
  Effects out;
  // leaf1 alone, plus a plain access port Eth1/6 in VLAN 10 (not an orphan-suspend port, so it forwards
  // without a peer).
  explicit Solo(SwitchConfig cfg = withPlainPort(sim::loadConfig("labs/topologies/pair/leaf1.cfg")))
      : node(std::move(cfg), {}) {
    out = node.start(clock.now());
  }
  static SwitchConfig withPlainPort(SwitchConfig cfg) {
    InterfaceConfig eth;
    eth.id = InterfaceId::ethernet(1, 6);
    eth.access_vlan = 10;
    cfg.interfaces[eth.id] = eth;
    return cfg;
  }
  Result<LearnResult> learn(const std::string& mac, std::uint16_t vlan, const std::string& iface,
                            std::uint32_t count = 1, bool is_static = false) {
    LearnMacCmd c;
    c.mac = *MacAddress::parse(mac);
    c.vlan = vlan;
    c.iface = *InterfaceId::parse(iface);
    c.count = count;
    c.is_static = is_static;
    return node.learnMac(c, clock.now(), out);
  }
  void advance(Duration d) {
    const auto end = clock.now() + d;
    while (node.nextDeadline() && *node.nextDeadline() <= end) {
      clock.set(*node.nextDeadline());
      auto fx = node.tick(clock.now());
      out.insert(out.end(), fx.begin(), fx.end());
    }
    clock.set(end);
  }
};
}  // namespace

TEST_CASE("SwitchNode: learn mac validates like a switch would", "[node][unit]") {
  Solo s;
  CHECK(s.learn("0050.56aa.0001", 10, "Ethernet1/6"));
  struct Bad {
    std::string mac;
    std::uint16_t vlan;
    std::string iface;
    std::string message;
  };
  const std::vector<Bad> bad = {
      {"0050.56aa.0001", 30, "port-channel10", "VLAN 30 does not exist"},
      {"0050.56aa.0001", 10, "port-channel99", "interface port-channel99 does not exist"},
      {"0050.56aa.0001", 10, "port-channel1", "no MAC learning on the vPC peer-link"},
      {"0050.56aa.0001", 1, "Ethernet1/6", "Ethernet1/6 does not carry VLAN 1"},
      // Alone (no peer-link ever formed) a vPC does not forward, so it learns nothing.
      {"0050.56aa.0001", 10, "port-channel10", "port-channel10 (vPC 10) is down: Peer-link is down"},
      {"0100.5e00.0001", 10, "port-channel10", "is not a unicast address"},
      {"0050.56aa.0001", 10, "Vlan10", "MACs are learned on Ethernet or port-channel"},
  };
  for (const auto& b : bad) {
    auto r = s.learn(b.mac, b.vlan, b.iface);
    INFO(b.iface << " vlan " << b.vlan);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Matchers::Contains(b.message));
  }
  auto r = s.learn("00ff.ffff.fff0", 10, "port-channel10", 100);  // would reach 0100.0000.0000
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Matchers::Contains("cross into multicast addresses"));
  CHECK(s.node.tables().macs().localCount() == 1);  // nothing of the refused commands was applied
}

TEST_CASE("SwitchNode: a member port learns for its port-channel", "[node][unit]") {
  Solo s;
  auto r = s.learn("0050.56aa.0001", 10, "Ethernet1/1");  // member of Po10
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message, Catch::Matchers::Contains("port-channel10 (vPC 10) is down"));
}

TEST_CASE("SwitchNode: count learns consecutive MACs, learning again only refreshes", "[node][unit]") {
  Solo s;
  auto r = s.learn("0050.56aa.00fe", 10, "Eth1/6", 4);
  REQUIRE(r);
  CHECK(r->changed == 4);
  const auto rows = macRows(s.node.tables(), {}, s.clock.now());
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].mac.dotted() == "0050.56aa.00fe");
  CHECK(rows[3].mac.dotted() == "0050.56aa.0101");
  r = s.learn("0050.56aa.00fe", 10, "Eth1/6", 4);
  CHECK(r->changed == 0);
  CHECK(r->unchanged == 4);
  r = s.learn("0050.56aa.00fe", 20, "Eth1/6", 1);  // not carried there
  CHECK_FALSE(r);
}

TEST_CASE("SwitchNode: a dynamic learn never replaces a static entry", "[node][unit]") {
  Solo s;
  REQUIRE(s.node.configure({"interface Ethernet1/7", "switchport access vlan 10"}, s.clock.now(), s.out));
  REQUIRE(s.learn("0050.56aa.0001", 10, "Eth1/7", 1, true));
  auto r = s.learn("0050.56aa.0001", 10, "Eth1/6");
  CHECK(r->unchanged == 1);
  CHECK(macRows(s.node.tables(), {}, s.clock.now())[0].port == InterfaceId::ethernet(1, 7));
  Effects out;
  CHECK(s.node.clearMacDynamic(s.clock.now(), out) == 0);
  CHECK(s.node.tables().macs().size() == 1);
}

TEST_CASE("SwitchNode: dynamic MACs age out after the aging time, age is shown", "[node][unit]") {
  Solo s;
  REQUIRE(s.learn("0050.56aa.0001", 10, "Eth1/6"));
  REQUIRE(s.learn("0050.56aa.0002", 10, "Eth1/6", 1, true));
  s.advance(600s);
  REQUIRE(s.learn("0050.56aa.0003", 10, "Eth1/6"));
  CHECK(macRows(s.node.tables(), {}, s.clock.now())[0].age_s == 600);
  s.advance(1200s + 61s);  // MAC 1 is 1861 s old: past the default 1800 s (sweeps run every 60 s)
  const auto rows = macRows(s.node.tables(), {}, s.clock.now());
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].mac.dotted() == "0050.56aa.0002");  // static: never ages
  CHECK(rows[1].mac.dotted() == "0050.56aa.0003");
}

TEST_CASE("SwitchNode: learn arp needs the SVI, entries show on VlanN", "[node][unit]") {
  Solo s;
  // Alone, the SVIs of vPC VLANs wait for the peer adjacency; VLAN 30 is not a vPC VLAN.
  REQUIRE(s.node.configure({"vlan 30", "interface Vlan30", "no shutdown"}, s.clock.now(), s.out));
  LearnArpCmd c;
  c.ip = *Ipv4::parse("10.10.0.50");
  c.mac = *MacAddress::parse("0050.56aa.0001");
  c.vlan = 10;
  c.count = 3;
  auto waiting = s.node.learnArp(c, s.clock.now(), s.out);
  REQUIRE_FALSE(waiting);
  CHECK_THAT(waiting.error().message, Catch::Matchers::Contains("waits for the peer adjacency"));
  c.vlan = 30;
  auto r = s.node.learnArp(c, s.clock.now(), s.out);
  REQUIRE(r);
  CHECK(r->changed == 3);
  const auto rows = arpRows(s.node.tables(), 0, s.clock.now());
  REQUIRE(rows.size() == 3);
  CHECK(rows[2].ip.str() == "10.10.0.52");
  CHECK(rows[2].mac.dotted() == "0050.56aa.0003");
  CHECK_FALSE(rows[0].synced);
  c.vlan = 1;  // VLAN 1 exists but has no SVI
  auto bad = s.node.learnArp(c, s.clock.now(), s.out);
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::Matchers::Contains("interface Vlan1 does not exist"));
}

TEST_CASE("SwitchNode: the start is recorded as events with reasons", "[node][unit]") {
  Solo s;
  CHECK(test::hasEvent(s.out, Subject::of(SubjectKind::Switch), "up"));
  CHECK(test::hasEvent(s.out, Subject::of(SubjectKind::Role), "none established"));
  CHECK(test::hasEvent(s.out, Subject::vpc(10), "down"));
  // Typed: the vPC is down because the peer-link is, which is down because the keepalive never saw the peer.
  const auto* row = s.node.status().vpc(10);
  REQUIRE(row);
  CHECK(row->status == VpcStatus::Down);
  CHECK(row->reason == VpcReason::PeerLinkDown);
  CHECK(row->chain.at(0).kind == CauseKind::PeerLinkIsDown);
  CHECK(has(row->chain, CauseKind::PeerNeverAlive));
  CHECK(test::contains<fx::SendKeepalive>(s.out));
  // Every recorded event is in the journal, numbered.
  const auto& journal = s.node.journal().events();
  REQUIRE(journal.size() == test::events(s.out).size());
  for (std::size_t i = 0; i < journal.size(); ++i) CHECK(journal[i].seq == i + 1);
}

TEST_CASE("SwitchNode: --time-scale shrinks every protocol timer", "[node][unit]") {
  auto cfg = sim::loadConfig("labs/topologies/pair/leaf1.cfg");
  SwitchNode node(cfg, NodeOptions{1, 0.05, {}, nullptr});
  test::FakeClock clock;
  auto out = node.start(clock.now());
  CHECK(node.scale()(Seconds(1)) == Millis(50));
  CHECK(*node.nextDeadline() == clock.now() + Millis(50));  // keepalive interval 1000 ms * 0.05
}
