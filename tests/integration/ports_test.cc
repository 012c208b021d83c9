// A switch port on a real Linux link: a veth pair, one end bound to leaf1's Ethernet1/5 (an orphan
// port, access VLAN 10), the other end played by this test through its own packet socket. Needs root
// (CAP_NET_ADMIN for the veth, CAP_NET_RAW for the sockets), as CI has. The veth is deleted on every
// way out.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "tests/integration/lab.h"
#include "tests/support/frames.h"

using namespace vpc;
using namespace vpc::itest;
using namespace std::chrono_literals;

namespace {

// A veth pair that exists for the test's lifetime; both ends up.
struct Veth {
  std::string a, b;
  explicit Veth(const std::string& tag) : a("vs" + tag), b("vh" + tag) {  // names of 15 characters at most
    REQUIRE(run({"/usr/sbin/ip", "link", "add", a, "type", "veth", "peer", "name", b}).exit_code == 0);
    run({"/usr/sbin/ip", "link", "set", a, "up"});
    run({"/usr/sbin/ip", "link", "set", b, "up"});
  }
  ~Veth() { run({"/usr/sbin/ip", "link", "del", a}); }
};

// The host end: sends frames, reads what the switch sends back.
struct HostSocket {
  int fd = -1;
  explicit HostSocket(const std::string& link) {
    fd = ::socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    REQUIRE(fd >= 0);
    sockaddr_ll addr{};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = static_cast<int>(::if_nametoindex(link.c_str()));
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{0, 100000};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~HostSocket() { ::close(fd); }
  void send(const test::Bytes& b) { REQUIRE(::send(fd, b.data(), b.size(), 0) == static_cast<ssize_t>(b.size())); }
  // The next frame from the switch that satisfies pred, within `limit`.
  std::optional<test::Bytes> receive(const std::function<bool(const test::Bytes&)>& pred,
                                     std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    test::Bytes buf(2048);
    while (std::chrono::steady_clock::now() < end) {
      sockaddr_ll from{};
      socklen_t len = sizeof from;
      const auto n = ::recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0 || from.sll_pkttype == PACKET_OUTGOING) continue;
      test::Bytes f(buf.begin(), buf.begin() + n);
      if (pred(f)) return f;
    }
    return std::nullopt;
  }
};

}  // namespace

TEST_CASE("Ports: a port bound to a veth learns from real frames, answers ARP, and follows the carrier",
          "[integration][ports]") {
  const std::string tag = std::to_string(::getpid() % 100000);
  Veth veth(tag);
  Lab lab;
  lab.start(0, {{"  local-mac ", "  port Ethernet1/5 link " + veth.a + "\n  local-mac "},
                {"  vpc orphan-port suspend\n", ""}});
  lab.start(1);
  REQUIRE(eventually([&] { return lab.adjacent(); }, 10s));
  HostSocket host(veth.b);
  REQUIRE(eventually([&] { return lab.vpcctl(0, {"show", "interface", "status"}).out.find("Eth1/5") != std::string::npos; }, 5s));

  // A host behind the veth asks for leaf1's SVI address: the switch learns its MAC on Eth1/5 and
  // answers from its own MAC, untagged (an access port).
  const auto host_mac = test::mac("0050.56ee.0005");
  std::optional<test::Bytes> reply;
  REQUIRE(eventually(
      [&] {
        host.send(test::arpRequest(host_mac, test::ip("10.10.0.50"), test::ip("10.10.0.2")));
        reply = host.receive(
            [&](const test::Bytes& f) {
              const auto h = frame::parse(f);
              return h && h->ethertype == frame::kEtherTypeArp && h->dst.value == host_mac;
            },
            200ms);
        return reply.has_value();
      },
      10s, 0ms));
  const auto h = frame::parse(*reply);
  CHECK_FALSE(h->vid);
  const auto arp = frame::parseArp(*reply, *h);
  REQUIRE(arp);
  CHECK(arp->op == 2);
  CHECK(arp->sender_ip.value == test::ip("10.10.0.2"));
  CHECK(lab.macCount(0, "Ethernet1/5") >= 1);
  CHECK(eventually([&] { return lab.vpcctl(1, {"show", "ip", "arp"}).out.find("10.10.0.50") != std::string::npos; },
                   5s));

  // The far end goes down: no carrier, the port reads notconnec; back up, connected again.
  run({"/usr/sbin/ip", "link", "set", veth.b, "down"});
  CHECK(eventually(
      [&] { return lab.vpcctl(0, {"show", "interface", "status"}).out.find("notconnec") != std::string::npos; }, 5s));
  run({"/usr/sbin/ip", "link", "set", veth.b, "up"});
  CHECK(eventually(
      [&] { return lab.vpcctl(0, {"show", "interface", "status"}).out.find("notconnec") == std::string::npos; }, 5s));
}

TEST_CASE("Ports: a link that does not exist stops vpcd with the configuration line", "[integration][ports]") {
  Lab lab;
  const auto path = lab.writeConfig(0, lab.config(0, {{"  local-mac ", "  port Ethernet1/5 link vnone0\n  local-mac "}}));
  const auto r = run({binDir() + "/vpcd", "--config", path}, 10s);
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("port Ethernet1/5 link vnone0: no such network interface") != std::string::npos);
  CHECK(r.err.find(path + ":") != std::string::npos);
}

// Two hosts on the orphan ports of different switches: what one sends the other must get over the
// peer-link's frame stream (gRPC, the session's own connection).
TEST_CASE("Ports: frames cross the peer-link between hosts on the two switches", "[integration][ports]") {
  const std::string tag = std::to_string(::getpid() % 100000);
  Veth v1(tag + "a"), v2(tag + "b");
  Lab lab;
  lab.start(0, {{"  local-mac ", "  port Ethernet1/5 link " + v1.a + "\n  local-mac "}});
  lab.start(1, {{"  local-mac ", "  port Ethernet1/5 link " + v2.a + "\n  local-mac "}});
  REQUIRE(eventually([&] { return lab.converged(); }, 20s));
  HostSocket a(v1.b), b(v2.b);
  const auto mac_a = test::mac("0050.56ee.00a1"), mac_b = test::mac("0050.56ee.00b1");
  // Eth1/5 has `vpc orphan-port suspend` on both: it waits for the roles; retry until it forwards.
  std::optional<test::Bytes> got;
  std::uint32_t seq = 0;
  REQUIRE(eventually(
      [&] {
        a.send(test::udp(mac_a, mac_b, test::ip("10.10.0.61"), test::ip("10.10.0.62"), ++seq));
        got = b.receive([&](const test::Bytes& f) { return test::udpSeq(f) == seq; }, 200ms);
        return got.has_value();
      },
      15s, 0ms));
  CHECK(frame::parse(*got)->src.value == mac_a);
  // And back: B's answer to A, now known on leaf1 (synced), goes straight over the peer-link.
  b.send(test::udp(mac_b, mac_a, test::ip("10.10.0.62"), test::ip("10.10.0.61"), 777));
  CHECK(a.receive([&](const test::Bytes& f) { return test::udpSeq(f) == 777u; }, 2s));
  CHECK(lab.macCount(1, "Ethernet1/5") >= 1);
  // Both switches count what crossed, each way (show vpc sync, and its JSON twin).
  const auto f0 = lab.showSync(0).peer_link_frames(), f1 = lab.showSync(1).peer_link_frames();
  CHECK(f0.tx_frames() >= 1);
  CHECK(f1.rx_frames() >= 1);
  CHECK(f1.tx_frames() >= 1);
  CHECK(f0.rx_frames() >= 1);
  CHECK(lab.vpcctl(0, {"show", "vpc", "sync"}).out.find("Data frames") != std::string::npos);
}
