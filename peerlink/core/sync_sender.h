// The sending half of table sync over the peer-link: streams this switch's own assertions of every
// synced kind (records.h) to the peer. Level-triggered, like swss's to-sync map, but pure:
//   - start(): a bulk snapshot: SyncBegin{epoch, next_seq, counts}, every local record of each kind in
//     batches, SyncEnd{epoch}. The records are copied when the bulk starts (one pass over the table,
//     no lookup per record); a key that changes after that is noted and goes again after SyncEnd with
//     its latest state, so the peer ends with what the table holds.
//   - note<T>(key): a key changed locally (the table sync feeds it the table's deltas). Keys are
//     coalesced (a key changed 100 times before it is sent goes once, with its latest state) and sent in
//     order of first change, after SyncEnd.
//   - Window: at most `max_inflight_batches` batches sent and not yet acknowledged during a bulk,
//     `max_inflight_incremental` after it; acks are cumulative. A ResyncRequest restarts the bulk with a
//     new epoch.
//   - The transport is a reliable ordered stream, so nothing is retransmitted within a session: a
//     broken stream ends the session, and the next session starts with a bulk snapshot.
// It reads the table through a Source (duck-typed: `records<T>(std::vector<Record>&)` appends every
// local record of kind T, `current<T>(key)` returns the record for a key, a deletion when the switch no
// longer asserts it). Never reads a clock, never touches a table.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "peerlink/core/messages.h"
#include "peerlink/core/records.h"
#include "peerlink/core/time.h"

namespace vpc {

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

  // A session came up: everything known is sent as a bulk snapshot. `enabled[T::kIndex]` says which
  // kinds this session syncs (ARP only with `ip arp synchronize` on both switches).
  template <class Source>
  void start(std::array<bool, kSyncTypes> enabled, const Source& source, TimePoint now) {
    active_ = true;
    enabled_ = enabled;
    inflight_.clear();
    acked_seq_ = seq_;  // a new session: nothing of an old one is in flight any more
    beginBulk(source, now);
  }
  // The receiver asked for a fresh snapshot.
  template <class Source>
  void resync(const std::string& reason, const Source& source, TimePoint now) {
    if (!active_) return;
    ++st_.resyncs;
    st_.last_resync_reason = reason;
    st_.last_resync_at = now;
    // Whatever is in flight may have been dropped by the receiver; the new snapshot covers it.
    inflight_.clear();
    acked_seq_ = seq_;
    beginBulk(source, now);
  }
  // The session went down: nothing more is sent until start().
  void stop();

  template <class T>
  void note(typename T::Key key) {
    if (active_ && enabled_[T::kIndex]) std::get<Channel<T>>(channels_).dirty.note(key);
  }
  void onAck(std::uint64_t seq, TimePoint now);
  // Appends every message the window allows now.
  template <class Source>
  void produce(const Source& source, TimePoint now, std::vector<peer::Message>& out);

  bool active() const { return active_; }
  bool enabled(std::size_t index) const { return enabled_[index]; }
  // The bulk snapshot was sent completely and acknowledged.
  bool bulkAcked() const { return active_ && phase_ == Phase::Incremental && acked_seq_ >= bulk_last_seq_; }
  bool idle() const;  // nothing queued, nothing in flight
  SyncTxStatus status() const;

 private:
  enum class Phase { Begin, Bulk, End, Incremental };
  template <class T>
  struct Channel {
    std::vector<typename T::Record> bulk;
    DirtyKeys<typename T::Key> dirty;
  };
  template <class... Ts>
  using ChannelsOf = std::tuple<Channel<Ts>...>;
  template <class Tuple>
  struct Channels;
  template <class... Ts>
  struct Channels<std::tuple<Ts...>> {
    using type = ChannelsOf<Ts...>;
  };

  template <class Source>
  void beginBulk(const Source& source, TimePoint now);
  // One bulk batch of the current kind.
  template <class T>
  void bulkBatch(std::vector<peer::Message>& out);
  std::size_t bulkLeft(std::size_t kind) const;  // records of `kind` not yet sent in this bulk
  template <class T, class Source>
  bool incrementalBatch(const Source& source, std::vector<peer::Message>& out);
  bool windowOpen() const {
    return seq_ - acked_seq_ <
           (phase_ == Phase::Incremental ? limits_.max_inflight_incremental : limits_.max_inflight_batches);
  }
  void sent(std::size_t records);
  void finishBulk(TimePoint now);

  SyncLimits limits_;
  bool active_ = false;
  std::array<bool, kSyncTypes> enabled_{};
  Phase phase_ = Phase::Begin;
  std::size_t bulk_kind_ = 0;  // which kind the bulk is sending
  std::size_t bulk_pos_ = 0;
  std::uint32_t epoch_ = 0;
  std::uint64_t seq_ = 0;
  std::uint64_t acked_seq_ = 0;
  std::uint64_t bulk_last_seq_ = 0;
  typename Channels<SyncTypes>::type channels_;
  std::deque<std::pair<std::uint64_t, std::uint32_t>> inflight_;  // (seq, records)
  std::optional<TimePoint> bulk_started_;
  SyncTxStatus st_;
};

// ---------------------------------------------------------------------------------------------------
// Templates

template <class Source>
void SyncSender::beginBulk(const Source& source, TimePoint now) {
  ++epoch_;
  ++st_.bulk_syncs;
  phase_ = Phase::Begin;
  bulk_kind_ = 0;
  bulk_pos_ = 0;
  st_.bulk_records = 0;
  forEachSyncType([&](auto t) {
    using T = decltype(t);
    auto& ch = std::get<Channel<T>>(channels_);
    ch.bulk.clear();
    if (enabled_[T::kIndex]) source.template records<T>(ch.bulk);
    ch.dirty.clear();  // the snapshot covers every key changed so far
    st_.bulk_records += ch.bulk.size();
  });
  bulk_started_ = now;
}

template <class T>
void SyncSender::bulkBatch(std::vector<peer::Message>& out) {
  auto& ch = std::get<Channel<T>>(channels_);
  peer::Batch<T> batch;
  batch.seq = ++seq_;
  const std::size_t n = std::min(limits_.batch_records, ch.bulk.size() - bulk_pos_);
  const auto first = ch.bulk.begin() + static_cast<std::ptrdiff_t>(bulk_pos_);
  batch.records.assign(first, first + static_cast<std::ptrdiff_t>(n));
  bulk_pos_ += n;
  sent(n);
  out.push_back(std::move(batch));
}

template <class T, class Source>
bool SyncSender::incrementalBatch(const Source& source, std::vector<peer::Message>& out) {
  auto& ch = std::get<Channel<T>>(channels_);
  if (ch.dirty.empty()) return false;
  peer::Batch<T> batch;
  batch.seq = ++seq_;
  const std::size_t n = std::min(limits_.batch_records, ch.dirty.size());
  batch.records.reserve(n);
  for (std::size_t i = 0; i < n; ++i) batch.records.push_back(source.template current<T>(ch.dirty.pop()));
  sent(n);
  out.push_back(std::move(batch));
  return true;
}

template <class Source>
void SyncSender::produce(const Source& source, TimePoint now, std::vector<peer::Message>& out) {
  if (!active_) return;
  for (;;) {
    switch (phase_) {
      case Phase::Begin: {
        peer::SyncBegin b{epoch_, seq_ + 1, {}};
        forEachSyncType([&](auto t) {
          using T = decltype(t);
          b.counts[T::kIndex] = std::get<Channel<T>>(channels_).bulk.size();
        });
        out.push_back(b);
        phase_ = Phase::Bulk;
        continue;
      }
      case Phase::Bulk: {
        if (bulk_kind_ >= kSyncTypes) {
          phase_ = Phase::End;
          continue;
        }
        if (bulkLeft(bulk_kind_) == 0) {  // this kind is done: the next one (no window needed)
          ++bulk_kind_;
          bulk_pos_ = 0;
          continue;
        }
        if (!windowOpen()) return;
        std::size_t index = 0;
        forEachSyncType([&](auto t) {
          using T = decltype(t);
          if (index++ == bulk_kind_) bulkBatch<T>(out);
        });
        continue;
      }
      case Phase::End:
        out.push_back(peer::SyncEnd{epoch_});
        finishBulk(now);
        continue;
      case Phase::Incremental: {
        if (!windowOpen()) return;
        bool sent_one = false;
        forEachSyncType([&](auto t) {
          using T = decltype(t);
          if (!sent_one) sent_one = incrementalBatch<T>(source, out);
        });
        if (!sent_one) return;
        continue;
      }
    }
  }
}

}  // namespace vpc
