// The data plane in virtual time: frames injected on the switches' ports as hosts would send them,
// what leaves each port read back, the peer-link carrying what must cross. The sample pair: server1
// dual-homed on vPC 10 (Po10, trunk, VLAN 10 tagged), backup on leaf2's orphan port Eth1/5 (access
// VLAN 10), SVIs 10.10.0.2 (leaf1) and 10.10.0.3 (leaf2).
#include <catch2/catch.hpp>

#include "switch/core/views.h"
#include "tests/support/frames.h"
#include "tests/support/sim_pair.h"
#include "tests/support/states.h"

using namespace vpc;
using namespace vpc::test;
using namespace std::chrono_literals;

namespace {

const std::uint64_t kServer1 = mac("0050.5600.0a01"), kBackup = mac("0050.5600.0a21");
const std::uint32_t kServer1Ip = ip("10.10.0.11"), kBackupIp = ip("10.10.0.21");
const std::uint64_t kLeaf1 = mac("0c:00:00:00:00:01"), kLeaf2 = mac("0c:00:00:00:00:02");
constexpr std::uint16_t kVlan = 10;

sim::Pair forwardingPair() {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.runUntil(
      [&] {
        return test::vpcOf(p.snap(0), 10).status == VpcStatus::Up && test::vpcOf(p.snap(1), 10).status == VpcStatus::Up;
      },
      120s));
  p.clearSent();
  return p;
}

// The frames switch i sent out of `port` since the last clearSent().
std::vector<Bytes> out(const sim::Pair& p, int i, const std::string& port) {
  std::vector<Bytes> r;
  const auto id = *InterfaceId::parse(port);
  for (const auto& f : p.sent(i))
    if (f.port == id) r.push_back(f.bytes);
  return r;
}

std::optional<MacRow> entry(sim::Pair& p, int i, std::uint64_t m) {
  MacFilter f;
  f.mac = MacAddress{m};
  const auto rows = macRows(p.sw(i).tables(), f, p.now());
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

}  // namespace

TEST_CASE("Frames: a learning bridge across the pair: flood, learn, sync, then known unicast the short way",
          "[rule:frame-forwarding][sim][frames]") {
  auto p = forwardingPair();
  // server1 (hashed onto its leaf1 link) to backup, still unknown: flooded in VLAN 10. It crosses the
  // peer-link and leaves leaf2 by the orphan port, untagged; leaf2 does not send it back down vPC 10.
  p.frame(0, "Ethernet1/1", udp(kServer1, kBackup, kServer1Ip, kBackupIp, 1, 40000, 5001, kVlan));
  p.runFor(10ms);
  auto to_backup = out(p, 1, "Ethernet1/5");
  REQUIRE(to_backup.size() == 1);
  CHECK(frame::parse(to_backup[0])->vid == std::nullopt);
  CHECK(udpSeq(to_backup[0]) == 1u);
  CHECK(out(p, 1, "Ethernet1/1").empty());
  CHECK(out(p, 0, "Ethernet1/1").empty());  // not back where it came from
  CHECK(out(p, 0, "Ethernet1/5").size() == 1);  // leaf1's own orphan port in VLAN 10 gets the flood too

  // leaf1 learned server1 on Po10 from the frame; leaf2 has it through sync, on its own Po10.
  p.runFor(50ms);
  REQUIRE(entry(p, 0, kServer1));
  CHECK(entry(p, 0, kServer1)->port == *InterfaceId::parse("Po10"));
  REQUIRE(entry(p, 1, kServer1));
  CHECK(entry(p, 1, kServer1)->port == *InterfaceId::parse("Po10"));
  CHECK(entry(p, 1, kServer1)->flag == '*');

  // backup answers: leaf2 learns it on Eth1/5 and sends straight down its own leg of vPC 10, tagged.
  p.clearSent();
  const auto crossed = p.peerLinkFrames();
  p.frame(1, "Ethernet1/5", udp(kBackup, kServer1, kBackupIp, kServer1Ip, 2, 5001, 40000));
  p.runFor(50ms);
  const auto to_server = out(p, 1, "Ethernet1/1");
  REQUIRE(to_server.size() == 1);
  CHECK(frame::parse(to_server[0])->vid == kVlan);
  CHECK(p.peerLinkFrames() == crossed);  // nothing crossed

  // server1 to backup again, through leaf1: now known, an orphan of leaf2's - over the peer-link only.
  p.clearSent();
  p.frame(0, "Ethernet1/1", udp(kServer1, kBackup, kServer1Ip, kBackupIp, 3, 40000, 5001, kVlan));
  p.runFor(10ms);
  CHECK(p.peerLinkFrames() == crossed + 1);
  CHECK(out(p, 1, "Ethernet1/5").size() == 1);
  CHECK(out(p, 0, "Ethernet1/5").empty());  // no flood any more
  CHECK(p.sw(0).frames().ports.at(InterfaceId::peerLink()).tx_frames >= 1);
  CHECK(p.sw(1).frames().ports.at(InterfaceId::peerLink()).rx_frames >= 1);
}

TEST_CASE("Frames: what crossed the peer-link never leaves by a vPC both switches forward",
          "[rule:loop-avoidance][sim][frames]") {
  auto p = forwardingPair();
  // A broadcast from server1 on its leaf1 link: leaf2 hears it over the peer-link and must not send it
  // down its own leg of vPC 10 (server1 would get it twice, and a loop would follow).
  p.frame(0, "Ethernet1/1", udp(kServer1, frame::kBroadcast, kServer1Ip, ip("10.10.0.255"), 1, 40000, 5001, kVlan));
  p.runFor(10ms);
  CHECK(out(p, 1, "Ethernet1/1").empty());
  CHECK(out(p, 1, "Ethernet1/5").size() == 1);
  CHECK(p.sw(1).frames().dropped_loop_avoidance >= 1);
}

TEST_CASE("Frames: with a vPC's leg down on one switch, the peer-link carries its traffic to the other leg",
          "[rule:member-port-failure][sim][frames]") {
  auto p = forwardingPair();
  // backup makes itself known, then leaf1's only member of vPC 10 fails (shut).
  p.frame(1, "Ethernet1/5", udp(kBackup, kServer1, kBackupIp, kServer1Ip, 0, 5001, 40000));
  p.frame(0, "Ethernet1/1", udp(kServer1, kBackup, kServer1Ip, kBackupIp, 0, 40000, 5001, kVlan));
  p.runFor(50ms);
  REQUIRE(p.configure(0, {"interface Ethernet1/1", "shutdown"}));
  p.runFor(100ms);
  REQUIRE(test::vpcOf(p.snap(0), 10).status == VpcStatus::DownLocalLeg);
  REQUIRE(test::vpcOf(p.snap(1), 10).peer_leg == PeerLeg::Down);
  p.clearSent();

  // server1 pings leaf1's SVI: its bond now sends on its leaf2 link. leaf2 sends it across to leaf1
  // (the destination is leaf1's MAC); leaf1's reply to server1 goes back across, and leaf2 lets it out
  // of its own leg of vPC 10 - the exception to loop avoidance while the peer's leg is down.
  p.frame(1, "Ethernet1/1", echoRequest(kServer1, kLeaf1, kServer1Ip, ip("10.10.0.2"), kVlan));
  p.runFor(10ms);
  const auto replies = out(p, 1, "Ethernet1/1");
  REQUIRE(replies.size() == 1);
  const auto h = frame::parse(replies[0]);
  CHECK(h->src.value == kLeaf1);
  CHECK(h->dst.value == kServer1);
  CHECK(h->vid == kVlan);
  CHECK(out(p, 0, "Ethernet1/1").empty());
}

TEST_CASE("Frames: an SVI answers ARP and ping for its own address and learns the asker",
          "[rule:svi][sim][frames]") {
  auto p = forwardingPair();
  p.frame(0, "Ethernet1/1", arpRequest(kServer1, kServer1Ip, ip("10.10.0.2"), kVlan));
  p.runFor(10ms);
  // The reply comes back down the port the request came in on (server1 is known there now), tagged.
  const auto back = out(p, 0, "Ethernet1/1");
  REQUIRE(back.size() == 1);
  const auto h = frame::parse(back[0]);
  CHECK(h->vid == kVlan);
  const auto arp = frame::parseArp(back[0], *h);
  REQUIRE(arp);
  CHECK(arp->op == 2);
  CHECK(arp->sender_mac.value == kLeaf1);
  CHECK(arp->sender_ip.value == ip("10.10.0.2"));
  CHECK(arp->target_mac.value == kServer1);
  // The request was a broadcast: leaf2 heard it over the peer-link, and its SVI (10.10.0.3) stayed quiet.
  CHECK(out(p, 1, "Ethernet1/1").empty());
  // leaf1's ARP table learned server1, and `ip arp synchronize` gave it to leaf2.
  p.runFor(50ms);
  for (int i = 0; i < 2; ++i) {
    const auto rows = arpRows(p.sw(i).tables(), kVlan, p.now());
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].ip.value == kServer1Ip);
    CHECK(rows[0].mac.value == kServer1);
  }

  p.clearSent();
  p.frame(0, "Ethernet1/1", echoRequest(kServer1, kLeaf1, kServer1Ip, ip("10.10.0.2"), kVlan, 9, 4));
  p.runFor(10ms);
  const auto pong = out(p, 0, "Ethernet1/1");
  REQUIRE(pong.size() == 1);
  const auto ph = frame::parse(pong[0]);
  CHECK(ph->ethertype == frame::kEtherTypeIpv4);
  REQUIRE(ph->vid == kVlan);
  const std::size_t icmp = ph->payload + 20;
  CHECK(pong[0][icmp] == 0);  // echo reply
  CHECK(frame::checksum(frame::View(pong[0]).subspan(ph->payload, 20)) == 0);  // a valid IPv4 header
  CHECK(p.sw(0).frames().svi_replies == 2);
  (void)kLeaf2;
}

TEST_CASE("Frames: a port-channel spreads flows over its members, one member per flow",
          "[rule:port-channel-hash][sim][frames]") {
  auto p = forwardingPair();
  REQUIRE(p.configure(1, {"interface Ethernet1/3", "channel-group 10 mode active"}));
  p.runFor(100ms);
  // server1 known on leaf2's Po10.
  p.frame(1, "Ethernet1/1", udp(kServer1, kBackup, kServer1Ip, kBackupIp, 0, 40000, 5001, kVlan));
  p.runFor(50ms);
  p.clearSent();
  // 64 flows (source ports) from backup to server1, each sent twice.
  for (int round = 0; round < 2; ++round)
    for (std::uint16_t sport = 0; sport < 64; ++sport)
      p.frame(1, "Ethernet1/5", udp(kBackup, kServer1, kBackupIp, kServer1Ip, sport, static_cast<std::uint16_t>(6000 + sport), 40000));
  p.runFor(50ms);
  std::map<std::uint32_t, std::set<std::uint32_t>> members_of_flow;
  std::map<std::uint32_t, int> per_member;
  for (const auto& f : p.sent(1)) {
    if (f.port.kind() != IfKind::Ethernet || f.port.number() == 5) continue;
    members_of_flow[*udpSeq(f.bytes)].insert(f.port.code());
    ++per_member[f.port.code()];
  }
  CHECK(members_of_flow.size() == 64);
  for (const auto& [flow, members] : members_of_flow) CHECK(members.size() == 1);
  REQUIRE(per_member.size() == 2);  // both members carry some
  for (const auto& [member, n] : per_member) CHECK(n >= 16);
}

TEST_CASE("Frames: after dual-active heals, the two orphan hosts reach each other again, every frame",
          "[rule:dual-active][sim][frames]") {
  auto p = forwardingPair();
  const std::uint64_t kMonitor = mac("0050.5600.0a22");
  const std::uint32_t kMonitorIp = ip("10.10.0.22");
  // monitor1 on leaf1's orphan port Eth1/5 speaks once: learned there, synced to leaf2.
  p.frame(0, "Ethernet1/5", udp(kMonitor, kBackup, kMonitorIp, kBackupIp, 0, 5001, 5001));
  p.runFor(50ms);
  p.cutKeepalive();
  p.cutPeerLink();
  REQUIRE(p.runUntil([&] { return p.snap(1).status.role.operational == Role::Primary; }, 60s));
  p.restoreKeepalive();
  p.restorePeerLink();
  REQUIRE(p.runUntil([&] { return p.converged(); }, 120s));
  // At once, while leaf1 (now operational secondary) waits out delay restore.
  p.frame(0, "Ethernet1/5", udp(kMonitor, kBackup, kMonitorIp, kBackupIp, 0, 5001, 5001));
  p.runFor(50ms);
  p.clearSent();
  for (std::uint32_t seq = 1; seq <= 20; ++seq) {
    p.frame(1, "Ethernet1/5", udp(kBackup, kMonitor, kBackupIp, kMonitorIp, seq, 5001, 5001));
    p.runFor(1ms);
  }
  p.runFor(50ms);
  CHECK(out(p, 0, "Ethernet1/5").size() == 20);
}
