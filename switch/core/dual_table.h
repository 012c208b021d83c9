// A table in which each key may be asserted twice: by this switch (it learned the entry) and by the peer
// (it synced the entry to us). An entry lives while either side asserts it; each side's assertion comes
// and goes on its own (SONiC's local/peer age flags are the model). One table per synced kind
// (records.h): DualTable<MacTraits> (key vlan+mac), DualTable<ArpTraits> (key IPv4).
//
// Every mutation returns what it changed as a delta (the assertions before and after), so the caller
// can tell the peer and keep its digests without asking again; applying the same assertion twice
// returns an empty delta. Bulk mutations hand each delta to a sink. Peer assertions carry the
// receiver's sync generation, so a bulk snapshot can sweep what it did not refresh (mark and sweep).
//
// Long reads (a show of a million entries) go in slices through a ScanCursor, which stays valid while
// the table changes between slices: an entry erased under it moves it on, a rehash restarts it.
//
// Storage: Abseil's flat (open-addressing) hash map: entries sit in one array (no allocation per entry),
// and a bulk snapshot reserves its room once. The hash is a fixed mixer, not absl::Hash (seeded per
// process), so a run with the same inputs iterates in the same order. Order is never rendered from
// here: views sort. Pure: time comes in as arguments; the one memory hint it may give is injected.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <new>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "peerlink/core/records.h"
#include "peerlink/core/time.h"

namespace vpc {

// The table's hash. Abseil places an entry by hash >> 7 and filters a group's slots by hash & 0x7f.
// Keys that differ only in their low 16 bits (consecutive MACs of one VLAN, consecutive IPs - what
// `learn ... count N` and most hosts of a subnet produce) land in consecutive slots, so a bulk insert
// walks memory in order instead of missing the cache on every entry; the bits above are scrambled
// (splitmix64's finaliser), so VLANs, OUIs and subnets spread over the whole table.
struct KeyMix {
  static std::uint64_t scramble(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
  }
  std::size_t operator()(std::uint64_t key) const {
    const std::uint64_t place = (key & 0xffff) + scramble(key >> 16);
    return static_cast<std::size_t>((place << 7) | (key & 0x7f));
  }
};

// A hint about a big block of table memory (the shell may ask the kernel for transparent huge pages:
// touching fresh 4 KiB pages one by one dominated a bulk snapshot's insert time). Injected by the
// daemon; tests and simulations run without it.
using PageHint = void (*)(void* block, std::size_t bytes);

// The tables' allocator: big arrays (a million entries is ~50 MB) are aligned to 2 MiB and offered to
// the hint; small ones use the ordinary heap.
template <class T>
struct TableAllocator {
  using value_type = T;
  static constexpr std::size_t kHuge = std::size_t{2} << 20;
  PageHint hint = nullptr;

  TableAllocator() = default;
  explicit TableAllocator(PageHint h) : hint(h) {}
  template <class U>
  TableAllocator(const TableAllocator<U>& o) : hint(o.hint) {}  // NOLINT(google-explicit-constructor)

  bool big(std::size_t bytes) const { return hint != nullptr && bytes >= 2 * kHuge; }
  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (!big(bytes)) return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
    void* p = ::operator new(bytes, std::align_val_t{kHuge});
    hint(p, bytes / kHuge * kHuge);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    ::operator delete(p, std::align_val_t{big(bytes) ? kHuge : alignof(T)});
  }
  template <class U>
  bool operator==(const TableAllocator<U>& o) const { return hint == o.hint; }
};

template <class Value>
struct Assertions {
  Value local{};
  Value peer{};
  bool has_local = false;
  bool has_peer = false;
  bool operator==(const Assertions&) const = default;
};

// What one mutation did to one key.
template <class T>
struct TableDelta {
  typename T::Key key{};
  Assertions<typename T::Value> before, after;

  bool empty() const { return before == after; }
  bool localChanged() const {
    return before.has_local != after.has_local || (after.has_local && !(before.local == after.local));
  }
  bool added() const { return !before.has_local && !before.has_peer && (after.has_local || after.has_peer); }
  bool removed() const { return (before.has_local || before.has_peer) && !after.has_local && !after.has_peer; }
};

template <class T>
class DualTable {
 public:
  using Key = typename T::Key;
  using Value = typename T::Value;
  using Delta = TableDelta<T>;
  struct Entry {
    Value local{};
    Value peer{};
    TimePoint local_seen{};
    TimePoint peer_seen{};
    std::uint32_t peer_gen = 0;
    bool has_local = false;
    bool has_peer = false;
    Assertions<Value> assertions() const { return {local, peer, has_local, has_peer}; }
  };
  using Map = absl::flat_hash_map<Key, Entry, KeyMix, std::equal_to<Key>, TableAllocator<std::pair<const Key, Entry>>>;

  // A read in slices (see scan()). Attach it before the first slice, detach it (or destroy it) after.
  class ScanCursor {
   public:
    explicit ScanCursor(DualTable& t) : table_(&t) { t.cursors_.push_back(this); }
    ~ScanCursor() { detach(); }
    ScanCursor(const ScanCursor&) = delete;
    ScanCursor& operator=(const ScanCursor&) = delete;
    void detach() {
      if (!table_) return;
      auto& c = table_->cursors_;
      c.erase(std::remove(c.begin(), c.end(), this), c.end());
      table_ = nullptr;
    }
    bool done() const { return done_; }
    // The table was rehashed since the last slice: the next slice starts over from the beginning, so
    // what the reader collected so far is to be dropped first.
    bool restarting() const { return invalid_; }
    std::uint64_t restarts() const { return restarts_; }

   private:
    friend class DualTable;
    DualTable* table_;
    typename Map::iterator it_{};
    bool started_ = false;
    bool done_ = false;
    bool invalid_ = false;
    std::uint64_t restarts_ = 0;
  };
  explicit DualTable(PageHint hint = nullptr)
      : map_(0, KeyMix(), std::equal_to<Key>(), TableAllocator<std::pair<const Key, Entry>>(hint)) {}
  DualTable(const DualTable&) = delete;
  DualTable& operator=(const DualTable&) = delete;

  // This switch asserts `value` for `key` (a learn). Refreshes the time even when nothing changed.
  Delta assertLocal(const Key& key, const Value& value, TimePoint now) {
    Entry& e = slot(key);
    Delta d{key, e.assertions(), {}};
    e.local_seen = now;
    if (!(e.has_local && e.local == value)) {
      if (!e.has_local) ++local_count_;
      e.local = value;
      e.has_local = true;
    }
    d.after = e.assertions();
    return d;
  }

  Delta retractLocal(const Key& key) {
    auto it = map_.find(key);
    if (it == map_.end() || !it->second.has_local) return Delta{key, {}, {}};
    Delta d{key, it->second.assertions(), {}};
    it->second.has_local = false;
    --local_count_;
    d.after = it->second.assertions();
    if (!it->second.has_peer) erase(it);
    return d;
  }

  // The peer asserts `value` (from a sync record), refreshed in generation `gen`.
  Delta assertPeer(const Key& key, const Value& value, std::uint32_t gen, TimePoint now) {
    Entry& e = slot(key);
    Delta d{key, e.assertions(), {}};
    if (gen != gen_) {
      gen_ = gen;
      gen_count_ = 0;
    }
    if (!(e.has_peer && e.peer_gen == gen)) ++gen_count_;
    e.peer_gen = gen;
    e.peer_seen = now;
    if (!(e.has_peer && e.peer == value)) {
      if (!e.has_peer) ++peer_count_;
      e.peer = value;
      e.has_peer = true;
    }
    d.after = e.assertions();
    return d;
  }

  Delta retractPeer(const Key& key) {
    auto it = map_.find(key);
    if (it == map_.end() || !it->second.has_peer) return Delta{key, {}, {}};
    if (it->second.peer_gen == gen_) --gen_count_;
    Delta d{key, it->second.assertions(), {}};
    it->second.has_peer = false;
    --peer_count_;
    d.after = it->second.assertions();
    if (!it->second.has_local) erase(it);
    return d;
  }

  // Retracts every local assertion for which pred(key, entry) holds; sink(delta) for each.
  template <class Pred, class Sink>
  void retractLocalIf(Pred pred, Sink&& sink) {
    retractIf(&Entry::has_local, &Entry::has_peer, local_count_, pred, sink);
  }

  // Retracts every peer assertion for which pred(key, entry) holds; sink(delta) for each.
  template <class Pred, class Sink>
  void retractPeerIf(Pred pred, Sink&& sink) {
    retractIf(&Entry::has_peer, &Entry::has_local, peer_count_, pred, sink);
  }

  // Restarts the age of every peer assertion (the peer can no longer refresh them).
  void touchPeer(TimePoint now) {
    for (auto& [key, e] : map_)
      if (e.has_peer) e.peer_seen = now;
  }

  // Mark and sweep: retracts peer assertions not refreshed in generation `gen`. Free when every peer
  // assertion was (a first snapshot, or one that refreshed everything): the table counts them.
  template <class Sink>
  void sweepPeer(std::uint32_t gen, Sink&& sink) {
    if (peer_count_ == 0 || (gen == gen_ && gen_count_ == peer_count_)) return;
    retractPeerIf([gen](const Key&, const Entry& e) { return e.peer_gen != gen; }, sink);
  }

  // Visits up to `max` entries from where `cursor` stands: f(key, entry). Returns true when the table's
  // end is reached. An entry that exists through the whole read is visited exactly once (after a
  // restart, once since the restart); one added or removed meanwhile may or may not be.
  template <class F>
  bool scan(ScanCursor& cursor, std::size_t max, F&& f) {
    if (cursor.done_) return true;
    if (!cursor.started_ || cursor.invalid_) {
      if (cursor.invalid_) ++cursor.restarts_;
      cursor.it_ = map_.begin();
      cursor.started_ = true;
      cursor.invalid_ = false;
    }
    for (std::size_t n = 0; n < max && cursor.it_ != map_.end(); ++n, ++cursor.it_)
      f(cursor.it_->first, static_cast<const Entry&>(cursor.it_->second));
    if (cursor.it_ == map_.end()) cursor.done_ = true;
    return cursor.done_;
  }

  const Entry* find(const Key& key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }
  const Map& entries() const { return map_; }
  // Room for `n` entries in all, so a bulk snapshot inserts without rehashing.
  void reserve(std::size_t n) {
    const auto cap = map_.capacity();
    map_.reserve(n);
    if (map_.capacity() != cap) invalidateCursors();
  }
  std::size_t size() const { return map_.size(); }
  std::size_t localCount() const { return local_count_; }
  std::size_t peerCount() const { return peer_count_; }

 private:
  Entry& slot(const Key& key) {
    const auto cap = map_.capacity();
    auto [it, inserted] = map_.try_emplace(key);
    if (inserted && map_.capacity() != cap) invalidateCursors();
    return it->second;
  }
  // One side's assertions (`mine`, counted in `count`) retracted where pred holds; an entry the other
  // side does not assert either goes.
  template <class Pred, class Sink>
  void retractIf(bool Entry::*mine, bool Entry::*other, std::size_t& count, Pred& pred, Sink& sink) {
    for (auto it = map_.begin(); it != map_.end();) {
      Entry& e = it->second;
      if (!(e.*mine) || !pred(it->first, static_cast<const Entry&>(e))) {
        ++it;
        continue;
      }
      Delta d{it->first, e.assertions(), {}};
      if (mine == &Entry::has_peer && e.peer_gen == gen_) --gen_count_;
      e.*mine = false;
      --count;
      d.after = e.assertions();
      auto victim = it++;
      if (!(e.*other)) erase(victim);
      sink(d);
    }
  }
  void erase(typename Map::iterator it) {
    for (auto* c : cursors_)
      if (c->started_ && !c->done_ && !c->invalid_ && c->it_ == it) ++c->it_;
    map_.erase(it);  // erasing never moves the other entries
  }
  void invalidateCursors() {
    for (auto* c : cursors_)
      if (!c->done_) c->invalid_ = true;
  }

  Map map_;
  std::size_t local_count_ = 0;
  std::size_t peer_count_ = 0;
  std::uint32_t gen_ = 0;       // the latest generation of peer assertions
  std::size_t gen_count_ = 0;   // peer assertions refreshed in it
  std::vector<ScanCursor*> cursors_;  // usually none; one per long read in progress
};

using MacTable = DualTable<MacTraits>;  // key: vlan << 48 | mac
using ArpTable = DualTable<ArpTraits>;  // key: IPv4 (default VRF)

}  // namespace vpc
