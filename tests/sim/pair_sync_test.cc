// MAC/ARP sync between two switches in virtual time (DESIGN.md §5).
#include <catch2/catch.hpp>

#include <random>

#include "tests/support/sim_pair.h"
#include "tests/support/states.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

LearnMacCmd macs(const std::string& first, std::uint32_t count, std::uint16_t vlan, const std::string& iface) {
  LearnMacCmd c;
  c.mac = *MacAddress::parse(first);
  c.count = count;
  c.vlan = vlan;
  c.iface = *InterfaceId::parse(iface);
  return c;
}

const MacRow* rowOf(const std::vector<MacRow>& rows, const std::string& mac) {
  for (const auto& r : rows)
    if (r.mac.dotted() == mac) return &r;
  return nullptr;
}

bool settle(sim::Pair& p, Duration limit = 5s) { return p.runUntil([&] { return p.converged(); }, limit); }

}  // namespace

TEST_CASE("Sync: a MAC learned on a vPC appears on the peer's own port-channel (*), "
          "one learned on an orphan port on the vPC Peer-Link (+)",
          "[rule:sync-mapping][sim][sync]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.learnMac(1, macs("0050.56aa.0001", 1, 10, "port-channel10")));
  REQUIRE(p.learnMac(1, macs("0050.56bb.0001", 1, 10, "Ethernet1/5")));
  REQUIRE(p.learnMac(1, macs("0050.56cc.0001", 1, 20, "Ethernet1/2")));  // a member of Po20 (vPC 20)
  REQUIRE(settle(p));
  const auto rows = macRows(p.sw(0).tables(), {}, p.now());
  REQUIRE(rows.size() == 3);
  CHECK(rowOf(rows, "0050.56aa.0001")->port == InterfaceId::portChannel(10));
  CHECK(rowOf(rows, "0050.56aa.0001")->flag == '*');
  CHECK(rowOf(rows, "0050.56bb.0001")->port == InterfaceId::peerLink());
  CHECK(rowOf(rows, "0050.56bb.0001")->flag == '+');
  CHECK(rowOf(rows, "0050.56cc.0001")->port == InterfaceId::portChannel(20));
  // On the learner they are local entries.
  const auto own = macRows(p.sw(1).tables(), {}, p.now());
  CHECK(rowOf(own, "0050.56bb.0001")->port == InterfaceId::ethernet(1, 5));
  CHECK(rowOf(own, "0050.56bb.0001")->flag == '*');
}

TEST_CASE("Sync: both directions at once, moves, deletes and clear", "[rule:sync-mapping][sim][sync]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.learnMac(0, macs("0050.5600.0000", 10000, 10, "Po10")));
  REQUIRE(p.learnMac(1, macs("0050.5700.0000", 10000, 20, "Po20")));
  REQUIRE(settle(p));
  CHECK(p.sw(0).tables().macs().size() == 20000);
  CHECK(p.sw(1).tables().macs().size() == 20000);

  SECTION("a move is one update on the peer") {
    REQUIRE(p.learnMac(1, macs("0050.5700.0005", 1, 10, "Eth1/5")));  // VLAN 10, orphan port
    REQUIRE(p.learnMac(1, macs("0050.5700.0006", 1, 20, "Po20")));    // unchanged: refresh only
    REQUIRE(settle(p));
    MacFilter f;
    f.mac = *MacAddress::parse("0050.5700.0005");
    const auto rows = macRows(p.sw(0).tables(), f, p.now());
    REQUIRE(rows.size() == 2);  // the old (vlan 20) entry stays: a different key
    CHECK(rows[0].vlan == 10);
    CHECK(rows[0].port == InterfaceId::peerLink());
  }
  SECTION("clear on one switch removes its entries from both") {
    CHECK(p.clearMac(1) == 10000);
    REQUIRE(settle(p));
    CHECK(p.sw(0).tables().macs().size() == 10000);
    CHECK(p.sw(1).tables().macs().size() == 10000);
    CHECK(p.sw(0).tables().macs().peerCount() == 0);
  }
  SECTION("ageing on the learner deletes on the peer") {
    p.runFor(1800s + 61s);
    REQUIRE(settle(p));
    CHECK(p.sw(0).tables().macs().size() == 0);
    CHECK(p.sw(1).tables().macs().size() == 0);
  }
}

TEST_CASE("Sync: a MAC both switches learn on the same vPC is one logical entry", "[rule:sync-mapping][sim][sync]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.learnMac(0, macs("0050.56aa.0001", 1, 10, "Po10")));
  REQUIRE(p.learnMac(1, macs("0050.56aa.0001", 1, 10, "Po10")));
  REQUIRE(settle(p));
  CHECK(p.sw(0).tables().totals().macs.count == 1);
  CHECK(p.clearMac(0) == 1);
  REQUIRE(settle(p));
  // leaf2 still asserts it: leaf1 keeps it, installed on its own Po10.
  const auto rows = macRows(p.sw(0).tables(), {}, p.now());
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].port == InterfaceId::portChannel(10));
}

TEST_CASE("Sync: ARP entries sync only with 'ip arp synchronize' on both switches, flagged +",
          "[rule:arp-sync][sim][sync]") {
  auto cfgs = sim::defaultPairConfigs();
  const bool second_has_it = GENERATE(true, false);
  cfgs[1].vpc_domain->arp_synchronize = second_has_it;
  auto p = sim::Pair::startConverged(cfgs);
  LearnArpCmd c;
  c.ip = *Ipv4::parse("10.10.0.50");
  c.mac = *MacAddress::parse("0050.56aa.0001");
  c.vlan = 10;
  c.count = 100;
  REQUIRE(p.learnArp(0, c));
  p.runFor(1s);
  const auto rows = arpRows(p.sw(1).tables(), 0, p.now());
  if (second_has_it) {
    REQUIRE(rows.size() == 100);
    CHECK(rows[0].synced);
    CHECK(rows[0].ip.str() == "10.10.0.50");
    CHECK(p.sw(0).tables().totals().arp_sync);
  } else {
    CHECK(rows.empty());
    CHECK_FALSE(p.sw(0).tables().totals().arp_sync);
  }
}

TEST_CASE("Sync: the secondary restarts while the primary churns, converged with unchanged roles",
          "[rule:sync-resync][sim][sync][restart]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.learnMac(0, macs("0050.5600.0000", 3000, 10, "Po10")));
  REQUIRE(p.learnMac(0, macs("0050.5610.0000", 500, 10, "Eth1/5")));
  REQUIRE(p.learnMac(1, macs("0050.5700.0000", 3000, 20, "Po20")));
  REQUIRE(p.learnMac(1, macs("0050.5710.0000", 500, 10, "Eth1/5")));
  REQUIRE(settle(p));

  p.kill(1);
  p.runFor(100ms);
  // The primary flushed what pointed at the peer-link (leaf2's orphan MACs) and kept its vPC MACs.
  CHECK(p.sw(0).tables().macs().peerCount() == 3000);
  REQUIRE(p.learnMac(0, macs("0050.5800.0000", 200, 10, "Po10")));
  CHECK(p.clearMac(0) == 3700);
  REQUIRE(p.learnMac(0, macs("0050.5900.0000", 50, 20, "Po20")));
  p.runFor(2s);
  p.restart(1);
  REQUIRE(settle(p));
  CHECK(test::isRole(p.snap(0), test::kPrimary));
  CHECK(test::isRole(p.snap(1), test::kSecondary));
  CHECK(p.sw(1).tables().macs().localCount() == 0);  // the restarted switch knows nothing of its own past
  CHECK(p.sw(0).tables().macs().size() == 50);        // and the survivor swept the stale copies
  CHECK(p.sw(1).tables().macs().size() == 50);
}

TEST_CASE("Sync: the primary restarts, the secondary takes over, the old primary returns as operational secondary",
          "[rule:primary-failure][sim][sync][restart]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.learnMac(0, macs("0050.5600.0000", 3000, 10, "Po10")));
  REQUIRE(p.learnMac(1, macs("0050.5700.0000", 3000, 20, "Po20")));
  REQUIRE(settle(p));
  p.kill(0);
  p.runFor(100ms);
  // The secondary suspends at once: everything that now leads to the peer-link is flushed.
  CHECK(p.snap(1).status.vpcs[0].status == VpcStatus::Down);
  CHECK(p.sw(1).tables().macs().peerCount() == 0);
  p.runFor(9s);  // hold-timeout 3 s + timeout 5 s
  CHECK(test::isRole(p.snap(1), test::kSecondaryOpPrimary));
  REQUIRE(p.learnMac(1, macs("0050.5900.0000", 50, 10, "Po10")));
  p.restart(0);
  REQUIRE(settle(p));
  CHECK(test::isRole(p.snap(0), test::kPrimaryOpSecondary));
  CHECK(test::isRole(p.snap(1), test::kSecondaryOpPrimary));
  // While suspended, leaf2's own vPC MACs pointed at the dead peer-link and were flushed; leaf1 came back
  // empty. What remains is what leaf2 learned after taking over.
  CHECK(p.sw(0).tables().macs().size() == 50);
  CHECK(p.sw(1).tables().macs().size() == 50);
}

TEST_CASE("Sync: a lost batch is caught as a sequence gap and healed by a resync (regression)",
          "[rule:sync-resync][sim][sync]") {
  // 1. Both switches converge. 2. leaf2 learns ten batches' worth of MACs. 3. The third batch
  //    vanishes without the stream breaking. 4. leaf1 sees batch 4 where it expected 3, asks for a
  //    resync and drops the rest. 5. leaf2 resends a snapshot; the views converge.
  auto p = sim::Pair::startConverged();
  int batches = 0;
  p.losePeerMessages(1, [&](const peer::Message& m) { return std::holds_alternative<peer::MacBatch>(m) && ++batches == 3; });
  const auto count = static_cast<std::uint32_t>(10 * SyncLimits{}.batch_records);
  REQUIRE(p.learnMac(1, macs("0050.5600.0000", count, 10, "Po10")));
  REQUIRE(settle(p));
  CHECK(p.sw(0).tables().macs().size() == count);
  const auto sv = p.sw(0).tables().totals();
  CHECK(sv.rx.gaps == 1);
  CHECK(sv.rx.resyncs_requested == 1);
  CHECK(p.sw(1).tables().totals().tx.resyncs == 1);
}

TEST_CASE("Sync: a silent peer-link cut is found by the heartbeat timeout, the restore resyncs",
          "[rule:peer-link-shut][sim][sync]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.learnMac(1, macs("0050.5700.0000", 100, 10, "Eth1/5")));
  REQUIRE(p.learnMac(1, macs("0050.5710.0000", 100, 10, "Po10")));
  REQUIRE(settle(p));
  const auto t0 = p.now();
  p.cutPeerLink();
  REQUIRE(p.runUntil([&] { return p.snap(0).status.peer == PeerStatus::LinkDown; }, 5s));
  // The liveness timeout (3 s) counts from the last heartbeat, sent up to an interval (1 s) before.
  CHECK(p.now() - t0 <= 3000ms);
  CHECK(p.now() - t0 >= 2000ms);
  CHECK(p.snap(0).session.down.at(0) == cause(CauseKind::HeartbeatTimeout, {"3000"}));
  REQUIRE(p.runUntil([&] { return p.snap(1).status.peer == PeerStatus::LinkDown; }, 1s));
  // The primary flushed leaf2's orphan MACs (they pointed at the peer-link) and kept the vPC ones.
  CHECK(p.sw(0).tables().macs().size() == 100);
  // leaf2 suspended its vPCs and its orphan-port-suspend port: it learns nothing there now.
  CHECK_FALSE(p.learnMac(1, macs("0050.5720.0000", 10, 10, "Po10")));
  CHECK(p.sw(1).tables().macs().size() == 0);
  REQUIRE(p.learnMac(0, macs("0050.5800.0000", 10, 10, "Po10")));
  p.runFor(3s);
  p.restorePeerLink();
  REQUIRE(settle(p, 10s));
  CHECK(p.sw(0).tables().macs().size() == 10);  // leaf2's snapshot had nothing: its old vPC MACs are swept
  CHECK(p.sw(1).tables().macs().size() == 10);
}

TEST_CASE("Sync: 100,000 MACs on the secondary reach the primary with the right mapping",
          "[rule:sync-mapping][sim][sync][scale]") {
  auto p = sim::Pair::startConverged();
  const auto t0 = p.now();
  REQUIRE(p.learnMac(1, macs("0050.5600.0000", 50000, 10, "Po10")));
  REQUIRE(p.learnMac(1, macs("0050.5700.0000", 50000, 10, "Eth1/5")));
  REQUIRE(settle(p));
  CHECK(p.now() - t0 < 2s);
  MacFilter po10;
  po10.iface = InterfaceId::portChannel(10);
  MacFilter peer_link;
  peer_link.iface = InterfaceId::peerLink();
  CHECK(macRows(p.sw(0).tables(), po10, p.now()).size() == 50000);
  CHECK(macRows(p.sw(0).tables(), peer_link, p.now()).size() == 50000);
  CHECK(p.clearMac(1) == 100000);
  REQUIRE(settle(p));
  CHECK(p.sw(0).tables().macs().size() == 0);
}

TEST_CASE("Sync: random learn/move/delete churn on both switches ends in the convergence invariant",
          "[rule:sync-convergence][sim][sync][churn]") {
  const auto seed = GENERATE(range(1, 21));
  INFO("seed " << seed);
  auto p = sim::Pair::startConverged();
  std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
  const std::vector<std::pair<std::string, std::uint16_t>> ports = {
      {"Po10", 10}, {"Po10", 20}, {"Po20", 20}, {"Eth1/5", 10}};
  for (int step = 0; step < 300; ++step) {
    const int sw = static_cast<int>(rng() % 2);
    const auto& [iface, vlan] = ports[rng() % ports.size()];
    const std::uint64_t base = 0x005056000000ULL + (rng() % 400);
    switch (rng() % 10) {
      case 0:
        (void)p.clearMac(sw);
        break;
      case 1:
        if (rng() % 4 == 0) p.kill(sw), p.runFor(std::chrono::milliseconds(rng() % 2000)), p.restart(sw);
        break;
      case 2:
        p.cutPeerLink();
        p.runFor(std::chrono::milliseconds(rng() % 1000));
        p.restorePeerLink();
        break;
      default: {
        LearnMacCmd c;
        c.mac = MacAddress{base};
        c.count = 1 + static_cast<std::uint32_t>(rng() % 30);
        c.vlan = vlan;
        c.iface = *InterfaceId::parse(iface);
        (void)p.learnMac(sw, c);
      }
    }
    p.runFor(std::chrono::milliseconds(rng() % 50));
  }
  p.restorePeerLink();
  REQUIRE(settle(p, 30s));
  const auto a = p.sw(0).tables().totals();
  const auto b = p.sw(1).tables().totals();
  CHECK(a.macs == b.macs);  // kept up to date delta by delta on each side
  // The union of assertions on each side is exactly what the two learners hold.
  CHECK(p.sw(0).tables().macs().peerCount() == p.sw(1).tables().macs().localCount());
  CHECK(p.sw(1).tables().macs().peerCount() == p.sw(0).tables().macs().localCount());
  CHECK(test::isRole(p.snap(0), test::kPrimary));
}
