// Topology and drill files: what loads, and how a bad file is reported (file:line:col: error: ...).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "labs/lab/files.h"

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
