// Time as the pure core sees it: a type, never a clock. Core code takes `TimePoint now` as an argument
// and reports its next deadline; the shell owns the only real clock and the only timer.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

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

// `vpcd --time-scale F`: every protocol timer runs F times its NX-OS value (DESIGN.md §8); what the
// operator reads stays in NX-OS time.
struct TimeScale {
  double factor = 1.0;
  // A scaled duration, never below 1 ms (zero stays zero).
  Duration operator()(Duration d) const {
    if (d <= Duration::zero()) return Duration::zero();
    const auto ns = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
    const auto scaled = std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(ns * factor)));
    return std::max<Duration>(std::chrono::duration_cast<Duration>(scaled), Millis(1));
  }
  // Back to NX-OS time: what `scaled` stands for.
  double unscaledSeconds(Duration scaled) const {
    return std::chrono::duration<double>(scaled).count() / factor;
  }
  std::string text() const {  // "0.05"
    std::string t = std::to_string(factor);
    while (t.size() > 1 && t.back() == '0') t.pop_back();
    if (!t.empty() && t.back() == '.') t.pop_back();
    return t;
  }
};

// Keeps the earliest of the deadlines folded into `acc`.
inline void foldDeadline(std::optional<TimePoint>& acc, std::optional<TimePoint> d) {
  if (d && (!acc || *d < *acc)) acc = d;
}

}  // namespace vpc
