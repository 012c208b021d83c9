// What every benchmark shares: repetitions with median and spread, a result row (figure beside a
// ceiling measured in the same run, the ratio, the target, pass/fail), and the table/JSON output that
// scripts/bench collects. Benchmarks are programs, never timed tests (STYLE.md, DESIGN.md §9).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace grpc {
class Service;
}

namespace vpc::bench {

struct Stats {
  double median = 0, min = 0, max = 0;
  std::size_t n = 0;
  std::string spread() const;  // "min-max"
};
Stats stats(std::vector<double> samples);
double percentile(std::vector<double> sorted_samples, double p);  // p in [0,100]

// Built with designated initializers, in this order: Row{.name = ..., .figure = ..., ...}.
struct Row {
  std::string name;          // "bulk resync"
  std::string figure_label;  // "entries/s end to end"
  Stats figure;
  std::string unit;          // "entries/s", "ms", "MB", "%"
  std::string ceiling_label; // what the ceiling is
  double ceiling = 0;        // 0: none (the ratio is to the target)
  std::string target;        // "≥ 5 M entries/s"
  bool higher_is_better = true;
  double target_value = 0;   // the figure must be >= (or <=) this; 0 with lower-is-better: none
  double ratio_target = 0;   // optional: ratio >= this (<= when lower is better); 0: none
  std::string note;

  double ratio() const;
  bool passed() const;
};

// Options every benchmark takes: --smoke (tiny sizes, one repetition: proves it runs), --json (rows
// as JSON lines instead of the table), --json-file PATH (the table, and the JSON lines appended to
// PATH), --reps N.
struct Options {
  bool smoke = false;
  bool json = false;
  std::string json_file;
  int reps = 5;
};
Options parseOptions(int argc, char** argv, int default_reps);

// Prints the rows as a table (or one JSON object per row) and returns the exit code: 0 when every
// row passed its target, 1 otherwise (always 0 with --smoke).
int report(const std::vector<Row>& rows, const Options& o);

std::string human(double v, const std::string& unit);  // 5.2 M entries/s, 84 µs, 12.3 MB

double nowMs();       // steady clock, ms
std::int64_t unixUs();  // wall clock, µs since 1970 (the clock events carry)

// The directory of the running program (vpcd, vpclab sit next to the benchmarks).
std::string binDir();
std::string sourceDir();

// A helper process for a ceiling, forked before this one starts gRPC (fork and gRPC do not mix).
// `serve` runs in the child: it listens, calls `ready(port)`, and never returns. stop() kills it.
struct Child {
  int pid = 0;
  int port = 0;
  void stop() const;
};
Child forkChild(const std::function<void(const std::function<void(int port)>& ready)>& serve);
// A child serving the gRPC service `make()` returns, on 127.0.0.1.
Child forkGrpcServer(const std::function<grpc::Service*()>& make);

// VmRSS of a process in bytes; CPU time (user + system) in seconds.
double rssBytes(int pid);
// Proportional set size: each shared page divided among the processes mapping it (sums to what the
// machine pays for a group of processes).
double pssBytes(int pid);
double cpuSeconds(int pid);

}  // namespace vpc::bench
