// A lab as Kubernetes objects, and a switch pod's config filled in at its start (labs/core/k8s_plan.h).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "labs/core/k8s_plan.h"
#include "switch/core/config_parser.h"
#include "switch/core/config_writer.h"
#include "tests/support/sample_configs.h"

using namespace vpc;
using namespace vpc::lab;
using vpc::test::sampleLeaf;
using Catch::Matchers::Contains;

namespace {

KubeLab samplePlan(const std::string& lab = "class-07") {
  KubeOptions o;
  o.lab = lab;
  auto plan = planKubernetes(o, {"leaf1", "leaf2"}, {sampleLeaf(1), sampleLeaf(2)});
  REQUIRE(plan);
  return *plan;
}

}  // namespace

TEST_CASE("K8s: each switch's template dials its own side of the relay, on placeholders", "[lab][unit]") {
  const auto plan = samplePlan();
  CHECK(plan.options.namespace_ == "vpclab-class-07");
  for (std::size_t i = 0; i < 2; ++i) {
    auto c = parseConfig(plan.switches[i].config_template, "template.cfg");
    REQUIRE(c.config);
    CHECK(c.config->emulator.management == "192.0.2.1:9000");
    CHECK(c.config->emulator.peer_link_listen == "192.0.2.1:7100");
    CHECK(c.config->emulator.peer_link_peer == "192.0.2.2:" + std::to_string(7101 + i));
    CHECK(c.config->vpc_domain->keepalive->udp_port == 3200 + i);
    CHECK(c.config->vpc_domain->keepalive->destination.str() == "192.0.2.2");
  }
  // The relay: A's peer-link side forwards to B's wire service and back; keepalive sides per switch.
  REQUIRE(plan.paths.size() == 2);
  CHECK(plan.paths[0].relays[0].listen == "0.0.0.0:7101");
  CHECK(plan.paths[0].relays[0].target == "leaf2-wire.vpclab-class-07.svc.cluster.local:7100");
  CHECK(plan.paths[0].relays[1].target == "leaf1-wire.vpclab-class-07.svc.cluster.local:7100");
  CHECK(plan.paths[1].relays[0].listen == "0.0.0.0:3200");
  CHECK(plan.paths[1].relays[1].target == "leaf2-wire.vpclab-class-07.svc.cluster.local:3201");
}

TEST_CASE("K8s: a pod's config takes its own and the relay's address, nothing else changes", "[lab][unit]") {
  const auto plan = samplePlan();
  auto filled = fillPodConfig(plan.switches[1].config_template, "10.244.1.7", "10.244.2.9");
  REQUIRE(filled);
  auto c = parseConfig(*filled, "leaf2.cfg");
  REQUIRE(c.config);
  CHECK(c.config->emulator.management == "10.244.1.7:9000");
  CHECK(c.config->emulator.peer_link_listen == "10.244.1.7:7100");
  CHECK(c.config->emulator.peer_link_peer == "10.244.2.9:7102");
  CHECK(c.config->vpc_domain->keepalive->source->str() == "10.244.1.7");
  CHECK(c.config->vpc_domain->keepalive->destination.str() == "10.244.2.9");
  CHECK(c.config->vpc_domain->keepalive->udp_port == 3201);
  auto expected = sampleLeaf(2);
  CHECK(c.config->vpc_domain->role_priority == expected.vpc_domain->role_priority);
  CHECK(c.config->interfaces.size() == expected.interfaces.size());
  CHECK(c.config->vpcPort(10) != nullptr);
  CHECK(c.config->users.size() == expected.users.size());
}

TEST_CASE("K8s: a config saved in the pod starts again at today's addresses, with what was saved", "[lab][unit]") {
  const auto plan = samplePlan();
  auto first = fillPodConfig(plan.switches[0].config_template, "10.244.1.7", "10.244.2.9");
  REQUIRE(first);
  // Saved after a change (copy running-config startup-config), then the relay moved.
  const std::string saved = *first + "\n";
  auto parsed = parseConfig(saved, "saved.cfg");
  REQUIRE(parsed.config);
  auto again = repointPodConfig(saved, "10.244.1.7", "10.244.3.4");
  REQUIRE(again);
  auto c = parseConfig(*again, "again.cfg");
  REQUIRE(c.config);
  CHECK(c.config->emulator.management == "10.244.1.7:9000");
  CHECK(c.config->emulator.peer_link_peer == "10.244.3.4:7101");
  CHECK(c.config->vpc_domain->keepalive->destination.str() == "10.244.3.4");
  CHECK(c.config->vpc_domain->keepalive->udp_port == 3200);
  CHECK(c.config->vpc_domain->role_priority == parsed.config->vpc_domain->role_priority);
  // A config without a peer-keepalive is refused either way.
  auto no_keepalive = sampleLeaf(1);
  no_keepalive.vpc_domain->keepalive.reset();
  CHECK_THAT(repointPodConfig(writeConfig(no_keepalive), "10.0.0.2", "10.0.0.3").error().message,
             Contains("not a pod's config template"));
}

TEST_CASE("K8s: bad addresses and configs that are not templates are refused with the reason", "[lab][unit]") {
  const auto plan = samplePlan();
  CHECK_THAT(fillPodConfig(plan.switches[0].config_template, "fe80::1", "10.0.0.1").error().message, Contains("not an IPv4"));
  CHECK_THAT(fillPodConfig(plan.switches[0].config_template, "10.0.0.2", "relay").error().message, Contains("relay's address"));
  std::ifstream in(std::string(VPC_SOURCE_DIR) + "/labs/topologies/pair/leaf1.cfg");
  std::stringstream ss;
  ss << in.rdbuf();
  CHECK_THAT(fillPodConfig(ss.str(), "10.0.0.2", "10.0.0.3").error().message, Contains("not a pod's config template"));
  CHECK_THAT(fillPodConfig("vpc domain 10\n  bogus\n", "10.0.0.2", "10.0.0.3").error().message, Contains("does not parse"));
}

TEST_CASE("K8s: only a vPC pair with Kubernetes names plans", "[lab][unit]") {
  KubeOptions o;
  o.lab = "Class_7";
  CHECK_THAT(planKubernetes(o, {"leaf1", "leaf2"}, {sampleLeaf(1), sampleLeaf(2)}).error().message,
             Contains("not a Kubernetes name"));
  o.lab = "ok";
  CHECK_THAT(planKubernetes(o, {"leaf1"}, {sampleLeaf(1)}).error().message, Contains("exactly two switches"));
  CHECK_THAT(planKubernetes(o, {"Leaf1", "leaf2"}, {sampleLeaf(1), sampleLeaf(2)}).error().message,
             Contains("cannot name a pod"));
  CHECK_THAT(planKubernetes(o, {"relay", "leaf2"}, {sampleLeaf(1), sampleLeaf(2)}).error().message,
             Contains("cannot name a pod"));
  auto no_keepalive = sampleLeaf(2);
  no_keepalive.vpc_domain->keepalive.reset();
  CHECK_THAT(planKubernetes(o, {"leaf1", "leaf2"}, {sampleLeaf(1), no_keepalive}).error().message,
             Contains("peer-keepalive"));
}

TEST_CASE("K8s: the manifests hold the lab's objects, its templates and the relay's record", "[lab][unit]") {
  const auto plan = samplePlan();
  const auto docs = YAML::LoadAll(kubeManifests(plan, "{\"name\": \"class-07\"}"));
  std::map<std::string, std::vector<YAML::Node>> by_kind;
  for (const auto& d : docs) by_kind[d["kind"].as<std::string>()].push_back(d);
  REQUIRE(by_kind["Namespace"].size() == 1);
  REQUIRE(by_kind["Pod"].size() == 3);
  REQUIRE(by_kind["Service"].size() == 5);
  REQUIRE(by_kind["NetworkPolicy"].size() == 1);
  const auto cm = by_kind["ConfigMap"].at(0);
  CHECK(cm["data"]["leaf1.cfg"].as<std::string>() == plan.switches[0].config_template);
  CHECK(cm["data"]["lab.json"].as<std::string>() == "{\"name\": \"class-07\"}\n");  // a literal block ends its line
  const auto leaf2 = by_kind["Pod"][1];
  CHECK(leaf2["metadata"]["name"].as<std::string>() == "leaf2");
  const auto c = leaf2["spec"]["containers"][0];
  CHECK(c["command"][4].as<std::string>() == "/etc/vpclab/leaf2.cfg");
  CHECK(c["command"][6].as<std::string>() == "relay.vpclab-class-07.svc.cluster.local");
  CHECK(c["env"][0]["valueFrom"]["fieldRef"]["fieldPath"].as<std::string>() == "status.podIP");
  // The wires' service is headless (the relay needs the pod's own address), management's is not.
  for (const auto& s : by_kind["Service"]) {
    const auto name = s["metadata"]["name"].as<std::string>();
    const bool headless = s["spec"]["clusterIP"] && s["spec"]["clusterIP"].as<std::string>() == "None";
    CHECK(headless == (name == "relay" || name.ends_with("-wire")));
  }
  // The policy admits the lab's own pods and an instructor's namespace, and nothing else.
  const auto np = by_kind["NetworkPolicy"][0]["spec"];
  CHECK(np["ingress"][0]["from"].size() == 2);
  CHECK(np["ingress"][0]["from"][1]["namespaceSelector"]["matchLabels"]["vpclab/role"].as<std::string>() == "instructor");
  CHECK(np["egress"][1]["ports"][0]["port"].as<int>() == 53);
}
