// Footprint of a deployed pair (real vpcd processes):
//   - RSS per switch, idle (pair formed, vPCs up, empty tables);
//   - RSS per switch with 1,000,000 MACs learned on leaf1 (leaf2 holds the peer's copy), and the bytes
//     each entry adds;
//   - CPU per switch while idle at default timers (keepalive 1 s, peer-link heartbeat 1 s), over
//     60 s (2 s with --smoke); and, to show what the heartbeat costs, with it at 100 ms (the default
//     before the classroom issue).
// Floor, in the same run: the RSS of a process that does nothing but serve an empty gRPC server (what
// linking gRPC and starting its threads costs before any vPC state exists).
// Targets: <= 20 MB idle, <= 150 MB at 1 M MACs, <= 1 % of a core.
#include <unistd.h>

#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "bench/bench.h"
#include "bench/pair.h"
#include "vpc/v1/peer.grpc.pb.h"

using namespace vpc;
using namespace vpc::bench;

namespace {

constexpr double MB = 1024.0 * 1024.0;

// CPU of both switches over `window_s`, in % of a core, appended to `out`.
void idleCpu(BenchLab& lab, double window_s, std::vector<double>& out) {
  const double c0 = cpuSeconds(lab.pid(0)), c1 = cpuSeconds(lab.pid(1)), t0 = nowMs();
  std::this_thread::sleep_for(std::chrono::duration<double>(window_s));
  const double wall = (nowMs() - t0) / 1000.0;
  out.push_back((cpuSeconds(lab.pid(0)) - c0) / wall * 100.0);
  out.push_back((cpuSeconds(lab.pid(1)) - c1) / wall * 100.0);
}
const char* kExtra = "vpc domain 10\n  delay restore 0\n  delay restore interface-vlan 0\n";

}  // namespace

int main(int argc, char** argv) {
  const auto o = parseOptions(argc, argv, 3);
  // The floor first, before this process starts gRPC. Every method of the service is unimplemented:
  // a server needs one service to start.
  const Child floor = forkGrpcServer([] { return new v1::PeerLink::Service; });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const double floor_rss = rssBytes(floor.pid) / MB;
  floor.stop();

  const std::uint32_t macs = o.smoke ? 20000 : 1000000;
  const double cpu_window_s = o.smoke ? 2 : 60;
  std::vector<double> idle, full, per_entry, cpu, cpu_slow_heartbeat;
  try {
    for (int r = 0; r < o.reps; ++r) {
      BenchLab lab("bench-footprint", 1.0, kExtra);
      if (!waitFor([&] { return lab.formed() && lab.vpcsUp(0) && lab.vpcsUp(1) && lab.converged(); }, 20000))
        throw std::runtime_error("the pair did not come up");
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      const double idle0 = rssBytes(lab.pid(0)), idle1 = rssBytes(lab.pid(1));
      idle.push_back(idle0 / MB);
      idle.push_back(idle1 / MB);
      if (r == 0) idleCpu(lab, cpu_window_s, cpu);  // once: a long window
      lab.learnMacs(0, "0050.5600.0000", macs * 9 / 10, 10, "port-channel10");
      lab.learnMacs(0, "0050.5700.0000", macs - macs * 9 / 10, 10, "Ethernet1/5");
      if (!waitFor([&] { return lab.converged(); }, 120000)) throw std::runtime_error("the pair did not converge");
      const double full0 = rssBytes(lab.pid(0)), full1 = rssBytes(lab.pid(1));
      full.push_back(full0 / MB);
      full.push_back(full1 / MB);
      per_entry.push_back((full0 - idle0) / macs);
      per_entry.push_back((full1 - idle1) / macs);
      if (!o.json)
        std::cerr << fmt::format("  rep {}: idle {:.1f}/{:.1f} MB, with {} MACs {:.1f}/{:.1f} MB\n", r + 1, idle0 / MB,
                                 idle1 / MB, macs, full0 / MB, full1 / MB);
    }
    // What the heartbeat costs: the same pair with the peer-link heartbeat at 100 ms instead of 1 s
    // (the lab rewrites the addresses; the timers stay).
    BenchLab slow("bench-footprint", 1.0,
                  std::string(kExtra) + "emulator\n  peer-link listen 127.0.1.1:7100 peer 127.0.1.2:7100 heartbeat 100 timeout 300\n");
    if (!waitFor([&] { return slow.formed() && slow.vpcsUp(0) && slow.vpcsUp(1); }, 20000))
      throw std::runtime_error("the pair (heartbeat 100 ms) did not come up");
    idleCpu(slow, cpu_window_s, cpu_slow_heartbeat);
  } catch (const std::exception& e) {
    std::cerr << "bench_footprint: " << e.what() << "\n";
    return 1;
  }
  const std::string floor_label = "floor: an empty gRPC server";
  return report({Row{.name = "footprint idle",
                     .figure_label = "RSS per switch, pair formed",
                     .figure = stats(idle),
                     .unit = "MB",
                     .ceiling_label = floor_label,
                     .ceiling = floor_rss,
                     .target = "<= 20 MB",
                     .higher_is_better = false,
                     .target_value = 20},
                 Row{.name = "footprint 1 M MACs",
                     .figure_label = fmt::format("RSS per switch, {} MACs (own or peer's)", macs),
                     .figure = stats(full),
                     .unit = "MB",
                     .ceiling_label = floor_label,
                     .ceiling = floor_rss,
                     .target = "<= 150 MB",
                     .higher_is_better = false,
                     .target_value = 150,
                     .note = fmt::format("{:.0f} bytes per entry (median; spread {})", stats(per_entry).median,
                                         stats(per_entry).spread())},
                 Row{.name = "idle CPU",
                     .figure_label = fmt::format("per switch over {:.0f} s, default timers", cpu_window_s),
                     .figure = stats(cpu),
                     .unit = "%",
                     .target = "<= 1 % of a core",
                     .higher_is_better = false,
                     .target_value = 1,
                     .note = fmt::format("with the peer-link heartbeat at 100 ms instead of 1 s: {} (the heartbeat "
                                         "is most of the idle cost)",
                                         human(stats(cpu_slow_heartbeat).median, "%"))}},
                o);
}
