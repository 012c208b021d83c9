#include "labs/lab/kube.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <google/protobuf/util/json_util.h>

#include "labs/lab/files.h"
#include "labs/lab/process.h"
#include "labs/lab/registry.h"
#include "labs/lab/relayd.h"

namespace vpc::lab {

namespace {

// The relay pod's record of the lab, as `vpclab deploy` writes one: what its relays are and where its
// switches' management is (their ClusterIP services).
v1::LabState relayLabState(const KubeLab& k, const std::string& topology_file) {
  v1::LabState s;
  s.set_name(k.options.lab);
  s.set_topology_file(topology_file);
  for (const auto& sw : k.switches) {
    auto* n = s.add_nodes();
    n->set_name(sw.name);
    n->set_address(kubeServiceHost(sw.name, k.options.namespace_, k.options.domain));
    n->set_management(n->address() + ":9000");
    if (sw.ssh_port) n->set_ssh(n->address() + ":" + std::to_string(*sw.ssh_port));
  }
  for (const auto& p : k.paths) addPath(s, p);
  return s;
}

}  // namespace

Result<std::string> kubeManifestsFor(const std::string& what, KubeOptions options) {
  std::string topology_file = what;
  std::string lab_name;
  if (!std::filesystem::is_regular_file(what)) {
    auto lab = readLab(what);
    if (!lab)
      return invalidArgument("'" + what + "' is neither a topology file nor a deployed lab (" + lab.error().message + ")");
    topology_file = lab->topology_file();
    lab_name = lab->name();
  }
  auto topo = loadTopology(topology_file);
  if (!topo) return topo.error();
  if (!topo->hosts.empty())
    return invalidArgument(topology_file + ": hosts (network namespaces on the switches' ports) do not run on "
                           "Kubernetes yet; use a topology without hosts");
  if (options.lab.empty()) options.lab = lab_name.empty() ? topo->name : lab_name;
  std::vector<std::string> names;
  std::vector<SwitchConfig> configs;
  for (const auto& n : topo->nodes) {
    names.push_back(n.name);
    configs.push_back(n.config);
  }
  auto plan = planKubernetes(options, names, configs);
  if (!plan) return invalidArgument(topology_file + ": " + plan.error().message);
  std::string json;
  google::protobuf::util::JsonPrintOptions o;
  o.add_whitespace = true;
  o.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(relayLabState(*plan, topology_file), &json, o);
  std::string head = "# vpclab k8s: lab '" + plan->options.lab + "' from " + topology_file + " in namespace " +
                     plan->options.namespace_ + ", image " + plan->options.image +
                     "\n# kubectl apply -f THIS; then see docs/SCALE.md (\"A class on Kubernetes\").\n";
  return head + kubeManifests(*plan, json);
}

int podSwitchMain(const std::string& config_template, const std::string& relay_host, int wait_s) {
  const char* pod_ip = std::getenv("POD_IP");
  if (!pod_ip || !*pod_ip) {
    std::cerr << "vpclab pod switch: POD_IP is not set (the pod's spec gives it from status.podIP)\n";
    return 2;
  }
  bool ok = false;
  const std::string text = readWholeFile(config_template, &ok);
  if (!ok) {
    std::cerr << "vpclab pod switch: cannot read " << config_template << "\n";
    return 2;
  }
  const std::string relay_ip = resolveIpv4Waiting(relay_host, wait_s, "vpclab pod switch");
  if (relay_ip.empty()) {
    std::cerr << "vpclab pod switch: " << relay_host << " did not resolve within " << wait_s << " s\n";
    return 3;
  }
  const std::string dir = labsHome();
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string name = std::filesystem::path(config_template).filename().string();
  const std::string path = dir + "/" + name;
  // The pod's own copy survives a restart of its container (an emptyDir): what the switch saved with
  // `copy running-config startup-config` is what it starts with, at today's addresses. A new pod
  // starts from the template.
  bool saved = false;
  const std::string saved_text = readWholeFile(path, &saved);
  auto filled = saved ? repointPodConfig(saved_text, pod_ip, relay_ip) : fillPodConfig(text, pod_ip, relay_ip);
  if (!filled) {
    std::cerr << "vpclab pod switch: " << (saved ? path : config_template) << ": " << filled.error().message << "\n";
    return 2;
  }
  if (saved) std::cerr << "vpclab pod switch: starting from the config saved in this pod (" << path << ")\n";
  {
    std::ofstream out(path, std::ios::trunc);
    out << filled.value();
    if (!out) {
      std::cerr << "vpclab pod switch: cannot write " << path << "\n";
      return 1;
    }
  }
  std::cerr << "vpclab pod switch: " << name << " at " << pod_ip << ", relay " << relay_host << " at " << relay_ip
            << "; config " << path << "\n";
  const std::string vpcd = selfDir() + "/vpcd";
  execl(vpcd.c_str(), vpcd.c_str(), "--config", path.c_str(), static_cast<char*>(nullptr));
  std::cerr << "vpclab pod switch: cannot run " << vpcd << ": " << std::strerror(errno) << "\n";
  return 1;
}

int podRelayMain(const std::string& lab_json_file) {
  bool ok = false;
  const std::string text = readWholeFile(lab_json_file, &ok);
  if (!ok) {
    std::cerr << "vpclab pod relay: cannot read " << lab_json_file << "\n";
    return 2;
  }
  v1::LabState lab;
  if (const auto st = google::protobuf::util::JsonStringToMessage(text, &lab); !st.ok() || lab.name().empty()) {
    std::cerr << "vpclab pod relay: " << lab_json_file << " is not a lab (" << st.ToString() << ")\n";
    return 2;
  }
  const std::string dir = labDir(lab.name());
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::remove(dir + "/relayd.ready", ec);
  lab.set_dir(dir);
  lab.set_control_socket("unix:" + dir + "/control.sock");
  lab.set_relayd_pid(::getpid());
  if (auto st = writeLab(lab); !st) {
    std::cerr << "vpclab pod relay: " << st.error().message << "\n";
    return 1;
  }
  return relaydMain(dir);
}

}  // namespace vpc::lab
