// Frames through the pair (needs root: veth links and AF_PACKET). Two switches run in this process
// (real Daemons: node, gRPC peer-link, keepalive, packet ports), with ports bound to veth links whose
// other ends this program drives with AF_PACKET sockets of its own:
//   - through one switch: frames into leaf1 Ethernet1/5, out of leaf1 Ethernet1/6 (a learned MAC);
//   - across the peer-link: into leaf1 Ethernet1/5, out of leaf2 Ethernet1/5 (an orphan's MAC, so
//     leaf1 sends them over the peer-link's frame stream).
// Ceilings, in the same run: Open vSwitch's userspace bridge (datapath_type=netdev, its own ovsdb and
// vswitchd in a temporary directory) forwarding the same frames between the same kind of links; and
// the one-way latency of a small message on a raw gRPC stream in this process at the same rate.
// Targets: through one switch >= 0.5x Open vSwitch; across the peer-link p50 <= 1 ms and within 3x
// raw gRPC.
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <future>
#include <iostream>
#include <thread>

#include <boost/asio/post.hpp>
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "bench/bench.h"
#include "bench/inproc_pair.h"
#include "labs/lab/files.h"
#include "labs/lab/process.h"
#include "switch/core/config_parser.h"
#include "switch/daemon/daemon.h"
#include "switch/daemon/log.h"
#include "vpc/v1/peer.grpc.pb.h"

using namespace vpc;
using namespace vpc::bench;
using Steady = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

constexpr std::uint16_t kEtherType = 0x88B5;  // IEEE local experimental

double usSince(Steady::time_point a, Steady::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

int run(const std::vector<std::string>& argv) {
  std::string out;
  const int rc = lab::runCommand(argv, &out);
  if (rc != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += " " + a;
    throw std::runtime_error("'" + cmd.substr(1) + "' failed: " + out);
  }
  return rc;
}

// veth pairs made here, removed at the end (also on failure).
struct Links {
  std::vector<std::string> made;
  std::string add(const std::string& a, const std::string& b) {
    run({"/usr/sbin/ip", "link", "add", a, "type", "veth", "peer", "name", b});
    made.push_back(a);
    run({"/usr/sbin/ip", "link", "set", a, "up"});
    run({"/usr/sbin/ip", "link", "set", b, "up"});
    // Nothing of the host's own (IPv6 router solicitations) on the measured links.
    for (const auto& l : {a, b}) {
      std::string ignored;
      (void)lab::runCommand({"/usr/sbin/sysctl", "-qw", "net.ipv6.conf." + l + ".disable_ipv6=1"}, &ignored);
    }
    return a;
  }
  ~Links() {
    for (const auto& l : made) {
      std::string ignored;
      (void)lab::runCommand({"/usr/sbin/ip", "link", "del", l}, &ignored);
    }
  }
};

// A raw AF_PACKET socket on one link, as a host's NIC.
struct Nic {
  int fd = -1;
  int ifindex = 0;
  explicit Nic(const std::string& link) {
    fd = ::socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    ifindex = static_cast<int>(::if_nametoindex(link.c_str()));
    sockaddr_ll sll{};
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = ifindex;
    if (fd < 0 || ifindex == 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0)
      throw std::runtime_error("cannot open " + link + ": " + std::strerror(errno));
    int big = 8 << 20;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    timeval tv{0, 20000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~Nic() { ::close(fd); }
  bool send(const std::vector<std::uint8_t>& f) { return ::send(fd, f.data(), f.size(), 0) == static_cast<ssize_t>(f.size()); }
  // One frame of ours that came in (not one we sent); its sequence number, or -1 on timeout.
  std::int64_t receive(std::uint64_t src_mac) {
    std::uint8_t buf[2048];
    for (;;) {
      sockaddr_ll from{};
      socklen_t len = sizeof from;
      const auto n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) return -1;
      if (from.sll_pkttype == PACKET_OUTGOING || n < 22) continue;
      if (buf[12] != (kEtherType >> 8) || buf[13] != (kEtherType & 0xff)) continue;
      std::uint64_t src = 0;
      for (int i = 6; i < 12; ++i) src = (src << 8) | buf[i];
      if (src != src_mac) continue;
      std::uint64_t seq = 0;
      std::memcpy(&seq, buf + 14, 8);
      return static_cast<std::int64_t>(seq);
    }
  }
};

std::vector<std::uint8_t> frame(std::uint64_t dst, std::uint64_t src, std::uint64_t seq) {
  std::vector<std::uint8_t> f(64, 0);
  for (int i = 0; i < 6; ++i) {
    f[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(dst >> (8 * (5 - i)));
    f[static_cast<std::size_t>(6 + i)] = static_cast<std::uint8_t>(src >> (8 * (5 - i)));
  }
  f[12] = kEtherType >> 8;
  f[13] = kEtherType & 0xff;
  std::memcpy(f.data() + 14, &seq, 8);
  return f;
}

constexpr std::uint64_t kSrc = 0x02aa00000001ULL;
std::uint64_t kSink = 0x02bb00000001ULL;  // each path gets a sink MAC of its own (set before teach)

// Makes the switch (or bridge) learn kSink behind `sink`, then checks one frame gets through.
void teach(Nic& in, Nic& sink) {
  for (int attempt = 0; attempt < 50; ++attempt) {
    sink.send(frame(0xffffffffffffULL, kSink, 0));  // a broadcast from the sink: its MAC is learned
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    in.send(frame(kSink, kSrc, 1));
    const auto deadline = Steady::now() + std::chrono::milliseconds(200);
    while (Steady::now() < deadline)
      if (sink.receive(kSrc) == 1) return;
  }
  if (std::getenv("BENCH_DEBUG")) {
    std::string out;
    (void)lab::runCommand({"/usr/sbin/ip", "-s", "link"}, &out);
    std::cerr << out;
  }
  throw std::runtime_error("frames do not get through");
}

// Sends as fast as one thread can for `seconds`; returns frames delivered a second.
double g_offered = 0;  // the last run's offered load (frames/s one sending thread reached)
double throughput(Nic& in, Nic& sink, double seconds) {
  teach(in, sink);
  std::atomic<bool> sending{true};
  std::atomic<std::uint64_t> got{0};
  std::thread rx([&] {
    std::uint64_t n = 0;
    for (;;) {
      if (sink.receive(kSrc) >= 0) ++n;
      else if (!sending) break;  // 20 ms without a frame after the sender stopped
    }
    got = n;
  });
  std::uint64_t sent = 0;
  const auto start = Steady::now();
  const auto end = start + std::chrono::microseconds(static_cast<std::int64_t>(seconds * 1e6));
  auto f = frame(kSink, kSrc, 0);
  while (Steady::now() < end) {
    for (int k = 0; k < 64; ++k) {
      std::memcpy(f.data() + 14, &sent, 8);
      if (in.send(f)) ++sent;
    }
  }
  const double took = usSince(start, Steady::now()) / 1e6;
  g_offered = static_cast<double>(sent) / took;
  sending = false;
  rx.join();
  return static_cast<double>(got.load()) / took;
}

struct Latencies {
  double p50 = 0, p99 = 0;
};

// One frame a millisecond, each timed from its send to its arrival.
Latencies frameLatency(Nic& in, Nic& sink, std::size_t n) {
  teach(in, sink);
  std::vector<Steady::time_point> sent(n), got(n);
  std::vector<bool> seen(n, false);
  std::thread rx([&] {
    const auto give_up = Steady::now() + std::chrono::seconds(10) + std::chrono::milliseconds(n);
    std::size_t count = 0;
    while (count < n && Steady::now() < give_up) {
      const auto seq = sink.receive(kSrc);
      const auto at = Steady::now();
      if (seq < 2 || static_cast<std::size_t>(seq - 2) >= n || seen[static_cast<std::size_t>(seq - 2)]) continue;
      got[static_cast<std::size_t>(seq - 2)] = at;
      seen[static_cast<std::size_t>(seq - 2)] = true;
      ++count;
    }
  });
  const auto start = Steady::now();
  for (std::size_t i = 0; i < n; ++i) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(i));
    sent[i] = Steady::now();
    in.send(frame(kSink, kSrc, i + 2));
  }
  rx.join();
  std::vector<double> us;
  for (std::size_t i = 0; i < n; ++i)
    if (seen[i]) us.push_back(usSince(sent[i], got[i]));
  if (us.size() < n * 9 / 10) throw std::runtime_error(fmt::format("only {} of {} frames arrived", us.size(), n));
  std::sort(us.begin(), us.end());
  return {percentile(us, 50), percentile(us, 99)};
}

// --- the ceilings ---------------------------------------------------------------------------------
// Open vSwitch's userspace bridge between two links, in a directory and a network namespace of its own
// (one userspace datapath per namespace: a lab's OVS may be running).
class Ovs {
 public:
  Ovs(const std::string& a, const std::string& b) {
    char tmpl[] = "/tmp/vpclab-bench-ovs-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    netns_ = "vpclab-bench-ovs-" + std::to_string(::getpid());
    run({"/usr/sbin/ip", "netns", "add", netns_});
    for (const auto& l : {a, b}) {
      run({"/usr/sbin/ip", "link", "set", l, "netns", netns_});
      run({"/usr/sbin/ip", "-n", netns_, "link", "set", l, "up"});
    }
    const std::string db = "unix:" + dir_ + "/db.sock";
    run({"/usr/bin/ovsdb-tool", "create", dir_ + "/conf.db", "/usr/share/openvswitch/vswitch.ovsschema"});
    run({"/usr/sbin/ovsdb-server", dir_ + "/conf.db", "--remote=p" + db, "--pidfile=" + dir_ + "/db.pid",
         "--unixctl=" + dir_ + "/db.ctl", "--log-file=" + dir_ + "/db.log", "--detach"});
    run({"/usr/bin/ovs-vsctl", "--db=" + db, "--no-wait", "init"});
    run({"/usr/sbin/ip", "netns", "exec", netns_, "/usr/bin/env", "OVS_RUNDIR=" + dir_, "/usr/sbin/ovs-vswitchd", db,
         "--pidfile=" + dir_ + "/vs.pid", "--unixctl=" + dir_ + "/vs.ctl", "--log-file=" + dir_ + "/vs.log",
         "--detach"});
    started_ = true;
    run({"/usr/bin/ovs-vsctl", "--db=" + db, "add-br", "brbench", "--", "set", "bridge", "brbench",
         "datapath_type=netdev"});
    run({"/usr/bin/ovs-vsctl", "--db=" + db, "add-port", "brbench", a});
    run({"/usr/bin/ovs-vsctl", "--db=" + db, "add-port", "brbench", b});
  }
  ~Ovs() {
    std::string ignored;
    if (started_) {
      (void)lab::runCommand({"/usr/bin/ovs-vsctl", "--db=unix:" + dir_ + "/db.sock", "--if-exists", "del-br", "brbench"},
                            &ignored);
      (void)lab::runCommand({"/usr/bin/ovs-appctl", "-t", dir_ + "/vs.ctl", "exit", "--cleanup"}, &ignored);
    }
    (void)lab::runCommand({"/usr/bin/ovs-appctl", "-t", dir_ + "/db.ctl", "exit"}, &ignored);
    (void)lab::runCommand({"/usr/sbin/ip", "netns", "del", netns_}, &ignored);  // and the links in it
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

 private:
  std::string dir_, netns_;
  bool started_ = false;
};

class StampingPeer final : public v1::PeerLink::Service {
 public:
  std::vector<Steady::time_point>* got = nullptr;
  grpc::Status Frames(grpc::ServerContext*, grpc::ServerReaderWriter<v1::FrameBatch, v1::FrameBatch>* s) override {
    v1::FrameBatch b;
    while (s->Read(&b)) {
      const auto now = Steady::now();
      if (b.frames_size() == 0 || b.frames(0).size() < 22) continue;
      std::uint64_t i = 0;
      std::memcpy(&i, b.frames(0).data() + 14, 8);
      if (got && i < got->size()) (*got)[i] = now;
    }
    return grpc::Status::OK;
  }
};

// The same frames, one a millisecond, on a raw gRPC Frames stream in this process.
Latencies rawGrpc(std::size_t n) {
  StampingPeer peer;
  grpc::ServerBuilder sb;
  int port = 0;
  sb.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  sb.RegisterService(&peer);
  auto server = sb.BuildAndStart();
  std::vector<Steady::time_point> sent(n), got(n);
  peer.got = &got;
  auto stub = v1::PeerLink::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                        grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  auto stream = stub->Frames(&ctx);
  v1::FrameBatch b;
  b.add_frames();
  const auto start = Steady::now();
  for (std::size_t i = 0; i < n; ++i) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(i));
    const auto f = frame(kSink, kSrc, i);
    b.set_frames(0, std::string(f.begin(), f.end()));
    sent[i] = Steady::now();
    stream->Write(b);
  }
  stream->WritesDone();
  (void)stream->Finish();
  server->Shutdown();
  std::vector<double> us;
  for (std::size_t i = 0; i < n; ++i) us.push_back(usSince(sent[i], got[i]));
  std::sort(us.begin(), us.end());
  return {percentile(us, 50), percentile(us, 99)};
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parseOptions(argc, argv, 3);
  daemon::initLogging("bench", std::getenv("BENCH_DEBUG") ? "info" : "warn", "");
  if (::geteuid() != 0) {
    std::cerr << "bench_frames needs root (veth links and AF_PACKET sockets)\n";
    return o.smoke ? 0 : 1;
  }
  const double seconds = o.smoke ? 0.2 : 2.0;
  const std::size_t n = o.smoke ? 100 : 2000;
  std::vector<Row> rows;
  try {
    // Names unique to this run: fb<pid%10000><role><end>.
    const std::string p = "fb" + std::to_string(::getpid() % 10000);
    Links links;
    links.add(p + "a0", p + "a1");  // injector - leaf1 Eth1/5
    links.add(p + "b0", p + "b1");  // sink - leaf1 Eth1/6
    links.add(p + "c0", p + "c1");  // sink - leaf2 Eth1/5
    links.add(p + "d0", p + "d1");  // injector - OVS
    links.add(p + "e0", p + "e1");  // sink - OVS
    std::vector<double> through, across, ovs, offered;
    Latencies peer_latency, raw_latency;
    {
      // leaf1: Ethernet1/5 (in) and a new access port Ethernet1/6 (out); leaf2: Ethernet1/5 (out).
      const std::vector<std::string> ports[2] = {{"Ethernet1/5 link " + p + "a1", "Ethernet1/6 link " + p + "b1"},
                                                 {"Ethernet1/5 link " + p + "c1"}};
      InProcessPair pair([&](int i, std::string& text) {
        const auto emulator = text.find("\nemulator\n");
        std::string bind;
        for (const auto& port : ports[i]) bind += "  port " + port + "\n";
        text.insert(emulator + 10, bind);
        text.insert(emulator, "\ninterface Ethernet1/6\n  switchport access vlan 10\n");
      });
      Nic a(p + "a0"), b(p + "b0"), c(p + "c0");
      for (int r = 0; r < o.reps; ++r) {
        kSink = 0x02bb00000001ULL;  // behind leaf1 Ethernet1/6
        through.push_back(throughput(a, b, seconds));
        offered.push_back(g_offered);
        kSink = 0x02bb00000002ULL;  // behind leaf2 Ethernet1/5
        across.push_back(throughput(a, c, seconds));
      }
      peer_latency = frameLatency(a, c, n);
    }
    {
      Ovs bridge(p + "d1", p + "e1");
      Nic d(p + "d0"), e(p + "e0");
      kSink = 0x02bb00000003ULL;
      for (int r = 0; r < o.reps; ++r) ovs.push_back(throughput(d, e, seconds));
    }
    raw_latency = rawGrpc(n);
    const auto ovs_stats = stats(ovs);
    rows.push_back(Row{.name = "frames through one switch",
                       .figure_label = "64-byte frames/s, port to port on leaf1",
                       .figure = stats(through),
                       .unit = "frames/s",
                       .ceiling_label = "Open vSwitch userspace bridge, same links",
                       .ceiling = ovs_stats.median,
                       .target = "≥ 0.5× Open vSwitch",
                       .ratio_target = 0.5,
                       .note = fmt::format("offered by one sending thread: {:.0f} frames/s (median); what the "
                                           "switch did not forward it dropped at its socket",
                                           stats(offered).median)});
    rows.push_back(Row{.name = "frames across the peer-link",
                       .figure_label = "64-byte frames/s, leaf1 port to leaf2 port",
                       .figure = stats(across),
                       .unit = "frames/s",
                       .ceiling_label = "Open vSwitch userspace bridge, same links",
                       .ceiling = ovs_stats.median,
                       .target = "report"});
    rows.push_back(Row{.name = "frame latency across the peer-link",
                       .figure_label = fmt::format("p50 one-way, 1 frame/ms (p99 {:.0f} µs)", peer_latency.p99),
                       .figure = stats({peer_latency.p50}),
                       .unit = "µs",
                       .ceiling_label = fmt::format("raw gRPC Frames stream in process (p99 {:.0f} µs)", raw_latency.p99),
                       .ceiling = raw_latency.p50,
                       .target = "p50 ≤ 1 ms and ≤ 3× raw gRPC",
                       .higher_is_better = false,
                       .target_value = 1000,
                       .ratio_target = 3});
  } catch (const std::exception& e) {
    std::cerr << "bench_frames: " << e.what() << "\n";
    return 1;
  }
  return report(rows, o);
}
