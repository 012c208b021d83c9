#include <catch2/catch.hpp>

#include <set>

#include "switch/core/dual_table.h"
#include "tests/support/fake_clock.h"

using namespace vpc;
using namespace std::chrono_literals;

TEST_CASE("MacTable: learning is idempotent, a move is an update, not delete+add", "[tables][unit]") {
  test::FakeClock clock;
  MacTable t;
  const auto key = macKey(10, 0x005056aa0001);
  const auto added = t.assertLocal(key, MacValue{1, false}, clock.now());
  CHECK(added.added());
  CHECK(added.localChanged());
  CHECK(t.assertLocal(key, MacValue{1, false}, clock.now()).empty());  // the same learn twice: no delta
  CHECK(t.size() == 1);
  const auto moved = t.assertLocal(key, MacValue{2, false}, clock.now());
  CHECK(moved.localChanged());
  CHECK_FALSE(moved.added());
  CHECK_FALSE(moved.removed());
  CHECK(moved.before.local.port == 1);
  CHECK(moved.after.local.port == 2);
  CHECK(t.find(key)->local.port == 2);
  CHECK(t.localCount() == 1);
}

TEST_CASE("MacTable: an entry lives while either switch asserts it", "[tables][unit]") {
  test::FakeClock clock;
  MacTable t;
  const auto key = macKey(10, 1);
  CHECK(t.assertPeer(key, MacValue{7, false}, 1, clock.now()).added());
  CHECK(t.assertPeer(key, MacValue{7, false}, 1, clock.now()).empty());
  const auto ours = t.assertLocal(key, MacValue{3, false}, clock.now());
  CHECK(ours.localChanged());
  CHECK_FALSE(ours.added());
  const auto theirs_gone = t.retractPeer(key);  // still ours
  CHECK_FALSE(theirs_gone.removed());
  CHECK_FALSE(theirs_gone.localChanged());
  CHECK(t.size() == 1);
  CHECK(t.retractPeer(key).empty());
  CHECK(t.retractLocal(key).removed());
  CHECK(t.size() == 0);
  CHECK(t.retractLocal(key).empty());
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
  std::vector<TableDelta<MacTraits>> swept;
  t.sweepPeer(2, [&](const auto& d) { swept.push_back(d); });
  CHECK(swept.size() == 7);
  CHECK(t.size() == 4);  // 1-3 (peer) and 5 (ours)
  CHECK(t.find(macKey(10, 5))->has_local);
  CHECK_FALSE(t.find(macKey(10, 5))->has_peer);
  swept.clear();
  t.sweepPeer(2, [&](const auto& d) { swept.push_back(d); });
  CHECK(swept.empty());
}

// The sweep is skipped when the table's count says every peer assertion is of this generation; the
// count must survive duplicates, retractions and a stale entry that is refreshed last.
TEST_CASE("MacTable: the sweep's generation count stays exact", "[tables][unit]") {
  test::FakeClock clock;
  MacTable t;
  std::vector<TableDelta<MacTraits>> swept;
  auto sweep = [&](std::uint32_t gen) {
    swept.clear();
    t.sweepPeer(gen, [&](const auto& d) { swept.push_back(d); });
    return swept.size();
  };
  for (std::uint64_t i = 1; i <= 5; ++i) (void)t.assertPeer(macKey(10, i), MacValue{7, false}, 1, clock.now());
  CHECK(sweep(1) == 0);
  // Generation 2: every entry again, one twice, one retracted by an incremental delete and one by age.
  for (std::uint64_t i = 1; i <= 5; ++i) (void)t.assertPeer(macKey(10, i), MacValue{7, false}, 2, clock.now());
  (void)t.assertPeer(macKey(10, 3), MacValue{8, false}, 2, clock.now());
  (void)t.retractPeer(macKey(10, 4));
  t.retractPeerIf([](std::uint64_t key, const auto&) { return key == macKey(10, 5); }, [](const auto&) {});
  CHECK(sweep(2) == 0);
  CHECK(t.peerCount() == 3);
  // Generation 3 refreshes all but MAC 2, which the sweep must still find.
  (void)t.assertPeer(macKey(10, 1), MacValue{7, false}, 3, clock.now());
  (void)t.assertPeer(macKey(10, 3), MacValue{7, false}, 3, clock.now());
  (void)t.assertPeer(macKey(10, 6), MacValue{7, false}, 3, clock.now());
  CHECK(sweep(3) == 1);
  CHECK(swept.at(0).key == macKey(10, 2));
  CHECK(t.peerCount() == 3);
  CHECK(sweep(3) == 0);
}

TEST_CASE("MacTable: retracting by predicate hands each change over as a delta", "[tables][unit]") {
  test::FakeClock clock;
  MacTable t;
  (void)t.assertLocal(macKey(10, 1), MacValue{1, false}, clock.now());
  (void)t.assertLocal(macKey(10, 2), MacValue{1, true}, clock.now());
  (void)t.assertPeer(macKey(10, 1), MacValue{7, false}, 1, clock.now());
  std::vector<TableDelta<MacTraits>> removed;
  t.retractLocalIf([](std::uint64_t, const MacTable::Entry& e) { return !e.local.is_static; },
                   [&](const auto& d) { removed.push_back(d); });
  REQUIRE(removed.size() == 1);
  CHECK(removed[0].key == macKey(10, 1));
  CHECK(removed[0].localChanged());
  CHECK_FALSE(removed[0].removed());  // MAC 1 stays: the peer still asserts it
  CHECK(t.size() == 2);
  CHECK(t.find(macKey(10, 2))->has_local);
}

TEST_CASE("ArpTable: same rules, keyed by IP", "[tables][unit]") {
  test::FakeClock clock;
  ArpTable t;
  CHECK(t.assertLocal(0x0a0a0032, ArpValue{1, 10}, clock.now()).added());
  CHECK(t.assertLocal(0x0a0a0032, ArpValue{1, 10}, clock.now()).empty());
  CHECK(t.assertLocal(0x0a0a0032, ArpValue{2, 10}, clock.now()).localChanged());
  CHECK_FALSE(t.assertPeer(0x0a0a0032, ArpValue{2, 10}, 1, clock.now()).localChanged());
  CHECK(t.retractLocal(0x0a0a0032).localChanged());
  CHECK(t.retractPeer(0x0a0a0032).removed());
}

TEST_CASE("MacTable: a million entries across VLANs, reserved at once (the huge-page path), then swept",
          "[tables][unit]") {
  // Keys that differ only in the VLAN, or only above the low 16 bits, must spread like any others;
  // a reserved table takes a bulk without losing or duplicating anything, and a sweep empties it.
  test::FakeClock clock;
  std::size_t hinted = 0;
  static std::size_t* hint_bytes;
  hint_bytes = &hinted;
  MacTable t([](void*, std::size_t bytes) { *hint_bytes += bytes; });
  t.reserve(1'000'000);
  CHECK(hinted > 0);  // the big array was offered to the page hint
  std::size_t n = 0, added = 0;
  for (std::uint16_t vlan = 1; vlan <= 10; ++vlan)
    for (std::uint64_t i = 0; i < 100'000; ++i, ++n)
      added += t.assertPeer(macKey(vlan, 0x005056000000ULL + (i << 20)), MacValue{7, false}, 1, clock.now()).added();
  CHECK(added == n);
  CHECK(t.size() == n);
  CHECK(t.peerCount() == n);
  const auto* e = t.find(macKey(10, 0x005056000000ULL + (99'999ULL << 20)));
  REQUIRE(e);
  CHECK(e->peer.port == 7);
  CHECK(t.find(macKey(11, 0x005056000000ULL)) == nullptr);
  std::size_t swept = 0;
  t.sweepPeer(2, [&](const auto&) { ++swept; });
  CHECK(swept == n);
  CHECK(t.size() == 0);
}

TEST_CASE("MacTable: a read in slices sees every entry once while the table changes between slices",
          "[tables][unit]") {
  test::FakeClock clock;
  MacTable t;
  for (std::uint64_t i = 0; i < 10'000; ++i) (void)t.assertLocal(macKey(10, i + 1), MacValue{1, false}, clock.now());
  MacTable::ScanCursor cursor(t);
  std::multiset<std::uint64_t> seen;
  auto slice = [&] {
    if (cursor.restarting()) seen.clear();
    return t.scan(cursor, 100, [&](std::uint64_t key, const MacTable::Entry&) { seen.insert(key); });
  };

  SECTION("entries erased between slices, the one under the cursor among them") {
    std::set<std::uint64_t> erased;
    int round = 0;
    while (!slice()) {
      // Erase a few keys not yet seen, and a few seen.
      for (std::uint64_t i = 0; i < 10'000; i += 997 + static_cast<std::uint64_t>(round)) {
        const auto key = macKey(10, i + 1);
        if (t.retractLocal(key).removed()) erased.insert(key);
      }
      ++round;
    }
    for (std::uint64_t i = 0; i < 10'000; ++i) {
      const auto key = macKey(10, i + 1);
      if (!erased.contains(key)) CHECK(seen.count(key) == 1);  // every survivor exactly once
      else CHECK(seen.count(key) <= 1);
    }
  }
  SECTION("a rehash between slices restarts the read") {
    REQUIRE_FALSE(slice());
    const auto before = t.entries().capacity();
    for (std::uint64_t i = 0; t.entries().capacity() == before; ++i)
      (void)t.assertLocal(macKey(20, i + 1), MacValue{1, false}, clock.now());
    CHECK(cursor.restarting());
    while (!slice()) {
    }
    CHECK(cursor.restarts() == 1);
    CHECK(seen.size() == t.size());
    CHECK(std::set<std::uint64_t>(seen.begin(), seen.end()).size() == t.size());
  }
}
