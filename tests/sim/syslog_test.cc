// `show logging`'s messages (switch/core/syslog.h): what a Nexus logs for the vPC events, derived from
// the journal of two switches in virtual time (the sample pair: leaf1 primary, leaf2 secondary).
#include <catch2/catch.hpp>

#include <algorithm>

#include "switch/core/syslog.h"
#include "tests/support/sim_pair.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> lines(sim::Pair& p, int i, std::uint64_t after_seq = 0) {
  std::vector<std::string> out;
  for (const auto& m : syslogMessages(p.sw(i).journal().events(), p.sw(i).config()))
    if (m.event_seq > after_seq) out.push_back(m.tag() + ": " + m.text);
  return out;
}

bool holds(const std::vector<std::string>& v, const std::string& line) {
  return std::find(v.begin(), v.end(), line) != v.end();
}

std::size_t indexOf(const std::vector<std::string>& v, const std::string& line) {
  return static_cast<std::size_t>(std::find(v.begin(), v.end(), line) - v.begin());
}

}  // namespace

TEST_CASE("Syslog: a pair forming logs keepalive, peer-link, role and vPCs up", "[rule:syslog][sim]") {
  auto p = sim::Pair::startConverged();
  const auto l2 = lines(p, 1);
  CHECK(holds(l2, "%VPC-5-PEER_KEEP_ALIVE_RECV_SUCCESS: In domain 10, vPC peer keep-alive receive is successful"));
  CHECK(holds(l2, "%VPC-5-VPC_PEER_LINK_UP: VPC Peer-link is up"));
  CHECK(holds(l2, "%VPC-5-ROLE_CHANGE: In domain 10, VPC role status has changed to Secondary"));
  CHECK(holds(l2, "%VPC-5-VPC_UP: vPC 10 is up"));
  CHECK(holds(l2, "%ETHPORT-5-IF_UP: Interface port-channel10 (description:server1) is up in mode trunk"));
  CHECK(holds(l2, "%ETHPORT-5-IF_UP: Interface Ethernet1/49 is up in mode trunk"));  // as its port-channel
  CHECK(holds(lines(p, 0), "%VPC-5-ROLE_CHANGE: In domain 10, VPC role status has changed to Primary"));
}

TEST_CASE("Syslog: peer-link loss on the secondary logs the NX-OS trio, once per loss", "[rule:syslog][sim]") {
  auto p = sim::Pair::startConverged();
  const auto seq = p.sw(1).journal().lastSeq();
  p.cutPeerLink();
  REQUIRE(p.runUntil([&] {
    return p.snap(0).status.peer == PeerStatus::LinkDown && p.snap(1).status.peer == PeerStatus::LinkDown;
  }, 4s));
  const auto l2 = lines(p, 1, seq);
  const std::string susp =
      "%VPC-2-VPC_SUSP_ALL_VPC: Peer-link going down, suspending all vPCs on secondary. If vfc is bound to vPC, "
      "then only ethernet vlans of that VPC shall be down.";
  REQUIRE(std::count(l2.begin(), l2.end(), susp) == 1);
  CHECK(holds(l2, "%VPC-3-INTF_CONSISTENCY_FAILED: In domain 10, VPC 10 configuration is not consistent (Peer-link is down)"));
  CHECK(holds(l2, "%VPC-3-INTF_CONSISTENCY_FAILED: In domain 10, VPC 20 configuration is not consistent (Peer-link is down)"));
  CHECK(holds(l2, "%VPC-3-VPC_PEER_LINK_DOWN: VPC Peer-link is down"));
  CHECK(indexOf(l2, susp) < indexOf(l2, "%VPC-3-VPC_PEER_LINK_DOWN: VPC Peer-link is down"));
  // The primary keeps its vPCs: no suspension there.
  const auto l1 = lines(p, 0, seq);
  CHECK(holds(l1, "%VPC-3-VPC_PEER_LINK_DOWN: VPC Peer-link is down"));
  CHECK(!holds(l1, susp));
  // The peer-link's members are suspended while it is down.
  CHECK(holds(l2, "%ETH_PORT_CHANNEL-5-PORT_SUSPENDED: Ethernet1/49: Ethernet1/49 is suspended"));

  SECTION("the keepalive then proves the peer alive: dual-active detected, roles kept") {
    p.runFor(10s);
    CHECK(holds(lines(p, 1, seq),
                "%VPC-2-DUAL_ACTIVE_DETECTED: In domain 10, vPC dual-active detected: the peer-link is down and the "
                "peer is alive on the peer-keepalive"));
  }
}

TEST_CASE("Syslog: keepalive loss and return", "[rule:syslog][sim]") {
  auto p = sim::Pair::startConverged();
  const auto seq = p.sw(0).journal().lastSeq();
  p.cutKeepalive();
  p.runFor(10s);
  CHECK(holds(lines(p, 0, seq), "%VPC-2-PEER_KEEP_ALIVE_RECV_FAIL: In domain 10, VPC peer keep-alive receive has failed"));
  const auto seq2 = p.sw(0).journal().lastSeq();
  p.restoreKeepalive();
  p.runFor(3s);
  CHECK(holds(lines(p, 0, seq2),
              "%VPC-5-PEER_KEEP_ALIVE_RECV_SUCCESS: In domain 10, vPC peer keep-alive receive is successful"));
}

TEST_CASE("Syslog: a switch that never heard its peer's keepalive refuses the peer-link", "[rule:syslog][sim]") {
  sim::Pair p(sim::defaultPairConfigs());
  p.deafenKeepalive(1);  // leaf1 hears leaf2 and dials; leaf2 never heard leaf1
  p.start();
  p.runFor(5s);
  CHECK(holds(lines(p, 1), "%VPC-3-VPC_PEER_LINK_BRINGUP_FAILED: vPC peer-link bringup failed (peer-keepalive not "
                           "operational, peer never alive)"));
}

TEST_CASE("Syslog: a Type-1 mismatch and an admin shut", "[rule:syslog][sim]") {
  auto p = sim::Pair::startConverged();
  const auto seq = p.sw(1).journal().lastSeq();
  REQUIRE(p.configure(1, {"interface port-channel20", "mtu 9216"}));
  REQUIRE(p.configure(1, {"interface ethernet1/5", "shutdown"}));
  p.runFor(1s);
  const auto l2 = lines(p, 1, seq);
  auto failed20 = [](const std::vector<std::string>& l) {
    return std::any_of(l.begin(), l.end(), [](const std::string& x) {
      return x.rfind("%VPC-3-INTF_CONSISTENCY_FAILED: In domain 10, VPC 20 configuration is not consistent (", 0) == 0;
    });
  };
  CHECK(failed20(l2));
  CHECK(failed20(lines(p, 0, seq)));  // the primary keeps the vPC up and logs the failed check too
  CHECK(holds(l2, "%ETHPORT-5-IF_DOWN_ADMIN_DOWN: Interface Ethernet1/5 (description:lab-printer) is down (Administratively down)"));
}

TEST_CASE("Syslog: VLANs suspended on a vPC trunk name the port-channel and the reason", "[rule:syslog][sim]") {
  auto p = sim::Pair::startConverged();
  const auto seq = p.sw(0).journal().lastSeq();
  REQUIRE(p.configure(1, {"no spanning-tree vlan 20"}));
  p.runFor(1s);
  CHECK(holds(lines(p, 0, seq), "%ETHPORT-3-IF_ERROR_VLANS_SUSPENDED: VLANs 20 on Interface port-channel10 are being "
                                "suspended. (Reason: Vlan is not allowed or not consistent on the vPC peer)"));
}
