// Incremental sync latency: single MAC learns on leaf1 at a steady rate (1,000/s and 100,000/s), each
// timed until leaf2's node has installed it. Both switches are real Daemons (node, gRPC peer-link,
// keepalive) in this process, each on its own io thread, so one steady clock stamps the learn and the
// install. Ceiling, in the same run: the one-way latency of a small message on a raw gRPC bidi stream
// in this process at the same rate (what gRPC alone costs). Targets: p50 <= 100 us, p99 <= 1 ms, p50
// within 2x the ceiling.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <future>
#include <iostream>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "bench/bench.h"
#include "bench/inproc_pair.h"
#include "bench/pair.h"
#include "labs/lab/files.h"
#include "labs/lab/lab.h"
#include "switch/core/config_parser.h"
#include "switch/daemon/daemon.h"
#include "switch/daemon/log.h"
#include "vpc/v1/peer.grpc.pb.h"

using namespace vpc;
using namespace vpc::bench;
using Steady = std::chrono::steady_clock;

namespace {

double usSince(Steady::time_point a, Steady::time_point b) {
  return std::chrono::duration<double, std::micro>(b - a).count();
}

using Pair = InProcessPair;

struct Latencies {
  double p50 = 0, p99 = 0, max = 0;
};

Latencies summarize(const std::vector<Steady::time_point>& sent, const std::vector<Steady::time_point>& got) {
  std::vector<double> us;
  us.reserve(sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) us.push_back(usSince(sent[i], got[i]));
  if (std::getenv("BENCH_DEBUG")) {  // the slowest, with when they were sent (ms into the run)
    std::vector<std::size_t> idx(us.size());
    for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
    std::partial_sort(idx.begin(), idx.begin() + std::min<std::size_t>(12, idx.size()), idx.end(),
                      [&](auto a, auto b) { return us[a] > us[b]; });
    for (std::size_t k = 0; k < std::min<std::size_t>(12, idx.size()); ++k)
      std::cerr << fmt::format("  slow: {:.0f} us at {:.1f} ms\n", us[idx[k]], usSince(sent[0], sent[idx[k]]) / 1000);
  }
  std::sort(us.begin(), us.end());
  if (std::getenv("BENCH_DEBUG"))
    std::cerr << fmt::format("p10 {:.0f} p50 {:.0f} p90 {:.0f} p95 {:.0f} p99 {:.0f} p99.9 {:.0f} max {:.0f}\n",
                             percentile(us, 10), percentile(us, 50), percentile(us, 90), percentile(us, 95),
                             percentile(us, 99), percentile(us, 99.9), us.back());
  return {percentile(us, 50), percentile(us, 99), us.back()};
}

// One run at `rate` learns/s: `n` single learns on leaf1's Po10 (VLAN 10), paced per 1 ms tick.
Latencies learnRun(Pair& pair, std::uint64_t first_mac, double rate, std::size_t n) {
  std::vector<Steady::time_point> sent(n), got(n);
  std::vector<bool> seen(n, false);
  std::size_t installed = 0;
  std::promise<void> all_in;
  std::atomic<bool> finished{false};  // the run ended: every learn installed, or a learn failed
  std::string failure;                 // written by leaf1's io thread before `finished`
  auto finish = [&] {
    if (!finished.exchange(true)) all_in.set_value();
  };
  const std::uint64_t first_key = macKey(10, first_mac);
  // leaf2's io thread: every applied MacBatch.
  onIo(pair.io(1), [&] {
    pair.d(1).onPeerApplied([&](const peer::Message& m) {
      const auto* b = std::get_if<peer::MacBatch>(&m);
      if (!b) return;
      const auto now = Steady::now();
      for (const auto& r : b->records) {
        if (r.key < first_key || r.key >= first_key + n || (r.flags & kRecordDelete)) continue;
        const auto i = static_cast<std::size_t>(r.key - first_key);
        if (seen[i]) continue;
        seen[i] = true;
        got[i] = now;
        if (++installed == n) finish();
      }
    });
    return 0;
  });
  // leaf1's io thread: a 1 ms tick learns what is due.
  const auto iface = *InterfaceId::parse("port-channel10");
  // Lives and dies on leaf1's io thread (asio objects are not to be touched from two threads).
  auto timer = std::make_unique<boost::asio::steady_timer>(pair.io(0));
  std::size_t next = 0;
  Steady::time_point start;
  std::function<void()> tick = [&] {
    const double due_f = usSince(start, Steady::now()) / 1e6 * rate;
    const std::size_t due = std::min(n, static_cast<std::size_t>(due_f) + 1);
    for (; next < due; ++next) {
      LearnMacCmd cmd;
      cmd.mac = MacAddress{first_mac + next};
      cmd.vlan = 10;
      cmd.iface = iface;
      sent[next] = Steady::now();
      auto r = pair.d(0).run([&](SwitchNode& node, TimePoint now, Effects& out) { return node.learnMac(cmd, now, out); });
      if (!r) {
        failure = "learn failed on leaf1: " + r.error().message;
        finish();
        return;
      }
    }
    if (next >= n) return;
    timer->expires_at(start + std::chrono::microseconds(static_cast<std::int64_t>((static_cast<double>(next) / rate) * 1e6)));
    timer->async_wait([&](const boost::system::error_code& ec) {
      if (!ec) tick();
    });
  };
  boost::asio::post(pair.io(0), [&] {
    start = Steady::now();
    tick();
  });
  auto fut = all_in.get_future();
  const bool ok = fut.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  onIo(pair.io(1), [&] {
    pair.d(1).onPeerApplied({});
    return 0;
  });
  onIo(pair.io(0), [&] {
    timer.reset();  // cancels a pending wait; its handler sees operation_aborted and does nothing
    return 0;
  });
  if (!failure.empty()) throw std::runtime_error(failure);
  if (!ok) throw std::runtime_error(fmt::format("only {} of {} learns reached leaf2", installed, n));
  return summarize(sent, got);
}

// --- the ceiling: a raw gRPC stream in process ---------------------------------------------------
class StampingPeer final : public v1::PeerLink::Service {
 public:
  std::vector<Steady::time_point>* got = nullptr;
  grpc::Status Session(grpc::ServerContext*, grpc::ServerReaderWriter<v1::PeerMessage, v1::PeerMessage>* s) override {
    v1::PeerMessage m;
    while (s->Read(&m)) {
      const auto now = Steady::now();
      const auto i = static_cast<std::size_t>(m.mac_batch().seq());
      if (got && i < got->size()) (*got)[i] = now;
    }
    return grpc::Status::OK;
  }
};

Latencies rawRun(const std::string& address, StampingPeer& peer, double rate, std::size_t n) {
  std::vector<Steady::time_point> sent(n), got(n);
  peer.got = &got;
  auto stub = v1::PeerLink::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  auto stream = stub->Session(&ctx);
  v1::PeerMessage m;
  auto* b = m.mutable_mac_batch();  // one record, as a single learn is
  b->add_mac(0x005056000001ULL);
  b->add_vlan(10);
  b->add_port(10);
  b->add_flags(0);
  const auto start = Steady::now();
  for (std::size_t i = 0; i < n;) {
    const double due_f = usSince(start, Steady::now()) / 1e6 * rate;
    const std::size_t due = std::min(n, static_cast<std::size_t>(due_f) + 1);
    for (; i < due; ++i) {
      b->set_seq(i);
      sent[i] = Steady::now();
      stream->Write(m);
    }
    if (i < n)
      std::this_thread::sleep_until(start + std::chrono::microseconds(static_cast<std::int64_t>((static_cast<double>(i) / rate) * 1e6)));
  }
  stream->WritesDone();
  (void)stream->Finish();
  peer.got = nullptr;
  return summarize(sent, got);
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parseOptions(argc, argv, 3);
  daemon::initLogging("bench", "warn", "");
  struct Rate {
    double per_s;
    std::size_t n;
    const char* label;
  };
  const std::vector<Rate> rates = {{1000, o.smoke ? 100u : 2000u, "1k/s"}, {100000, o.smoke ? 1000u : 100000u, "100k/s"}};

  StampingPeer raw_peer;
  grpc::ServerBuilder sb;
  int raw_port = 0;
  sb.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &raw_port);
  sb.RegisterService(&raw_peer);
  auto raw_server = sb.BuildAndStart();
  const std::string raw_address = "127.0.0.1:" + std::to_string(raw_port);

  std::vector<Row> rows;
  std::map<std::string, double> plain_p50, plain_p99;  // by rate label: the ceilings of the TLS rows
  try {
    Pair pair;
    if (!waitFor([&] { return pair.established(); }, 20000)) throw std::runtime_error("the pair did not establish");
    std::uint64_t mac = 0x005056000000ULL;
    for (const auto& rate : rates) {
      std::vector<double> p50, p99, mx, raw50, raw99;
      for (int r = 0; r < o.reps; ++r) {
        const auto l = learnRun(pair, mac, rate.per_s, rate.n);
        mac += rate.n;
        const auto c = rawRun(raw_address, raw_peer, rate.per_s, rate.n);
        p50.push_back(l.p50);
        p99.push_back(l.p99);
        mx.push_back(l.max);
        raw50.push_back(c.p50);
        raw99.push_back(c.p99);
      }
      const std::string name = std::string("sync latency ") + rate.label;
      rows.push_back(Row{.name = name + " p50",
                         .figure_label = fmt::format("learn on leaf1 -> installed on leaf2 ({} learns)", rate.n),
                         .figure = stats(p50),
                         .unit = "us",
                         .ceiling_label = "raw gRPC stream one-way p50",
                         .ceiling = stats(raw50).median,
                         .target = "p50 <= 100 us and <= 2x ceiling",
                         .higher_is_better = false,
                         .target_value = 100,
                         .ratio_target = 2});
      rows.push_back(Row{.name = name + " p99",
                         .figure_label = "the same learns",
                         .figure = stats(p99),
                         .unit = "us",
                         .ceiling_label = "raw gRPC stream one-way p99",
                         .ceiling = stats(raw99).median,
                         .target = "p99 <= 1 ms",
                         .higher_is_better = false,
                         .target_value = 1000,
                         .note = fmt::format("max {}", human(stats(mx).median, "us"))});
      plain_p50[rate.label] = stats(p50).median;
      plain_p99[rate.label] = stats(p99).median;
    }
  } catch (const std::exception& e) {
    std::cerr << "bench_latency: " << e.what() << "\n";
    raw_server->Shutdown();
    return 1;
  }
  // The same learns with mutual TLS on the peer-link (the lab's certificates, as deploy --tls makes
  // them), beside the plaintext figures just measured.
  try {
    char tmpl[] = "/tmp/vpc-bench-tls-XXXXXX";
    const std::string dir = mkdtemp(tmpl);
    const std::string block = Pair::block();
    if (auto st = lab::makeCertificates(dir, "bench", {{"leaf1", block + "1", "", ""}, {"leaf2", block + "2", "", ""}}); !st)
      throw std::runtime_error(st.error().message);
    Pair pair([&](int i, std::string& text) {
      const std::string n = "leaf" + std::to_string(i + 1);
      text += "emulator\n  tls certificate " + dir + "/" + n + ".crt key " + dir + "/" + n + ".key ca " + dir + "/ca.crt\n";
    });
    if (!waitFor([&] { return pair.established(); }, 20000)) throw std::runtime_error("the TLS pair did not establish");
    std::uint64_t mac = 0x005057000000ULL;
    for (const auto& rate : rates) {
      std::vector<double> p50, p99;
      for (int r = 0; r < o.reps; ++r) {
        const auto l = learnRun(pair, mac, rate.per_s, rate.n);
        mac += rate.n;
        p50.push_back(l.p50);
        p99.push_back(l.p99);
      }
      const std::string name = std::string("sync latency ") + rate.label + " TLS";
      rows.push_back(Row{.name = name + " p50",
                         .figure_label = "the same learns, peer-link over mutual TLS",
                         .figure = stats(p50),
                         .unit = "us",
                         .ceiling_label = "plaintext p50 (above)",
                         .ceiling = plain_p50[rate.label],
                         .target = "<= 1.5x plaintext",
                         .higher_is_better = false,
                         .ratio_target = 1.5});
      rows.push_back(Row{.name = name + " p99",
                         .figure_label = "the same learns, peer-link over mutual TLS",
                         .figure = stats(p99),
                         .unit = "us",
                         .ceiling_label = "plaintext p99 (above)",
                         .ceiling = plain_p99[rate.label],
                         .target = "<= 1.5x plaintext",
                         .higher_is_better = false,
                         .ratio_target = 1.5});
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  } catch (const std::exception& e) {
    std::cerr << "bench_latency: " << e.what() << "\n";
    raw_server->Shutdown();
    return 1;
  }
  raw_server->Shutdown();
  return report(rows, o);
}
