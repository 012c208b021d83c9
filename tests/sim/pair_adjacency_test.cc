// Two switches from the sample configs, in virtual time: adjacency, roles, the Hello checks.
#include <catch2/catch.hpp>

#include "tests/support/effects.h"
#include "tests/support/sim_pair.h"
#include "tests/support/states.h"
#include "switch/core/vpc_status.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {
bool adjacent(sim::Pair& p) {
  return p.snap(0).status.peer == PeerStatus::AdjacencyFormed &&
         p.snap(1).status.peer == PeerStatus::AdjacencyFormed;
}
bool sawEvent(const std::vector<Event>& evs, const Subject& subject, const std::string& to) {
  for (const auto& e : evs)
    if (e.subject == subject && e.to == to) return true;
  return false;
}
}  // namespace

TEST_CASE("Pair: the sample configs form a peer-link within a second, leaf1 is primary",
          "[rule:bring-up][sim][session]") {
  sim::Pair p(sim::defaultPairConfigs());
  p.start();
  const auto t0 = p.now();
  REQUIRE(p.runUntil([&] { return adjacent(p); }, 1s));
  CHECK(p.now() - t0 < 1s);

  const auto v1 = p.snap(0);
  const auto v2 = p.snap(1);
  CHECK(test::isRole(v1, test::kPrimary));
  CHECK(test::isRole(v2, test::kSecondary));
  CHECK(v1.keepalive.state == KeepaliveState::Alive);
  CHECK(v2.keepalive.state == KeepaliveState::Alive);
  CHECK(v1.adjacent());
  CHECK(vpcVlans(*v1.config) == test::vlans("1,10,20"));
  CHECK(v1.config->vpc_domain->id == 10);
  CHECK(v1.config->vpc_domain->systemMac().colon() == "00:23:04:ee:be:0a");  // derived from domain 10
  CHECK(v1.role.peer->local_mac.colon() == "0c:00:00:00:00:02");
  CHECK(v2.role.peer->role_priority == 100);

  REQUIRE(p.runUntil([&] { return p.converged(); }, 1s));
  const auto vpcs = p.snap(0).status.vpcs;
  REQUIRE(vpcs.size() == 2);
  CHECK(vpcs[0].id == 10);
  CHECK(vpcs[0].port == InterfaceId::portChannel(10));
  CHECK(vpcs[0].status == VpcStatus::Up);
  CHECK(vpcs[0].consistency == VpcConsistency::Success);
  CHECK(vpcs[0].active == test::vlans("10,20"));
  CHECK(vpcs[1].status == VpcStatus::Up);
  CHECK(vpcs[1].active == test::vlans("20"));

  // Every phase of the session is an event.
  const auto& ev = p.events(0);
  const auto link = Subject::of(SubjectKind::PeerLink);
  CHECK(sawEvent(ev, link, "hello exchanged"));
  CHECK(sawEvent(ev, link, "checks passed"));
  CHECK(sawEvent(ev, link, "role decided"));
  CHECK(sawEvent(ev, link, "consistency exchanged"));
  CHECK(sawEvent(ev, link, "established"));
  CHECK(sawEvent(ev, Subject::of(SubjectKind::Role), "primary"));
  CHECK(sawEvent(ev, Subject::vpc(10), "up"));
}

TEST_CASE("Pair: before any adjacency the role is none established and vPCs are down",
          "[rule:bring-up][sim][session]") {
  sim::Pair p(sim::defaultPairConfigs());
  p.start(0);  // leaf2 never boots
  p.runFor(10s);
  const auto v = p.snap(0);
  CHECK(test::isRole(v, test::kNoRole));
  CHECK(v.status.peer == PeerStatus::LinkDown);
  CHECK(test::unreachable(v));
  CHECK(v.session.down.at(0).kind == CauseKind::PeerNeverAlive);
  REQUIRE(v.status.vpcs.size() == 2);
  CHECK(v.status.vpcs[0].status == VpcStatus::Down);
  CHECK(v.status.vpcs[0].reason == VpcReason::PeerLinkDown);
  CHECK(v.status.vpcs[0].chain.at(1).kind == CauseKind::PeerNeverAlive);
}

TEST_CASE("Pair: the peer-link never forms while the keepalive has never seen the peer",
          "[rule:bring-up][sim][session]") {
  sim::Pair p(sim::defaultPairConfigs());
  p.cutKeepalive();
  p.start();
  p.runFor(20s);
  CHECK(p.snap(0).status.peer == PeerStatus::LinkDown);
  CHECK(test::isRole(p.snap(0), test::kNoRole));
  CHECK(p.snap(1).session.down.at(0).kind == CauseKind::PeerNeverAlive);
  p.restoreKeepalive();
  CHECK(p.runUntil([&] { return adjacent(p); }, 3s));
}

TEST_CASE("Pair: a domain-id mismatch keeps the peer-link down with the NX-OS reason",
          "[rule:bring-up][sim][session]") {
  auto cfgs = sim::defaultPairConfigs();
  cfgs[1].vpc_domain->id = 20;
  cfgs[1].vpc_domain->system_mac = cfgs[0].vpc_domain->systemMac();  // only the domain id differs
  sim::Pair p(cfgs);
  p.start();
  p.runFor(10s);
  for (int i = 0; i < 2; ++i) {
    const auto v = p.snap(i);
    CHECK(v.status.peer == PeerStatus::LinkDown);
    CHECK(test::isRole(v, test::kNoRole));
  }
  // The keepalive carries the domain id too, so it reports the mismatch in NX-OS words.
  CHECK(p.snap(0).keepalive.state == KeepaliveState::DomainMismatch);
  CHECK(keepaliveStatusText(KeepaliveState::DomainMismatch) == "peer is alive, but domain IDs do not match");
}

TEST_CASE("Pair: a system-priority mismatch is refused at the Hello with the NX-OS reason",
          "[rule:bring-up][sim][session]") {
  auto cfgs = sim::defaultPairConfigs();
  cfgs[1].vpc_domain->system_priority = 4000;
  sim::Pair p(cfgs);
  p.start();
  p.runFor(10s);
  for (int i = 0; i < 2; ++i) {
    const auto v = p.snap(i);
    CHECK(v.status.peer == PeerStatus::LinkDown);
    REQUIRE_FALSE(v.session.down.empty());
    const auto kind = v.session.down.at(0).kind;  // its own check, or the peer's refusal in the peer's words
    CHECK((kind == CauseKind::HelloMismatch || kind == CauseKind::PeerReason));
    CHECK(describe(v.session.down.at(0)) == "vPC domain/system id /system priority mismatch");
  }
  // Retries back off: a few attempts, not one per heartbeat.
  int rejections = 0;
  for (const auto& e : p.events(0))
    if (e.subject == Subject::of(SubjectKind::PeerLink) && e.to == "rejected") ++rejections;
  CHECK(rejections >= 1);
  CHECK(rejections <= 3);
}

TEST_CASE("Pair: equal role priorities are decided by the lower local MAC", "[rule:role-election][sim][role]") {
  auto cfgs = sim::defaultPairConfigs();
  cfgs[0].vpc_domain->role_priority = 32667;
  cfgs[1].vpc_domain->role_priority = 32667;
  cfgs[0].emulator.local_mac = MacAddress{0x0c0000000009};  // leaf1 now has the higher MAC
  auto p = sim::Pair::startConverged(cfgs);
  CHECK(test::isRole(p.snap(0), test::kSecondary));
  CHECK(test::isRole(p.snap(1), test::kPrimary));
}

TEST_CASE("Pair: SIGTERM sends Goodbye, the peer sees a clean close at once", "[rule:peer-link-shut][sim][session]") {
  auto p = sim::Pair::startConverged();
  p.cutPeerLink();  // nothing but the Goodbye could tell leaf1 quickly... so restore first
  p.restorePeerLink();
  const auto t0 = p.now();
  p.stopGracefully(1);
  REQUIRE(p.runUntil([&] { return p.snap(0).status.peer == PeerStatus::LinkDown; }, 1s));
  CHECK(p.now() - t0 < 10ms);  // not a heartbeat timeout
  CHECK(p.snap(0).session.down.at(0) == cause(CauseKind::PeerGoodbye, {"vpcd stopped (SIGTERM)"}));
  CHECK(test::isRole(p.snap(0), test::kPrimary));  // the primary keeps its role
}
