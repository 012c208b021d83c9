#include "labs/lab/traffic.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <iostream>
#include <set>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

#include "labs/lab/process.h"

namespace vpc::lab {

namespace {

std::int64_t monoNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

// On the wire (network order is not needed: both ends are this program on this machine).
struct Datagram {
  std::uint64_t seq;
  std::int64_t start_ns;  // the flow's planned start and end
  std::int64_t end_ns;
  std::int64_t sent_ns;
};

}  // namespace

int flowTx(const std::string& to, std::uint16_t port, std::uint32_t rate, double duration_s) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(port);
  if (fd < 0 || ::inet_pton(AF_INET, to.c_str(), &dst.sin_addr) != 1) {
    std::cerr << "flow-tx: bad destination " << to << "\n";
    return 2;
  }
  const std::int64_t start = monoNs();
  const auto total = static_cast<std::uint64_t>(rate * duration_s);
  const std::int64_t end = start + static_cast<std::int64_t>(duration_s * 1e9);
  const double interval_ns = 1e9 / rate;
  std::uint64_t sent = 0;
  for (std::uint64_t seq = 0; seq < total; ++seq) {
    const std::int64_t due = start + static_cast<std::int64_t>(static_cast<double>(seq) * interval_ns);
    for (std::int64_t now = monoNs(); now < due; now = monoNs())
      if (due - now > 200000) std::this_thread::sleep_for(std::chrono::nanoseconds(due - now - 100000));
    Datagram d{seq, start, end, monoNs()};
    if (::sendto(fd, &d, sizeof d, 0, reinterpret_cast<sockaddr*>(&dst), sizeof dst) == sizeof d) ++sent;
  }
  ::close(fd);
  std::cout << sent << "\n";
  return 0;
}

int flowRx(std::uint16_t port, double wait_s) {
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
  timeval tv{0, 50000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::set<std::uint64_t> seen;
  std::uint64_t received = 0, reordered = 0, duplicates = 0, highest = 0;
  bool any = false;
  std::int64_t start = 0, end = 0, previous = 0, first_rx = 0;
  std::int64_t longest = 0;
  const std::int64_t give_up = monoNs() + static_cast<std::int64_t>(wait_s * 1e9);
  for (;;) {
    const std::int64_t now = monoNs();
    if (!any && now > give_up) break;
    if (any && now > end + 1000000000LL) break;  // a second past the flow's end: what is late is lost
    Datagram d{};
    const auto n = ::recv(fd, &d, sizeof d, 0);
    if (n != sizeof d) continue;
    const std::int64_t at = monoNs();
    if (!any) {
      any = true;
      start = d.start_ns;
      end = d.end_ns;
      previous = start;
      first_rx = at - start;
    }
    if (!seen.insert(d.seq).second) {
      ++duplicates;
      continue;
    }
    ++received;
    if (received > 1 && d.seq < highest) ++reordered;
    highest = std::max(highest, d.seq);
    longest = std::max(longest, at - previous);
    previous = at;
  }
  if (any) longest = std::max(longest, std::max<std::int64_t>(0, end - previous));
  ::close(fd);
  v1::FlowReport r;
  r.set_received(received);
  r.set_reordered(reordered);
  r.set_duplicates(duplicates);
  r.set_longest_outage_ms(static_cast<double>(longest) / 1e6);
  r.set_first_rx_ms(static_cast<double>(first_rx) / 1e6);
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(r, &json);
  std::cout << json << std::endl;
  return 0;
}

Result<v1::FlowReport> traffic(const v1::LabState& lab, const std::string& from, const std::string& to,
                               std::uint32_t rate, double duration_s) {
  const v1::LabHost* src = nullptr;
  const v1::LabHost* dst = nullptr;
  std::string known;
  for (const auto& h : lab.hosts()) {
    if (h.name() == from) src = &h;
    if (h.name() == to) dst = &h;
    known += (known.empty() ? "" : ", ") + h.name();
  }
  const std::string hosts = known.empty() ? " (it has no hosts)" : " (hosts: " + known + ")";
  if (!src) return notFound("lab '" + lab.name() + "' has no host '" + from + "'" + hosts);
  if (!dst) return notFound("lab '" + lab.name() + "' has no host '" + to + "'" + hosts);
  if (src == dst) return invalidArgument("a flow goes from one host to another");
  if (rate < 1 || rate > 100000) return invalidArgument("rate must be 1-100000 datagrams a second");
  if (duration_s <= 0 || duration_s > 3600) return invalidArgument("duration must be up to an hour");
  const std::string to_ip = dst->address().substr(0, dst->address().find('/'));
  const std::string self = selfDir() + "/vpclab";

  // The receiver first; the sender once it says it is ready.
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return Error{ErrorCode::Internal, "pipe failed"};  // not inherited by the receiver
  std::string rx_out;
  std::thread rx([&] {
    rx_out = "";
    const std::string wait = fmt::format("{}", duration_s + 5);
    // The receiver's stdout goes through a pipe read line by line here: "ready", then the report.
    FILE* p = ::popen(("/usr/sbin/ip netns exec " + dst->netns() + " " + self + " flow-rx --port " +
                       std::to_string(kFlowPort) + " --wait " + wait + " 2>&1")
                          .c_str(),
                      "r");
    if (!p) {
      ::close(pipefd[1]);
      return;
    }
    char line[4096];
    bool told = false;
    while (std::fgets(line, sizeof line, p)) {
      const std::string l(line);
      if (!told && l.rfind("ready", 0) == 0) {
        told = true;
        ::close(pipefd[1]);
        continue;
      }
      rx_out += l;
    }
    if (!told) ::close(pipefd[1]);
    ::pclose(p);
  });
  char c;
  (void)!::read(pipefd[0], &c, 1);  // EOF when the receiver is ready (or gone)
  ::close(pipefd[0]);
  std::string tx_out;
  const int rc = runCommand({"/usr/sbin/ip", "netns", "exec", src->netns(), self, "flow-tx", "--to", to_ip, "--port",
                             std::to_string(kFlowPort), "--rate", std::to_string(rate), "--duration",
                             fmt::format("{}", duration_s)},
                            &tx_out);
  rx.join();
  if (rc != 0) return Error{ErrorCode::Internal, "the sender failed: " + tx_out};
  v1::FlowReport r;
  const auto json_at = rx_out.find('{');
  if (json_at == std::string::npos ||
      !google::protobuf::util::JsonStringToMessage(rx_out.substr(json_at), &r).ok())
    return Error{ErrorCode::Internal, "the receiver failed: " + rx_out};
  r.set_from(from);
  r.set_to(to);
  r.set_rate_pps(rate);
  r.set_duration_s(duration_s);
  r.set_sent(std::stoull(tx_out));
  r.set_lost(r.sent() > r.received() ? r.sent() - r.received() : 0);
  return r;
}

std::string renderFlow(const v1::FlowReport& r) {
  return fmt::format(
      "Flow {} -> {}: {} datagrams/s for {:g} s\n"
      "  sent {}, received {}, lost {} ({:.2f} %), reordered {}, duplicates {}\n"
      "  longest outage {:.1f} ms\n",
      r.from(), r.to(), r.rate_pps(), r.duration_s(), r.sent(), r.received(), r.lost(),
      r.sent() ? 100.0 * static_cast<double>(r.lost()) / static_cast<double>(r.sent()) : 0.0, r.reordered(),
      r.duplicates(), r.longest_outage_ms());
}

}  // namespace vpc::lab
