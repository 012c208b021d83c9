// A bounded, ordered history of events (the transition journal). Sequence numbers are assigned here,
// so they are dense and increasing for the life of the switch even after old events fall off.
#pragma once

#include <cstddef>
#include <deque>

#include "peerlink/core/effects.h"

namespace vpc {

class Journal {
 public:
  explicit Journal(std::size_t capacity = 4096) : capacity_(capacity) {}

  // Assigns the next sequence number to `event` and keeps a copy.
  void append(Event& event) {
    event.seq = ++last_seq_;
    events_.push_back(event);
    if (events_.size() > capacity_) events_.pop_front();
  }
  const std::deque<Event>& events() const { return events_; }
  std::uint64_t lastSeq() const { return last_seq_; }

 private:
  std::size_t capacity_;
  std::deque<Event> events_;
  std::uint64_t last_seq_ = 0;
};

}  // namespace vpc
