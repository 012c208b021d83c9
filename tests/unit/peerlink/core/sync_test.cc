#include <catch2/catch.hpp>

#include <map>

#include "peerlink/core/sync_receiver.h"
#include "peerlink/core/sync_sender.h"
#include "tests/support/fake_clock.h"

using namespace vpc;

namespace {
// A local table the sender reads (the Source the sender is written against).
struct FakeSource {
  std::map<std::uint64_t, std::uint32_t> macs;  // key -> port
  std::map<std::uint32_t, std::uint64_t> arps;  // ip -> mac
  template <class T>
  void records(std::vector<typename T::Record>& out) const {
    if constexpr (std::is_same_v<T, MacTraits>) {
      for (const auto& [k, v] : macs) out.push_back(peer::MacRecord{k, v, 0});
    } else {
      for (const auto& [k, v] : arps) out.push_back(peer::ArpRecord{k, v, 10, 0});
    }
  }
  template <class T>
  typename T::Record current(typename T::Key key) const {
    if constexpr (std::is_same_v<T, MacTraits>) {
      auto it = macs.find(key);
      return it == macs.end() ? MacTraits::deletion(key) : peer::MacRecord{key, it->second, 0};
    } else {
      auto it = arps.find(key);
      return it == arps.end() ? ArpTraits::deletion(key) : peer::ArpRecord{key, it->second, 10, 0};
    }
  }
};

std::array<bool, kSyncTypes> kinds(bool arp) {
  std::array<bool, kSyncTypes> e{};
  e[MacTraits::kIndex] = true;
  e[ArpTraits::kIndex] = arp;
  return e;
}

template <class M>
std::vector<M> only(const std::vector<peer::Message>& msgs) {
  std::vector<M> out;
  for (const auto& m : msgs)
    if (auto* p = std::get_if<M>(&m)) out.push_back(*p);
  return out;
}

std::size_t records(const std::vector<peer::Message>& msgs) {
  std::size_t n = 0;
  for (const auto& b : only<peer::MacBatch>(msgs)) n += b.records.size();
  for (const auto& b : only<peer::ArpBatch>(msgs)) n += b.records.size();
  return n;
}
}  // namespace

TEST_CASE("SyncSender: a bulk snapshot is SyncBegin, batches of every local key, SyncEnd", "[sync][unit]") {
  test::FakeClock clock;
  FakeSource src;
  for (std::uint64_t i = 0; i < 1000; ++i) src.macs[macKey(10, i + 1)] = 7;
  for (std::uint32_t i = 0; i < 10; ++i) src.arps[0x0a0a0000 + i] = i + 1;
  SyncSender tx(SyncLimits{100, 1000});
  tx.start(kinds(true), src, clock.now());
  std::vector<peer::Message> out;
  tx.produce(src, clock.now(), out);
  REQUIRE(std::holds_alternative<peer::SyncBegin>(out.front()));
  const auto begin = std::get<peer::SyncBegin>(out.front());
  CHECK(begin.next_seq == 1);
  CHECK(begin.counts[MacTraits::kIndex] == 1000);
  CHECK(begin.counts[ArpTraits::kIndex] == 10);
  REQUIRE(std::holds_alternative<peer::SyncEnd>(out.back()));
  CHECK(only<peer::MacBatch>(out).size() == 10);
  CHECK(only<peer::ArpBatch>(out).size() == 1);
  CHECK(records(out) == 1010);
  // Sequence numbers are consecutive from next_seq.
  std::uint64_t seq = begin.next_seq;
  for (const auto& m : out) {
    if (auto* b = std::get_if<peer::MacBatch>(&m)) CHECK(b->seq == seq++);
    if (auto* b = std::get_if<peer::ArpBatch>(&m)) CHECK(b->seq == seq++);
  }
  CHECK_FALSE(tx.bulkAcked());
  tx.onAck(seq - 1, clock.now());
  CHECK(tx.bulkAcked());
  CHECK(tx.idle());
  CHECK(tx.status().acked_records == 1010);
}

TEST_CASE("SyncSender: the window holds back batches until acks arrive", "[sync][unit]") {
  test::FakeClock clock;
  FakeSource src;
  for (std::uint64_t i = 0; i < 1000; ++i) src.macs[macKey(10, i + 1)] = 7;
  SyncSender tx(SyncLimits{10, 4});
  tx.start(kinds(false), src, clock.now());
  std::vector<peer::Message> out;
  tx.produce(src, clock.now(), out);
  CHECK(only<peer::MacBatch>(out).size() == 4);
  CHECK(tx.status().pending_records == 40);
  CHECK(tx.status().queued_records == 960);
  out.clear();
  tx.produce(src, clock.now(), out);
  CHECK(out.empty());
  tx.onAck(2, clock.now());
  tx.produce(src, clock.now(), out);
  CHECK(only<peer::MacBatch>(out).size() == 2);
  // Stale, duplicate and bogus acks change nothing.
  tx.onAck(1, clock.now());
  tx.onAck(999, clock.now());
  CHECK(tx.status().acked_seq == 2);
}

TEST_CASE("SyncSender: changes coalesce by key and carry the state at send time", "[sync][unit]") {
  test::FakeClock clock;
  FakeSource src;
  SyncSender tx(SyncLimits{100, 10});
  tx.start(kinds(true), src, clock.now());
  std::vector<peer::Message> out;
  tx.produce(src, clock.now(), out);  // empty snapshot
  tx.onAck(0, clock.now());
  CHECK(tx.bulkAcked());
  out.clear();

  const auto key = macKey(10, 0x42);
  for (std::uint32_t port = 1; port <= 5; ++port) {
    src.macs[key] = port;
    tx.note<MacTraits>(key);
  }
  src.macs.erase(key);
  tx.note<MacTraits>(key);
  const auto other = macKey(20, 0x43);
  src.macs[other] = 9;
  tx.note<MacTraits>(other);
  tx.produce(src, clock.now(), out);
  const auto batches = only<peer::MacBatch>(out);
  REQUIRE(batches.size() == 1);
  const auto& recs = batches[0].records;
  REQUIRE(recs.size() == 2);
  CHECK(recs[0].key == key);
  CHECK(recs[0].flags == kRecordDelete);  // its latest state: gone
  CHECK(recs[1].key == other);
  CHECK(recs[1].port == 9);
}

TEST_CASE("SyncSender: a key removed while the snapshot is on its way is deleted after SyncEnd", "[sync][unit]") {
  // The snapshot is a copy taken at its start, so it still carries the key; the change notice sends
  // the delete once SyncEnd is out, and the peer ends without the key.
  test::FakeClock clock;
  FakeSource src;
  for (std::uint64_t i = 0; i < 30; ++i) src.macs[macKey(10, i + 1)] = 7;
  SyncSender tx(SyncLimits{10, 1});
  tx.start(kinds(false), src, clock.now());
  std::vector<peer::Message> out;
  tx.produce(src, clock.now(), out);  // Begin + the first batch
  const auto gone = macKey(10, 30);   // in the last bulk batch, not sent yet
  src.macs.erase(gone);
  tx.note<MacTraits>(gone);
  while (!tx.idle()) {
    tx.onAck(tx.status().last_seq, clock.now());
    tx.produce(src, clock.now(), out);
  }
  std::map<std::uint64_t, bool> peer;  // what a receiver applying the messages in order ends with
  bool after_end = false, deleted_after_end = false;
  for (const auto& m : out) {
    if (std::holds_alternative<peer::SyncEnd>(m)) after_end = true;
    if (const auto* b = std::get_if<peer::MacBatch>(&m))
      for (const auto& r : b->records) {
        if (r.flags & kRecordDelete) {
          peer.erase(r.key);
          if (r.key == gone && after_end) deleted_after_end = true;
        } else {
          peer[r.key] = true;
        }
      }
  }
  CHECK(deleted_after_end);
  CHECK(peer.size() == 29);
  CHECK_FALSE(peer.contains(gone));
}

TEST_CASE("SyncSender: changes during a bulk go after SyncEnd, a resync restarts with a new epoch",
          "[sync][unit]") {
  test::FakeClock clock;
  FakeSource src;
  for (std::uint64_t i = 0; i < 50; ++i) src.macs[macKey(10, i + 1)] = 7;
  SyncSender tx(SyncLimits{10, 2});
  tx.start(kinds(false), src, clock.now());
  std::vector<peer::Message> out;
  tx.produce(src, clock.now(), out);  // Begin + 2 batches, then the window is full
  src.macs[macKey(10, 999)] = 7;
  tx.note<MacTraits>(macKey(10, 999));
  while (!tx.idle()) {  // the receiver acks everything it got
    tx.onAck(tx.status().last_seq, clock.now());
    tx.produce(src, clock.now(), out);
  }
  // Begin, 5 bulk batches, End, then the incremental batch.
  std::size_t end_at = 0, incr_at = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (std::holds_alternative<peer::SyncEnd>(out[i])) end_at = i;
    if (auto* b = std::get_if<peer::MacBatch>(&out[i]); b && b->records.size() == 1) incr_at = i;
  }
  CHECK(end_at > 0);
  CHECK(incr_at > end_at);

  out.clear();
  tx.resync("sequence gap", src, clock.now());
  tx.produce(src, clock.now(), out);
  REQUIRE(std::holds_alternative<peer::SyncBegin>(out.front()));
  CHECK(std::get<peer::SyncBegin>(out.front()).epoch == 2);
  CHECK(tx.status().resyncs == 1);
  CHECK(tx.status().last_resync_reason == "sequence gap");
}

TEST_CASE("SyncReceiver: batches apply in order after SyncBegin, a gap asks for a resync", "[sync][unit]") {
  test::FakeClock clock;
  SyncReceiver rx;
  rx.start();
  using V = SyncReceiver::Verdict;
  CHECK(rx.onBatch(1, 10, clock.now()) == V::Drop);  // before any SyncBegin
  CHECK(rx.onBegin(peer::SyncBegin{1, 5, {30, 0}}, clock.now()) == V::Apply);
  CHECK(rx.onBatch(5, 10, clock.now()) == V::Apply);
  CHECK(rx.onBatch(6, 10, clock.now()) == V::Apply);
  SECTION("a gap") {
    CHECK(rx.onBatch(8, 10, clock.now()) == V::Resync);
    CHECK(rx.status().gaps == 1);
    CHECK(rx.onBatch(9, 10, clock.now()) == V::Drop);  // nothing more until the new snapshot
    CHECK_FALSE(rx.onEnd(peer::SyncEnd{1}, clock.now()));
    CHECK(rx.onBegin(peer::SyncBegin{2, 10, {0, 0}}, clock.now()) == V::Apply);
    CHECK(rx.onBatch(10, 1, clock.now()) == V::Apply);
    CHECK(rx.onEnd(peer::SyncEnd{2}, clock.now()));
    CHECK(rx.bulkDone());
  }
  SECTION("the end of the snapshot") {
    CHECK(rx.onBatch(7, 10, clock.now()) == V::Apply);
    CHECK_FALSE(rx.onEnd(peer::SyncEnd{99}, clock.now()));  // wrong epoch
    CHECK(rx.onEnd(peer::SyncEnd{1}, clock.now()));
    CHECK(rx.status().bulk_records == 30);
    CHECK(rx.onBatch(8, 1, clock.now()) == V::Apply);  // incremental after the snapshot
  }
  SECTION("a malformed message") {
    CHECK(rx.onMalformed("columns of different lengths", clock.now()) == V::Resync);
    CHECK(rx.status().malformed == 1);
    CHECK(rx.onBatch(7, 10, clock.now()) == V::Drop);
  }
}
