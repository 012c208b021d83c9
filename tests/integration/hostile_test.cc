// A careless or hostile neighbour against a real pair: a rogue gRPC client on a switch's peer-link
// port (silent, a Hello the switch must refuse, sync before any Hello, undecodable bytes, a
// connect/cancel loop) and spoofed keepalive datagrams from the peer's own address. The pair's session
// and tables must not notice; the switch counts what it refused.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include <catch2/catch.hpp>
#include <grpcpp/grpcpp.h>

#include "peerlink/transport/codec.h"
#include "tests/integration/lab.h"
#include "vpc/v1/peer.grpc.pb.h"

using namespace vpc;
using namespace vpc::itest;
using namespace std::chrono_literals;

namespace {

// One PeerLink.Session opened on `target` by a client that is not a switch: writes `msgs`, holds the
// stream open for `hold`, then cancels.
void rogueSession(const std::string& target, const std::vector<v1::PeerMessage>& msgs, std::chrono::milliseconds hold) {
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  auto stub = v1::PeerLink::NewStub(channel);
  grpc::ClientContext ctx;
  auto stream = stub->Session(&ctx);
  for (const auto& m : msgs) stream->Write(m);
  std::this_thread::sleep_for(hold);
  ctx.TryCancel();
  stream->Finish();
}

v1::PeerMessage encoded(const peer::Message& m) {
  v1::PeerMessage pm;
  codec::toProto(m, &pm);
  return pm;
}

// leaf2's Hello as a copy-cat would build it from `show vpc role`, with one thing wrong.
peer::Hello lookalike() {
  peer::Hello h;
  h.domain_id = 10;
  h.system_mac = MacAddress{0x002304eebe0aULL};
  h.system_priority = 32667;
  h.local_mac = MacAddress{0x0c0000000001ULL};
  h.role_priority = 100;
  h.hostname = "rogue";
  return h;
}

// Datagrams to `to`:3200 from `from` (any port): the keepalive filter checks only the address.
void spoofKeepalives(const std::string& from, const std::string& to, const std::vector<KeepaliveMsg>& msgs) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in src{};
  src.sin_family = AF_INET;
  ::inet_pton(AF_INET, from.c_str(), &src.sin_addr);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof(src)) == 0);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(3200);
  ::inet_pton(AF_INET, to.c_str(), &dst.sin_addr);
  for (const auto& m : msgs) {
    const auto bytes = codec::encodeKeepalive(m);
    ::sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&dst), sizeof(dst));
    std::this_thread::sleep_for(5ms);
  }
  ::close(fd);
}

}  // namespace

TEST_CASE("Integration: a rogue client on the peer-link port and spoofed keepalives leave the pair untouched",
          "[integration][hostile]") {
  Lab lab;
  lab.start(0);
  lab.start(1);
  REQUIRE(eventually([&] { return lab.adjacent(); }, 5s));
  lab.learnMac(0, "0050.5600.0001", 1000, 10, "port-channel10");
  REQUIRE(eventually([&] { return lab.converged(); }, 10s));
  const auto before = lab.showSync(1);
  const auto flaps0 = lab.showSync(0).session_flaps();
  const std::string leaf2_peer_link = lab.address(1) + ":7100";  // leaf2 (the higher MAC) is dialed

  SECTION("a rogue peer-link client: silent, refused Hellos, sync before Hello, undecodable, a connect loop") {
    rogueSession(leaf2_peer_link, {}, 2500ms);  // longer than the handshake timeout (2 s)
    auto domain20 = lookalike();
    domain20.domain_id = 20;
    rogueSession(leaf2_peer_link, {encoded(domain20)}, 200ms);
    auto own_mac = lookalike();
    own_mac.local_mac = MacAddress{0x0c0000000002ULL};  // leaf2's own
    rogueSession(leaf2_peer_link, {encoded(own_mac)}, 200ms);
    rogueSession(leaf2_peer_link, {encoded(peer::MacBatch{1, {}})}, 200ms);
    rogueSession(leaf2_peer_link, {v1::PeerMessage{}}, 200ms);  // no body: undecodable
    for (int i = 0; i < 60; ++i) rogueSession(leaf2_peer_link, {}, 0ms);
    std::this_thread::sleep_for(300ms);
    const auto after = lab.showSync(1);
    INFO(lab.log(1));
    CHECK(after.session_flaps() == before.session_flaps());
    CHECK(after.session_state() == "established");
    CHECK(after.guard().superseded() == 0);
    CHECK(after.guard().refused_silent() >= 1);
    CHECK(after.guard().refused_bad_hello() >= 2);
    CHECK(after.guard().refused_early() >= 2);
    CHECK(after.guard().rate_limited() >= 1);  // 65 sessions from one source in a few seconds
    const auto text = lab.vpcctl(1, {"show", "vpc", "sync"});
    CHECK_THAT(text.out, Catch::Matchers::Contains("Connections refused"));
  }

  SECTION("spoofed keepalives from the peer's address: a new boot id each, another domain") {
    std::vector<KeepaliveMsg> spoofs;
    for (std::uint64_t i = 0; i < 50; ++i) {
      KeepaliveMsg k;
      k.domain_id = i % 2 ? 10 : 20;
      k.system_mac = MacAddress{0x002304eebe0aULL};
      k.local_mac = MacAddress{0x0c0000000001ULL};
      k.boot_id = 1000 + i;
      k.seq = i;
      spoofs.push_back(k);
    }
    spoofKeepalives(lab.address(0), lab.address(1), spoofs);
    std::this_thread::sleep_for(300ms);
    const auto after = lab.showSync(1);
    CHECK(after.session_flaps() == before.session_flaps());
    CHECK(after.session_state() == "established");
    CHECK(after.guard().restart_hints() >= 1);
    CHECK(lab.showVpc(1).keepalive_status() == "peer is alive");
    const auto stats = lab.vpcctl(1, {"--json", "show", "vpc", "statistics", "peer-keepalive"});
    CHECK_THAT(stats.out, Catch::Matchers::Contains("\"mismatched_datagrams\""));
    // Datagrams from an address that is not the peer's are counted too.
    spoofKeepalives("127.0.0.1", lab.address(1), {spoofs.front()});
    CHECK(eventually(
        [&] {
          return lab.vpcctl(1, {"--json", "show", "vpc", "statistics", "peer-keepalive"})
                     .out.find("\"foreign_datagrams\": \"1\"") != std::string::npos;
        },
        2s));
  }

  CHECK(lab.showSync(0).session_flaps() == flaps0);
  CHECK(lab.converged());
  CHECK(lab.macCount(1) == 1000);
}
