#include "peerlink/core/sync_receiver.h"

namespace vpc {

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
