#include "bench/bench.h"

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

namespace vpc::bench {

Stats stats(std::vector<double> s) {
  Stats st;
  st.n = s.size();
  if (s.empty()) return st;
  std::sort(s.begin(), s.end());
  st.min = s.front();
  st.max = s.back();
  st.median = s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
  return st;
}

double percentile(std::vector<double> s, double p) {
  if (s.empty()) return 0;
  std::sort(s.begin(), s.end());
  const double rank = p / 100.0 * static_cast<double>(s.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const auto hi = std::min(lo + 1, s.size() - 1);
  return s[lo] + (s[hi] - s[lo]) * (rank - static_cast<double>(lo));
}

std::string human(double v, const std::string& unit) {
  if (unit == "entries/s" || unit == "msgs/s") {
    if (v >= 1e6) return fmt::format("{:.2f} M {}", v / 1e6, unit);
    if (v >= 1e3) return fmt::format("{:.1f} k {}", v / 1e3, unit);
    return fmt::format("{:.0f} {}", v, unit);
  }
  if (unit == "us") {
    if (v >= 1000) return fmt::format("{:.2f} ms", v / 1000);
    return fmt::format("{:.0f} µs", v);
  }
  if (unit == "ms") return fmt::format("{:.1f} ms", v);
  if (unit == "MB") return fmt::format("{:.1f} MB", v);
  if (unit == "B") return fmt::format("{:.0f} B", v);
  if (unit == "%") return fmt::format("{:.2f} %", v);
  return fmt::format("{:.3g} {}", v, unit);
}

std::string Stats::spread() const { return n > 1 ? fmt::format("{:.4g}..{:.4g}", min, max) : "-"; }

double Row::ratio() const { return ceiling > 0 ? figure.median / ceiling : 0; }

bool Row::passed() const {
  // target_value 0 when lower is better: no absolute target (only the ratio judges).
  const bool target_ok = higher_is_better ? figure.median >= target_value
                                          : (target_value <= 0 || figure.median <= target_value);
  // Higher is better: the figure must reach ratio_target x the ceiling; lower is better (latencies,
  // times): it must stay within ratio_target x the ceiling.
  const bool ratio_ok = ratio_target <= 0 || (higher_is_better ? ratio() >= ratio_target : ratio() <= ratio_target);
  return target_ok && ratio_ok;
}

Options parseOptions(int argc, char** argv, int default_reps) {
  Options o;
  o.reps = default_reps;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--smoke") o.smoke = true;
    else if (a == "--json") o.json = true;
    else if (a == "--json-file" && i + 1 < argc) o.json_file = argv[++i];
    else if (a == "--reps" && i + 1 < argc) o.reps = std::max(1, std::atoi(argv[++i]));
    else {
      std::cerr << argv[0] << ": unknown option " << a << " (--smoke, --json, --json-file PATH, --reps N)\n";
      std::exit(2);
    }
  }
  if (o.smoke) o.reps = 1;
  return o;
}

namespace {
std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

static std::string jsonLine(const Row& r, const Options& o) {
  return fmt::format(
      "{{\"name\":{},\"figure_label\":{},\"figure\":{},\"min\":{},\"max\":{},\"n\":{},\"unit\":{},"
      "\"ceiling_label\":{},\"ceiling\":{},\"ratio\":{},\"target\":{},\"passed\":{},\"smoke\":{},\"note\":{}}}\n",
      jsonString(r.name), jsonString(r.figure_label), r.figure.median, r.figure.min, r.figure.max, r.figure.n,
      jsonString(r.unit), jsonString(r.ceiling_label), r.ceiling, r.ratio(), jsonString(r.target),
      r.passed() ? "true" : "false", o.smoke ? "true" : "false", jsonString(r.note));
}

int report(const std::vector<Row>& rows, const Options& o) {
  bool all = true;
  std::ofstream file;
  if (!o.json_file.empty()) file.open(o.json_file, std::ios::app);
  for (const auto& r : rows) {
    all = all && r.passed();
    if (file) file << jsonLine(r, o);
    if (o.json) {
      std::cout << jsonLine(r, o);
      continue;
    }
    std::cout << fmt::format("{:<34} {:>16}  (spread {}, n={})\n", r.name + ": " + r.figure_label,
                             human(r.figure.median, r.unit), r.figure.spread(), r.figure.n);
    if (r.ceiling > 0)
      std::cout << fmt::format("{:<34} {:>16}  ratio {:.2f}\n", "  ceiling: " + r.ceiling_label,
                               human(r.ceiling, r.unit), r.ratio());
    std::cout << fmt::format("{:<34} {:>16}  {}\n", "  target", r.target,
                             o.smoke ? "(smoke run: not judged)" : (r.passed() ? "PASS" : "FAIL"));
    if (!r.note.empty()) std::cout << "  " << r.note << "\n";
  }
  return o.smoke || all ? 0 : 1;
}

double nowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::int64_t unixUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string binDir() {
  char buf[4096];
  const auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string p(buf, static_cast<std::size_t>(n));
  return p.substr(0, p.rfind('/'));
}

std::string sourceDir() { return VPC_SOURCE_DIR; }

Child forkChild(const std::function<void(const std::function<void(int port)>& ready)>& serve) {
  int p[2];
  if (::pipe(p) != 0) throw std::runtime_error("pipe failed");
  Child c;
  c.pid = ::fork();
  if (c.pid == 0) {
    serve([&](int port) { (void)!::write(p[1], &port, sizeof port); });
    std::_Exit(0);
  }
  ::close(p[1]);
  if (::read(p[0], &c.port, sizeof c.port) != sizeof c.port) throw std::runtime_error("a helper process failed to start");
  ::close(p[0]);
  return c;
}

Child forkGrpcServer(const std::function<grpc::Service*()>& make) {
  return forkChild([&](const auto& ready) {
    grpc::ServerBuilder b;
    int port = 0;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(make());  // the child never returns: the service lives as long as it does
    auto server = b.BuildAndStart();
    ready(port);
    server->Wait();
  });
}

void Child::stop() const {
  if (pid <= 0) return;
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

namespace {
// "Key:   1234 kB" in a /proc file, in bytes (0 when absent).
double kibField(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return std::atof(line.c_str() + key.size()) * 1024.0;
  return 0;
}
}  // namespace

double rssBytes(int pid) { return kibField("/proc/" + std::to_string(pid) + "/status", "VmRSS:"); }

double pssBytes(int pid) { return kibField("/proc/" + std::to_string(pid) + "/smaps_rollup", "Pss:"); }

double cpuSeconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  const auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {  // fields 14 and 15 are utime and stime
    if (i == 14) utime = std::atof(field.c_str());
    if (i == 15) stime = std::atof(field.c_str());
  }
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace vpc::bench
