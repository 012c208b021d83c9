#include <catch2/catch.hpp>

#include "peerlink/core/messages.h"
#include "switch/core/dual_table.h"
#include "tests/support/fake_clock.h"

using namespace vpc;
using namespace std::chrono_literals;

TEST_CASE("MacTable: learning is idempotent, a move is an update, not delete+add", "[tables][unit]") {
  test::FakeClock clock;
  MacTable t;
  const auto key = macKey(10, 0x005056aa0001);
  CHECK(t.assertLocal(key, MacValue{1, false}, clock.now()) == Change::Added);
  CHECK(t.assertLocal(key, MacValue{1, false}, clock.now()) == Change::None);
  CHECK(t.size() == 1);
  CHECK(t.assertLocal(key, MacValue{2, false}, clock.now()) == Change::Updated);
  CHECK(t.find(key)->local.port == 2);
  CHECK(t.localCount() == 1);
}

TEST_CASE("MacTable: an entry lives while either switch asserts it", "[tables][unit]") {
  test::FakeClock clock;
  MacTable t;
  const auto key = macKey(10, 1);
  CHECK(t.assertPeer(key, MacValue{7, false}, 1, clock.now()) == Change::Added);
  CHECK(t.assertPeer(key, MacValue{7, false}, 1, clock.now()) == Change::None);
  CHECK(t.assertLocal(key, MacValue{3, false}, clock.now()) == Change::Updated);
  CHECK(t.retractPeer(key) == Change::Updated);  // still ours
  CHECK(t.size() == 1);
  CHECK(t.retractPeer(key) == Change::None);
  CHECK(t.retractLocal(key) == Change::Removed);
  CHECK(t.size() == 0);
  CHECK(t.retractLocal(key) == Change::None);
  CHECK(t.localCount() == 0);
  CHECK(t.peerCount() == 0);
}

TEST_CASE("MacTable: mark and sweep removes peer entries the snapshot did not refresh", "[tables][unit]") {
  test::FakeClock clock;
  MacTable t;
  for (std::uint64_t i = 1; i <= 10; ++i) (void)t.assertPeer(macKey(10, i), MacValue{7, false}, 1, clock.now());
  (void)t.assertLocal(macKey(10, 5), MacValue{3, false}, clock.now());
  // A new snapshot (generation 2) refreshes only MACs 1-3.
  for (std::uint64_t i = 1; i <= 3; ++i) (void)t.assertPeer(macKey(10, i), MacValue{7, false}, 2, clock.now());
  CHECK(t.sweepPeer(2) == 7);
  CHECK(t.size() == 4);  // 1-3 (peer) and 5 (ours)
  CHECK(t.find(macKey(10, 5))->has_local);
  CHECK_FALSE(t.find(macKey(10, 5))->has_peer);
  CHECK(t.sweepPeer(2) == 0);
}

TEST_CASE("MacTable: retracting by predicate reports the keys for the peer", "[tables][unit]") {
  test::FakeClock clock;
  MacTable t;
  (void)t.assertLocal(macKey(10, 1), MacValue{1, false}, clock.now());
  (void)t.assertLocal(macKey(10, 2), MacValue{1, true}, clock.now());
  (void)t.assertPeer(macKey(10, 1), MacValue{7, false}, 1, clock.now());
  std::vector<std::uint64_t> removed;
  t.retractLocalIf([](std::uint64_t, const MacTable::Entry& e) { return !e.local.is_static; }, removed);
  CHECK(removed == std::vector<std::uint64_t>{macKey(10, 1)});
  CHECK(t.size() == 2);  // MAC 1 stays: the peer still asserts it
  CHECK(t.find(macKey(10, 2))->has_local);
}

TEST_CASE("ArpTable: same rules, keyed by IP", "[tables][unit]") {
  test::FakeClock clock;
  ArpTable t;
  CHECK(t.assertLocal(0x0a0a0032, ArpValue{1, 10}, clock.now()) == Change::Added);
  CHECK(t.assertLocal(0x0a0a0032, ArpValue{1, 10}, clock.now()) == Change::None);
  CHECK(t.assertLocal(0x0a0a0032, ArpValue{2, 10}, clock.now()) == Change::Updated);
  CHECK(t.assertPeer(0x0a0a0032, ArpValue{2, 10}, 1, clock.now()) == Change::Updated);
  CHECK(t.retractLocal(0x0a0a0032) == Change::Updated);
  CHECK(t.retractPeer(0x0a0a0032) == Change::Removed);
}

TEST_CASE("MacTable: a million entries across VLANs, reserved at once (the huge-page path), then swept",
          "[tables][unit]") {
  // Keys that differ only in the VLAN, or only above the low 16 bits, must spread like any others;
  // a reserved table takes a bulk without losing or duplicating anything, and a sweep empties it.
  test::FakeClock clock;
  MacTable t;
  t.reserve(1'000'000);
  std::size_t n = 0, added = 0;
  for (std::uint16_t vlan = 1; vlan <= 10; ++vlan)
    for (std::uint64_t i = 0; i < 100'000; ++i, ++n)
      added += t.assertPeer(macKey(vlan, 0x005056000000ULL + (i << 20)), MacValue{7, false}, 1, clock.now()) ==
               Change::Added;
  CHECK(added == n);
  CHECK(t.size() == n);
  CHECK(t.peerCount() == n);
  const auto* e = t.find(macKey(10, 0x005056000000ULL + (99'999ULL << 20)));
  REQUIRE(e);
  CHECK(e->peer.port == 7);
  CHECK(t.find(macKey(11, 0x005056000000ULL)) == nullptr);
  CHECK(t.sweepPeer(2) == n);
  CHECK(t.size() == 0);
}
