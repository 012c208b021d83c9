#include "peerlink/core/sync_sender.h"

namespace vpc {

void SyncSender::stop() {
  active_ = false;
  phase_ = Phase::Begin;
  forEachSyncType([&](auto t) {
    auto& ch = std::get<Channel<decltype(t)>>(channels_);
    ch.bulk.clear();
    ch.bulk.shrink_to_fit();
    ch.dirty.clear();
  });
  inflight_.clear();
  acked_seq_ = seq_;
  bulk_started_.reset();
}

void SyncSender::sent(std::size_t records) {
  inflight_.emplace_back(seq_, static_cast<std::uint32_t>(records));
  ++st_.batches;
  st_.records += records;
}

void SyncSender::finishBulk(TimePoint now) {
  bulk_last_seq_ = seq_;
  phase_ = Phase::Incremental;
  forEachSyncType([&](auto t) {
    auto& ch = std::get<Channel<decltype(t)>>(channels_);
    ch.bulk.clear();
    ch.bulk.shrink_to_fit();
  });
  if (acked_seq_ >= bulk_last_seq_ && bulk_started_) {  // an empty snapshot
    st_.last_bulk_duration = now - *bulk_started_;
    bulk_started_.reset();
  }
}

std::size_t SyncSender::bulkLeft(std::size_t kind) const {
  std::size_t left = 0;
  std::size_t index = 0;
  forEachSyncType([&](auto t) {
    const auto& ch = std::get<Channel<decltype(t)>>(channels_);
    if (index++ == kind) left = ch.bulk.size() > bulk_pos_ ? ch.bulk.size() - bulk_pos_ : 0;
  });
  return left;
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

bool SyncSender::idle() const {
  if (!active_) return true;
  if (phase_ != Phase::Incremental || !inflight_.empty()) return false;
  bool any = false;
  forEachSyncType([&](auto t) { any = any || !std::get<Channel<decltype(t)>>(channels_).dirty.empty(); });
  return !any;
}

SyncTxStatus SyncSender::status() const {
  SyncTxStatus s = st_;
  s.last_seq = seq_;
  s.acked_seq = acked_seq_;
  s.pending_records = 0;
  for (const auto& [seq, n] : inflight_) s.pending_records += n;
  std::uint64_t queued = 0;
  std::size_t index = 0;
  forEachSyncType([&](auto t) {
    const auto& ch = std::get<Channel<decltype(t)>>(channels_);
    if (active_ && (phase_ == Phase::Begin || phase_ == Phase::Bulk)) {
      if (phase_ == Phase::Begin || index > bulk_kind_) queued += ch.bulk.size();
      else if (index == bulk_kind_ && ch.bulk.size() > bulk_pos_) queued += ch.bulk.size() - bulk_pos_;
    }
    queued += ch.dirty.size();
    ++index;
  });
  s.queued_records = queued;
  s.bulk_in_progress = active_ && bulk_started_.has_value();
  return s;
}

}  // namespace vpc
