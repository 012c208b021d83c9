// Time as the pure core sees it: a type, never a clock. Core code takes `TimePoint now` as an argument
// and reports its next deadline; the shell owns the only real clock and the only timer.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace vpc {

using Clock = std::chrono::steady_clock;  // the type only: the core never reads it
using TimePoint = Clock::time_point;
using Duration = Clock::duration;
using Millis = std::chrono::milliseconds;
using Seconds = std::chrono::seconds;

inline double toMillis(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
inline double toSeconds(Duration d) { return std::chrono::duration<double>(d).count(); }
inline std::int64_t toNanos(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
inline TimePoint fromNanos(std::int64_t ns) {
  return TimePoint(std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(ns)));
}

// Keeps the earliest of the deadlines folded into `acc`.
inline void foldDeadline(std::optional<TimePoint>& acc, std::optional<TimePoint> d) {
  if (d && (!acc || *d < *acc)) acc = d;
}

}  // namespace vpc
