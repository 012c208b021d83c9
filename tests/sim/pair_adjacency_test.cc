// Two switches from the sample configs, in virtual time: adjacency, roles, the Hello checks.
#include <catch2/catch.hpp>

#include "tests/support/effects.h"
#include "tests/support/sim_pair.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {
bool adjacent(sim::Pair& p) {
  return p.sw(0).vpcView(p.now()).peer_status == "peer adjacency formed ok" &&
         p.sw(1).vpcView(p.now()).peer_status == "peer adjacency formed ok";
}
bool sawEvent(const std::vector<Event>& evs, const std::string& subject, const std::string& to) {
  for (const auto& e : evs)
    if (e.subject == subject && e.to == to) return true;
  return false;
}
}  // namespace

TEST_CASE("Pair: the sample configs form a peer-link within a second, leaf1 is primary", "[sim][session]") {
  sim::Pair p(sim::defaultPairConfigs());
  p.start();
  const auto t0 = p.now();
  REQUIRE(p.runUntil([&] { return adjacent(p); }, 1s));
  CHECK(p.now() - t0 < 1s);

  const auto v1 = p.sw(0).vpcView(p.now());
  const auto v2 = p.sw(1).vpcView(p.now());
  CHECK(v1.role == "primary");
  CHECK(v2.role == "secondary");
  CHECK(v1.keepalive_status == "peer is alive");
  CHECK(v2.keepalive_status == "peer is alive");
  CHECK(v1.peer_link->status == "up");
  CHECK(v1.peer_link->active_vlans == "1,10,20");
  CHECK(v1.domain_id == 10);
  CHECK(v1.system_mac.colon() == "00:23:04:ee:be:0a");  // derived from domain 10
  CHECK(v1.peer_mac->colon() == "0c:00:00:00:00:02");
  CHECK(v2.peer_role_priority == 100);

  REQUIRE(p.runUntil([&] { return p.converged(); }, 1s));
  const auto vpcs = p.sw(0).vpcView(p.now()).vpcs;
  REQUIRE(vpcs.size() == 2);
  CHECK(vpcs[0].id == 10);
  CHECK(vpcs[0].port == "Po10");
  CHECK(vpcs[0].status == "up");
  CHECK(vpcs[0].consistency == "success");
  CHECK(vpcs[0].active_vlans == "10,20");
  CHECK(vpcs[1].status == "up");
  CHECK(vpcs[1].active_vlans == "20");

  // Every phase of the session is an event.
  const auto& ev = p.events(0);
  CHECK(sawEvent(ev, "peer-link", "hello exchanged"));
  CHECK(sawEvent(ev, "peer-link", "checks passed"));
  CHECK(sawEvent(ev, "peer-link", "role decided"));
  CHECK(sawEvent(ev, "peer-link", "consistency exchanged"));
  CHECK(sawEvent(ev, "peer-link", "established"));
  CHECK(sawEvent(ev, "role", "primary"));
  CHECK(sawEvent(ev, "vPC 10", "up"));
}

TEST_CASE("Pair: before any adjacency the role is none established and vPCs are down", "[sim][session]") {
  sim::Pair p(sim::defaultPairConfigs());
  p.start(0);  // leaf2 never boots
  p.runFor(10s);
  const auto v = p.sw(0).vpcView(p.now());
  CHECK(v.role == "none established");
  CHECK(v.peer_status == "peer link is down");
  CHECK(v.keepalive_status == "peer is not reachable through peer-keepalive");
  CHECK(v.peer_status_reason == "peer-keepalive not operational, peer never alive");
  REQUIRE(v.vpcs.size() == 2);
  CHECK(v.vpcs[0].status == "down");
  CHECK(v.vpcs[0].reason == "Peer-link is down");
  CHECK(v.vpcs[0].reason_chain.at(1) == "peer-keepalive not operational, peer never alive");
}

TEST_CASE("Pair: the peer-link never forms while the keepalive has never seen the peer", "[sim][session]") {
  sim::Pair p(sim::defaultPairConfigs());
  p.cutKeepalive();
  p.start();
  p.runFor(20s);
  CHECK(p.sw(0).vpcView(p.now()).peer_status == "peer link is down");
  CHECK(p.sw(0).vpcView(p.now()).role == "none established");
  CHECK(p.sw(1).vpcView(p.now()).peer_status_reason == "peer-keepalive not operational, peer never alive");
  p.restoreKeepalive();
  CHECK(p.runUntil([&] { return adjacent(p); }, 3s));
}

TEST_CASE("Pair: a domain-id mismatch keeps the peer-link down with the NX-OS reason", "[sim][session]") {
  auto cfgs = sim::defaultPairConfigs();
  cfgs[1].vpc_domain->id = 20;
  cfgs[1].vpc_domain->system_mac = cfgs[0].vpc_domain->systemMac();  // only the domain id differs
  sim::Pair p(cfgs);
  p.start();
  p.runFor(10s);
  for (int i = 0; i < 2; ++i) {
    const auto v = p.sw(i).vpcView(p.now());
    CHECK(v.peer_status == "peer link is down");
    CHECK(v.role == "none established");
  }
  // The keepalive carries the domain id too, so it reports the mismatch in NX-OS words.
  CHECK(p.sw(0).vpcView(p.now()).keepalive_status == "peer is alive, but domain IDs do not match");
}

TEST_CASE("Pair: a system-priority mismatch is refused at the Hello with the NX-OS reason", "[sim][session]") {
  auto cfgs = sim::defaultPairConfigs();
  cfgs[1].vpc_domain->system_priority = 4000;
  sim::Pair p(cfgs);
  p.start();
  p.runFor(10s);
  for (int i = 0; i < 2; ++i) {
    const auto v = p.sw(i).vpcView(p.now());
    CHECK(v.peer_status == "peer link is down");
    CHECK(v.peer_status_reason == "vPC domain/system id /system priority mismatch");
    CHECK(v.peer_link->reason == "vPC domain/system id /system priority mismatch");
  }
  // Retries back off: a few attempts, not one per heartbeat.
  int rejections = 0;
  for (const auto& e : p.events(0))
    if (e.subject == "peer-link" && e.to == "rejected") ++rejections;
  CHECK(rejections >= 1);
  CHECK(rejections <= 3);
}

TEST_CASE("Pair: equal role priorities are decided by the lower local MAC", "[sim][role]") {
  auto cfgs = sim::defaultPairConfigs();
  cfgs[0].vpc_domain->role_priority = 32667;
  cfgs[1].vpc_domain->role_priority = 32667;
  cfgs[0].emulator.local_mac = MacAddress{0x0c0000000009};  // leaf1 now has the higher MAC
  auto p = sim::Pair::startConverged(cfgs);
  CHECK(p.sw(0).vpcView(p.now()).role == "secondary");
  CHECK(p.sw(1).vpcView(p.now()).role == "primary");
}

TEST_CASE("Pair: SIGTERM sends Goodbye, the peer sees a clean close at once", "[sim][session]") {
  auto p = sim::Pair::startConverged();
  p.cutPeerLink();  // nothing but the Goodbye could tell leaf1 quickly... so restore first
  p.restorePeerLink();
  const auto t0 = p.now();
  p.stopGracefully(1);
  REQUIRE(p.runUntil([&] { return p.sw(0).vpcView(p.now()).peer_status == "peer link is down"; }, 1s));
  CHECK(p.now() - t0 < 10ms);  // not a heartbeat timeout
  CHECK(p.sw(0).vpcView(p.now()).peer_status_reason == "peer closed the peer-link: vpcd stopped (SIGTERM)");
  CHECK(p.sw(0).vpcView(p.now()).role == "primary");  // the primary keeps its role
}
