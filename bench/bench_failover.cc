// Failover timing on a deployed pair (real vpcd processes, relays on the paths), timers scaled by 0.1:
//   1. silent peer-link cut (the relay stops forwarding, no FIN) -> leaf2 suspends vPC 10. Detection is
//      the peer-link heartbeat timeout: 300 ms x 0.1 = 30 ms, floored at 50 ms.
//   2. kill -9 of the primary -> leaf2 becomes operational primary: the peer-link drops at once (the
//      kernel resets the connection), then hold-timeout (3 s) and timeout (5 s) pass without a
//      keepalive: 8 s x 0.1 = 800 ms.
// The figure is the measured time beside the configured detection time (the ceiling column), the
// error is their difference. Timestamps: the relay's and the switches' events (wall clock, one kernel).
// Targets: cut +<= 5 ms, kill +<= 10 ms.
#include <csignal>
#include <iostream>

#include <fmt/format.h>

#include "bench/bench.h"
#include "bench/pair.h"
#include "labs/core/drill.h"

using namespace vpc;
using namespace vpc::bench;

namespace {

constexpr double kScale = 0.1;
constexpr double kCutDetectMs = 50;    // max(300 ms x 0.1, the 50 ms floor)
constexpr double kKillDetectMs = 800;  // (3 s + 5 s) x 0.1

const char* kExtra = "vpc domain 10\n  delay restore 0\n  delay restore interface-vlan 0\n";

// The first event of switch i after `after_us` with this subject whose `to` starts with `to`.
std::int64_t firstEvent(BenchLab& lab, int i, std::int64_t after_us, const std::string& subject, const std::string& to) {
  for (const auto& e : lab.events(i))
    if (e.unix_us() >= after_us && e.subject() == subject && e.to().rfind(to, 0) == 0) return e.unix_us();
  return 0;
}

void ready(BenchLab& lab) {
  if (!waitFor([&] { return lab.formed() && lab.vpcsUp(0) && lab.vpcsUp(1); }, 20000))
    throw std::runtime_error("the pair did not come up");
}

lab::Fault fault(const std::string& text) {
  auto f = lab::parseFault(lab::splitWords(text));
  if (auto* err = std::get_if<std::string>(&f)) throw std::runtime_error(*err);
  return std::get<lab::Fault>(f);
}

double cutOnce() {
  BenchLab lab("bench-failover", kScale, kExtra);
  ready(lab);
  const std::int64_t before = unixUs();
  if (auto st = lab::applyFault(lab.state(), fault("cut peer-link"), 1.0, "benchmark"); !st)
    throw std::runtime_error(st.error().message);
  std::int64_t cut = 0;
  for (const auto& e : lab.pathEvents())
    if (e.switch_() == "peer-link" && e.unix_us() >= before && e.to().rfind("cut", 0) == 0) cut = e.unix_us();
  if (!cut) throw std::runtime_error("no cut event from the relay");
  std::int64_t down = 0;
  waitFor([&] { return (down = firstEvent(lab, 1, cut, "vPC 10", "down")) != 0; }, 5000);
  if (!down) throw std::runtime_error("leaf2 did not suspend vPC 10");
  return static_cast<double>(down - cut) / 1000.0;
}

double killOnce() {
  BenchLab lab("bench-failover", kScale, kExtra);
  ready(lab);
  const std::int64_t t0 = unixUs();
  ::kill(lab.pid(0), SIGKILL);
  std::int64_t primary = 0;
  waitFor([&] { return (primary = firstEvent(lab, 1, t0, "role", "secondary, operational primary")) != 0; }, 10000);
  if (!primary) throw std::runtime_error("leaf2 did not become operational primary");
  return static_cast<double>(primary - t0) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parseOptions(argc, argv, 5);
  std::vector<double> cut, kill;
  try {
    for (int r = 0; r < o.reps; ++r) {
      cut.push_back(cutOnce());
      kill.push_back(killOnce());
      if (!o.json) std::cerr << fmt::format("  rep {}: cut {:.1f} ms, kill {:.1f} ms\n", r + 1, cut.back(), kill.back());
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_failover: " << e.what() << "\n";
    return 1;
  }
  const Stats c = stats(cut), k = stats(kill);
  return report({Row{.name = "failover: silent peer-link cut",
                     .figure_label = "cut -> leaf2 suspends vPC 10",
                     .figure = c,
                     .unit = "ms",
                     .ceiling_label = "configured: heartbeat timeout",
                     .ceiling = kCutDetectMs,
                     .target = "<= configured + 5 ms",
                     .higher_is_better = false,
                     .target_value = kCutDetectMs + 5,
                     .note = fmt::format("error {:+.1f} ms (the last heartbeat came up to 10 ms before the cut, "
                                         "so -10..0 is exact)",
                                         c.median - kCutDetectMs)},
                 Row{.name = "failover: kill -9 primary",
                     .figure_label = "kill -> leaf2 operational primary",
                     .figure = k,
                     .unit = "ms",
                     .ceiling_label = "configured: hold-timeout + timeout",
                     .ceiling = kKillDetectMs,
                     .target = "<= configured + 10 ms",
                     .higher_is_better = false,
                     .target_value = kKillDetectMs + 10,
                     .note = fmt::format("error {:+.1f} ms; time scale {}", k.median - kKillDetectMs, kScale)}},
                o);
}
