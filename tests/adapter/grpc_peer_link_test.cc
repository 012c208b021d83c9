// The gRPC peer-link transport on 127.0.0.1 port 0: real streams, one process.
#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <grpcpp/grpcpp.h>

#include "peerlink/core/interface_id.h"
#include "peerlink/transport/grpc_peer_link.h"
#include "tests/adapter/io_thread.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

struct Seen {
  std::vector<ConnId> accepted;
  std::vector<std::pair<ConnId, peer::Message>> messages;
  std::vector<std::pair<ConnId, std::string>> malformed;
  std::vector<std::pair<ConnId, std::string>> closed;
};

struct RecordingSink : transport::PeerLinkTransport::Sink {
  test::Recorder<Seen> rec;
  void peerAccepted(ConnId c) override { rec.update([&](Seen& s) { s.accepted.push_back(c); }); }
  void peerMessage(ConnId c, peer::Message m) override {
    rec.update([&](Seen& s) { s.messages.emplace_back(c, std::move(m)); });
  }
  void peerMalformed(ConnId c, std::string e) override { rec.update([&](Seen& s) { s.malformed.emplace_back(c, e); }); }
  void peerClosed(ConnId c, std::string r) override { rec.update([&](Seen& s) { s.closed.emplace_back(c, r); }); }
};

peer::Hello hello() {
  peer::Hello h;
  h.domain_id = 10;
  h.system_priority = 32667;
  h.role_priority = 100;
  h.local_mac = MacAddress{1};
  h.hostname = "leaf1";
  return h;
}

// A listening side (server) and a dialing side, each with its own transport on one io thread.
struct Link {
  test::IoThread io;
  RecordingSink server_sink, client_sink;
  transport::PeerLinkTransport server{io.io(), server_sink};
  transport::PeerLinkTransport client{io.io(), client_sink};
  std::unique_ptr<grpc::Server> grpc_server;
  std::string address;

  Link() {
    grpc::ServerBuilder b;
    int port = 0;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    b.RegisterService(server.service());
    grpc_server = b.BuildAndStart();
    REQUIRE(port != 0);
    address = "127.0.0.1:" + std::to_string(port);
  }
  ~Link() {
    io.run([&] {
      server.closeAll();
      client.closeAll();
      return 0;
    });
    for (int i = 0; i < 200 && !io.run([&] { return server.idle() && client.idle(); }); ++i)
      std::this_thread::sleep_for(5ms);
    grpc_server->Shutdown(std::chrono::system_clock::now() + 1s);
    io.stop();
  }
  // Dials as connection 1 and waits until the server has accepted it; returns the server's id for it.
  ConnId connect() {
    io.run([&] {
      client.dial(1, address, std::chrono::seconds(2));
      client.send(1, hello());
      return 0;
    });
    REQUIRE(server_sink.rec.waitFor([](const Seen& s) { return !s.accepted.empty() && !s.messages.empty(); }));
    return server_sink.rec.snapshot().accepted.front();
  }
};

}  // namespace

TEST_CASE("PeerLinkTransport: a dialed stream carries messages both ways, in order", "[adapter][peerlink]") {
  Link l;
  const ConnId sconn = l.connect();
  CHECK((sconn & kAcceptedConnBit) != 0);
  {
    auto seen = l.server_sink.rec.snapshot();
    REQUIRE(seen.messages.size() == 1);
    CHECK(seen.messages[0].first == sconn);
    CHECK(std::get<peer::Hello>(seen.messages[0].second).hostname == "leaf1");
  }
  // A burst of 2,000 batches of 100 records from the server to the client.
  l.io.run([&] {
    for (std::uint64_t s = 1; s <= 2000; ++s) {
      peer::MacBatch b;
      b.seq = s;
      for (std::uint64_t i = 0; i < 100; ++i)
        b.records.push_back({macKey(10, s * 1000 + i), InterfaceId::vpc(10).code(), 0});
      l.server.send(sconn, b);
    }
    return 0;
  });
  REQUIRE(l.client_sink.rec.waitFor([](const Seen& s) { return s.messages.size() == 2000; }, 20000ms));
  const auto got = l.client_sink.rec.snapshot();
  for (std::size_t i = 0; i < got.messages.size(); ++i) {
    const auto& b = std::get<peer::MacBatch>(got.messages[i].second);
    CHECK(b.seq == i + 1);
    CHECK(b.records.size() == 100);
  }
  CHECK(got.closed.empty());
}

TEST_CASE("PeerLinkTransport: a Goodbye is flushed before the stream closes", "[adapter][peerlink]") {
  Link l;
  const ConnId sconn = l.connect();
  l.io.run([&] {
    l.client.send(1, peer::Goodbye{"vpcd stopped (SIGTERM)"});
    l.client.close(1);
    return 0;
  });
  REQUIRE(l.server_sink.rec.waitFor([](const Seen& s) { return !s.closed.empty(); }));
  const auto seen = l.server_sink.rec.snapshot();
  REQUIRE(seen.messages.size() == 2);
  CHECK(std::get<peer::Goodbye>(seen.messages[1].second).reason == "vpcd stopped (SIGTERM)");
  CHECK(seen.closed[0].first == sconn);
  // The side that closed is not told about its own close.
  CHECK(l.client_sink.rec.snapshot().closed.empty());
}

TEST_CASE("PeerLinkTransport: closing without Goodbye cancels at once, the other side hears of it",
          "[adapter][peerlink]") {
  Link l;
  const ConnId sconn = l.connect();
  l.io.run([&] {
    l.server.close(sconn);
    return 0;
  });
  REQUIRE(l.client_sink.rec.waitFor([](const Seen& s) { return !s.closed.empty(); }));
  const auto seen = l.client_sink.rec.snapshot();
  CHECK(seen.closed[0].first == 1);
  CHECK_THAT(seen.closed[0].second, Catch::Matchers::Contains("peer-link"));
}

TEST_CASE("PeerLinkTransport: dialing nothing reports the failure", "[adapter][peerlink]") {
  Link l;
  // A port that was just free: bind and release it.
  std::string dead;
  {
    boost::asio::io_context ctx;
    boost::asio::ip::tcp::acceptor acceptor(
        ctx, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    dead = "127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
  }
  l.io.run([&] {
    l.client.dial(7, dead, std::chrono::seconds(2));
    l.client.send(7, hello());
    return 0;
  });
  REQUIRE(l.client_sink.rec.waitFor([](const Seen& s) { return !s.closed.empty(); }));
  const auto seen = l.client_sink.rec.snapshot();
  CHECK(seen.closed[0].first == 7);
  CHECK_THAT(seen.closed[0].second, Catch::Matchers::Contains("UNAVAILABLE"));
}

TEST_CASE("PeerLinkTransport: a malformed message from a foreign client is reported, not delivered",
          "[adapter][peerlink]") {
  Link l;
  auto stub = v1::PeerLink::NewStub(grpc::CreateChannel(l.address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  auto stream = stub->Session(&ctx);
  v1::PeerMessage bad;
  bad.mutable_mac_batch()->add_mac(1);  // one column longer than the others
  REQUIRE(stream->Write(bad));
  REQUIRE(l.server_sink.rec.waitFor([](const Seen& s) { return !s.malformed.empty(); }));
  const auto seen = l.server_sink.rec.snapshot();
  CHECK(seen.messages.empty());
  CHECK_THAT(seen.malformed[0].second, Catch::Matchers::Contains("columns of different lengths"));
  stream->WritesDone();
  ctx.TryCancel();
}
