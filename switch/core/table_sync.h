// The MAC and ARP tables and their sync over the peer-link, as one part of the switch core: it owns
// the tables, the sender and the receiver, and keeps the logical-view digests current.
//
//   - Every table mutation returns a delta; absorb() is where each delta goes: the digest moves by
//     it, and a change to this switch's own assertion is noted for the peer. Nothing calls the sender
//     by hand.
//   - Local learning (the node validates the command against the ports' state first), clearing,
//     static MACs from the configuration.
//   - What the peer streams (SyncBegin/End, batches of each kind, acks, resync requests): checked by
//     the receiver, applied whole, acknowledged.
//   - Flushing what leads nowhere after a port or the peer-link went down, and ageing.
// Generic over the synced kinds (records.h) where the work is the same for all of them; the MAC- and
// ARP-specific rules (which port a MAC sits on, which SVI an ARP entry needs) are the few functions
// named so. It knows the ports only through the PortMap the node hands it. Pure: time comes in as
// arguments, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "peerlink/core/effects.h"
#include "peerlink/core/messages.h"
#include "peerlink/core/sync_receiver.h"
#include "peerlink/core/sync_sender.h"
#include "switch/core/config.h"
#include "switch/core/dual_table.h"
#include "switch/core/port_map.h"

namespace vpc {

struct LearnResult {
  std::uint64_t changed = 0;
  std::uint64_t unchanged = 0;
};

// A digest of a logical view (DESIGN.md §5): every assertion mapped to a location both switches name
// the same way (a vPC by its id; any other port by the owning switch's local MAC and the port), summed.
// Equal on both switches once converged.
struct Digest {
  std::uint64_t sum = 0;
  std::uint64_t count = 0;
  bool operator==(const Digest&) const = default;
};

struct TableTotals {
  std::uint64_t local_macs = 0, peer_macs = 0, local_arps = 0, peer_arps = 0;
  Digest macs, arps;
  bool arp_sync = false;
  SyncTxStatus tx;
  SyncRxStatus rx;
};

class TableSync {
 public:
  explicit TableSync(SyncLimits limits = {}, PageHint hint = nullptr);

  void start(TimePoint now) { next_age_ = now + Seconds(1); }
  void setPorts(PortMap ports);
  const PortMap& ports() const { return ports_; }

  // --- Local assertions (the node has checked the command against the configuration and the ports).
  LearnResult learnMacs(std::uint16_t vlan, std::uint64_t first_mac, std::uint32_t count, InterfaceId port,
                        bool is_static, TimePoint now);
  LearnResult learnArps(std::uint32_t first_ip, std::uint32_t count, std::uint64_t first_mac, std::uint16_t vlan,
                        TimePoint now);
  std::uint64_t clearMacDynamic();
  std::uint64_t clearArp();
  // `mac address-table static`: configuration, asserted whatever the port's state, never flushed.
  void applyStaticMacs(const SwitchConfig::StaticMacs& before, const SwitchConfig::StaticMacs& after, TimePoint now);

  // --- The peer-link session. `arp_sync`: both switches have `ip arp synchronize`.
  void sessionUp(bool arp_sync, TimePoint now);
  void sessionDown(TimePoint now);
  // A sync message from the peer; replies to send go to `send`, events to `out`.
  void onMessage(const peer::Message& msg, TimePoint now, std::vector<peer::Message>& send, Effects& out);
  void onMalformed(const std::string& error, TimePoint now, std::vector<peer::Message>& send, Effects& out);
  // What the window allows to send now.
  void produce(TimePoint now, std::vector<peer::Message>& send);
  bool bulkDone() const { return sender_.bulkAcked() && receiver_.bulkDone(); }
  bool idle() const { return sender_.idle(); }

  // --- Port state changed: drops what leads nowhere (local entries on ports that stopped forwarding,
  // everything on the peer-link while it is down, ARP entries of SVIs that are down).
  void flush(bool adjacent, const Causes& link_down, TimePoint now, Effects& out);
  // Ageing: local entries older than their timeout; peer entries too while the peer cannot refresh them.
  void tick(TimePoint now, std::uint32_t mac_aging_s, bool adjacent);
  std::optional<TimePoint> nextDeadline() const { return next_age_; }

  // --- Views.
  const MacTable& macs() const { return macs_; }
  const ArpTable& arps() const { return arps_; }
  MacTable& macs() { return macs_; }  // for slice-wise reads (ScanCursor)
  ArpTable& arps() { return arps_; }
  std::pair<InterfaceId, char> installedPort(std::uint64_t key, const MacTable::Entry& e) const {
    return ports_.installedMac(key, e.has_local, e.local, e.peer);
  }
  TableTotals totals() const;

  // The sender's source: every local record of kind T, and the record for one key.
  template <class T>
  void records(std::vector<typename T::Record>& out) const;
  template <class T>
  typename T::Record current(typename T::Key key) const;

 private:
  template <class T>
  DualTable<T>& table();
  template <class T>
  const DualTable<T>& table() const;
  template <class T>
  void absorb(const TableDelta<T>& d);
  template <class T>
  Digest contribution(typename T::Key key, const Assertions<typename T::Value>& a);
  std::uint64_t macLocation(bool local, const MacValue& v);
  template <class T>
  void applyBatch(const peer::Batch<T>& b, TimePoint now, std::vector<peer::Message>& send, Effects& out);
  void requestResync(const Cause& why, TimePoint now, std::vector<peer::Message>& send, Effects& out);
  void recomputeDigests();

  PortMap ports_;
  MacTable macs_;
  ArpTable arps_;
  PageHint hint_ = nullptr;  // also offered the snapshot's copy (megabytes, written once, in one pass)
  SyncSender sender_;
  SyncReceiver receiver_;
  std::array<bool, kSyncTypes> enabled_{};  // kinds this session syncs
  std::uint32_t rx_gen_ = 0;                // sync generation of peer assertions (mark and sweep)
  std::array<Digest, kSyncTypes> digests_{};
  // Logical locations of MAC ports already computed, for local [1] and peer [0] assertions: a table
  // holds a million MACs on a few dozen ports, and mixing a location costs more than the table insert.
  struct LocationMemo {
    bool valid = false;
    MacValue port;
    std::uint64_t location = 0;
  };
  static constexpr std::size_t kLocationSlots = 16;
  std::array<std::array<LocationMemo, kLocationSlots>, 2> locations_{};
  std::optional<TimePoint> next_age_;
};

}  // namespace vpc
