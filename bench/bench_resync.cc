// Bulk resync: 1,000,000 MACs and 100,000 ARP entries on leaf1; leaf2 (re)joins; entries/s from the
// peer-link session established (Hello exchanged) to the snapshot applied, on real vpcd processes.
// Ceilings, in the same run: the same number of records in the same batches (SyncLimits' batch size, protobuf
// MacBatch) over a raw gRPC bidi stream between two processes with no table work, and the same bytes
// copied over a loopback TCP socket.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include <fmt/format.h>
#include <grpcpp/grpcpp.h>

#include "bench/bench.h"
#include "bench/pair.h"
#include "labs/lab/lab.h"
#include "peerlink/core/sync_sender.h"
#include "vpc/v1/peer.grpc.pb.h"

using namespace vpc;
using namespace vpc::bench;

namespace {

const std::size_t kBatch = SyncLimits{}.batch_records;  // the sync engine's batch size

// --- raw gRPC stream: a PeerLink server that counts records and answers one Ack at the end ---------
class CountingPeer final : public v1::PeerLink::Service {
 public:
  grpc::Status Session(grpc::ServerContext*, grpc::ServerReaderWriter<v1::PeerMessage, v1::PeerMessage>* s) override {
    v1::PeerMessage m;
    std::uint64_t records = 0, expected = 0;
    while (s->Read(&m)) {
      if (m.has_sync_begin()) {
        expected = m.sync_begin().mac_count();
        records = 0;
      } else if (m.has_mac_batch()) {
        records += static_cast<std::uint64_t>(m.mac_batch().mac_size());
        if (records >= expected) {
          v1::PeerMessage ack;
          ack.mutable_ack()->set_seq(m.mac_batch().seq());
          s->Write(ack);
        }
      }
    }
    return grpc::Status::OK;
  }
};

// In a child: reads every byte of each TCP connection, one connection per round, forever.
void tcpSink(const std::function<void(int)>& ready) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::listen(s, 4);
  socklen_t len = sizeof a;
  ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  ready(ntohs(a.sin_port));
  std::vector<char> buf(1 << 16);
  for (;;) {
    const int c = ::accept(s, nullptr, nullptr);
    while (::read(c, buf.data(), buf.size()) > 0) {
    }
    ::close(c);
  }
}

std::vector<v1::PeerMessage> batches(std::size_t records) {
  std::vector<v1::PeerMessage> out;
  for (std::size_t at = 0, seq = 1; at < records; at += kBatch, ++seq) {
    v1::PeerMessage m;
    auto* b = m.mutable_mac_batch();
    b->set_seq(seq);
    for (std::size_t i = at; i < std::min(records, at + kBatch); ++i) {
      b->add_mac(0x005056000000ULL + i);
      b->add_vlan(10);
      b->add_port(10);
      b->add_flags(0);
    }
    out.push_back(std::move(m));
  }
  return out;
}

double rawStreamRate(int port, const std::vector<v1::PeerMessage>& msgs, std::size_t records) {
  auto stub = v1::PeerLink::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  auto stream = stub->Session(&ctx);
  v1::PeerMessage begin;
  begin.mutable_sync_begin()->set_mac_count(records);
  const double t0 = nowMs();
  stream->Write(begin, grpc::WriteOptions().set_buffer_hint());
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    auto o = grpc::WriteOptions();
    if (i + 1 < msgs.size()) o.set_buffer_hint();
    stream->Write(msgs[i], o);
  }
  v1::PeerMessage ack;
  stream->Read(&ack);
  const double t1 = nowMs();
  stream->WritesDone();
  (void)stream->Finish();
  return static_cast<double>(records) / ((t1 - t0) / 1000.0);
}

double tcpRate(int port, std::size_t bytes, std::size_t records) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  std::vector<char> buf(1 << 16, 'x');
  const double t0 = nowMs();
  for (std::size_t sent = 0; sent < bytes;) {
    const auto n = ::write(s, buf.data(), std::min(buf.size(), bytes - sent));
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::shutdown(s, SHUT_WR);
  char c;
  (void)!::read(s, &c, 1);  // the sink closes after reading everything
  const double t1 = nowMs();
  ::close(s);
  return static_cast<double>(records) / ((t1 - t0) / 1000.0);
}

}  // namespace

int main(int argc, char** argv) {
  const auto o = parseOptions(argc, argv, 5);
  // The ceiling processes first, before this process starts gRPC.
  const Child raw = forkGrpcServer([] { return new CountingPeer; });
  const Child sink = forkChild(tcpSink);

  const std::size_t macs = o.smoke ? 20000 : 1000000, arps = o.smoke ? 2000 : 100000;
  const std::size_t entries = macs + arps;
  const auto msgs = batches(entries);
  std::size_t bytes = 0;
  for (const auto& m : msgs) bytes += m.ByteSizeLong() + 9;  // + gRPC framing (5) and HTTP/2 (9) per message, roughly

  std::vector<double> figure, raw_rates, tcp_rates, tls_figure;
  int rc = 0;
  // One lab per run: plaintext (each repetition also measures the ceilings), then mutual TLS.
  auto measure = [&](bool tls, std::vector<double>& out, bool ceilings) {
    BenchLab lab(tls ? "bench-resync-tls" : "bench-resync", 1.0,
                 "vpc domain 10\n  delay restore 0\n  delay restore interface-vlan 0\n", true, tls);
    // MACs are learned on ports that forward: on vPC 10 that needs the pair; leaf2 then leaves and
    // rejoins for every repetition.
    if (!waitFor([&] { return lab.formed() && lab.vpcsUp(0); }, 10000)) throw std::runtime_error("the pair did not form");
    lab.learnMacs(0, "0050.5600.0000", static_cast<std::uint32_t>(macs * 9 / 10), 10, "port-channel10");
    lab.learnMacs(0, "0050.5700.0000", static_cast<std::uint32_t>(macs - macs * 9 / 10), 10, "Ethernet1/5");
    lab.learnArps(0, "10.10.128.1", static_cast<std::uint32_t>(arps), "0050.5600.0000", 10);
    if (!waitFor([&] { return lab.converged(); }, 120000)) throw std::runtime_error("the pair did not converge");
    for (int r = 0; r < o.reps; ++r) {
      if (auto st = lab::stopNode(lab.state(), "leaf2", false); !st) throw std::runtime_error(st.error().message);
      waitFor([&] { return !lab.formed(); }, 5000);
      if (auto st = lab::startNode(lab.state(), "leaf2", std::chrono::seconds(10)); !st)
        throw std::runtime_error(st.error().message);
      // Watch leaf2's events while the snapshot flows, every 20 ms: each look streams leaf2's whole
      // event history from its event loop, the thread being measured (every 1 ms, that was ~250 looks
      // and thousands of streamed events inside one resync). The times come from the events, so the
      // poll's pace does not blur them. `show vpc sync` walks both tables for its digests and would
      // stall the switches it asks, so it is only asked once the snapshot is in.
      std::int64_t t0 = 0, t1 = 0;
      auto snapshotApplied = [&] {
        t0 = t1 = 0;
        for (const auto& e : lab.events(1)) {
          if (e.subject() == "peer-link" && e.to() == "hello exchanged") t0 = e.unix_us();
          if (e.subject() == "sync" && e.to() == "snapshot applied") t1 = e.unix_us();
        }
        return t0 && t1 > t0;
      };
      if (!waitFor(snapshotApplied, 120000, 20)) throw std::runtime_error("leaf2 did not apply the snapshot");
      if (!waitFor([&] { return lab.converged(); }, 120000)) throw std::runtime_error("the pair did not converge");
      out.push_back(static_cast<double>(entries) / (static_cast<double>(t1 - t0) / 1e6));
      if (ceilings) {
        raw_rates.push_back(rawStreamRate(raw.port, msgs, entries));
        tcp_rates.push_back(tcpRate(sink.port, bytes, entries));
      }
    }
  };
  try {
    measure(false, figure, true);
    measure(true, tls_figure, false);
  } catch (const std::exception& e) {
    std::cerr << "bench_resync: " << e.what() << "\n";
    rc = 1;
  }
  raw.stop();
  sink.stop();
  if (rc) return rc;

  return report({Row{.name = "bulk resync",
                     .figure_label = fmt::format("{} MACs + {} ARPs, Hello -> snapshot applied", macs, arps),
                     .figure = stats(figure),
                     .unit = "entries/s",
                     .ceiling_label = "raw gRPC stream, same batches",
                     .ceiling = stats(raw_rates).median,
                     .target = ">= 5 M entries/s and >= 0.25 x ceiling",
                     .target_value = 5e6,
                     .ratio_target = 0.25,
                     .note = fmt::format("loopback TCP copy of the same {:.1f} MB: {}", static_cast<double>(bytes) / 1e6,
                                         human(stats(tcp_rates).median, "entries/s"))},
                Row{.name = "bulk resync TLS",
                    .figure_label = "the same, peer-link over mutual TLS (vpclab deploy --tls)",
                    .figure = stats(tls_figure),
                    .unit = "entries/s",
                    .ceiling_label = "plaintext bulk resync (above)",
                    .ceiling = stats(figure).median,
                    .target = ">= 0.7 x plaintext",
                    .ratio_target = 0.7}},
                o);
}
