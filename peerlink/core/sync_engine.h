// MAC/ARP sync over the peer-link, one direction per object: the SyncSender streams this switch's own
// assertions to the peer, the SyncReceiver checks what the peer streams to us.
//
// Sender (level-triggered, like swss's to-sync map, but pure):
//   - start(): a bulk snapshot: SyncBegin{epoch, next_seq}, every local assertion in batches,
//     SyncEnd{epoch}. The records are copied when the bulk starts (one pass over the table, no lookup
//     per record); a key that changes after that is noted as changed and goes again after SyncEnd
//     with its latest state, so the peer ends with what the table holds.
//   - noteMac()/noteArp(): a key changed locally. Keys are coalesced (a key changed 100 times before
//     it is sent goes once, with its latest state) and sent in order of first change, after SyncEnd.
//   - Window: at most `max_inflight_batches` batches sent and not yet acknowledged during a bulk,
//     `max_inflight_incremental` after it; acks are cumulative. A ResyncRequest from the receiver restarts the bulk with a new epoch.
//   - The transport is a reliable ordered stream, so nothing is retransmitted within a session: a
//     broken stream ends the session, and the next session starts with a bulk snapshot.
// Receiver:
//   - batches must arrive with consecutive sequence numbers after a SyncBegin (which names the first);
//     a gap or a batch outside a sync is counted, answered with a ResyncRequest, and every batch up to
//     the next SyncBegin is dropped whole (never half-applied).
//   - at SyncEnd the node sweeps every peer assertion the snapshot did not refresh (mark and sweep).
// Neither reads a clock nor touches a table: the node supplies a SyncSource and applies records.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "peerlink/core/messages.h"
#include "peerlink/core/time.h"

namespace vpc {

// The local table as the sender reads it.
class SyncSource {
 public:
  virtual ~SyncSource() = default;
  // Every assertion of this switch, as records (appended to `out`).
  virtual void localMacs(std::vector<peer::MacRecord>& out) const = 0;
  // The record for a key this switch asserts; nullopt when it asserts nothing (then a delete is sent).
  virtual std::optional<peer::MacRecord> localMac(std::uint64_t key) const = 0;
  virtual void localArps(std::vector<peer::ArpRecord>& out) const = 0;
  virtual std::optional<peer::ArpRecord> localArp(std::uint32_t ip) const = 0;
};

struct SyncLimits {
  std::size_t batch_records = 4096;
  std::size_t max_inflight_batches = 64;  // during a bulk snapshot
  // After it: changes go out at once while few batches are unacknowledged; when the peer lags, they
  // gather into bigger batches (ack-clocked, like Nagle without a timer): one learn travels alone,
  // 100,000 a second ride a few hundred per batch instead of one message each.
  std::size_t max_inflight_incremental = 4;
};

struct SyncTxStatus {
  std::uint64_t batches = 0;
  std::uint64_t records = 0;
  std::uint64_t acked_records = 0;
  std::uint64_t pending_records = 0;  // sent, not acknowledged
  std::uint64_t queued_records = 0;   // waiting to be sent (bulk remainder + changed keys)
  std::uint64_t last_seq = 0;
  std::uint64_t acked_seq = 0;
  std::uint64_t bulk_syncs = 0;
  std::uint64_t resyncs = 0;
  std::string last_resync_reason;
  std::optional<TimePoint> last_resync_at;
  std::uint64_t bulk_records = 0;
  std::optional<Duration> last_bulk_duration;  // SyncBegin sent -> every bulk batch acknowledged
  bool bulk_in_progress = false;
};

// Keys changed since they were last sent, each once, in order of first change. Two flat arrays (no
// allocation per key); a burst's memory goes back when it has drained (a million learns must not
// leave their bookkeeping behind in the switch's resident size).
template <class K>
class DirtyKeys {
 public:
  void note(K key) {
    if (set_.insert(key).second) order_.push_back(key);
  }
  bool empty() const { return pos_ == order_.size(); }
  std::size_t size() const { return order_.size() - pos_; }
  K pop() {
    const K key = order_[pos_++];
    set_.erase(key);
    if (empty()) release();
    return key;
  }
  void clear() {
    set_.clear();
    release();
  }

 private:
  void release() {
    order_.clear();
    pos_ = 0;
    if (order_.capacity() > 65536) {
      order_.shrink_to_fit();
      set_ = {};
    }
  }
  std::vector<K> order_;
  std::size_t pos_ = 0;
  absl::flat_hash_set<K> set_;
};

class SyncSender {
 public:
  explicit SyncSender(SyncLimits limits = {}) : limits_(limits) {}

  // A session came up: everything known is sent as a bulk snapshot.
  void start(bool arp_enabled, const SyncSource& source, TimePoint now);
  // The receiver asked for a fresh snapshot.
  void resync(const std::string& reason, const SyncSource& source, TimePoint now);
  // The session went down: nothing more is sent until start().
  void stop();

  void noteMac(std::uint64_t key);
  void noteArp(std::uint32_t ip);
  void onAck(std::uint64_t seq, TimePoint now);
  // Appends every message the window allows now.
  void produce(const SyncSource& source, TimePoint now, std::vector<peer::Message>& out);

  bool active() const { return active_; }
  bool arpEnabled() const { return arp_enabled_; }
  // The bulk snapshot was sent completely and acknowledged.
  bool bulkAcked() const { return active_ && phase_ == Phase::Incremental && acked_seq_ >= bulk_last_seq_; }
  bool idle() const;  // nothing queued, nothing in flight
  SyncTxStatus status() const;

 private:
  enum class Phase { Begin, BulkMac, BulkArp, End, Incremental };
  void beginBulk(const SyncSource& source, TimePoint now);
  bool windowOpen() const {
    return seq_ - acked_seq_ <
           (phase_ == Phase::Incremental ? limits_.max_inflight_incremental : limits_.max_inflight_batches);
  }
  void sent(std::size_t records);

  SyncLimits limits_;
  bool active_ = false;
  bool arp_enabled_ = false;
  Phase phase_ = Phase::Begin;
  std::uint32_t epoch_ = 0;
  std::uint64_t seq_ = 0;
  std::uint64_t acked_seq_ = 0;
  std::uint64_t bulk_last_seq_ = 0;
  std::vector<peer::MacRecord> bulk_macs_;
  std::vector<peer::ArpRecord> bulk_arps_;
  std::size_t bulk_pos_ = 0;
  DirtyKeys<std::uint64_t> dirty_macs_;
  DirtyKeys<std::uint32_t> dirty_arps_;
  std::deque<std::pair<std::uint64_t, std::uint32_t>> inflight_;  // (seq, records)
  std::optional<TimePoint> bulk_started_;
  SyncTxStatus st_;
};

struct SyncRxStatus {
  std::uint64_t batches = 0;
  std::uint64_t records = 0;
  std::uint64_t last_seq = 0;
  std::uint64_t bulk_syncs = 0;
  std::uint64_t resyncs_requested = 0;
  std::uint64_t gaps = 0;
  std::uint64_t dropped_batches = 0;
  std::uint64_t malformed = 0;
  std::string last_resync_reason;
  std::optional<TimePoint> last_resync_at;
  bool bulk_in_progress = false;
  bool bulk_done = false;
  std::uint64_t bulk_records = 0;
  std::optional<Duration> last_bulk_duration;  // SyncBegin -> SyncEnd received
};

class SyncReceiver {
 public:
  enum class Verdict { Apply, Drop, Resync };

  void start();  // a session came up: wait for the peer's SyncBegin
  void stop();
  Verdict onBegin(const peer::SyncBegin& begin, TimePoint now);
  // For a MacBatch/ArpBatch. Apply: apply every record, then ack `seq`.
  Verdict onBatch(std::uint64_t seq, std::size_t records, TimePoint now);
  // True when the node should sweep the peer assertions the bulk did not refresh.
  bool onEnd(const peer::SyncEnd& end, TimePoint now);
  // The node could not use a message (undecodable, invalid): count it and ask for a resync.
  Verdict onMalformed(const std::string& what, TimePoint now);
  // Records the resync request the node is about to send.
  void noteResync(const std::string& reason, TimePoint now);

  bool bulkDone() const { return st_.bulk_done; }
  std::uint32_t epoch() const { return epoch_; }
  const SyncRxStatus& status() const { return st_; }

 private:
  bool in_sync_ = false;       // a SyncBegin was seen and no gap since
  bool awaiting_begin_ = true;
  std::uint32_t epoch_ = 0;
  std::uint64_t expected_seq_ = 0;
  std::optional<TimePoint> bulk_started_;
  SyncRxStatus st_;
};

}  // namespace vpc
