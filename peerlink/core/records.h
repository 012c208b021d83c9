// The kinds of state the two switches sync to each other, one traits type each. A traits type says
// what its key and value are, what one record on the wire carries, and how to turn one into the
// other; the table (switch/core/dual_table.h), the sync engine (sync_sender.h, sync_receiver.h), the
// peer-link messages (Batch<T>), the codec (peerlink/transport/codec.h) and the management views are
// written once over it. A new kind of synced state (LACP partner state, IGMP groups) is a new traits
// type added to SyncTypes, not a third copy of the MAC path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>

namespace vpc {

constexpr std::uint8_t kRecordDelete = 1u << 0;
constexpr std::uint8_t kRecordStatic = 1u << 1;

// MAC table value: where the asserting switch has the MAC. For local assertions a local interface; for
// peer assertions the peer's port code (IfKind::Vpc for its vPC port-channels).
struct MacValue {
  std::uint32_t port = 0;  // InterfaceId code
  bool is_static = false;
  bool operator==(const MacValue&) const = default;
};

struct ArpValue {
  std::uint64_t mac = 0;
  std::uint16_t vlan = 0;
  bool operator==(const ArpValue&) const = default;
};

namespace peer {
// key = vlan << 48 | mac; port = sender's InterfaceId code (IfKind::Vpc for vPC port-channels).
struct MacRecord {
  std::uint64_t key = 0;
  std::uint32_t port = 0;
  std::uint8_t flags = 0;
  bool operator==(const MacRecord&) const = default;
};
struct ArpRecord {
  std::uint32_t ip = 0;
  std::uint64_t mac = 0;
  std::uint16_t vlan = 0;
  std::uint8_t flags = 0;
  bool operator==(const ArpRecord&) const = default;
};
}  // namespace peer

struct MacTraits {
  static constexpr std::size_t kIndex = 0;  // position in SyncTypes (and in SyncBegin's counts)
  static constexpr std::string_view kName = "MAC";
  static constexpr std::string_view kBatchName = "MacBatch";
  using Key = std::uint64_t;  // vlan << 48 | mac
  using Value = MacValue;
  using Record = peer::MacRecord;

  static Key key(const Record& r) { return r.key; }
  static bool isDelete(const Record& r) { return (r.flags & kRecordDelete) != 0; }
  static Value value(const Record& r) { return {r.port, (r.flags & kRecordStatic) != 0}; }
  // `value.port` must already be the wire port (what the peer can resolve).
  static Record record(Key k, const Value& v) {
    return {k, v.port, static_cast<std::uint8_t>(v.is_static ? kRecordStatic : 0)};
  }
  static Record deletion(Key k) { return {k, 0, kRecordDelete}; }
};

struct ArpTraits {
  static constexpr std::size_t kIndex = 1;
  static constexpr std::string_view kName = "ARP";
  static constexpr std::string_view kBatchName = "ArpBatch";
  using Key = std::uint32_t;  // IPv4, default VRF
  using Value = ArpValue;
  using Record = peer::ArpRecord;

  static Key key(const Record& r) { return r.ip; }
  static bool isDelete(const Record& r) { return (r.flags & kRecordDelete) != 0; }
  static Value value(const Record& r) { return {r.mac, r.vlan}; }
  static Record record(Key k, const Value& v) { return {k, v.mac, v.vlan, 0}; }
  static Record deletion(Key k) { return {k, 0, 0, kRecordDelete}; }
};

// Every synced kind, in SyncBegin order (each traits type's kIndex is its position here).
using SyncTypes = std::tuple<MacTraits, ArpTraits>;
constexpr std::size_t kSyncTypes = std::tuple_size_v<SyncTypes>;

// Calls f(T{}) for each synced kind, in order.
template <class F>
void forEachSyncType(F&& f) {
  std::apply([&](auto... t) { (f(t), ...); }, SyncTypes{});
}

constexpr std::uint64_t macKey(std::uint16_t vlan, std::uint64_t mac) {
  return (static_cast<std::uint64_t>(vlan) << 48) | (mac & 0xffffffffffffULL);
}
constexpr std::uint16_t keyVlan(std::uint64_t key) { return static_cast<std::uint16_t>(key >> 48); }
constexpr std::uint64_t keyMac(std::uint64_t key) { return key & 0xffffffffffffULL; }

}  // namespace vpc
