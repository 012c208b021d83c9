// The receiving half of table sync: checks what the peer streams to us. Batches must arrive with
// consecutive sequence numbers after a SyncBegin (which names the first); a gap or a batch outside a
// sync is counted, answered with a ResyncRequest, and every batch up to the next SyncBegin is dropped
// whole (never half-applied). At SyncEnd the table sync sweeps every peer assertion the snapshot did
// not refresh (mark and sweep). It decides what to do with a batch; applying it is the table sync's.
// Never reads a clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "peerlink/core/messages.h"
#include "peerlink/core/time.h"

namespace vpc {

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
