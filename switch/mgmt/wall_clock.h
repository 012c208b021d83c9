// Turns the core's monotonic time points into wall-clock text for display. The shell captures one
// (monotonic, wall) pair at start; only display ever uses wall time.
#pragma once

#include <chrono>
#include <string>

#include "peerlink/core/time.h"

namespace vpc::mgmt {

class WallClock {
 public:
  WallClock(TimePoint mono0, std::chrono::system_clock::time_point wall0) : mono0_(mono0), wall0_(wall0) {}
  static WallClock now() { return WallClock(Clock::now(), std::chrono::system_clock::now()); }

  std::chrono::system_clock::time_point wall(TimePoint t) const {
    return wall0_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(t - mono0_);
  }
  std::string iso(TimePoint t) const;    // 2026-11-27T06:01:48.123Z
  std::string nxos(TimePoint t) const;   // 2026.11.27 06:01:48 123 ms (show vpc peer-keepalive)
  double monoMs(TimePoint t) const { return toMillis(t - mono0_); }
  TimePoint start() const { return mono0_; }

 private:
  TimePoint mono0_;
  std::chrono::system_clock::time_point wall0_;
};

}  // namespace vpc::mgmt
