#include "labs/lab/traffic.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

#include "labs/core/flow.h"
#include "labs/lab/process.h"

namespace vpc::lab {

namespace {

std::int64_t monoNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

std::int64_t unixUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// On the wire (both ends are this program on this machine: host order).
struct Datagram {
  std::uint64_t seq;
  std::int64_t sent_ns;
};

std::atomic<bool> g_stop_sending{false};
extern "C" void onTerm(int) { g_stop_sending = true; }

// Reads one line (up to '\n') from fd, waiting at most `limit`; false on EOF or timeout.
bool readLine(int fd, std::string& line, std::chrono::milliseconds limit) {
  line.clear();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char c;
    const auto n = ::read(fd, &c, 1);
    if (n <= 0) return false;
    if (c == '\n') return true;
    line += c;
  }
}

std::string readAll(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

// Starts argv with its stdin (when `in` is not null) and its stdout+stderr on pipes.
pid_t spawnPiped(const std::vector<std::string>& argv, int* in, int* out) {
  int pin[2] = {-1, -1}, pout[2];
  if (in && ::pipe2(pin, O_CLOEXEC) != 0) return -1;
  if (::pipe2(pout, O_CLOEXEC) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (in) ::dup2(pin[0], 0);
    else ::close(0);
    ::dup2(pout[1], 1);
    ::dup2(pout[1], 2);
    std::vector<char*> a;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    ::execv(a[0], a.data());
    ::_exit(127);
  }
  if (in) {
    ::close(pin[0]);
    *in = pin[1];
  }
  ::close(pout[1]);
  *out = pout[0];
  return pid;
}

void reap(pid_t& pid) {
  if (pid <= 0) return;
  int status = 0;
  ::waitpid(pid, &status, 0);
  pid = -1;
}

}  // namespace

int flowTx(const std::string& to, std::uint16_t port, std::uint32_t rate, double duration_s) {
  struct sigaction sa{};
  sa.sa_handler = onTerm;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(port);
  if (fd < 0 || rate == 0 || ::inet_pton(AF_INET, to.c_str(), &dst.sin_addr) != 1) {
    std::cerr << "flow-tx: bad destination " << to << "\n";
    return 2;
  }
  const std::int64_t start = monoNs();
  const std::uint64_t total =
      duration_s > 0 ? static_cast<std::uint64_t>(rate * duration_s) : std::numeric_limits<std::uint64_t>::max();
  const double interval_ns = 1e9 / rate;
  std::uint64_t seq = 0;
  for (; seq < total && !g_stop_sending; ++seq) {
    const std::int64_t due = start + static_cast<std::int64_t>(static_cast<double>(seq) * interval_ns);
    for (std::int64_t now = monoNs(); now < due && !g_stop_sending; now = monoNs())
      if (due - now > 200000) std::this_thread::sleep_for(std::chrono::nanoseconds(due - now - 100000));
    if (g_stop_sending) break;
    Datagram d{seq, monoNs()};
    // A datagram the kernel refuses (no route yet, a full queue) is sent and lost all the same.
    (void)::sendto(fd, &d, sizeof d, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst);
  }
  const std::int64_t end = duration_s > 0 && !g_stop_sending
                               ? start + static_cast<std::int64_t>(static_cast<double>(total) * interval_ns)
                               : monoNs();
  ::close(fd);
  std::cout << seq << " " << start << " " << end << std::endl;
  return 0;
}

int flowRx(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_ANY);
  int big = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::cerr << "flow-rx: cannot bind UDP port " << port << ": " << std::strerror(errno) << "\n";
    return 2;
  }
  std::cout << "ready" << std::endl;  // the orchestrator starts the sender after this line
  std::vector<Arrival> arrivals;
  arrivals.reserve(1 << 16);
  constexpr std::size_t kMaxArrivals = 50'000'000;  // 800 MB at most: an hour at 13,000/s
  std::string stdin_line;
  bool told = false;
  std::uint64_t sent = 0;
  std::int64_t start = 0, end = 0, drain_until = 0;
  for (;;) {
    pollfd p[2] = {{fd, POLLIN, 0}, {0, told ? short(0) : short(POLLIN), 0}};
    (void)::poll(p, 2, 20);
    if (p[0].revents & POLLIN) {
      Datagram d{};
      while (::recv(fd, &d, sizeof d, MSG_DONTWAIT) == sizeof d)
        if (arrivals.size() < kMaxArrivals) arrivals.push_back({d.seq, monoNs()});
    }
    if (!told && (p[1].revents & (POLLIN | POLLHUP))) {
      char c;
      const auto n = ::read(0, &c, 1);
      if (n <= 0) return 3;  // the orchestrator is gone
      if (c != '\n') {
        stdin_line += c;
      } else {
        std::istringstream in(stdin_line);
        std::string word;
        in >> word >> sent >> start >> end;
        told = word == "end";
        drain_until = monoNs() + 300'000'000;  // late datagrams: 300 ms
      }
    }
    if (told && monoNs() > drain_until) break;
  }
  ::close(fd);
  const std::int64_t first_rx = arrivals.empty() ? 0 : arrivals.front().at_ns - start;
  const auto f = analyseFlow(std::move(arrivals), sent, start, end);
  v1::FlowReport r;
  r.set_received(f.received);
  r.set_reordered(f.reordered);
  r.set_duplicates(f.duplicates);
  r.set_longest_outage_ms(static_cast<double>(f.longest_outage_ns) / 1e6);
  r.set_first_rx_ms(static_cast<double>(first_rx) / 1e6);
  for (const auto& o : f.outages) {
    auto* x = r.add_outages();
    x->set_from_ms(static_cast<double>(o.from_ns - start) / 1e6);
    x->set_ms(static_cast<double>(o.to_ns - o.from_ns) / 1e6);
    x->set_lost(o.lost);
  }
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(r, &json);
  std::cout << json << std::endl;
  return 0;
}

Result<std::unique_ptr<Flow>> Flow::start(const v1::LabState& lab, const std::string& name, const std::string& from,
                                          const std::string& to, std::uint32_t rate, double duration_s) {
  const v1::LabHost* src = nullptr;
  const v1::LabHost* dst = nullptr;
  std::string known;
  for (const auto& h : lab.hosts()) {
    if (h.name() == from) src = &h;
    if (h.name() == to) dst = &h;
    known += (known.empty() ? "" : ", ") + h.name();
  }
  const std::string hosts = known.empty() ? " (it has no hosts)" : " (hosts: " + known + ")";
  if (!src) return invalidArgument("lab '" + lab.name() + "' has no host '" + from + "'" + hosts);
  if (!dst) return invalidArgument("lab '" + lab.name() + "' has no host '" + to + "'" + hosts);
  if (src == dst) return invalidArgument("a flow goes from one host to another");
  if (rate < 1 || rate > 100000) return invalidArgument("rate must be 1-100000 datagrams a second");
  if (duration_s < 0 || duration_s > 3600) return invalidArgument("duration must be up to an hour");
  static std::atomic<std::uint16_t> next_port{0};  // flows side by side each have their own port
  const auto port = static_cast<std::uint16_t>(kFlowPort + next_port++ % 100);
  const std::string to_ip = dst->address().substr(0, dst->address().find('/'));
  const std::string self = selfDir() + "/vpclab";

  std::unique_ptr<Flow> f(new Flow);
  f->report_.set_name(name);
  f->report_.set_from(from);
  f->report_.set_to(to);
  f->report_.set_rate_pps(rate);
  f->until_stopped_ = duration_s == 0;
  f->rx_ = spawnPiped({"/usr/sbin/ip", "netns", "exec", dst->netns(), self, "flow-rx", "--port", std::to_string(port)},
                      &f->rx_in_, &f->rx_out_);
  if (f->rx_ < 0) return Error{ErrorCode::Internal, "cannot start the receiver"};
  std::string line;
  if (!readLine(f->rx_out_, line, std::chrono::seconds(10)) || line != "ready")
    return Error{ErrorCode::Internal, "the receiver in " + to + " did not start: " + line + readAll(f->rx_out_)};
  // The sender's first datagrams would wait for ARP (and the kernel keeps only 3 of them): one ping
  // first resolves the neighbour both ways. A ping that fails (the path is down) changes nothing.
  std::string ignored;
  (void)runCommand({"/usr/sbin/ip", "netns", "exec", src->netns(), "/usr/bin/ping", "-c", "1", "-W", "1", to_ip},
                   &ignored);
  f->tx_ = spawnPiped({"/usr/sbin/ip", "netns", "exec", src->netns(), self, "flow-tx", "--to", to_ip, "--port",
                       std::to_string(port), "--rate", std::to_string(rate), "--duration", fmt::format("{}", duration_s)},
                      nullptr, &f->tx_out_);
  if (f->tx_ < 0) return Error{ErrorCode::Internal, "cannot start the sender"};
  return f;
}

Result<v1::FlowReport> Flow::stop() {
  if (stopped_) return failedPrecondition("flow '" + name() + "' is already stopped");
  stopped_ = true;
  if (until_stopped_) ::kill(tx_, SIGTERM);
  const std::string tx_out = readAll(tx_out_);  // until the sender exits
  reap(tx_);
  std::uint64_t sent = 0;
  std::int64_t start = 0, end = 0;
  std::istringstream in(tx_out);
  if (!(in >> sent >> start >> end)) {
    ::close(rx_in_);  // the receiver ends at EOF
    rx_in_ = -1;
    return Error{ErrorCode::Internal, "the sender in " + report_.from() + " failed: " + tx_out};
  }
  const std::string told = fmt::format("end {} {} {}\n", sent, start, end);
  (void)!::write(rx_in_, told.data(), told.size());
  const std::string rx_out = readAll(rx_out_);
  reap(rx_);
  v1::FlowReport r;
  const auto json_at = rx_out.find('{');
  if (json_at == std::string::npos || !google::protobuf::util::JsonStringToMessage(rx_out.substr(json_at), &r).ok())
    return Error{ErrorCode::Internal, "the receiver in " + report_.to() + " failed: " + rx_out};
  r.set_name(report_.name());
  r.set_from(report_.from());
  r.set_to(report_.to());
  r.set_rate_pps(report_.rate_pps());
  r.set_duration_s(static_cast<double>(end - start) / 1e9);
  r.set_sent(sent);
  r.set_lost(sent > r.received() ? sent - r.received() : 0);
  r.set_start_unix_us(unixUs() - (monoNs() - start) / 1000);
  return r;
}

Flow::~Flow() {
  for (pid_t* p : {&tx_, &rx_})
    if (*p > 0) {
      ::kill(*p, SIGKILL);
      reap(*p);
    }
  for (int fd : {rx_in_, rx_out_, tx_out_})
    if (fd >= 0) ::close(fd);
}

Result<v1::FlowReport> traffic(const v1::LabState& lab, const std::string& from, const std::string& to,
                               std::uint32_t rate, double duration_s) {
  if (duration_s <= 0) return invalidArgument("duration must be above 0");
  auto f = Flow::start(lab, from + "->" + to, from, to, rate, duration_s);
  if (!f) return f.error();
  return (*f)->stop();
}

std::string renderFlow(const v1::FlowReport& r) {
  std::string out = fmt::format(
      "Flow {} -> {}: {} datagrams/s for {:.3g} s\n"
      "  sent {}, received {}, lost {} ({:.2f} %), reordered {}, duplicates {}\n"
      "  longest outage {:.1f} ms\n",
      r.from(), r.to(), r.rate_pps(), r.duration_s(), r.sent(), r.received(), r.lost(),
      r.sent() ? 100.0 * static_cast<double>(r.lost()) / static_cast<double>(r.sent()) : 0.0, r.reordered(),
      r.duplicates(), r.longest_outage_ms());
  return out + outagesText(r, "  ");
}

std::string outagesText(const v1::FlowReport& r, const std::string& indent) {
  // The five longest, in time order; the rest (scattered drops, usually) summed up.
  std::vector<const v1::FlowOutage*> all;
  for (const auto& o : r.outages()) all.push_back(&o);
  std::stable_sort(all.begin(), all.end(), [](const auto* a, const auto* b) { return a->ms() > b->ms(); });
  const std::size_t shown = std::min<std::size_t>(all.size(), 5);
  std::vector<const v1::FlowOutage*> top(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(shown));
  std::sort(top.begin(), top.end(), [](const auto* a, const auto* b) { return a->from_ms() < b->from_ms(); });
  std::string out;
  for (const auto* o : top)
    out += fmt::format("{}outage at +{:.1f} ms into the flow: {:.1f} ms, {} lost\n", indent, o->from_ms(), o->ms(), o->lost());
  std::uint64_t rest_lost = 0;
  for (std::size_t i = shown; i < all.size(); ++i) rest_lost += all[i]->lost();
  if (all.size() > shown)
    out += fmt::format("{}and {} shorter gaps ({} lost)\n", indent, all.size() - shown, rest_lost);
  return out;
}

}  // namespace vpc::lab
