// The log limiter for input from outside: a peer or a network that sends garbage gets a few lines a
// window into the log, then one line that says how many were left out; every one is counted.
#include <catch2/catch.hpp>

#include "switch/daemon/log.h"

using vpc::daemon::LogLimiter;
using namespace std::chrono_literals;

TEST_CASE("LogLimiter: a burst per window, then a count of what was left out", "[log][unit]") {
  LogLimiter limit(3, 10s);
  std::chrono::steady_clock::time_point t{};
  t += 1h;
  std::uint64_t suppressed = 99;
  int written = 0;
  for (int i = 0; i < 1000; ++i)
    if (limit.allow(t + std::chrono::milliseconds(i), suppressed)) ++written;
  CHECK(written == 3);
  CHECK(suppressed == 0);  // the lines written in the first window left nothing out before them
  CHECK(limit.total() == 1000);

  // The next window: the first line says how many the last window left out.
  REQUIRE(limit.allow(t + 10s, suppressed));
  CHECK(suppressed == 997);
  REQUIRE(limit.allow(t + 11s, suppressed));
  CHECK(suppressed == 0);
  CHECK(limit.total() == 1002);
}
