// Topology and drill files: what loads, and how a bad file is reported (file:line:col: error: ...).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "labs/lab/files.h"
#include "labs/lab/serve.h"

using namespace vpc;
using namespace vpc::lab;
using Catch::Matchers::Contains;

namespace {

std::string src(const std::string& rel) { return std::string(VPC_SOURCE_DIR) + "/" + rel; }

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/vpc-files-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path + "/" + name) << text;
    return path + "/" + name;
  }
};

std::string errorOf(const Result<Topology>& r) {
  REQUIRE_FALSE(r);
  return r.error().message;
}
std::string errorOf(const Result<LoadedDrill>& r) {
  REQUIRE_FALSE(r);
  return r.error().message;
}

}  // namespace

TEST_CASE("Lab files: the sample topologies load, configs parsed, lists of configs joined", "[lab][unit]") {
  const auto pair = loadTopology(src("labs/topologies/pair/pair.yml"));
  REQUIRE(pair);
  CHECK(pair->name == "pair");
  REQUIRE(pair->nodes.size() == 2);
  CHECK(pair->nodes[0].name == "leaf1");
  CHECK(pair->nodes[0].config.vpc_domain->role_priority == 100);
  CHECK(pair->paths == std::vector<std::string>{"peer-link", "keepalive"});
  const auto ar = loadTopology(src("labs/topologies/pair/pair-auto-recovery.yml"));
  REQUIRE(ar);
  CHECK(ar->nodes[1].config.vpc_domain->auto_recovery);
  CHECK(ar->nodes[1].config.vpc_domain->role_priority == 200);  // the base config is kept
  CHECK_THAT(ar->nodes[1].config_file, Contains("leaf2.cfg + "));
}

TEST_CASE("Lab files: every drill of the catalog loads against its topology", "[lab][unit]") {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(src("labs/drills"))) {
    if (e.path().extension() != ".yml") continue;
    INFO(e.path());
    const auto d = loadDrill(e.path().string());
    if (!d) FAIL(d.error().message);
    CHECK_FALSE(d->drill.note.empty());  // every drill teaches something
    CHECK(d->drill.time_scale.has_value());
    ++n;
  }
  CHECK(n >= 15);
}

TEST_CASE("Lab files: a bad topology names the line, the column and what is wrong", "[lab][unit]") {
  TempDir t;
  {
    std::ifstream in(src("labs/topologies/pair/leaf1.cfg"));
    std::stringstream ss;
    ss << in.rdbuf();
    t.write("a.cfg", ss.str());
  }
  CHECK(errorOf(loadTopology(t.write("t.yml", "name: x\nnodes:\n  a: {config: a.cfg}\n"))) ==
        t.path + "/t.yml:3:3: error: a vPC lab has exactly two switches (this one has 1)");
  CHECK_THAT(errorOf(loadTopology(t.write("t.yml", "name: x\nnodes:\n  a: {config: a.cfg, colour: red}\n"))),
             Contains("t.yml:3:22: error: unknown key 'colour' in node 'a' (known: config, kind)"));
  CHECK_THAT(errorOf(loadTopology(t.write("t.yml", "name: X Y\nnodes: {}\n"))),
             Contains("t.yml:1:7: error: name 'X Y' must be lowercase"));
  CHECK_THAT(errorOf(loadTopology(t.write("t.yml", "name: x\nnodes:\n  a: {config: a.cfg}\n  b: {config: a.cfg}\n"
                                                    "links:\n  - {name: uplink, endpoints: [a, b]}\n"))),
             Contains("t.yml:6:12: error: links are 'peer-link' and 'keepalive'"));
  // A config error is the config's own file:line:col.
  t.write("bad.cfg", "hostname a\nvpc domain 5000\n");
  CHECK_THAT(errorOf(loadTopology(t.write("t.yml", "name: x\nnodes:\n  a: {config: bad.cfg}\n  b: {config: a.cfg}\n"))),
             Contains("bad.cfg:2:12: error: value 5000 out of range 1-1000"));
  CHECK_THAT(errorOf(loadTopology(t.path + "/nothing.yml")), Contains("cannot read the topology file"));
  CHECK_THAT(errorOf(loadTopology(t.write("t.yml", "name: x\nplacement: cloud\nnodes:\n  a: {config: a.cfg}\n"))),
             Contains("t.yml:2:12: error: placement 'cloud' is 'loopback' (the default) or 'namespaces'"));
  const auto two = loadTopology(src("labs/topologies/two-hosts/two-hosts.yml"));
  REQUIRE(two);
  CHECK(two->namespaces);
  CHECK_FALSE(loadTopology(src("labs/topologies/pair/pair.yml"))->namespaces);
}

TEST_CASE("Lab files: a bad drill names the step and what is wrong", "[lab][unit]") {
  TempDir t;
  const std::string head = "drill: d\ntopology: " + src("labs/topologies/pair/pair.yml") + "\nsteps:\n";
  CHECK_THAT(errorOf(loadDrill(t.write("d.yml", head + "  - sleep: 1s\n    fault: cut peer-link\n"))),
             Contains("d.yml:4:5: error: a step has exactly one of expect"));
  CHECK_THAT(errorOf(loadDrill(t.write("d.yml", head + "  - dance: now\n"))),
             Contains("d.yml:4:5: error: unknown key 'dance' in a step"));
  CHECK_THAT(errorOf(loadDrill(t.write("d.yml", head + "  - expect: \"leaf1: show vpx: role == primary\"\n"))),
             Contains("d.yml:4:13: error: 'show vpx': not a vpcctl command at column 6"));
  CHECK_THAT(errorOf(loadDrill(t.write("d.yml", head + "  - expect: \"leaf1: learn mac 0050.5600.0001 vlan 10 interface Po10: x == 1\"\n"))),
             Contains("is not a show command"));
  CHECK_THAT(errorOf(loadDrill(t.write("d.yml", head + "  - wait: converged soon\n"))),
             Contains("d.yml:4:11: error: wait reads 'converged within D'"));
  CHECK_THAT(errorOf(loadDrill(t.write("d.yml", head + "  - fault: cut peer-link\nmeasure:\n  - {name: m, from: cut, to: x}\n"))),
             Contains("d.yml:6:5: error: measurement 'm': no step named 'cut'"));
  CHECK_THAT(errorOf(loadDrill(t.write("d.yml", head + "  - {name: c, fault: cut peer-link}\nmeasure:\n"
                                                       "  - {name: m, from: c, to: leaf2 vPC 10 -> down, after: z}\n"))),
             Contains("no step named 'z'"));
  CHECK_THAT(errorOf(loadDrill(t.write("d.yml", "drill: d\ntopology: nowhere.yml\nsteps:\n  - sleep: 1s\n"))),
             Contains("nowhere.yml: error: cannot read the topology file"));
}

TEST_CASE("Lab files: hosts on the switches' ports, single- and dual-homed", "[lab][unit]") {
  const auto t = loadTopology(src("labs/topologies/hosts/hosts.yml"));
  REQUIRE(t);
  REQUIRE(t->hosts.size() == 3);
  const auto& server1 = t->hosts[0];
  CHECK(server1.name == "server1");
  CHECK(server1.ip.str() == "10.10.0.11");
  CHECK(server1.prefix == 24);
  CHECK(server1.vlan == 10);
  CHECK(server1.tagged);  // Po10 is a trunk whose native VLAN is 1
  REQUIRE(server1.links.size() == 2);
  CHECK(server1.links[1].node == "leaf2");
  CHECK(server1.links[1].port.longName() == "Ethernet1/1");
  CHECK_FALSE(t->hosts[1].tagged);  // storage1: Po20 is an access port in VLAN 20
  CHECK(t->hosts[2].links.size() == 1);
  CHECK_FALSE(t->hosts[2].tagged);
}

TEST_CASE("Lab files: a bad host is refused with its line and column, nothing loaded", "[lab][unit]") {
  using Catch::Matchers::Contains;
  TempDir d;
  const std::string head = "name: h\nnodes:\n  leaf1: {config: " + src("labs/topologies/pair/leaf1.cfg") +
                           "}\n  leaf2: {config: " + src("labs/topologies/pair/leaf2.cfg") + "}\nhosts:\n";
  auto err = [&](const std::string& hosts) { return errorOf(loadTopology(d.write("t.yml", head + hosts))); };
  CHECK_THAT(err("  a: {address: 10.10.0.11, vlan: 10, links: [leaf2:Ethernet1/5]}\n"),
             Contains("t.yml:6:16: error: address '10.10.0.11' is not A.B.C.D/len"));
  CHECK_THAT(err("  a: {address: 10.99.0.11/24, vlan: 10, links: [leaf2:Ethernet1/5]}\n"),
             Contains("is outside VLAN 10's subnet (leaf2 Vlan10 is 10.10.0.3/24)"));
  CHECK_THAT(err("  a: {address: 10.10.0.11/24, vlan: 10, links: [leaf3:Ethernet1/5]}\n"), Contains("no switch 'leaf3'"));
  CHECK_THAT(err("  a: {address: 10.10.0.11/24, vlan: 10, links: [leaf2:Ethernet1/9]}\n"),
             Contains("leaf2 has no interface Ethernet1/9"));
  CHECK_THAT(err("  a: {address: 10.10.0.11/24, vlan: 20, links: [leaf2:Ethernet1/5]}\n"),
             Contains("leaf2:Ethernet1/5 does not carry VLAN 20"));
  CHECK_THAT(err("  a: {address: 10.10.0.11/24, vlan: 10, links: [leaf2:Ethernet1/5]}\n"
                 "  b: {address: 10.10.0.12/24, vlan: 10, links: [leaf2:Ethernet1/5]}\n"),
             Contains("t.yml:7:49: error: leaf2:Ethernet1/5 is already linked to host 'a'"));
  CHECK_THAT(err("  a: {address: 10.10.0.11/24, vlan: 10, links: [leaf1:Ethernet1/5, leaf2:Ethernet1/5]}\n"),
             Contains("a dual-homed host's ports are members of a vPC"));
  CHECK_THAT(err("  a: {address: 10.10.0.11/24, vlan: 10, links: [leaf1:Ethernet1/1, leaf2:Ethernet1/2]}\n"),
             Contains("does not carry VLAN 10"));  // Po20 is access VLAN 20
  CHECK_THAT(err("  a: {address: 10.10.0.11/24, vlan: 10, links: [leaf1:Ethernet1/49]}\n"),
             Contains("not a port a host can use"));
  CHECK_THAT(err("  leaf1: {address: 10.10.0.11/24, vlan: 10, links: [leaf2:Ethernet1/5]}\n"),
             Contains("'leaf1' is already a switch's name"));
}

TEST_CASE("vpclab serve: query strings decode as a browser encodes them", "[lab][unit]") {
  CHECK(urlDecode("show%20vpc+brief%20%7C%20include%20Po") == "show vpc brief | include Po");
  CHECK(urlDecode("100%") == "100%");      // a bad escape stays as it is
  CHECK(urlDecode("%zz%4") == "%zz%4");
  CHECK(queryValue("node=leaf1&cmd=show%20vpc", "cmd") == "show vpc");
  CHECK(queryValue("node=leaf1&cmd=show%20vpc", "node") == "leaf1");
  CHECK(queryValue("token", "token").empty());
  CHECK(queryValue("nodes=x", "node").empty());  // a whole key, not a prefix
  CHECK(queryValue("", "node").empty());
}
