#include "labs/core/k8s_plan.h"

#include <yaml-cpp/yaml.h>

#include "switch/core/config_parser.h"
#include "switch/core/config_writer.h"

namespace vpc::lab {

namespace {

// RFC 1123 label: what Kubernetes takes as a namespace, pod or service name.
bool dnsLabel(const std::string& s) {
  if (s.empty() || s.size() > 63) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return s.front() != '-' && s.back() != '-';
}


YAML::Node labels(const KubeLab& lab, const std::string& component, const std::string& node = "") {
  YAML::Node l;
  l["app.kubernetes.io/part-of"] = "vpclab";
  l["app.kubernetes.io/component"] = component;
  l["vpclab/lab"] = lab.options.lab;
  if (!node.empty()) l["vpclab/node"] = node;
  return l;
}

YAML::Node metadata(const KubeLab& lab, const std::string& name, const std::string& component,
                    const std::string& node = "") {
  YAML::Node m;
  m["name"] = name;
  m["namespace"] = lab.options.namespace_;
  m["labels"] = labels(lab, component, node);
  return m;
}

YAML::Node port(const std::string& name, int number, const char* protocol = "TCP") {
  YAML::Node p;
  p["name"] = name;
  p["containerPort"] = number;
  p["protocol"] = protocol;
  return p;
}

YAML::Node servicePort(const std::string& name, int number, const char* protocol = "TCP") {
  YAML::Node p;
  p["name"] = name;
  p["port"] = number;
  p["targetPort"] = number;
  p["protocol"] = protocol;
  return p;
}

YAML::Node selector(const KubeLab& lab, const std::string& node) {
  YAML::Node s;
  s["vpclab/lab"] = lab.options.lab;
  s["vpclab/node"] = node;
  return s;
}

// A pod with one container running `vpclab pod ...`, the lab's ConfigMap at /etc/vpclab.
YAML::Node pod(const KubeLab& lab, const std::string& name, const std::string& component,
               std::vector<std::string> command, const YAML::Node& ports, const YAML::Node& probe) {
  YAML::Node p;
  p["apiVersion"] = "v1";
  p["kind"] = "Pod";
  p["metadata"] = metadata(lab, name, component, name);
  auto spec = p["spec"];
  spec["hostname"] = name;
  spec["restartPolicy"] = "Always";
  spec["terminationGracePeriodSeconds"] = 5;
  spec["enableServiceLinks"] = false;
  YAML::Node c;
  c["name"] = component;
  c["image"] = lab.options.image;
  c["imagePullPolicy"] = "IfNotPresent";
  for (auto& a : command) c["command"].push_back(a);
  YAML::Node pod_ip;
  pod_ip["name"] = "POD_IP";
  pod_ip["valueFrom"]["fieldRef"]["fieldPath"] = "status.podIP";
  c["env"].push_back(pod_ip);
  YAML::Node home;  // the relay pod's lab registry (`vpclab fault LAB ...` inside it)
  home["name"] = "VPCLAB_HOME";
  home["value"] = "/var/lib/vpclab";
  c["env"].push_back(home);
  // gRPC resolves names through the C library (nsswitch: /etc/hosts, then cluster DNS) like the rest of
  // vpclab, not through its own c-ares resolver.
  YAML::Node resolver;
  resolver["name"] = "GRPC_DNS_RESOLVER";
  resolver["value"] = "native";
  c["env"].push_back(resolver);
  c["ports"] = ports;
  if (probe) c["readinessProbe"] = probe;
  // Measured (docs/SCALE.md): ~20 MB and a few millicores idle; 1,000,000 MACs take ~115 MB.
  c["resources"]["requests"]["cpu"] = "20m";
  c["resources"]["requests"]["memory"] = "32Mi";
  c["resources"]["limits"]["memory"] = "256Mi";
  YAML::Node mount;
  mount["name"] = "lab";
  mount["mountPath"] = "/etc/vpclab";
  mount["readOnly"] = true;
  c["volumeMounts"].push_back(mount);
  YAML::Node state;
  state["name"] = "state";
  state["mountPath"] = "/var/lib/vpclab";
  c["volumeMounts"].push_back(state);
  spec["containers"].push_back(c);
  YAML::Node vol;
  vol["name"] = "lab";
  vol["configMap"]["name"] = lab.options.lab + "-lab";
  spec["volumes"].push_back(vol);
  YAML::Node scratch;
  scratch["name"] = "state";
  scratch["emptyDir"] = YAML::Node(YAML::NodeType::Map);
  spec["volumes"].push_back(scratch);
  return p;
}

YAML::Node service(const KubeLab& lab, const std::string& name, const std::string& node, bool headless,
                   const YAML::Node& ports) {
  YAML::Node s;
  s["apiVersion"] = "v1";
  s["kind"] = "Service";
  s["metadata"] = metadata(lab, name, headless ? "wire" : "management", node);
  auto spec = s["spec"];
  if (headless) {
    spec["clusterIP"] = "None";
    spec["publishNotReadyAddresses"] = true;  // the wires are needed before a switch is ready
  } else {
    spec["type"] = "ClusterIP";
  }
  spec["selector"] = selector(lab, node);
  spec["ports"] = ports;
  return s;
}

}  // namespace

std::string kubeServiceHost(const std::string& service, const std::string& ns, const std::string& domain) {
  return service + "." + ns + ".svc." + domain;
}

Result<KubeLab> planKubernetes(const KubeOptions& options, const std::vector<std::string>& names,
                               const std::vector<SwitchConfig>& configs) {
  KubeLab lab;
  lab.options = options;
  if (lab.options.namespace_.empty()) lab.options.namespace_ = "vpclab-" + options.lab;
  if (!dnsLabel(options.lab))
    return invalidArgument("lab name '" + options.lab +
                           "' is not a Kubernetes name (lower-case letters, digits and '-', at most 63)");
  if (!dnsLabel(lab.options.namespace_))
    return invalidArgument("namespace '" + lab.options.namespace_ + "' is not a Kubernetes name");
  if (options.image.empty()) return invalidArgument("no image");
  // The address plan of a deployed pair checks everything a pair needs; reuse its verdicts.
  if (auto p = planPair(1, names, configs); !p) return p.error();
  for (const auto& n : names) {
    if (!dnsLabel(n) || n == "relay")
      return invalidArgument("switch name '" + n + "' cannot name a pod (lower-case letters, digits and '-'; not 'relay')");
    if (!dnsLabel(n + "-wire")) return invalidArgument("switch name '" + n + "' is too long for a service name");
  }
  const std::string& ns = lab.options.namespace_;
  const std::string& domain = lab.options.domain;
  for (std::size_t i = 0; i < 2; ++i) {
    SwitchConfig c = configs[i];
    if (!c.emulator.ports.empty())
      return invalidArgument(names[i] + ": ports bound to Linux links (hosts) do not run in a pod yet");
    const auto self = std::string(kPodSelfPlaceholder);
    const auto relay = std::string(kPodRelayPlaceholder);
    c.emulator.management = self + ":9000";
    c.emulator.peer_link_listen = self + ":" + std::to_string(kPodPeerLinkPort);
    c.emulator.peer_link_peer = relay + ":" + std::to_string(kPodRelayPeerLinkPort + i);
    auto& ka = *c.vpc_domain->keepalive;
    ka.source = *Ipv4::parse(self);
    ka.destination = *Ipv4::parse(relay);
    ka.udp_port = kPodKeepalivePort + static_cast<std::uint32_t>(i);
    KubeSwitch sw{names[i], writeConfig(c), {}, {}};
    if (!c.users.empty()) sw.ssh_port = c.emulator.ssh_port;
    if (c.feature("nxapi")) sw.nxapi_port = c.nxapi_http_port;
    lab.switches.push_back(std::move(sw));
  }
  const auto wire = [&](std::size_t i) { return kubeServiceHost(names[i] + "-wire", ns, domain); };
  PathPlan pl{"peer-link", "tcp", names[0], names[1], {}};
  pl.relays.push_back({"0.0.0.0:" + std::to_string(kPodRelayPeerLinkPort), wire(1) + ":" + std::to_string(kPodPeerLinkPort)});
  pl.relays.push_back({"0.0.0.0:" + std::to_string(kPodRelayPeerLinkPort + 1), wire(0) + ":" + std::to_string(kPodPeerLinkPort)});
  PathPlan ka{"keepalive", "udp", names[0], names[1], {}};
  ka.relays.push_back({"0.0.0.0:" + std::to_string(kPodKeepalivePort), wire(0) + ":" + std::to_string(kPodKeepalivePort)});
  ka.relays.push_back({"0.0.0.0:" + std::to_string(kPodKeepalivePort + 1), wire(1) + ":" + std::to_string(kPodKeepalivePort + 1)});
  lab.paths = {std::move(pl), std::move(ka)};
  return lab;
}

std::string kubeManifests(const KubeLab& lab, const std::string& relay_lab_json) {
  const std::string& ns = lab.options.namespace_;
  YAML::Emitter out;
  out.SetIndent(2);
  auto doc = [&](const YAML::Node& n) { out << YAML::BeginDoc << n; };

  YAML::Node nsn;
  nsn["apiVersion"] = "v1";
  nsn["kind"] = "Namespace";
  nsn["metadata"]["name"] = ns;
  nsn["metadata"]["labels"] = labels(lab, "lab");
  doc(nsn);

  // The ConfigMap, by hand: its texts as literal blocks, readable in `kubectl get -o yaml`.
  out << YAML::BeginDoc << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << "v1";
  out << YAML::Key << "kind" << YAML::Value << "ConfigMap";
  out << YAML::Key << "metadata" << YAML::Value << metadata(lab, lab.options.lab + "-lab", "lab");
  out << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
  for (const auto& sw : lab.switches)
    out << YAML::Key << sw.name + ".cfg" << YAML::Value << YAML::Literal << sw.config_template;
  out << YAML::Key << "lab.json" << YAML::Value << YAML::Literal << relay_lab_json;
  out << YAML::EndMap << YAML::EndMap;

  const std::string relay_host = kubeServiceHost("relay", ns, lab.options.domain);
  for (std::size_t i = 0; i < lab.switches.size(); ++i) {
    const auto& sw = lab.switches[i];
    const auto& name = sw.name;
    const int ka_port = kPodKeepalivePort + static_cast<int>(i);
    YAML::Node ports;
    ports.push_back(port("management", 9000));
    if (sw.ssh_port) ports.push_back(port("ssh", *sw.ssh_port));
    if (sw.nxapi_port) ports.push_back(port("nxapi", *sw.nxapi_port));
    ports.push_back(port("peer-link", kPodPeerLinkPort));
    ports.push_back(port("keepalive", ka_port, "UDP"));
    YAML::Node probe;
    probe["tcpSocket"]["port"] = 9000;
    probe["periodSeconds"] = 2;
    doc(pod(lab, name, "switch",
            {"vpclab", "pod", "switch", "--config", "/etc/vpclab/" + name + ".cfg", "--relay", relay_host}, ports, probe));

    YAML::Node mgmt;
    mgmt.push_back(servicePort("management", 9000));
    if (sw.ssh_port) mgmt.push_back(servicePort("ssh", *sw.ssh_port));
    if (sw.nxapi_port) mgmt.push_back(servicePort("nxapi", *sw.nxapi_port));
    doc(service(lab, name, name, false, mgmt));
    YAML::Node wires;
    wires.push_back(servicePort("peer-link", kPodPeerLinkPort));
    wires.push_back(servicePort("keepalive", ka_port, "UDP"));
    doc(service(lab, name + "-wire", name, true, wires));
  }

  YAML::Node rports;
  YAML::Node sports;
  for (int i = 0; i < 2; ++i) {
    const std::string side = std::string(i == 0 ? "a" : "b");
    rports.push_back(port("peer-link-" + side, kPodRelayPeerLinkPort + i));
    rports.push_back(port("keepalive-" + side, kPodKeepalivePort + i, "UDP"));
    sports.push_back(servicePort("peer-link-" + side, kPodRelayPeerLinkPort + i));
    sports.push_back(servicePort("keepalive-" + side, kPodKeepalivePort + i, "UDP"));
  }
  doc(pod(lab, "relay", "relay", {"vpclab", "pod", "relay", "/etc/vpclab/lab.json"}, rports, YAML::Node()));
  doc(service(lab, "relay", "relay", true, sports));

  // Each student's lab to itself: its pods reach each other and cluster DNS; from outside, only an
  // instructor's namespace (labelled vpclab/role=instructor) reaches them.
  YAML::Node np;
  np["apiVersion"] = "networking.k8s.io/v1";
  np["kind"] = "NetworkPolicy";
  np["metadata"] = metadata(lab, lab.options.lab + "-isolated", "lab");
  auto spec = np["spec"];
  spec["podSelector"] = YAML::Node(YAML::NodeType::Map);
  spec["policyTypes"].push_back("Ingress");
  spec["policyTypes"].push_back("Egress");
  YAML::Node same;
  same["podSelector"] = YAML::Node(YAML::NodeType::Map);
  YAML::Node instructor;
  instructor["namespaceSelector"]["matchLabels"]["vpclab/role"] = "instructor";
  YAML::Node in;
  in["from"].push_back(same);
  in["from"].push_back(instructor);
  spec["ingress"].push_back(in);
  YAML::Node eg_lab;
  eg_lab["to"].push_back(same);
  spec["egress"].push_back(eg_lab);
  YAML::Node dns;
  YAML::Node kube_dns;
  kube_dns["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] = "kube-system";
  kube_dns["podSelector"]["matchLabels"]["k8s-app"] = "kube-dns";
  dns["to"].push_back(kube_dns);
  for (const char* proto : {"UDP", "TCP"}) {
    YAML::Node p;
    p["protocol"] = proto;
    p["port"] = 53;
    dns["ports"].push_back(p);
  }
  spec["egress"].push_back(dns);
  doc(np);
  return std::string(out.c_str()) + "\n";
}

namespace {

enum class Expect { Placeholders, Anything };

Result<std::string> pointPodConfig(const std::string& text, const std::string& pod_ip, const std::string& relay_ip,
                                   Expect expect) {
  const auto self = Ipv4::parse(pod_ip);
  if (!self) return invalidArgument("the pod's address '" + pod_ip + "' is not an IPv4 address");
  const auto relay = Ipv4::parse(relay_ip);
  if (!relay) return invalidArgument("the relay's address '" + relay_ip + "' is not an IPv4 address");
  auto parsed = parseConfig(text, "config");
  if (!parsed.config) return invalidArgument("the config does not parse: " + parsed.error->format());
  SwitchConfig c = *parsed.config;
  const bool usable = c.vpc_domain && c.vpc_domain->keepalive && !c.emulator.peer_link_listen.empty() &&
                      !c.emulator.peer_link_peer.empty();
  const bool placeholders = hostOf(c.emulator.management) == kPodSelfPlaceholder &&
                            hostOf(c.emulator.peer_link_listen) == kPodSelfPlaceholder &&
                            hostOf(c.emulator.peer_link_peer) == kPodRelayPlaceholder;
  if (!usable || (expect == Expect::Placeholders && !placeholders))
    return invalidArgument(std::string("not a pod's config template: its management and peer-link listen must be on ") +
                           kPodSelfPlaceholder + ", its peer-link peer on " + kPodRelayPlaceholder +
                           ", and it needs a peer-keepalive (vpclab k8s writes them)");
  c.emulator.management = pod_ip + ":" + portOf(c.emulator.management);
  c.emulator.peer_link_listen = pod_ip + ":" + portOf(c.emulator.peer_link_listen);
  c.emulator.peer_link_peer = relay_ip + ":" + portOf(c.emulator.peer_link_peer);
  auto& ka = *c.vpc_domain->keepalive;
  ka.source = *self;
  ka.destination = *relay;
  return writeConfig(c);
}

}  // namespace

Result<std::string> fillPodConfig(const std::string& template_text, const std::string& pod_ip,
                                  const std::string& relay_ip) {
  return pointPodConfig(template_text, pod_ip, relay_ip, Expect::Placeholders);
}

Result<std::string> repointPodConfig(const std::string& saved_text, const std::string& pod_ip,
                                     const std::string& relay_ip) {
  return pointPodConfig(saved_text, pod_ip, relay_ip, Expect::Anything);
}

}  // namespace vpc::lab
