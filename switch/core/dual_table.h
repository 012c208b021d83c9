// A table in which each key may be asserted twice: by this switch (it learned the entry) and by the peer
// (it synced the entry to us). An entry lives while either side asserts it; each side's assertion comes
// and goes on its own (SONiC's local/peer age flags are the model). Used for the MAC table (key vlan+mac)
// and the ARP table (key IPv4).
//
// Every mutation says what it changed, so the caller knows whether the peer must hear of it; applying
// the same assertion twice changes nothing. Peer assertions carry the receiver's sync generation, so a
// bulk snapshot can sweep what it did not refresh (mark and sweep). Hash map: order is not rendered here;
// views sort at the edge. Pure: time comes in as arguments.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "peerlink/core/time.h"

namespace vpc {

enum class Change { None, Added, Updated, Removed };

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
  using Map = std::unordered_map<Key, Entry>;

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
          it = map_.erase(it);
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
          it = map_.erase(it);
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
