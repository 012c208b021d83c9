// The consistency checker between two switches (vpc-behaviour.md §5), driven by `configure` at run time.
#include <catch2/catch.hpp>

#include "tests/support/sim_pair.h"
#include "tests/support/states.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {

const ConsistencyRow* param(const ConsistencyView& v, const std::string& name) {
  for (const auto& r : v.rows)
    if (r.name == name) return &r;
  return nullptr;
}

ConsistencyView view(sim::Pair& p, int i, ConsistencyScope scope, std::uint32_t vpc = 0) {
  auto v = consistencyView(p.snap(i), scope, vpc);
  REQUIRE(v);
  return *v;
}

bool inconsistent(const VpcRow& row, const std::string& parameter) {
  return row.reason == VpcReason::Inconsistent && row.mismatch && row.mismatch->parameter == parameter;
}

bool type1(const NodeSnapshot& s, const std::string& parameter) {
  const auto g = globalConsistency(s);
  return g.type1 == CheckStatus::Failed && g.type1_reason && *g.type1_reason == cause(CauseKind::Inconsistent, {"1", parameter});
}

}  // namespace

TEST_CASE("Consistency: matching sample configs report success everywhere",
          "[rule:consistency-check][sim][consistency]") {
  auto p = sim::Pair::startConverged();
  const auto v = p.snap(0);
  const auto gc = globalConsistency(v);
  CHECK(gc.type1 == CheckStatus::Success);
  CHECK(gc.per_vlan == CheckStatus::Success);
  CHECK(gc.type2 == CheckStatus::Success);
  const auto g = view(p, 0, ConsistencyScope::Global);
  CHECK(g.status == CheckStatus::Success);
  REQUIRE(param(g, "STP Mode"));
  CHECK(param(g, "STP Mode")->local == "Rapid-PVST");
  CHECK(param(g, "STP Mode")->peer == "Rapid-PVST");
  CHECK(param(g, "STP Mode")->type == 1);
  CHECK(param(g, "MAC Aging Time")->type == 2);
  CHECK(param(g, "Local suspended VLANs")->local == "-");
  const auto c10 = view(p, 0, ConsistencyScope::Vpc, 10);
  CHECK(c10.status == CheckStatus::Success);
  CHECK(param(c10, "MTU")->local == "9216");
  CHECK(param(c10, "MTU")->peer == "9216");
  CHECK(param(c10, "Allowed VLANs")->local == "10,20");
  CHECK(param(c10, "mode")->local == "active");
}

TEST_CASE("Consistency: a Type-1 global mismatch suspends every vPC, on the secondary only with graceful check",
          "[rule:type1-global-mismatch][sim][consistency]") {
  const bool graceful = GENERATE(true, false);
  auto p = sim::Pair::startConverged();
  if (!graceful) {
    REQUIRE(p.configure(0, {"vpc domain 10", "no graceful consistency-check"}));
    REQUIRE(p.configure(1, {"vpc domain 10", "no graceful consistency-check"}));
  }
  REQUIRE(p.configure(1, {"spanning-tree mode mst"}));
  p.runFor(100ms);
  const auto v1 = p.snap(0);
  const auto v2 = p.snap(1);
  for (const auto* v : {&v1, &v2}) CHECK(type1(*v, "STP Mode"));
  CHECK(test::vpcOf(v2, 10).status == VpcStatus::Down);
  CHECK(test::vpcOf(v2, 20).status == VpcStatus::Down);
  CHECK(inconsistent(test::vpcOf(v2, 10), "STP Mode"));
  if (graceful) {
    CHECK(test::vpcOf(v1, 10).status == VpcStatus::Up);  // the primary keeps forwarding
    CHECK(test::vpcOf(v1, 10).consistency == VpcConsistency::Failed);
    CHECK(vpc::graceful(v1) == Graceful::Enabled);
  } else {
    CHECK(test::vpcOf(v1, 10).status == VpcStatus::Down);
    CHECK(vpc::graceful(v1) == Graceful::Disabled);
  }
  const auto g = view(p, 0, ConsistencyScope::Global);
  CHECK(g.status == CheckStatus::Failed);
  CHECK(param(g, "STP Mode")->local == "Rapid-PVST");
  CHECK(param(g, "STP Mode")->peer == "MST");
  // Fixing it brings the vPCs back (the peer-link never went down: no delay restore).
  REQUIRE(p.configure(1, {"spanning-tree mode rapid-pvst"}));
  p.runFor(100ms);
  CHECK(test::vpcOf(p.snap(1), 10).status == VpcStatus::Up);
  CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::Up);
  CHECK(globalConsistency(p.snap(0)).type1 == CheckStatus::Success);
}

TEST_CASE("Consistency: a Type-1 per-vPC mismatch (MTU) suspends only that vPC",
          "[rule:type1-vpc-mismatch][sim][consistency]") {
  const bool graceful = GENERATE(true, false);
  auto cfgs = sim::defaultPairConfigs();
  cfgs[0].vpc_domain->graceful_consistency_check = graceful;
  cfgs[1].vpc_domain->graceful_consistency_check = graceful;
  auto p = sim::Pair::startConverged(cfgs);
  REQUIRE(p.configure(1, {"interface port-channel10", "mtu 1500"}));
  p.runFor(100ms);
  const auto v1 = p.snap(0);
  const auto v2 = p.snap(1);
  CHECK(test::vpcOf(v2, 10).status == VpcStatus::Down);
  CHECK(test::vpcOf(v2, 10).consistency == VpcConsistency::Failed);
  CHECK(inconsistent(test::vpcOf(v2, 10), "MTU"));
  CHECK(test::vpcOf(v2, 10).chain.at(1) == cause(CauseKind::ParameterValues, {"MTU", "1500", "9216"}));
  CHECK(test::vpcOf(v2, 20).status == VpcStatus::Up);
  CHECK(test::vpcOf(v1, 10).status == (graceful ? VpcStatus::Up : VpcStatus::Down));
  CHECK(globalConsistency(v1).type1 == CheckStatus::Success);  // global parameters still agree
  const auto c = view(p, 0, ConsistencyScope::Vpc, 10);
  CHECK(c.status == CheckStatus::Failed);
  CHECK(*c.reason == cause(CauseKind::Inconsistent, {"1", "MTU"}));
  CHECK(param(c, "MTU")->local == "9216");
  CHECK(param(c, "MTU")->peer == "1500");
  // The event says why.
  bool seen = false;
  for (const auto& e : p.events(1))
    if (e.subject == Subject::vpc(10) && e.to == "down" && e.causes.at(0) == cause(CauseKind::Inconsistent, {"1", "MTU"}))
      seen = true;
  CHECK(seen);
}

TEST_CASE("Consistency: allowed VLANs that differ leave only the common ones active",
          "[rule:per-vlan-mismatch][sim][consistency]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.configure(1, {"interface port-channel10", "switchport trunk allowed vlan 10"}));
  p.runFor(100ms);
  CHECK(test::vpcOf(p.snap(0), 10).status == VpcStatus::Up);
  CHECK(test::vpcOf(p.snap(0), 10).active == test::vlans("10"));
  CHECK(test::vpcOf(p.snap(1), 10).active == test::vlans("10"));
  const auto c = view(p, 0, ConsistencyScope::Vpc, 10);
  CHECK(param(c, "Local suspended VLANs")->local == "20");
  // A MAC leaf2 learns on vPC 10 in VLAN 10 goes to leaf1's Po10 ...
  LearnMacCmd cmd;
  cmd.mac = *MacAddress::parse("0050.56aa.0001");
  cmd.vlan = 10;
  cmd.iface = InterfaceId::portChannel(10);
  REQUIRE(p.learnMac(1, cmd));
  // ... and leaf1 refuses to learn on Po10 in VLAN 20, which it suspended there.
  cmd.vlan = 20;
  auto r = p.learnMac(0, cmd);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("VLAN 20 is suspended") != std::string::npos);
}

TEST_CASE("Consistency: STP disabled on a VLAN on one switch suspends that VLAN only",
          "[rule:per-vlan-mismatch][sim][consistency]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.configure(1, {"no spanning-tree vlan 20"}));
  p.runFor(100ms);
  for (int i = 0; i < 2; ++i) {
    const auto v = p.snap(i);
    CHECK(globalConsistency(v).per_vlan == CheckStatus::Failed);
    CHECK(globalConsistency(v).type1 == CheckStatus::Success);
    CHECK(test::vpcOf(v, 10).status == VpcStatus::Up);
    CHECK(test::vpcOf(v, 10).active == test::vlans("10"));
  }
  const auto vl = view(p, 0, ConsistencyScope::Vlans);
  CHECK(vl.status == CheckStatus::Failed);
  CHECK(param(vl, "Vlan 20 STP")->peer == "Disabled");
}

TEST_CASE("Consistency: Type-2 mismatches only warn", "[rule:type2-mismatch][sim][consistency]") {
  auto p = sim::Pair::startConverged();
  SECTION("MAC aging time") {
    REQUIRE(p.configure(1, {"mac address-table aging-time 600"}));
    p.runFor(100ms);
    const auto v = p.snap(0);
    CHECK(globalConsistency(v).type2 == CheckStatus::Failed);
    CHECK(*globalConsistency(v).type2_reason == cause(CauseKind::Inconsistent, {"2", "MAC Aging Time"}));
    CHECK(test::vpcOf(v, 10).status == VpcStatus::Up);
  }
  SECTION("an SVI up on one switch only") {
    REQUIRE(p.configure(1, {"interface Vlan20", "shutdown"}));
    p.runFor(100ms);
    const auto v = p.snap(1);
    CHECK(globalConsistency(v).type2 == CheckStatus::Failed);
    CHECK(*globalConsistency(v).type2_reason == cause(CauseKind::Inconsistent, {"2", "Interface-vlan admin up"}));
    CHECK(test::vpcOf(v, 20).status == VpcStatus::Up);
  }
}

TEST_CASE("Consistency: graceful check off on one switch reads 'Disabled (due to peer configuration)'",
          "[rule:type1-global-mismatch][sim][consistency]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.configure(1, {"vpc domain 10", "no graceful consistency-check"}));
  p.runFor(100ms);
  CHECK(graceful(p.snap(0)) == Graceful::DisabledByPeer);
  CHECK(graceful(p.snap(1)) == Graceful::Disabled);
}

TEST_CASE("Consistency: the check is not performed while the peer-link is down",
          "[rule:consistency-check][sim][consistency]") {
  auto p = sim::Pair::startConverged();
  p.cutPeerLink();
  p.runFor(4s);  // the liveness timeout (3 s) notices the silent cut
  const auto g = view(p, 0, ConsistencyScope::Global);
  CHECK(g.status == CheckStatus::NotPerformed);
  CHECK_FALSE(param(g, "STP Mode")->peer);
  CHECK(globalConsistency(p.snap(0)).type1_reason->kind == CauseKind::CheckNotPerformed);
}

TEST_CASE("Configure: lines are validated as a whole and applied all or nothing",
          "[rule:config-atomic][sim][configure]") {
  auto p = sim::Pair::startConverged();
  auto r = p.configure(1, {"interface port-channel10", "mtu 1500", "vpc 99999"});
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("configure:3:5: error: value 99999 out of range 1-4096") == 0);
  p.runFor(100ms);
  CHECK(p.sw(1).config().interface(InterfaceId::portChannel(10))->mtu == 9216);  // nothing applied
  CHECK(test::vpcOf(p.snap(1), 10).status == VpcStatus::Up);
  SECTION("the emulator block is not changeable") {
    auto e = p.configure(1, {"emulator", "local-mac 0c:00:00:00:00:09"});
    REQUIRE_FALSE(e);
    CHECK(e.error().message.find("only be set in the startup config") != std::string::npos);
  }
  SECTION("a global line leaves a sub-mode; exit and end work") {
    REQUIRE(p.configure(1, {"configure terminal", "interface Ethernet1/5", "description printer", "vlan 30", "exit",
                            "interface Ethernet1/5", "switchport access vlan 30", "end"}));
    CHECK(p.sw(1).config().vlans.contains(30));
    CHECK(p.sw(1).config().interface(InterfaceId::ethernet(1, 5))->access_vlan == 30);
    CHECK(p.sw(1).config().interface(InterfaceId::ethernet(1, 5))->description == "printer");
  }
  SECTION("every accepted change is an event, in the journal with its sequence number (regression)") {
    // 1. configure records the change (and, here, the peer-link going down) before it settles.
    // 2. Those events reached the shell but not the journal, so `vpcctl events` never showed them.
    REQUIRE(p.configure(0, {"interface port-channel1", "shutdown"}));
    const auto& journal = p.sw(0).journal().events();
    bool config_seen = false, peer_link_seen = false;
    for (const auto& e : journal) {
      if (e.subject == Subject::of(SubjectKind::Config) && e.causes.at(1) == cause(CauseKind::ConfigLine, {"shutdown"}))
        config_seen = true;
      if (e.subject == Subject::of(SubjectKind::PeerLink) && e.to == "disabled") peer_link_seen = true;
      CHECK(e.seq != 0);
    }
    CHECK(config_seen);
    CHECK(peer_link_seen);
    for (std::size_t i = 1; i < journal.size(); ++i) CHECK(journal[i].seq == journal[i - 1].seq + 1);
  }
}

TEST_CASE("Consistency: a vPC deleted on one switch goes down on the other",
          "[rule:type1-vpc-mismatch][sim][consistency]") {
  auto p = sim::Pair::startConverged();
  REQUIRE(p.configure(1, {"no interface port-channel20"}));
  p.runFor(100ms);
  const auto v1 = p.snap(0);
  CHECK(test::vpcOf(v1, 20).status == VpcStatus::Down);
  CHECK(test::vpcOf(v1, 20).chain.at(1) == cause(CauseKind::NotConfiguredOnPeer, {"20"}));
  CHECK(test::vpcOf(v1, 10).status == VpcStatus::Up);
}

TEST_CASE("Consistency: every Type-1 global parameter the issue lists is checked",
          "[rule:type1-global-mismatch][sim][consistency]") {
  auto [lines, parameter] = GENERATE(table<std::vector<std::string>, std::string>({
      {{"spanning-tree mode mst"}, "STP Mode"},
      {{"spanning-tree mst configuration", "name REGION-A"}, "STP MST Region Name"},
      {{"spanning-tree mst configuration", "revision 7"}, "STP MST Region Revision"},
      {{"spanning-tree mst configuration", "instance 1 vlan 10"}, "STP MST Region Instance to VLAN Mapping"},
      {{"no spanning-tree bridge assurance"}, "STP Bridge Assurance"},
      {{"spanning-tree loopguard default"}, "STP Loopguard"},
      {{"spanning-tree port type edge default"}, "STP Port Type, Edge BPDUFilter, Edge BPDUGuard"},
      {{"spanning-tree port type edge bpduguard default"}, "STP Port Type, Edge BPDUFilter, Edge BPDUGuard"},
  }));
  INFO(parameter);
  auto p = sim::Pair::startConverged();
  REQUIRE(p.configure(1, lines));
  p.runFor(100ms);
  const auto v = p.snap(1);
  CHECK(type1(v, parameter));
  CHECK(test::vpcOf(v, 10).status == VpcStatus::Down);
}

TEST_CASE("Consistency: every Type-1 per-vPC parameter the issue lists is checked",
          "[rule:type1-vpc-mismatch][sim][consistency]") {
  auto [lines, parameter] = GENERATE(table<std::vector<std::string>, std::string>({
      {{"interface Ethernet1/1", "channel-group 10 mode on"}, "mode"},
      {{"interface port-channel10", "speed 10000"}, "Speed"},
      {{"interface port-channel10", "duplex full"}, "Duplex"},
      {{"interface port-channel10", "mtu 1500"}, "MTU"},
      {{"interface port-channel10", "switchport mode access"}, "Port Mode"},
      {{"interface port-channel10", "switchport trunk native vlan 20"}, "Native Vlan"},
      {{"interface port-channel10", "spanning-tree port type edge"}, "STP Port Type"},
  }));
  INFO(parameter);
  auto p = sim::Pair::startConverged();
  REQUIRE(p.configure(1, lines));
  p.runFor(100ms);
  const auto v = p.snap(1);
  CHECK(inconsistent(test::vpcOf(v, 10), parameter));
  CHECK(test::vpcOf(v, 10).status == VpcStatus::Down);
  CHECK(test::vpcOf(v, 20).status == VpcStatus::Up);
}
