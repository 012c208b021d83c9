// The lab runner's pure parts: durations, expectations, faults, anchors, value paths, the address
// plan of a lab, drill checks and timeline renderings.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "labs/core/drill.h"
#include "labs/core/lab_plan.h"
#include "labs/core/timeline.h"
#include "labs/core/value.h"
#include "switch/core/config_parser.h"
#include "tests/support/sample_configs.h"

using namespace vpc;
using namespace vpc::lab;
using Catch::Matchers::Contains;

namespace {

template <class T>
T ok(const std::variant<T, std::string>& v) {
  if (auto* e = std::get_if<std::string>(&v)) FAIL(*e);
  return std::get<T>(v);
}
template <class T>
std::string err(const std::variant<T, std::string>& v) {
  REQUIRE(std::holds_alternative<std::string>(v));
  return std::get<std::string>(v);
}

Value object(std::vector<std::pair<std::string, Value>> fields) {
  Value v;
  v.kind = Value::Kind::Object;
  v.object = std::move(fields);
  return v;
}
Value list(std::vector<Value> items) {
  Value v;
  v.kind = Value::Kind::List;
  v.list = std::move(items);
  return v;
}

SwitchConfig sample(int i) { return test::sampleLeaf(i); }

}  // namespace

TEST_CASE("Lab: durations read as NX-OS writes them", "[lab][unit]") {
  CHECK(parseDuration("2s") == 2000.0);
  CHECK(parseDuration("500ms") == 500.0);
  CHECK(parseDuration("1.5s") == 1500.0);
  CHECK(parseDuration("2m") == 120000.0);
  std::string e;
  CHECK_FALSE(parseDuration("2", &e));
  CHECK(e == "'2' is not a duration (e.g. 2s, 500ms, 1.5s, 2m)");
  CHECK_FALSE(parseDuration("-1s"));
  CHECK(formatDuration(2000) == "2s");
  CHECK(formatDuration(150) == "150ms");
  CHECK(formatDuration(1500) == "1.5s");
}

TEST_CASE("Lab: expectations split into node, command, path, comparison and deadline", "[lab][unit]") {
  const auto e = ok(parseExpectation("leaf2: show vpc: vpcs[id=10].status == down within 2s"));
  CHECK(e.node == "leaf2");
  CHECK(e.command == "show vpc");
  CHECK(e.path == "vpcs[id=10].status");
  CHECK(e.op == "==");
  CHECK(e.value == "down");
  CHECK(e.within_ms == 2000);
  CHECK(e.for_ms == 0);

  const auto spaced = ok(parseExpectation("leaf1: show vpc: peer_status == peer adjacency formed ok within 30s"));
  CHECK(spaced.value == "peer adjacency formed ok");
  const auto quoted = ok(parseExpectation("leaf1: sh vpc role: role == \"primary, operational secondary\""));
  CHECK(quoted.value == "primary, operational secondary");
  CHECK(quoted.within_ms == 0);
  const auto held = ok(parseExpectation("leaf2: show vpc: vpcs[id=10].status != up for 3s"));
  CHECK(held.op == "!=");
  CHECK(held.for_ms == 3000);
  const auto count = ok(parseExpectation("leaf1: show mac address-table count: total >= 1000 within 5s"));
  CHECK(count.op == ">=");
  CHECK(ok(parseExpectation("leaf1: show vpc: role contains primary")).op == "contains");
  CHECK(ok(parseExpectation("leaf2: show vpc: peer_status_reason !contains heartbeat")).op == "!contains");

  CHECK_THAT(err(parseExpectation("leaf2 show vpc role == primary")), Contains("<node>: <show command>:"));
  CHECK_THAT(err(parseExpectation("leaf2: show vpc: role is primary")), Contains("no comparison"));
  CHECK_THAT(err(parseExpectation("leaf2: show vpc: role == primary within soon")), Contains("not a duration"));
}

TEST_CASE("Lab: comparisons are numeric when both sides are numbers", "[lab][unit]") {
  CHECK(compare("10", "==", "10.0"));
  CHECK(compare("9", "<", "10"));  // not "9" > "10" as text
  CHECK(compare("1000", ">=", "1000"));
  CHECK(compare("down", "==", "down"));
  CHECK(compare("up", "!=", "down"));
  CHECK(compare("primary, operational secondary", "contains", "operational"));
  CHECK(compare("peer-link connection lost", "!contains", "heartbeat"));
  CHECK_FALSE(compare("up", "==", "down"));
}

TEST_CASE("Lab: faults, from the words a user types", "[lab][unit]") {
  auto f = [](const std::string& text) { return ok(parseFault(splitWords(text))); };
  CHECK(f("cut peer-link").kind == Fault::Kind::Cut);
  CHECK(f("cut peer-link").onPath());
  CHECK(f("restore keepalive").target == "keepalive");
  CHECK_FALSE(f("kill leaf1").onPath());
  const auto d = f("delay peer-link 20ms jitter 5ms seed 3");
  CHECK(d.delay_ms == 20);
  CHECK(d.jitter_ms == 5);
  CHECK(d.seed == 3);
  CHECK(d.text() == "delay peer-link 20ms jitter 5ms");
  const auto l = f("loss keepalive 30%");
  CHECK(l.loss_percent == 30);
  CHECK(l.text() == "loss keepalive 30%");
  const auto flap = f("flap peer-link down 2s up 3s count 3 shut");
  CHECK(flap.down_ms == 2000);
  CHECK(flap.up_ms == 3000);
  CHECK(flap.count == 3);
  CHECK(flap.shut);
  CHECK(flap.text() == "flap peer-link down 2s up 3s count 3 shut");
  CHECK(f("restart leaf2").kind == Fault::Kind::Restart);
  const auto link = f("link leaf1:Eth1/1 down");
  CHECK(link.onPort());
  CHECK_FALSE(link.onPath());
  CHECK(link.target == "leaf1");
  CHECK(link.port == "Ethernet1/1");
  CHECK_FALSE(link.up);
  CHECK(link.text() == "link leaf1:Ethernet1/1 down");
  CHECK(f("link leaf2:Ethernet1/5 up").up);
  CHECK_THAT(err(parseFault(splitWords("link leaf1 down"))), Contains("link reads"));
  CHECK_THAT(err(parseFault(splitWords("link leaf1:Eth1/1 sideways"))), Contains("link reads"));
  CHECK_THAT(err(parseFault(splitWords("link leaf1:Vlan10 down"))), Contains("link reads"));

  CHECK_THAT(err(parseFault(splitWords("cut"))), Contains("faults: cut|shut"));
  CHECK_THAT(err(parseFault(splitWords("melt peer-link"))), Contains("unknown fault 'melt'"));
  CHECK_THAT(err(parseFault(splitWords("loss keepalive 130%"))), Contains("not a percentage"));
  CHECK_THAT(err(parseFault(splitWords("flap peer-link down 2s"))), Contains("flap reads"));
  CHECK_THAT(err(parseFault(splitWords("cut peer-link now"))), Contains("unexpected 'now'"));
}

TEST_CASE("Lab: flow and bond expectations", "[lab][unit]") {
  const auto f = std::get<Expectation>(parseExpectation("flow web: longest_outage_ms < 400ms"));
  CHECK(f.flow == "web");
  CHECK(f.path == "longest_outage_ms");
  CHECK(f.value_ms == 400);
  const auto b = std::get<Expectation>(parseExpectation("bond server1: enabled == 1 within 2s"));
  CHECK(b.bond == "server1");
  CHECK(b.path == "enabled");
  CHECK(b.value == "1");
  CHECK(b.within_ms == 2000);
  CHECK_THAT(std::get<std::string>(parseExpectation("bond server1: members == 2")), Contains("no figure 'members'"));
  CHECK(std::get<Expectation>(parseExpectation("bond server1: legs == leaf1 within 1s")).path == "legs");
  CHECK_THAT(std::get<std::string>(parseExpectation("flow web: speed > 2")), Contains("no figure 'speed'"));
}

TEST_CASE("Lab: measurement anchors are step names or events", "[lab][unit]") {
  CHECK(ok(parseAnchor("cut")).step == "cut");
  const auto a = ok(parseAnchor("leaf2 vPC 10 -> down"));
  CHECK(a.step.empty());
  CHECK(a.node == "leaf2");
  CHECK(a.subject == "vPC 10");
  CHECK(a.state == "down");
  CHECK_THAT(err(parseAnchor("leaf2 -> down")), Contains("<node> <subject> -> <state>"));
}

TEST_CASE("Lab: value paths select fields, list elements by key or index, and lengths", "[lab][unit]") {
  const Value reply = object({
      {"role", Value::string("secondary")},
      {"vpcs", list({object({{"id", Value::number(10)}, {"status", Value::string("down")}}),
                     object({{"id", Value::number(20)}, {"status", Value::string("up")}})})},
      {"peer_link", object({{"port", Value::string("Po1")}})},
  });
  auto at = [&](const std::string& path) -> std::string {
    const auto p = ok(parsePath(path));
    std::string why;
    auto v = follow(reply, p, &why);
    return v ? v->text() : "missing: " + why;
  };
  CHECK(at("role") == "secondary");
  CHECK(at("vpcs[id=10].status") == "down");
  CHECK(at("vpcs[id=20].status") == "up");
  CHECK(at("vpcs[1].id") == "20");
  CHECK(at("vpcs.length") == "2");
  CHECK(at("peer_link.port") == "Po1");
  CHECK(at("vpcs[id=30].status") == "missing: no element vpcs[id=30]");
  CHECK(at("nothing") == "missing: no field 'nothing'");
  CHECK_THAT(err(parsePath("vpcs[id=10")), Contains("'[' without ']'"));
  CHECK_THAT(err(parsePath("vpcs[x]")), Contains("[N] or [field=value]"));
}

TEST_CASE("Lab: a pair's plan puts every path through a relay and rewrites the configs", "[lab][unit]") {
  const auto plan = planPair(7, {"leaf1", "leaf2"}, {sample(1), sample(2)});
  REQUIRE(plan);
  REQUIRE(plan->nodes.size() == 2);
  CHECK(plan->nodes[0].address == "127.2.7.1");
  CHECK(plan->nodes[1].management == "127.2.7.2:9000");
  const auto leaf1 = parseConfig(plan->nodes[0].config_text, "deployed.cfg");
  REQUIRE(leaf1.config);
  CHECK(leaf1.config->hostname == "leaf1");
  CHECK(leaf1.config->emulator.management == "127.2.7.1:9000");
  CHECK(leaf1.config->emulator.peer_link_listen == "127.2.7.1:7100");
  CHECK(leaf1.config->emulator.peer_link_peer == "127.2.7.3:7100");  // the relay towards leaf2
  CHECK(leaf1.config->vpc_domain->keepalive->destination.str() == "127.2.7.5");
  CHECK(leaf1.config->vpc_domain->keepalive->source->str() == "127.2.7.1");
  CHECK(leaf1.config->vpc_domain->role_priority == 100);  // the rest is the topology's config
  REQUIRE(plan->paths.size() == 2);
  CHECK(plan->paths[0].name == "peer-link");
  CHECK(plan->paths[0].relays[0].listen == "127.2.7.3:7100");
  CHECK(plan->paths[0].relays[0].target == "127.2.7.2:7100");
  CHECK(plan->paths[1].kind == "udp");
  CHECK(plan->paths[1].relays[1].listen == "127.2.7.6:3200");
  CHECK(plan->paths[1].between() == "leaf1 <-> leaf2");

  auto lonely = sample(1);
  lonely.vpc_domain->keepalive.reset();
  const auto bad = planPair(7, {"leaf1", "leaf2"}, {lonely, sample(2)});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "leaf1: the vpc domain has no 'peer-keepalive'");
  CHECK_FALSE(planPair(0, {"leaf1", "leaf2"}, {sample(1), sample(2)}));
  CHECK_FALSE(planPair(7, {"leaf1"}, {sample(1)}));
}

TEST_CASE("Lab: a pair placed in namespaces - own addresses, routed links, relays on the machine's side", "[lab][unit]") {
  const auto plan = planPair(7, {"leaf1", "leaf2"}, {sample(1), sample(2)}, true);
  REQUIRE(plan);
  const auto& a = plan->nodes[0];
  const auto& b = plan->nodes[1];
  CHECK(a.address == "10.250.7.2");
  CHECK(a.gateway == "10.250.7.1");
  CHECK(b.address == "10.250.7.6");
  CHECK(b.gateway == "10.250.7.5");
  CHECK(a.netns == "vpc7-leaf1");
  CHECK(a.link == "vx7n0");
  CHECK(a.link_peer == "vy7n0");
  CHECK(b.link == namespaceLink(7, 1));
  const auto leaf1 = parseConfig(a.config_text, "deployed.cfg");
  const auto leaf2 = parseConfig(b.config_text, "deployed.cfg");
  REQUIRE(leaf1.config);
  REQUIRE(leaf2.config);
  // Each switch dials and sends keepalives to the relay on its own link's far end; nothing is on 127/8.
  CHECK(leaf1.config->emulator.peer_link_peer == "10.250.7.1:7100");
  CHECK(leaf2.config->emulator.peer_link_peer == "10.250.7.5:7100");
  CHECK(leaf1.config->vpc_domain->keepalive->destination.str() == "10.250.7.1");
  CHECK(leaf2.config->vpc_domain->keepalive->source->str() == "10.250.7.6");
  CHECK(plan->paths[0].relays[0].listen == "10.250.7.1:7100");
  CHECK(plan->paths[0].relays[0].target == "10.250.7.6:7100");
  CHECK(plan->paths[0].relays[1].target == "10.250.7.2:7100");
  CHECK(plan->paths[1].relays[0].listen == "10.250.7.1:3200");
  CHECK(plan->paths[1].relays[1].listen == "10.250.7.5:3200");
  CHECK(plan->paths[1].relays[1].target == "10.250.7.6:3200");
  // What makes it: per switch a namespace and a veth link, each undone; the switch's end moved in,
  // addressed, and routed through the machine's end.
  const auto steps = namespaceSteps(*plan);
  REQUIRE(steps.size() == 18);
  CHECK(steps[0].run == std::vector<std::string>{"/usr/sbin/ip", "netns", "add", "vpc7-leaf1"});
  CHECK(steps[0].undo == std::vector<std::string>{"/usr/sbin/ip", "netns", "del", "vpc7-leaf1"});
  CHECK(steps[1].undo == std::vector<std::string>{"/usr/sbin/ip", "link", "del", "vx7n0"});
  CHECK(steps[6].run == std::vector<std::string>{"/usr/sbin/ip", "-n", "vpc7-leaf1", "addr", "add", "10.250.7.2/30",
                                                 "dev", "vy7n0"});
  CHECK(steps[17].run == std::vector<std::string>{"/usr/sbin/ip", "-n", "vpc7-leaf2", "route", "add", "default", "via",
                                                  "10.250.7.5"});
  // The loopback placement names no namespace and makes none.
  const auto loopback = planPair(7, {"leaf1", "leaf2"}, {sample(1), sample(2)});
  CHECK(loopback->nodes[0].netns.empty());
  CHECK(namespaceSteps(*loopback).empty());
}

TEST_CASE("Lab: a drill keeps its newest time-stamped runs and every named one", "[lab][unit]") {
  const std::vector<std::string> runs = {"20261130-101502-77", "alice", "20261129-090000-5", "20261130-101500-4242",
                                         "bob", "2026-not-a-stamp"};
  CHECK(staleRuns(runs, 2) == std::vector<std::string>{"20261129-090000-5"});
  CHECK(staleRuns(runs, 1) == std::vector<std::string>{"20261129-090000-5", "20261130-101500-4242"});
  CHECK(staleRuns(runs, 3).empty());
  CHECK(staleRuns({"alice", "bob"}, 0).empty());
}

TEST_CASE("Lab: drill checks name the line of what they refer to", "[lab][unit]") {
  Drill d;
  Step s;
  s.kind = Step::Kind::Fault;
  s.at = {"d.yml", 7, 5};
  s.fault = ok(parseFault(splitWords("cut uplink")));
  d.steps.push_back(s);
  s.kind = Step::Kind::Expect;
  s.at = {"d.yml", 8, 5};
  s.expect = ok(parseExpectation("leaf3: show vpc: role == primary"));
  d.steps.push_back(s);
  MeasureSpec m;
  m.at = {"d.yml", 12, 5};
  m.name = "m";
  m.from = ok(parseAnchor("nope"));
  m.to = ok(parseAnchor("leaf2 vPC 10 -> down"));
  d.measures.push_back(m);
  const auto problems = checkDrill(d, {"leaf1", "leaf2"}, {"peer-link", "keepalive"});
  REQUIRE(problems.size() == 3);
  CHECK(problems[0] == "d.yml:7:5: error: no path 'uplink' (paths: peer-link, keepalive, all)");
  CHECK(problems[1] == "d.yml:8:5: error: no node 'leaf3' in the topology");
  CHECK(problems[2] == "d.yml:12:5: error: measurement 'm': no step named 'nope'");
}

TEST_CASE("Lab: timelines render as text, SVG and HTML", "[lab][unit]") {
  Timeline t;
  t.title = "Drill peer-link-failure";
  t.subtitle = "time scale 0.05";
  t.t0_us = 1'000'000;
  t.switches = {"leaf1", "leaf2"};
  t.paths = {"peer-link", "keepalive"};
  t.events = {
      {1'050'000, "leaf2", "vPC 10", "up", "down", "Peer-link is down <- no heartbeat"},
      {1'000'000, "drill", "step", "fault", "cut peer-link", ""},
      {1'000'100, "peer-link", "path", "pass", "cut", "drill step"},
      {1'010'000, "leaf1", "role", "none established", "primary", "role priority 100 < 200 (peer)"},
  };
  t.marks = {{1'060'000, "leaf2: show vpc: vpcs[id=10].status == down within 2s", true}};
  t.spans = {{1'000'000, 1'050'000, "cut -> suspended", true}};
  const auto text = renderText(t);
  CHECK_THAT(text, Contains("      +0.0 ms  drill       cut peer-link\n"));
  CHECK_THAT(text, Contains("     +50.0 ms  leaf2       vPC 10: up -> down\n"));
  CHECK_THAT(text, Contains("<- Peer-link is down <- no heartbeat"));
  CHECK(text.find("drill       cut") < text.find("leaf1       role"));  // sorted by time

  const auto svg = renderSvg(t);
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.find("</svg>") != std::string::npos);
  for (const char* lane : {">drill<", ">leaf1<", ">leaf2<", ">peer-link<", ">keepalive<"}) CHECK_THAT(svg, Contains(lane));
  CHECK_THAT(svg, Contains("cut -&gt; suspended: 50.0 ms"));  // the measurement, escaped
  CHECK_THAT(svg, Contains("vPC 10 down"));                   // the vPC band of leaf2
  const auto html = renderHtml(t, "report");
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_THAT(html, Contains("<svg"));
  CHECK_THAT(html, Contains("<td>leaf2</td><td>vPC 10: up -&gt; down</td>"));
}

TEST_CASE("Lab: a time-scaled run's timeline speaks NX-OS time: offsets, axis, measurements", "[lab][unit]") {
  Timeline t;
  t.title = "Drill peer-link-failure";
  t.t0_us = 1'000'000;
  t.time_scale = 0.05;
  t.switches = {"leaf2"};
  t.events = {{1'150'000, "leaf2", "vPC 10", "up", "down", "Peer-link is down <- no heartbeat for 3000 ms"}};
  t.spans = {{1'000'000, 1'150'000, "cut -> suspended", true}};
  const auto text = renderText(t);
  CHECK_THAT(text, Contains("   NX-OS time  lane"));
  CHECK_THAT(text, Contains("   +3000.0 ms  leaf2"));  // 150 ms real at 1/20
  const auto svg = renderSvg(t);
  CHECK_THAT(svg, Contains("cut -&gt; suspended: 3000.0 ms"));
  CHECK_THAT(svg, Contains("axis and durations: NX-OS time (run at time scale 0.05)"));
  CHECK_THAT(svg, Contains(">+3000 ms<"));  // a tick at an NX-OS round number
  CHECK_THAT(renderHtml(t, ""), Contains("<th>NX-OS ms</th>"));
}

TEST_CASE("Lab: a host's bond legs are lanes of the timeline, enabled green and disabled red", "[lab][unit]") {
  Timeline t;
  t.title = "Drill traffic-peer-link-failure";
  t.t0_us = 1'000'000;
  t.switches = {"leaf1", "leaf2"};
  t.bonds = {"server1 leg leaf1", "server1 leg leaf2"};
  t.events = {
      {1'000'000, "server1 leg leaf1", "bond", "unknown", "enabled", "LACP: current attached"},
      {1'000'000, "server1 leg leaf2", "bond", "unknown", "enabled", "LACP: current attached"},
      {1'200'000, "server1 leg leaf2", "bond", "enabled", "disabled", "LACP: current detached"},
  };
  const auto text = renderText(t);
  CHECK_THAT(text, Contains("server1 leg leaf2   bond: enabled -> disabled\n"));
  CHECK_THAT(text, Contains("<- LACP: current detached"));
  const auto svg = renderSvg(t);
  CHECK_THAT(svg, Contains(">server1 leg leaf2<"));
  CHECK_THAT(svg, Contains("#d62728"));  // the disabled stretch
  CHECK_THAT(svg, Contains(">bond leg<"));
}
