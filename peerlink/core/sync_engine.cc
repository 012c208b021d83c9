#include "peerlink/core/sync_engine.h"

#include <algorithm>

namespace vpc {

// ---------------------------------------------------------------------------------------------------
// SyncSender

void SyncSender::start(bool arp_enabled, const SyncSource& source, TimePoint now) {
  active_ = true;
  arp_enabled_ = arp_enabled;
  inflight_.clear();
  acked_seq_ = seq_;  // a new session: nothing of an old one is in flight any more
  beginBulk(source, now);
}

void SyncSender::resync(const std::string& reason, const SyncSource& source, TimePoint now) {
  if (!active_) return;
  ++st_.resyncs;
  st_.last_resync_reason = reason;
  st_.last_resync_at = now;
  // Whatever is in flight may have been dropped by the receiver; the new snapshot covers it.
  inflight_.clear();
  acked_seq_ = seq_;
  beginBulk(source, now);
}

void SyncSender::stop() {
  active_ = false;
  phase_ = Phase::Begin;
  bulk_macs_.clear();
  bulk_macs_.shrink_to_fit();
  bulk_arps_.clear();
  bulk_arps_.shrink_to_fit();
  dirty_macs_.clear();
  dirty_arps_.clear();
  inflight_.clear();
  acked_seq_ = seq_;
  bulk_started_.reset();
}

void SyncSender::beginBulk(const SyncSource& source, TimePoint now) {
  ++epoch_;
  ++st_.bulk_syncs;
  phase_ = Phase::Begin;
  bulk_pos_ = 0;
  bulk_macs_.clear();
  bulk_arps_.clear();
  source.localMacs(bulk_macs_);
  if (arp_enabled_) source.localArps(bulk_arps_);
  // The snapshot covers every key changed so far.
  dirty_macs_.clear();
  dirty_arps_.clear();
  bulk_started_ = now;
  st_.bulk_records = bulk_macs_.size() + bulk_arps_.size();
}

void SyncSender::noteMac(std::uint64_t key) {
  if (!active_) return;
  dirty_macs_.note(key);
}

void SyncSender::noteArp(std::uint32_t ip) {
  if (!active_ || !arp_enabled_) return;
  dirty_arps_.note(ip);
}

void SyncSender::sent(std::size_t records) {
  inflight_.emplace_back(seq_, static_cast<std::uint32_t>(records));
  ++st_.batches;
  st_.records += records;
}

void SyncSender::onAck(std::uint64_t seq, TimePoint now) {
  if (!active_ || seq <= acked_seq_ || seq > seq_) return;  // stale, duplicate or bogus: ignore
  acked_seq_ = seq;
  while (!inflight_.empty() && inflight_.front().first <= seq) {
    st_.acked_records += inflight_.front().second;
    inflight_.pop_front();
  }
  if (phase_ == Phase::Incremental && bulk_started_ && acked_seq_ >= bulk_last_seq_) {
    st_.last_bulk_duration = now - *bulk_started_;
    bulk_started_.reset();
  }
}

void SyncSender::produce(const SyncSource& source, TimePoint now, std::vector<peer::Message>& out) {
  if (!active_) return;
  for (;;) {
    switch (phase_) {
      case Phase::Begin:
        out.push_back(peer::SyncBegin{epoch_, seq_ + 1, bulk_macs_.size(), bulk_arps_.size()});
        phase_ = Phase::BulkMac;
        continue;
      case Phase::BulkMac: {
        if (bulk_pos_ >= bulk_macs_.size()) {
          phase_ = Phase::BulkArp;
          bulk_pos_ = 0;
          continue;
        }
        if (!windowOpen()) return;
        peer::MacBatch batch;
        batch.seq = ++seq_;
        const std::size_t n = std::min(limits_.batch_records, bulk_macs_.size() - bulk_pos_);
        const auto first = bulk_macs_.begin() + static_cast<std::ptrdiff_t>(bulk_pos_);
        batch.records.assign(first, first + static_cast<std::ptrdiff_t>(n));
        bulk_pos_ += n;
        sent(n);
        out.push_back(std::move(batch));
        continue;
      }
      case Phase::BulkArp: {
        if (bulk_pos_ >= bulk_arps_.size()) {
          phase_ = Phase::End;
          continue;
        }
        if (!windowOpen()) return;
        peer::ArpBatch batch;
        batch.seq = ++seq_;
        const std::size_t n = std::min(limits_.batch_records, bulk_arps_.size() - bulk_pos_);
        const auto first = bulk_arps_.begin() + static_cast<std::ptrdiff_t>(bulk_pos_);
        batch.records.assign(first, first + static_cast<std::ptrdiff_t>(n));
        bulk_pos_ += n;
        sent(n);
        out.push_back(std::move(batch));
        continue;
      }
      case Phase::End:
        out.push_back(peer::SyncEnd{epoch_});
        bulk_last_seq_ = seq_;
        phase_ = Phase::Incremental;
        bulk_macs_.clear();
        bulk_macs_.shrink_to_fit();
        bulk_arps_.clear();
        bulk_arps_.shrink_to_fit();
        if (acked_seq_ >= bulk_last_seq_ && bulk_started_) {  // an empty snapshot
          st_.last_bulk_duration = now - *bulk_started_;
          bulk_started_.reset();
        }
        continue;
      case Phase::Incremental: {
        if (dirty_macs_.empty() && dirty_arps_.empty()) return;
        if (!windowOpen()) return;
        if (!dirty_macs_.empty()) {
          peer::MacBatch batch;
          batch.seq = ++seq_;
          const std::size_t n = std::min(limits_.batch_records, dirty_macs_.size());
          batch.records.reserve(n);
          for (std::size_t i = 0; i < n; ++i) {
            const auto key = dirty_macs_.pop();
            auto rec = source.localMac(key);
            batch.records.push_back(rec ? *rec : peer::MacRecord{key, 0, peer::kRecordDelete});
          }
          sent(n);
          out.push_back(std::move(batch));
        } else {
          peer::ArpBatch batch;
          batch.seq = ++seq_;
          const std::size_t n = std::min(limits_.batch_records, dirty_arps_.size());
          batch.records.reserve(n);
          for (std::size_t i = 0; i < n; ++i) {
            const auto ip = dirty_arps_.pop();
            auto rec = source.localArp(ip);
            batch.records.push_back(rec ? *rec : peer::ArpRecord{ip, 0, 0, peer::kRecordDelete});
          }
          sent(n);
          out.push_back(std::move(batch));
        }
        continue;
      }
    }
  }
}

bool SyncSender::idle() const {
  return !active_ || (phase_ == Phase::Incremental && dirty_macs_.empty() && dirty_arps_.empty() &&
                      inflight_.empty());
}

SyncTxStatus SyncSender::status() const {
  SyncTxStatus s = st_;
  s.last_seq = seq_;
  s.acked_seq = acked_seq_;
  s.pending_records = 0;
  for (const auto& [seq, n] : inflight_) s.pending_records += n;
  std::uint64_t bulk_left = 0;
  if (active_ && phase_ == Phase::BulkMac) bulk_left = (bulk_macs_.size() - bulk_pos_) + bulk_arps_.size();
  if (active_ && phase_ == Phase::BulkArp) bulk_left = bulk_arps_.size() - bulk_pos_;
  if (active_ && phase_ == Phase::Begin) bulk_left = bulk_macs_.size() + bulk_arps_.size();
  s.queued_records = bulk_left + dirty_macs_.size() + dirty_arps_.size();
  s.bulk_in_progress = active_ && bulk_started_.has_value();
  return s;
}

// ---------------------------------------------------------------------------------------------------
// SyncReceiver

void SyncReceiver::start() {
  in_sync_ = false;
  awaiting_begin_ = true;
  st_.bulk_in_progress = false;
  st_.bulk_done = false;
  bulk_started_.reset();
}

void SyncReceiver::stop() { start(); }

SyncReceiver::Verdict SyncReceiver::onBegin(const peer::SyncBegin& begin, TimePoint now) {
  epoch_ = begin.epoch;
  expected_seq_ = begin.next_seq;
  in_sync_ = true;
  awaiting_begin_ = false;
  st_.bulk_in_progress = true;
  st_.bulk_done = false;
  st_.bulk_records = 0;
  ++st_.bulk_syncs;
  bulk_started_ = now;
  return Verdict::Apply;
}

SyncReceiver::Verdict SyncReceiver::onBatch(std::uint64_t seq, std::size_t records, TimePoint now) {
  (void)now;
  if (awaiting_begin_) {
    ++st_.dropped_batches;
    return Verdict::Drop;
  }
  if (seq != expected_seq_) {
    ++st_.gaps;
    ++st_.dropped_batches;
    awaiting_begin_ = true;
    in_sync_ = false;
    st_.bulk_in_progress = false;
    return Verdict::Resync;
  }
  ++expected_seq_;
  ++st_.batches;
  st_.records += records;
  st_.last_seq = seq;
  if (st_.bulk_in_progress) st_.bulk_records += records;
  return Verdict::Apply;
}

bool SyncReceiver::onEnd(const peer::SyncEnd& end, TimePoint now) {
  if (awaiting_begin_ || !st_.bulk_in_progress || end.epoch != epoch_) return false;
  st_.bulk_in_progress = false;
  st_.bulk_done = true;
  if (bulk_started_) st_.last_bulk_duration = now - *bulk_started_;
  bulk_started_.reset();
  return true;
}

SyncReceiver::Verdict SyncReceiver::onMalformed(const std::string& what, TimePoint now) {
  (void)what;
  (void)now;
  ++st_.malformed;
  awaiting_begin_ = true;
  in_sync_ = false;
  st_.bulk_in_progress = false;
  return Verdict::Resync;
}

void SyncReceiver::noteResync(const std::string& reason, TimePoint now) {
  ++st_.resyncs_requested;
  st_.last_resync_reason = reason;
  st_.last_resync_at = now;
}

}  // namespace vpc
