// A deployed pair for benchmarks (vpclab's lab code: real vpcd processes, relays on the paths), in a
// lab home of its own, with the sample configs plus extra config lines.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "labs/lab/lab.h"

namespace vpc::bench {

class BenchLab {
 public:
  // `extra` is appended to both switches' configs (e.g. "vpc domain 10\n  delay restore 0\n").
  BenchLab(const std::string& name, double time_scale, const std::string& extra, bool start_switches = true,
           bool tls = false);
  ~BenchLab();

  v1::LabState& state() { return lab_; }
  v1::Management::Stub& mgmt(int i);
  bool formed();                                   // both: peer adjacency formed ok
  bool vpcsUp(int i);                              // every vPC of switch i is up
  bool converged();                                // sync established, nothing pending, equal views
  std::vector<v1::Event> events(int i);            // switch i's history
  std::vector<v1::Event> pathEvents();
  void learnMacs(int i, const std::string& first, std::uint32_t count, std::uint32_t vlan, const std::string& iface);
  void learnArps(int i, const std::string& first_ip, std::uint32_t count, const std::string& mac, std::uint32_t vlan);
  int pid(int i) const { return lab_.nodes(i).pid(); }

 private:
  std::string home_;
  std::string name_;
  v1::LabState lab_;
  std::unique_ptr<v1::Management::Stub> stubs_[2];
};

// Waits (bounded) until pred holds; false after limit_ms. Polls `pred` every `poll_ms` until it holds or `limit_ms` passed. A poll that asks a switch costs
// that switch work: while measuring it, poll slowly and take the times from its events.
bool waitFor(const std::function<bool()>& pred, double limit_ms, double poll_ms = 1);

}  // namespace vpc::bench
