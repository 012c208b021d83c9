// Real vpcd processes for integration tests (STYLE.md §2.12, multi-process tier). Each test gets its
// own loopback addresses (127.A.B.1 and 127.A.B.2, A.B derived from the test process id), so tests can
// run in parallel with the standard ports; configs are the sample configs with those addresses.
// Every wait is bounded: eventually(pred, limit) polls every 20 ms.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "labs/relay/relay.h"
#include "vpc/v1/mgmt.grpc.pb.h"

namespace vpc::itest {

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit,
                std::chrono::milliseconds poll = std::chrono::milliseconds(20));

class Process {
 public:
  Process(std::vector<std::string> argv, const std::string& log_path);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Waits for exit; returns the exit code (128+signal if killed), or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds limit);

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs a program to completion (bounded) and captures its output.
CommandResult run(const std::vector<std::string>& argv, std::chrono::milliseconds limit = std::chrono::seconds(30));

std::string binDir();
std::string readFile(const std::string& path);

class Lab {
 public:
  Lab();   // a temp dir and a fresh address pair; nothing started
  ~Lab();  // kills whatever still runs

  // Puts relays on both paths (before start): the peer-link through 127.A.B.3/.4:7100, the keepalive
  // through 127.A.B.5/.6:3200, so tests can cut them the way a network breaks.
  void useRelays();
  void peerLink(labs::PathMode mode);
  void peerLinkImpairment(const labs::Impairment& impairment);
  void keepalive(labs::PathMode mode);
  // Every vpcd gets --time-scale F (and these config edits: a heartbeat that scaled time can bear).
  void timeScale(double f) { time_scale_ = f; }
  // Extra vpcd arguments for switch i (e.g. --log-file PATH), from its next start on.
  void extraArgs(int i, std::vector<std::string> args) { extra_args_[i] = std::move(args); }

  // The sample config of switch i (0: leaf1, 1: leaf2) with this lab's addresses, plus `extra` edits
  // applied as (from, to) text replacements.
  std::string config(int i, const std::vector<std::pair<std::string, std::string>>& edits = {}) const;
  std::string writeConfig(int i, const std::string& text, const std::string& name = "") const;
  void start(int i, const std::vector<std::pair<std::string, std::string>>& edits = {});
  void startFrom(int i, const std::string& config_path);
  void kill(int i, int sig);  // signal it (SIGKILL, SIGTERM, SIGSTOP...)
  std::optional<int> wait(int i, std::chrono::milliseconds limit);
  bool running(int i);

  std::string address(int i) const;     // 127.A.B.(i+1)
  std::string management(int i) const;  // address:9000
  std::string log(int i) const { return readFile(logPath(i)); }
  std::string logPath(int i) const;
  const std::string& dir() const { return dir_; }
  v1::Management::Stub& mgmt(int i);

  // vpcctl -s <switch i> <words...>
  CommandResult vpcctl(int i, const std::vector<std::string>& words);

  // Typed helpers (fail the test on RPC errors).
  v1::ShowVpcReply showVpc(int i);
  v1::ShowVpcSyncReply showSync(int i);
  std::uint64_t macCount(int i, const std::string& interface = "");
  v1::LearnReply learnMac(int i, const std::string& mac, std::uint32_t count, std::uint32_t vlan,
                          const std::string& interface);
  std::uint64_t clearMac(int i);
  bool adjacent();
  bool converged();  // both established, nothing pending, equal logical views

 private:
  std::string dir_;
  int a_ = 0, b_ = 0;
  std::unique_ptr<Process> procs_[2];
  std::unique_ptr<v1::Management::Stub> stubs_[2];
  int restarts_[2] = {0, 0};
  double time_scale_ = 1.0;
  std::vector<std::string> extra_args_[2];
  struct Relays;
  std::unique_ptr<Relays> relays_;
};

}  // namespace vpc::itest
