#include "switch/mgmt/wall_clock.h"

#include <cstdio>
#include <ctime>

namespace vpc::mgmt {

namespace {
void split(std::chrono::system_clock::time_point tp, std::tm& tm, int& ms) {
  const auto since = tp.time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(since - secs).count());
  const std::time_t t = static_cast<std::time_t>(secs.count());
  gmtime_r(&t, &tm);
}
}  // namespace

std::string WallClock::iso(TimePoint t) const {
  std::tm tm{};
  int ms = 0;
  split(wall(t), tm, ms);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

std::string WallClock::nxos(TimePoint t) const {
  std::tm tm{};
  int ms = 0;
  split(wall(t), tm, ms);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d.%02d.%02d %02d:%02d:%02d %d ms", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

}  // namespace vpc::mgmt
