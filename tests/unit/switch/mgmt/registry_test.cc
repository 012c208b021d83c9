// The management registry: every RPC has a switch side, every exec command a grammar, a request and a
// rendering in one entry.
#include <catch2/catch.hpp>

#include <set>

#include "switch/mgmt/registry.h"

using namespace vpc;

TEST_CASE("Registry: every RPC of vpc.v1.Management is served by exactly one entry (Events by the daemon)",
          "[registry][unit]") {
  const auto* service = v1::InfoRequest::descriptor()->file()->FindServiceByName("Management");
  REQUIRE(service);
  std::set<std::string> served;
  for (const auto& rpc : mgmt::registry().rpcs()) {
    INFO(rpc->name());
    CHECK(service->FindMethodByName(rpc->name()) != nullptr);
    CHECK(served.insert(rpc->name()).second);
  }
  for (int i = 0; i < service->method_count(); ++i) {
    const auto& m = service->method(i)->name();
    INFO(m);
    if (m == "Events") CHECK_FALSE(served.contains(m));  // the stream
    else CHECK(served.contains(m));
  }
}

TEST_CASE("Registry: every exec command compiles into the grammar, once, and renders", "[registry][unit]") {
  std::set<int> ids;
  for (const auto& v : mgmt::registry().verbs()) {
    INFO(v->spec());
    CHECK(ids.insert(v->id()).second);
    CHECK(std::string(v->help()).size() > 0);
  }
  // The words of each command reach it (abbreviated as NX-OS allows).
  const std::pair<const char*, int> typed[] = {
      {"sh vpc br", mgmt::kShowVpcBrief},       {"show vpc", mgmt::kShowVpc},
      {"sh mac add count", mgmt::kShowMac},     {"show ip arp vlan 10", mgmt::kShowIpArp},
      {"explain peer-link", mgmt::kExplain},    {"learn mac 0050.56aa.0001 vlan 10 interface e1/5", mgmt::kLearnMac},
      {"vpc role preempt", mgmt::kVpcRolePreempt}, {"show vpc history last 5", mgmt::kShowVpcHistory},
  };
  for (const auto& [line, id] : typed) {
    INFO(line);
    auto m = mgmt::execGrammar().match(line);
    REQUIRE(std::holds_alternative<grammar::Match>(m));
    CHECK(std::get<grammar::Match>(m).command == id);
  }
  // The session's own words are only in its grammar.
  CHECK(std::holds_alternative<grammar::MatchError>(mgmt::execGrammar().match("configure terminal")));
  CHECK(std::holds_alternative<grammar::Match>(mgmt::shellExecGrammar().match("conf t")));
  // Kinds: drills may expect on shows, and only changes are steps.
  CHECK(mgmt::registry().find(mgmt::kShowVpc)->kind() == mgmt::Verb::Kind::Show);
  CHECK(mgmt::registry().find(mgmt::kLearnMac)->kind() == mgmt::Verb::Kind::Change);
  CHECK(mgmt::registry().find(mgmt::kEvents)->kind() == mgmt::Verb::Kind::Stream);
}
