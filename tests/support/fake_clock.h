// Virtual time for tests: starts at an arbitrary non-zero instant and moves only when told.
#pragma once

#include "peerlink/core/time.h"

namespace vpc::test {

class FakeClock {
 public:
  TimePoint now() const { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_{std::chrono::hours(1)};
};

}  // namespace vpc::test
