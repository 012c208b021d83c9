// TableSync on its own: two of them joined by hand (what one sends is what the other handles), with a
// PortMap built for each, no node and no session.
#include <catch2/catch.hpp>

#include "switch/core/table_sync.h"
#include "switch/core/views.h"
#include "tests/support/effects.h"
#include "tests/support/fake_clock.h"
#include "tests/support/sim_pair.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

// leaf1's configuration, and a status in which every vPC forwards and every other port is up.
struct Side {
  SwitchConfig config;
  TableSync tables;
  Effects events;
  std::vector<peer::Message> outbox;

  Side(const std::string& path, std::uint64_t peer_mac) : config(sim::loadConfig(path)) {
    SwitchStatus st;
    for (const auto& [id, ic] : config.interfaces) {
      st.ports[id] = PortRow{};
      if (ic.vpc_id) st.vpc_active[*ic.vpc_id] = ic.carriedVlans() & config.vlans;
    }
    tables.setPorts(PortMap::build(config, st, peer_mac));
  }
  void up(TimePoint now) { tables.sessionUp(true, now); }
};

// Runs the exchange until neither side has anything to say.
void exchange(Side& a, Side& b, TimePoint now) {
  for (int round = 0; round < 1000; ++round) {
    a.tables.produce(now, a.outbox);
    b.tables.produce(now, b.outbox);
    if (a.outbox.empty() && b.outbox.empty()) return;
    auto to_b = std::move(a.outbox);
    auto to_a = std::move(b.outbox);
    a.outbox.clear();
    b.outbox.clear();
    for (const auto& m : to_b) b.tables.onMessage(m, now, b.outbox, b.events);
    for (const auto& m : to_a) a.tables.onMessage(m, now, a.outbox, a.events);
  }
  FAIL("the exchange does not settle");
}

// The digest counted from scratch: a PortMap naming another peer makes the table recount it, and the
// original one makes it recount again.
Digest recounted(TableSync& t) {
  const PortMap original = t.ports();
  PortMap other = original;
  other.peer ^= 1;
  t.setPorts(other);
  t.setPorts(original);
  return t.totals().macs;
}

}  // namespace

TEST_CASE("TableSync: a learn becomes a delta, the delta becomes a record for the peer", "[tablesync][unit]") {
  test::FakeClock clock;
  Side a("labs/topologies/pair/leaf1.cfg", 0x0c0000000002), b("labs/topologies/pair/leaf2.cfg", 0x0c0000000001);
  a.up(clock.now());
  b.up(clock.now());
  exchange(a, b, clock.now());
  const auto r = a.tables.learnMacs(10, 0x005056aa0001, 3, InterfaceId::portChannel(10), false, clock.now());
  CHECK(r.changed == 3);
  a.tables.produce(clock.now(), a.outbox);
  REQUIRE(a.outbox.size() == 1);
  const auto& batch = std::get<peer::MacBatch>(a.outbox[0]);
  REQUIRE(batch.records.size() == 3);
  // The peer is told the vPC, not the local port-channel number.
  CHECK(batch.records[0].port == InterfaceId::vpc(10).code());
  exchange(a, b, clock.now());
  CHECK(b.tables.macs().peerCount() == 3);
  CHECK(a.tables.totals().macs == b.tables.totals().macs);
  // Learning the same again changes nothing: no delta, nothing to send.
  CHECK(a.tables.learnMacs(10, 0x005056aa0001, 3, InterfaceId::portChannel(10), false, clock.now()).changed == 0);
  a.tables.produce(clock.now(), a.outbox);
  CHECK(a.outbox.empty());
}

TEST_CASE("TableSync: the digests are kept by deltas and equal a count from scratch", "[tablesync][unit]") {
  test::FakeClock clock;
  Side a("labs/topologies/pair/leaf1.cfg", 0x0c0000000002), b("labs/topologies/pair/leaf2.cfg", 0x0c0000000001);
  a.up(clock.now());
  b.up(clock.now());
  (void)a.tables.learnMacs(10, 0x005056000000, 500, InterfaceId::portChannel(10), false, clock.now());
  (void)a.tables.learnMacs(10, 0x005056100000, 200, InterfaceId::ethernet(1, 5), false, clock.now());
  (void)b.tables.learnMacs(10, 0x005056000000, 100, InterfaceId::portChannel(10), false, clock.now());  // shared
  (void)b.tables.learnMacs(20, 0x005057000000, 300, InterfaceId::portChannel(20), true, clock.now());
  exchange(a, b, clock.now());
  const auto da = a.tables.totals().macs;
  CHECK(da == b.tables.totals().macs);
  CHECK(da.count == 500 + 200 + 300);  // a MAC both learned on the same vPC is one logical entry
  (void)a.tables.clearMacDynamic();
  exchange(a, b, clock.now());
  CHECK(a.tables.totals().macs == b.tables.totals().macs);
  CHECK(a.tables.totals().macs.count == 100 + 300);
  // What the deltas kept equals a count from scratch.
  const auto kept = a.tables.totals().macs;
  CHECK(recounted(a.tables) == kept);
  CHECK(recounted(b.tables) == b.tables.totals().macs);
}

TEST_CASE("TableSync: a sequence gap drops the batch whole and asks for a snapshot", "[tablesync][unit]") {
  test::FakeClock clock;
  Side a("labs/topologies/pair/leaf1.cfg", 0x0c0000000002), b("labs/topologies/pair/leaf2.cfg", 0x0c0000000001);
  a.up(clock.now());
  b.up(clock.now());
  exchange(a, b, clock.now());
  peer::MacBatch late{99, {peer::MacRecord{macKey(10, 1), InterfaceId::vpc(10).code(), 0}}};
  b.tables.onMessage(late, clock.now(), b.outbox, b.events);
  CHECK(b.tables.macs().size() == 0);  // nothing of it applied
  REQUIRE(b.outbox.size() == 1);
  CHECK(std::holds_alternative<peer::ResyncRequest>(b.outbox[0]));
  CHECK(b.tables.totals().rx.gaps == 1);
}

TEST_CASE("TableSync: a flush keeps static entries and what still forwards", "[tablesync][unit]") {
  test::FakeClock clock;
  Side a("labs/topologies/pair/leaf1.cfg", 0x0c0000000002);
  (void)a.tables.learnMacs(10, 0x005056000001, 1, InterfaceId::ethernet(1, 5), false, clock.now());
  (void)a.tables.learnMacs(10, 0x005056000002, 1, InterfaceId::ethernet(1, 5), true, clock.now());
  (void)a.tables.learnMacs(10, 0x005056000003, 1, InterfaceId::portChannel(10), false, clock.now());
  // Eth1/5 goes down, vPC 10 stops forwarding, the peer-link is down.
  SwitchStatus st;
  for (const auto& [id, ic] : a.config.interfaces) st.ports[id] = PortRow{};
  st.ports[InterfaceId::ethernet(1, 5)] = PortRow{PortState::SuspendedByVpc, {}};
  a.tables.setPorts(PortMap::build(a.config, st, 0x0c0000000002));
  a.tables.flush(false, {cause(CauseKind::HeartbeatTimeout, {"300"})}, clock.now(), a.events);
  CHECK(a.tables.macs().find(macKey(10, 0x005056000001)) == nullptr);  // dynamic, on a dead port
  CHECK(a.tables.macs().find(macKey(10, 0x005056000002)) != nullptr);  // static: configuration
  CHECK(a.tables.macs().find(macKey(10, 0x005056000003)) == nullptr);  // led to the dead peer-link
  const auto evs = test::all<fx::EventRecorded>(a.events);
  REQUIRE(evs.size() == 1);
  CHECK(evs[0].event.causes.at(0) == cause(CauseKind::TablesFlushed, {"2", "0", "0"}));
  CHECK(has(evs[0].event.causes, CauseKind::HeartbeatTimeout));
}
