// A table in which each key may be asserted twice: by this switch (it learned the entry) and by the peer
// (it synced the entry to us). An entry lives while either side asserts it; each side's assertion comes
// and goes on its own (SONiC's local/peer age flags are the model). Used for the MAC table (key vlan+mac)
// and the ARP table (key IPv4).
//
// Every mutation says what it changed, so the caller knows whether the peer must hear of it; applying
// the same assertion twice changes nothing. Peer assertions carry the receiver's sync generation, so a
// bulk snapshot can sweep what it did not refresh (mark and sweep). Pure: time comes in as arguments.
//
// Storage: Abseil's flat (open-addressing) hash map, which gRPC already brings: entries sit in one array
// (no allocation per entry, ~49 bytes per MAC entry instead of ~80 in std::unordered_map), and a bulk
// snapshot reserves its room once. The hash is a fixed mixer, not absl::Hash (seeded per process), so a
// run with the same inputs iterates in the same order. Order is never rendered from here: views sort.
#pragma once

#include <sys/mman.h>

#include <cstdint>
#include <functional>
#include <new>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "peerlink/core/time.h"

namespace vpc {

enum class Change { None, Added, Updated, Removed };

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

// The tables' allocator. A big table's array (a million entries is ~50 MB) is asked to be backed by
// transparent huge pages: touching fresh 4 KiB pages one by one dominated a bulk snapshot's insert
// time (measured: 1.1 M records applied in ~400 ms with small pages, ~240 ms with huge ones). A hint
// only - without THP the kernel ignores it; small tables use the ordinary heap.
template <class T>
struct TableAllocator {
  using value_type = T;
  static constexpr std::size_t kHuge = std::size_t{2} << 20;
  TableAllocator() = default;
  template <class U>
  TableAllocator(const TableAllocator<U>&) {}
  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < 2 * kHuge) return static_cast<T*>(::operator new(bytes, std::align_val_t{alignof(T)}));
    void* p = ::operator new(bytes, std::align_val_t{kHuge});
    (void)::madvise(p, bytes / kHuge * kHuge, MADV_HUGEPAGE);
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    ::operator delete(p, std::align_val_t{bytes < 2 * kHuge ? alignof(T) : kHuge});
  }
  template <class U>
  bool operator==(const TableAllocator<U>&) const { return true; }
};

template <class Key, class Value>
class DualTable {
 public:
  struct Entry {
    Value local{};
    Value peer{};
    TimePoint local_seen{};
    TimePoint peer_seen{};
    std::uint32_t peer_gen = 0;
    bool has_local = false;
    bool has_peer = false;
  };
  using Map = absl::flat_hash_map<Key, Entry, KeyMix, std::equal_to<Key>, TableAllocator<std::pair<const Key, Entry>>>;

  // This switch asserts `value` for `key` (a learn). Refreshes the time even when nothing changed.
  Change assertLocal(const Key& key, const Value& value, TimePoint now) {
    auto [it, inserted] = map_.try_emplace(key);
    Entry& e = it->second;
    e.local_seen = now;
    if (e.has_local && e.local == value) return Change::None;
    const bool had = e.has_local;
    e.local = value;
    e.has_local = true;
    if (!had) ++local_count_;
    return inserted ? Change::Added : Change::Updated;
  }

  Change retractLocal(const Key& key) {
    auto it = map_.find(key);
    if (it == map_.end() || !it->second.has_local) return Change::None;
    it->second.has_local = false;
    --local_count_;
    if (!it->second.has_peer) {
      map_.erase(it);
      return Change::Removed;
    }
    return Change::Updated;
  }

  // The peer asserts `value` (from a sync record), refreshed in generation `gen`.
  Change assertPeer(const Key& key, const Value& value, std::uint32_t gen, TimePoint now) {
    auto [it, inserted] = map_.try_emplace(key);
    Entry& e = it->second;
    e.peer_gen = gen;
    e.peer_seen = now;
    if (e.has_peer && e.peer == value) return Change::None;
    const bool had = e.has_peer;
    e.peer = value;
    e.has_peer = true;
    if (!had) ++peer_count_;
    return inserted ? Change::Added : Change::Updated;
  }

  Change retractPeer(const Key& key) {
    auto it = map_.find(key);
    if (it == map_.end() || !it->second.has_peer) return Change::None;
    it->second.has_peer = false;
    --peer_count_;
    if (!it->second.has_local) {
      map_.erase(it);
      return Change::Removed;
    }
    return Change::Updated;
  }

  // Retracts every peer assertion for which pred(key, entry) holds; returns how many.
  template <class Pred>
  std::size_t retractPeerIf(Pred pred) {
    std::size_t n = 0;
    for (auto it = map_.begin(); it != map_.end();) {
      Entry& e = it->second;
      if (e.has_peer && pred(it->first, e)) {
        e.has_peer = false;
        --peer_count_;
        ++n;
        if (!e.has_local) {
          map_.erase(it++);  // erasing never moves the other entries
          continue;
        }
      }
      ++it;
    }
    return n;
  }

  // Retracts every local assertion for which pred(key, entry) holds; appends the keys to `retracted`
  // (the peer must be told).
  template <class Pred>
  void retractLocalIf(Pred pred, std::vector<Key>& retracted) {
    for (auto it = map_.begin(); it != map_.end();) {
      Entry& e = it->second;
      if (e.has_local && pred(it->first, e)) {
        retracted.push_back(it->first);
        e.has_local = false;
        --local_count_;
        if (!e.has_peer) {
          map_.erase(it++);
          continue;
        }
      }
      ++it;
    }
  }

  // Restarts the age of every peer assertion (the peer can no longer refresh them).
  void touchPeer(TimePoint now) {
    for (auto& [key, e] : map_)
      if (e.has_peer) e.peer_seen = now;
  }

  // Mark and sweep: retracts peer assertions not refreshed in generation `gen`.
  std::size_t sweepPeer(std::uint32_t gen) {
    return retractPeerIf([gen](const Key&, const Entry& e) { return e.peer_gen != gen; });
  }

  const Entry* find(const Key& key) const {
    auto it = map_.find(key);
    return it == map_.end() ? nullptr : &it->second;
  }
  const Map& entries() const { return map_; }
  // Room for `n` entries in all, so a bulk snapshot inserts without rehashing.
  void reserve(std::size_t n) { map_.reserve(n); }
  std::size_t size() const { return map_.size(); }
  std::size_t localCount() const { return local_count_; }
  std::size_t peerCount() const { return peer_count_; }

 private:
  Map map_;
  std::size_t local_count_ = 0;
  std::size_t peer_count_ = 0;
};

// MAC table value: where the asserting switch has the MAC. For local assertions a local interface; for
// peer assertions the peer's port code (IfKind::Vpc for its vPC port-channels).
struct MacValue {
  std::uint32_t port = 0;  // InterfaceId code
  bool is_static = false;
  bool operator==(const MacValue&) const = default;
};
using MacTable = DualTable<std::uint64_t, MacValue>;  // key: vlan << 48 | mac

struct ArpValue {
  std::uint64_t mac = 0;
  std::uint16_t vlan = 0;
  bool operator==(const ArpValue&) const = default;
};
using ArpTable = DualTable<std::uint32_t, ArpValue>;  // key: IPv4 (default VRF)

}  // namespace vpc
