// Pair launch: both vpcd processes started (as vpclab starts them, relays already up) until both
// switches have their peer adjacency, roles and every vPC up - delay restore 0, default timers
// otherwise. Timestamps: the moment before the first spawn and the switches' own events (wall clock).
// Ceiling, in the same run: spawning `vpcd --help` twice and waiting for both (what starting the
// program costs before it does anything). Target: <= 100 ms.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

#include <fmt/format.h>

#include "bench/bench.h"
#include "bench/pair.h"

using namespace vpc;
using namespace vpc::bench;

namespace {

double spawnHelpTwice() {
  const std::string vpcd = binDir() + "/vpcd";
  const double t0 = nowMs();
  pid_t pids[2];
  for (auto& pid : pids) {
    pid = ::fork();
    if (pid == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execl(vpcd.c_str(), "vpcd", "--help", static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  for (auto pid : pids) ::waitpid(pid, nullptr, 0);
  return nowMs() - t0;
}

// Both vPCs of both switches up: the latest of those four events, in µs since 1970.
std::int64_t allUp(BenchLab& lab) {
  std::int64_t last = 0;
  for (int i = 0; i < 2; ++i)
    for (const char* vpc : {"vPC 10", "vPC 20"}) {
      std::int64_t at = 0;
      for (const auto& e : lab.events(i))
        if (e.subject() == vpc && e.to() == "up" && !at) at = e.unix_us();
      if (!at) return 0;
      last = std::max(last, at);
    }
  return last;
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parseOptions(argc, argv, 5);
  std::vector<double> launch, spawn;
  try {
    for (int r = 0; r < o.reps; ++r) {
      BenchLab lab("bench-launch", 1.0, "vpc domain 10\n  delay restore 0\n  delay restore interface-vlan 0\n",
                   /*start_switches=*/false);
      const std::int64_t t0 = unixUs();
      if (auto st = lab::startNodes(lab.state(), {"leaf1", "leaf2"}, std::chrono::seconds(10)); !st)
        throw std::runtime_error(st.error().message);
      std::int64_t t1 = 0;
      if (!waitFor([&] { return (t1 = allUp(lab)) != 0; }, 10000)) throw std::runtime_error("the vPCs did not come up");
      launch.push_back(static_cast<double>(t1 - t0) / 1000.0);
      spawn.push_back(spawnHelpTwice());
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_launch: " << e.what() << "\n";
    return 1;
  }
  return report({Row{.name = "pair launch",
                     .figure_label = "spawn both -> adjacency, roles, all vPCs up",
                     .figure = stats(launch),
                     .unit = "ms",
                     .ceiling_label = "spawn `vpcd --help` twice",
                     .ceiling = stats(spawn).median,
                     .target = "<= 100 ms",
                     .higher_is_better = false,
                     .target_value = 100,
                     .note = "delay restore 0; a virtual Nexus 9000v boots in about 6 minutes"}},
                o);
}
