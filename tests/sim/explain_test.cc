// `vpcctl explain`, `show vpc orphan-ports` and `show port-channel summary` as the node computes them,
// two switches in virtual time. leaf1 (index 0) is primary, leaf2 (index 1) secondary.
#include <catch2/catch.hpp>

#include <algorithm>

#include "switch/core/explain.h"
#include "tests/support/sim_pair.h"
#include "tests/support/states.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

bool anyContains(const std::vector<std::string>& lines, const std::string& fragment) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& s) { return s.find(fragment) != std::string::npos; });
}

Result<Explanation> explainOn(sim::Pair& p, int i, const ExplainQuery& q) {
  return explain(p.snap(i), p.sw(i).journal(), q);
}

Explanation explainVpc(sim::Pair& p, int i, std::uint32_t id) {
  ExplainQuery q;
  q.kind = ExplainQuery::Kind::Vpc;
  q.vpc = id;
  auto r = explainOn(p, i, q);
  REQUIRE(r);
  return *r;
}

// The index of the first event with this subject whose target state contains `to`, or -1.
int find(const std::vector<Event>& events, const Subject& subject, const std::string& to, int from = 0) {
  for (int k = from; k < static_cast<int>(events.size()); ++k)
    if (events[k].subject == subject && events[k].to.find(to) != std::string::npos) return k;
  return -1;
}

}  // namespace

TEST_CASE("Explain: a vPC suspended by peer-link loss names the cause, the rule and the events in order",
          "[rule:peer-link-failure][sim][explain]") {
  auto p = sim::Pair::startConverged();
  p.runFor(1s);
  p.cutPeerLink();
  p.runFor(10s);  // heartbeat timeout, hold-timeout and timeout: the primary is alive, the secondary stays down

  const auto x = explainVpc(p, 1, 10);
  CHECK(x.subject == "vPC 10 (Po10)");
  CHECK(x.status == "down");
  CHECK(x.reason == "Peer-link is down");
  REQUIRE_FALSE(x.chain.empty());
  CHECK(x.chain.front().kind == CauseKind::PeerLinkIsDown);
  CHECK(has(x.chain, CauseKind::HeartbeatTimeout));
  CHECK(anyContains(x.rules, "A vPC needs the peer-link"));
  CHECK(anyContains(x.rules, "A peer-link silent for the heartbeat timeout is down"));

  // What happened, oldest first: the peer-link went down, then vPC 10 and its port-channel went down.
  CHECK(std::is_sorted(x.events.begin(), x.events.end(),
                       [](const Event& a, const Event& b) { return a.at < b.at; }));
  int link_down = -1;
  for (int k = 0; k < static_cast<int>(x.events.size()) && link_down < 0; ++k)
    if (x.events[k].subject == Subject::of(SubjectKind::PeerLink) && has(x.events[k].causes, CauseKind::HeartbeatTimeout))
      link_down = k;
  REQUIRE(link_down >= 0);
  const int vpc_down = find(x.events, Subject::vpc(10), "down", link_down);
  REQUIRE(vpc_down > link_down);
  CHECK(find(x.events, test::iface("Po10"), "suspndByV", link_down) > link_down);
  // Only the subject and its usual causes: nothing about vPC 20.
  CHECK(find(x.events, Subject::vpc(20), "") == -1);

  // The primary keeps vPC 10 up, and says so.
  const auto primary = explainVpc(p, 0, 10);
  CHECK(primary.status.rfind("up", 0) == 0);
}

TEST_CASE("Explain: a Type-1 mismatch names the parameter and the graceful rule",
          "[rule:type1-global-mismatch][sim][explain]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.configure(1, {"interface port-channel10", "mtu 1500"}));
  p.runFor(1s);
  const auto x = explainVpc(p, 1, 10);
  CHECK(x.status == "down");
  CHECK(x.reason.find("MTU") != std::string::npos);
  CHECK(anyContains(x.rules, "Type-1 consistency"));
  CHECK(find(x.events, Subject::of(SubjectKind::Config), "") >= 0);  // the configure command is a cause on record
}

TEST_CASE("Explain: the role, the peer-link and an orphan port, and unknown subjects are errors",
          "[rule:explain][sim][explain]") {
  auto p = sim::Pair::startConverged();
  ExplainQuery role;
  role.kind = ExplainQuery::Kind::Role;
  const auto r = explainOn(p, 1, role);
  REQUIRE(r);
  CHECK(r->status == "secondary");
  CHECK(r->chain.at(0) == cause(CauseKind::RolePriority, {"200", ">", "100"}));
  CHECK(anyContains(r->rules, "Role election"));

  ExplainQuery link;
  link.kind = ExplainQuery::Kind::PeerLink;
  const auto l = explainOn(p, 0, link);
  REQUIRE(l);
  CHECK(l->status == "peer adjacency formed ok");
  CHECK(anyContains(l->rules, "Peer adjacency"));
  CHECK_FALSE(anyContains(l->rules, "configured consistently"));

  p.cutPeerLink();
  p.runFor(10s);
  ExplainQuery orphan;
  orphan.kind = ExplainQuery::Kind::Interface;
  orphan.iface = *InterfaceId::parse("Ethernet1/5");
  const auto o = explainOn(p, 1, orphan);
  REQUIRE(o);
  CHECK(o->subject == "interface Eth1/5");
  CHECK(o->status == "suspndByV");
  CHECK(o->chain.at(0).kind == CauseKind::OrphanSuspended);
  CHECK(anyContains(o->rules, "Peer-link loss"));

  ExplainQuery missing;
  missing.kind = ExplainQuery::Kind::Vpc;
  missing.vpc = 99;
  const auto m = explainOn(p, 0, missing);
  REQUIRE_FALSE(m);
  CHECK(m.error().code == ErrorCode::NotFound);
  CHECK(m.error().message == "vPC 99 is not configured");
}

TEST_CASE("Orphan ports and port-channel summary follow the ports' state", "[rule:explain][sim][explain]") {
  auto p = sim::Pair::startConverged();
  const auto orphans = orphanPorts(p.sw(1).config());
  REQUIRE(orphans.size() == 1);
  CHECK(orphans[0].vlan == 10);
  CHECK(orphans[0].ports == std::vector<InterfaceId>{*InterfaceId::parse("Eth1/5")});

  auto channel = [&](int i, std::uint32_t group) {
    for (const auto& c : portChannels(p.snap(i)))
      if (c.group == group) return c;
    FAIL("no port-channel " << group);
    return PortChannelRow{};
  };
  const auto up = channel(1, 10);
  CHECK(up.up);
  CHECK(up.switched);
  CHECK(up.lacp);
  REQUIRE(up.members.size() == 1);
  CHECK(up.members[0].second == PortState::Connected);
  CHECK(memberFlag(up.members[0].second) == 'P');
  CHECK(channel(1, 1).members.size() == 2);

  p.cutPeerLink();
  p.runFor(10s);
  const auto suspended = channel(1, 10);  // the secondary suspends its vPC legs
  CHECK_FALSE(suspended.up);
  CHECK(suspended.members[0].second == PortState::SuspendedByVpc);
  CHECK(memberFlag(suspended.members[0].second) == 's');
  CHECK(channel(0, 10).up);  // the primary keeps them
}

TEST_CASE("Explain: a VLAN suspended by per-VLAN consistency, and one that is simply active",
          "[rule:per-vlan-mismatch][sim][explain]") {
  auto p = sim::Pair::startConverged();
  ExplainQuery q;
  q.kind = ExplainQuery::Kind::Vlan;
  q.vlan = 20;
  auto active = explainOn(p, 1, q);
  REQUIRE(active);
  CHECK(active->subject == "VLAN 20");
  CHECK(active->status == "active on Po10, Po20");
  CHECK(active->chain.empty());

  REQUIRE(p.configure(1, {"no spanning-tree vlan 20"}));  // STP off for VLAN 20 on leaf2 only
  p.runFor(1s);
  const auto suspended = explainOn(p, 1, q);
  REQUIRE(suspended);
  CHECK(suspended->status == "suspended on Po10, Po20");
  REQUIRE(suspended->chain.size() == 2);
  CHECK(suspended->chain[0] == cause(CauseKind::VlanStpMismatch, {"20", "Po10"}));
  CHECK(anyContains(suspended->rules, "Per-VLAN consistency"));
  q.vlan = 10;  // VLAN 10 keeps forwarding on vPC 10
  CHECK(explainOn(p, 1, q)->status == "active on Po10");

  q.vlan = 30;
  const auto missing = explainOn(p, 1, q);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "VLAN 30 does not exist");
}
