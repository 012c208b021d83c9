// vpclab: deploy a vPC pair, break it for real, run failover drills, draw their timelines.
//   vpclab deploy TOPOLOGY [--name N] [--time-scale F] [--slot S] [--tls]
//   vpclab inspect [LAB] [--json]          vpclab destroy LAB... | --all
//   vpclab fault LAB <fault words>         vpclab events LAB [--follow]
//   vpclab graph LAB|TOPOLOGY [-o FILE]    vpclab run DRILL.yml|DIR [--time-scale F] [--out DIR]
//   vpclab serve LAB [--port P] [--instructor | --token T]   a live web page of the lab
// Exit codes: 0 ok, 1 failed (a drill's expectation, a fault refused), 2 bad input, 3 not reachable.
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <google/protobuf/util/json_util.h>

#include "labs/core/drill.h"
#include "labs/core/host_plan.h"
#include "labs/lab/events.h"
#include "labs/lab/files.h"
#include "labs/lab/inventory.h"
#include "labs/lab/kube.h"
#include "labs/lab/graph.h"
#include "labs/lab/lab.h"
#include "labs/lab/process.h"
#include "labs/lab/registry.h"
#include "labs/lab/traffic.h"
#include "labs/lab/relayd.h"
#include "labs/lab/runner.h"
#include "labs/lab/serve.h"
#include "switch/mgmt/text.h"

namespace {

using namespace vpc;
using namespace vpc::lab;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;

using mgmt::toJson;  // the JSON twins of vpcctl: proto field names, every field

int fail(const Error& e) {
  std::cerr << "vpclab: " << e.message << "\n";
  switch (e.code) {
    case ErrorCode::InvalidArgument: return kExitUsage;
    case ErrorCode::Unavailable: return kExitUnreachable;
    default: return kExitFailed;
  }
}

int cmdDeploy(const std::string& file, const std::string& name, double scale, int slot, bool tls, bool as_json) {
  auto topo = loadTopology(file);
  if (!topo) return fail(topo.error());
  DeployOptions o;
  o.name = name;
  if (scale > 0) o.time_scale = scale;
  if (slot > 0) o.slot = static_cast<std::uint32_t>(slot);
  o.tls = tls;
  auto lab = deploy(*topo, o);
  if (!lab) return fail(lab.error());
  if (as_json) {
    std::cout << toJson(*lab) << "\n";
    return 0;
  }
  std::cout << "deployed lab '" << lab->name() << "' from " << file << " in " << lab->dir() << "\n";
  // A moment for the peer-link to form, so the table shows the roles.
  for (int i = 0; i < 100; ++i) {
    auto r = inspect(*lab);
    bool formed = r.has_value();
    if (r)
      for (const auto& n : r->nodes()) formed = formed && n.peer_status() == "peer adjacency formed ok";
    if (formed || i == 99) {
      if (r) std::cout << "\n" << renderInspect(*r);
      break;
    }
    usleep(20000);
  }
  for (const auto& n : lab->nodes())
    if (!n.ssh().empty()) {
      const auto colon = n.ssh().rfind(':');
      const std::string port = n.ssh().substr(colon + 1);
      std::cout << (&n == &lab->nodes(0) ? "\nssh:      " : "          ") << "ssh "
                << (port == "22" ? "" : "-p " + port + " ") << (n.ssh_user().empty() ? "" : n.ssh_user() + "@")
                << n.ssh().substr(0, colon) << "    (" << n.name() << "; users and passwords in " << n.source_config()
                << ")\n";
    }
  // A node's name alone finds it only while one lab has it: with several labs, name the lab too.
  const std::string node =
      listLabs().size() > 1 ? lab->name() + "/" + lab->nodes(0).name() : lab->nodes(0).name();
  std::cout << "\nexplore:  vpcctl -s " << node << " show vpc\n"
            << "break it: vpclab fault " << lab->name() << " cut peer-link\n"
            << "clean up: vpclab destroy " << lab->name() << "\n";
  return 0;
}

int cmdInspect(const std::string& name, bool as_json) {
  if (name.empty()) {
    const auto labs = listLabs();
    if (labs.empty()) {
      std::cout << "no labs deployed (" << labsHome() << ")\n";
      return 0;
    }
    for (const auto& l : labs) {
      auto r = inspect(l);
      if (!r) continue;
      std::cout << (as_json ? toJson(*r) + "\n" : renderInspect(*r) + "\n");
    }
    return 0;
  }
  auto lab = readLab(name);
  if (!lab) return fail(lab.error());
  auto r = inspect(*lab);
  if (!r) return fail(r.error());
  std::cout << (as_json ? toJson(*r) + "\n" : renderInspect(*r));
  return 0;
}

int cmdDestroy(std::vector<std::string> names, bool all) {
  if (all) {
    for (const auto& l : listLabs()) names.push_back(l.name());
    if (names.empty()) {
      std::cout << "no labs deployed (" << labsHome() << ")\n";
      return 0;
    }
  }
  if (names.empty()) {
    std::cerr << "vpclab: name the labs to destroy, or --all\n";
    return kExitUsage;
  }
  int rc = 0;
  for (const auto& n : names) {
    std::string report;
    const auto st = destroy(n, &report);
    std::cout << report;
    if (!st) rc = fail(st.error());
    else std::cout << "destroyed lab '" << n << "'\n";
  }
  return rc;
}

int cmdFault(const std::string& name, const std::vector<std::string>& words) {
  const auto f = parseFault(words);
  if (auto* e = std::get_if<std::string>(&f)) {
    std::cerr << "vpclab: " << *e << "\n";
    return kExitUsage;
  }
  auto lab = readLab(name);
  if (!lab) return fail(lab.error());
  const auto& fault = std::get<Fault>(f);
  if (auto st = applyFault(*lab, fault, 1.0, "vpclab fault " + fault.text()); !st) return fail(st.error());
  std::cout << "lab '" << name << "': " << fault.text() << "\n";
  return 0;
}

volatile std::sig_atomic_t g_interrupted = 0;

int cmdEvents(const std::string& name, bool follow) {
  auto lab = readLab(name);
  if (!lab) return fail(lab.error());
  if (!follow) {
    for (const auto& e : labHistory(*lab)) std::cout << toJson(e, false) << "\n";
    return 0;
  }
  // The backlog first, merged by time across the switches and the relays; then what each stream adds.
  // The streams replay their history too: an event already printed (by its source and sequence
  // number) is skipped.
  std::map<std::string, std::uint64_t> printed;  // source -> last sequence number printed
  for (const auto& e : labHistory(*lab)) {
    std::cout << toJson(e, false) << "\n";
    auto& last = printed[e.switch_()];
    last = std::max<std::uint64_t>(last, e.seq());
  }
  std::cout << std::flush;
  EventCollector c([&printed](const v1::Event& e) {  // called under the collector's lock
    auto& last = printed[e.switch_()];
    if (e.seq() != 0 && e.seq() <= last) return;
    last = std::max<std::uint64_t>(last, e.seq());
    std::cout << toJson(e, false) << std::endl;
  });
  for (const auto& n : lab->nodes())
    if (processAlive(n.pid())) c.followNode(n);
  c.followPaths(*lab);
  std::signal(SIGINT, [](int) { g_interrupted = 1; });
  std::signal(SIGTERM, [](int) { g_interrupted = 1; });
  // Until interrupted, or until the lab is gone (`vpclab destroy`): nothing more can come then.
  for (int tick = 0; !g_interrupted; ++tick) {
    usleep(50000);
    if (tick % 4 == 3 && !readLab(name)) break;
  }
  c.stop();
  return 0;
}

int cmdGraph(const std::string& what, const std::string& out) {
  std::string svg;
  if (auto lab = readLab(what)) {
    auto r = inspect(*lab);
    if (!r) return fail(r.error());
    svg = graphSvg(*lab, &*r);
  } else {
    auto topo = loadTopology(what);
    if (!topo) return fail(topo.error());
    svg = graphSvg(*topo);
  }
  const std::string path = out.empty() ? "vpclab-graph.svg" : out;
  if (path == "-") {
    std::cout << svg;
    return 0;
  }
  std::ofstream(path) << svg;
  std::cout << "wrote " << path << "\n";
  return 0;
}

int cmdTraffic(const std::string& lab_name, const std::string& from, const std::string& to, std::uint32_t rate,
               const std::string& duration, bool as_json) {
  auto lab = readLab(lab_name);
  if (!lab) return fail(lab.error());
  const auto d = parseDuration(duration);  // ms
  if (!d || *d <= 0) {
    std::cerr << "vpclab traffic: '" << duration << "' is not a duration (e.g. 500ms, 10s, 2m)\n";
    return kExitUsage;
  }
  auto flow = Flow::start(*lab, from + "->" + to, from, to, rate, *d / 1000.0);
  if (!flow) return fail(flow.error());
  std::cerr << "flow " << from << " -> " << to << " at " << rate << "/s for " << duration << " ...\n";
  auto r = (*flow)->stop();
  if (!r) return fail(r.error());
  if (as_json) {
    std::string json;
    google::protobuf::util::JsonPrintOptions o;
    o.preserve_proto_field_names = true;
    o.always_print_primitive_fields = true;
    (void)google::protobuf::util::MessageToJsonString(*r, &json, o);
    std::cout << json << "\n";
  } else {
    std::cout << renderFlow(*r);
  }
  return 0;
}

// Runs a command inside a host's network namespace (as `ip netns exec`), with the terminal.
int cmdExec(const std::string& lab_name, const std::string& host, const std::vector<std::string>& command) {
  auto lab = readLab(lab_name);
  if (!lab) return fail(lab.error());
  for (const auto& h : lab->hosts()) {
    if (h.name() != host) continue;
    std::vector<std::string> argv = {"/usr/sbin/ip", "netns", "exec", h.netns()};
    argv.insert(argv.end(), command.begin(), command.end());
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    std::cerr << "vpclab: cannot run " << args[0] << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  std::string known;
  for (const auto& h : lab->hosts()) known += (known.empty() ? "" : ", ") + h.name();
  std::cerr << "vpclab: lab '" << lab_name << "' has no host '" << host << "'"
            << (known.empty() ? std::string(" (it has no hosts)") : " (hosts: " + known + ")") << "\n";
  return kExitUsage;
}

// A dual-homed host's bond as its own Open vSwitch sees it: the LACP view (each leg attached or not,
// its partner) and the bond's (which legs carry traffic).
int cmdInventory(const std::string& lab_name, bool netmiko) {
  auto lab = readLab(lab_name);
  if (!lab) return fail(lab.error());
  bool any = false;
  for (const auto& n : lab->nodes()) any = any || !n.ssh().empty();
  if (!any) {
    std::cerr << "vpclab: lab '" << lab_name << "' has no switch with a user (username NAME password ... role "
              << "network-admin in its config): nothing to log in with\n";
    return kExitUsage;
  }
  std::cout << (netmiko ? netmikoDevices(*lab) : ansibleInventory(*lab));
  return 0;
}

int cmdBond(const std::string& lab_name, const std::string& host) {
  auto lab = readLab(lab_name);
  if (!lab) return fail(lab.error());
  for (int i = 0; i < lab->hosts_size(); ++i) {
    const auto& h = lab->hosts(i);
    if (h.name() != host) continue;
    if (!h.bonded()) {
      std::cerr << "vpclab: " << host << " is single-homed (" << (h.links_size() ? h.links(0) : "") << "): it has no bond\n";
      return kExitUsage;
    }
    const std::string ctl = ovsControlOf(lab->dir());
    const std::string bond = bondOf(lab->slot(), static_cast<std::size_t>(i));
    std::cout << host << " bonds " << h.links(0) << " and " << h.links(1) << " (Open vSwitch bond " << bond << ")\n\n";
    for (const char* what : {"lacp/show", "bond/show"}) {
      std::string out;
      if (runCommand({"/usr/bin/ovs-appctl", "-t", ctl, what, bond}, &out) != 0)
        return fail(Error{ErrorCode::Unavailable, "the lab's Open vSwitch does not answer: " + out});
      std::cout << out << "\n";
    }
    return 0;
  }
  std::string known;
  for (const auto& h : lab->hosts()) known += (known.empty() ? "" : ", ") + h.name();
  std::cerr << "vpclab: lab '" << lab_name << "' has no host '" << host << "'"
            << (known.empty() ? std::string(" (it has no hosts)") : " (hosts: " + known + ")") << "\n";
  return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  // The relay process of a deployed lab (started by deploy; not for users).
  if (argc == 3 && std::string(argv[1]) == "relayd") return relaydMain(argv[2]);
  // The two ends of a traffic flow, run inside hosts' namespaces by `vpclab traffic` (not for users).
  if (argc >= 2 && (std::string(argv[1]) == "flow-tx" || std::string(argv[1]) == "flow-rx")) {
    std::map<std::string, std::string> opt;
    for (int i = 2; i + 1 < argc; i += 2) opt[argv[i]] = argv[i + 1];
    try {
      if (std::string(argv[1]) == "flow-tx")
        return flowTx(opt.at("--to"), static_cast<std::uint16_t>(std::stoi(opt.at("--port"))),
                      static_cast<std::uint32_t>(std::stoul(opt.at("--rate"))), std::stod(opt.at("--duration")));
      return flowRx(static_cast<std::uint16_t>(std::stoi(opt.at("--port"))));
    } catch (const std::exception&) {
      std::cerr << "vpclab " << argv[1] << ": bad arguments\n";
      return kExitUsage;
    }
  }

  CLI::App app{"vpclab - deploy a Cisco Nexus vPC pair, inject real faults, run failover drills"};
  app.require_subcommand(1);
  app.footer("Labs are recorded in $VPCLAB_HOME (default /tmp/vpclab-<uid>); vpcctl -s NODE finds their switches.");

  std::string file, name, out;
  double scale = 0;
  int slot = 0;
  bool as_json = false, all = false, follow = false, tls = false;
  std::vector<std::string> names, words, drills;

  auto* d = app.add_subcommand("deploy", "start a topology's switches and relays, detached");
  d->add_option("topology", file, "topology file (YAML)")->required();
  d->add_option("--name", name, "lab name (default: the topology's)");
  d->add_option("--time-scale", scale, "multiply every protocol timer (e.g. 0.05)")->check(CLI::Range(0.001, 1.0));
  d->add_option("--slot", slot, "loopback block 127.2.SLOT.0/24 (default: the first free)")->check(CLI::Range(1, 250));
  d->add_flag("--tls", tls, "mutual TLS on the peer-link and the management API: a lab CA, a certificate per switch "
                            "and one for vpcctl (in the lab's tls/ folder)");
  d->add_flag("--json", as_json, "print the lab record as JSON");

  auto* ds = app.add_subcommand("destroy", "stop a lab's processes and remove its directory");
  ds->add_option("labs", names, "lab names");
  ds->add_flag("--all", all, "every deployed lab");

  auto* in = app.add_subcommand("inspect", "a lab's switches (pid, address, role, peer status) and paths");
  in->add_option("lab", name, "lab name (default: all labs)");
  in->add_flag("--json", as_json, "JSON");

  auto* f = app.add_subcommand("fault", "break or restore a path, a switch or a switch port's link of a deployed lab");
  f->add_option("lab", name, "lab name")->required();
  f->add_option("fault", words,
                "cut|shut|restore|clear PATH, delay PATH D [jitter D], loss PATH P%, flap PATH down D up D [count N] "
                "[shut], kill|stop|cont|restart|start NODE, link NODE:INTERFACE down|up (PATH: peer-link, keepalive, "
                "all)")
      ->required()
      ->expected(2, -1);

  auto* ev = app.add_subcommand("events", "the lab's events (switches and paths) as NDJSON, by time");
  ev->add_option("lab", name, "lab name")->required();
  ev->add_flag("--follow,-f", follow, "keep printing new events until interrupted");

  auto* g = app.add_subcommand("graph", "an SVG of a lab (live roles and path modes) or of a topology");
  g->add_option("what", file, "lab name or topology file")->required();
  g->add_option("-o,--output", out, "SVG file ('-' for stdout; default vpclab-graph.svg)");

  RunOptions ro;
  auto* r = app.add_subcommand("run", "run drills: deploy, faults, expectations, timeline");
  r->add_option("drills", drills, "drill files or folders of drills")->required();
  r->add_option("--time-scale", ro.time_scale, "override the drills' time scale (1 = real NX-OS timers)")
      ->check(CLI::Range(0.001, 1.0));
  r->add_option("--out", ro.out_dir, "where reports and timelines go (default vpclab-out)");
  r->add_flag("--keep", ro.keep, "leave the lab deployed after a single drill");
  r->add_flag("--json", ro.json, "print the report as JSON");
  r->add_flag("--quiet,-q", ro.quiet, "no timeline on screen, only the result");
  r->add_flag("--step", ro.step,
              "step and predict: pause before each fault (and each step with an ask:), show its question, run it "
              "on Enter, then show what the switches did");
  r->add_option("--topology", ro.topology,
                "run the drills on this topology instead of the one they name (the same switches), e.g. "
                "labs/topologies/two-hosts/two-hosts.yml");
  r->add_flag("--step-from-page", ro.step_from_page,
              "step and predict, run by the live page's Next (vpclab serve) instead of Enter");
  r->add_option("--name", ro.name,
                "name this run: its lab is NAME (two students can run the same drill at once) and its outputs "
                "go to OUT/DRILL/runs/NAME/ (default: a time stamp)");

  std::string host;
  std::vector<std::string> command;
  auto* x = app.add_subcommand("exec", "run a command in a host of a lab: vpclab exec LAB HOST -- CMD...");
  x->add_option("lab", name, "lab name")->required();
  x->add_option("host", host, "host name")->required();
  x->add_option("command", command, "the command and its arguments (after --)")->required();

  auto* bd = app.add_subcommand("bond", "a dual-homed host's bond as its Open vSwitch sees it (LACP partner, "
                                        "which legs are attached and carry traffic)");
  bd->add_option("lab", name, "lab name")->required();
  bd->add_option("host", host, "host name")->required();

  std::string from, to, duration = "10s";
  std::uint32_t rate = 1000;
  auto* tr = app.add_subcommand("traffic", "a sequence-numbered UDP flow between two hosts: sent, received, lost, "
                                           "reordered, the longest outage");
  tr->add_option("lab", name, "lab name")->required();
  tr->add_option("from", from, "sending host")->required();
  tr->add_option("to", to, "receiving host")->required();
  tr->add_option("--rate", rate, "datagrams a second (default 1000)")->check(CLI::Range(1, 100000));
  tr->add_option("--duration", duration, "how long (default 10s; ms, s, m)");
  tr->add_flag("--json", as_json, "the report as JSON");

  bool netmiko = false;
  auto* iv = app.add_subcommand("inventory", "a lab's switches as an Ansible inventory (cisco.nxos over SSH and NX-API), "
                                             "or with --netmiko as Netmiko devices (YAML on stdout)");
  iv->add_option("lab", name, "lab name")->required();
  iv->add_flag("--netmiko", netmiko, "Netmiko's ConnectHandler arguments per switch instead");

  ServeOptions so;
  bool make_token = false;
  auto* sv = app.add_subcommand("serve", "a live web page of a lab for a class: the pair, its events and timeline as "
                                         "they happen, show commands a click away (read-only without a token)");
  sv->add_option("lab", so.lab, "lab name (it may be deployed later, e.g. by a drill run from the page)")->required();
  sv->add_option("--port", so.port, "TCP port (default 8080; 0 picks a free one)")->check(CLI::Range(0, 65535));
  sv->add_option("--address", so.address, "address to listen on (default 127.0.0.1; 0.0.0.0 for a classroom)");
  sv->add_option("--token", so.token, "instructor token: a page opened with ?token=TOKEN injects faults and runs "
                                      "drills (at least 8 characters)");
  sv->add_flag("--instructor", make_token, "make a random instructor token and print the instructor's address");
  sv->add_option("--drills", so.drills_dir, "the drill catalog the instructor page offers (default labs/drills)");
  sv->add_option("--out", so.out_dir, "where drills run from the page write their reports (default vpclab-out)");

  KubeOptions ko;
  ko.image = "localhost/vpclab:latest";
  auto* k8s = app.add_subcommand("k8s", "Kubernetes manifests of a lab: a pod per switch, a relay pod, services, a "
                                        "NetworkPolicy (docs/SCALE.md)");
  k8s->add_option("lab", file, "a topology file, or a deployed lab's name")->required();
  k8s->add_option("--name", ko.lab, "the lab's name in the cluster (default: the topology's or the lab's)");
  k8s->add_option("--namespace", ko.namespace_, "the namespace (default: vpclab-<name>)");
  k8s->add_option("--image", ko.image, "the image with vpcd and vpclab (scripts/image builds one)")->capture_default_str();
  k8s->add_option("--domain", ko.domain, "the cluster's DNS domain")->capture_default_str();
  k8s->add_option("-o,--out", out, "write here instead of stdout");
  std::string pod_config, pod_relay;
  int pod_wait = 300;
  auto* pod = app.add_subcommand("pod", "the entry of a pod that vpclab k8s wrote (run by Kubernetes, not by hand)");
  pod->require_subcommand(1);
  auto* pod_sw = pod->add_subcommand("switch", "fill this switch's config with POD_IP and the relay's address, then run vpcd");
  pod_sw->add_option("--config", pod_config, "the switch's config template")->required();
  pod_sw->add_option("--relay", pod_relay, "the relay's name (its headless service)")->required();
  pod_sw->add_option("--wait", pod_wait, "seconds to wait for the relay's name to resolve")->capture_default_str();
  auto* pod_rl = pod->add_subcommand("relay", "record the lab in this pod and serve its relays");
  pod_rl->add_option("lab_json", pod_config, "the lab's record (the ConfigMap's lab.json)")->required();

  CLI11_PARSE(app, argc, argv);
  if (k8s->parsed()) {
    auto text = kubeManifestsFor(file, ko);
    if (!text) return fail(text.error());
    if (out.empty()) {
      std::cout << *text;
      return 0;
    }
    std::ofstream file_out(out, std::ios::trunc);
    file_out << *text;
    if (!file_out) return fail(Error{ErrorCode::Unavailable, "cannot write " + out});
    std::cerr << "wrote " << out << " (kubectl apply -f " << out << ")\n";
    return 0;
  }
  if (pod_sw->parsed()) return podSwitchMain(pod_config, pod_relay, pod_wait);
  if (pod_rl->parsed()) return podRelayMain(pod_config);
  if (sv->parsed()) {
    if (make_token && so.token.empty()) {
      std::ifstream rnd("/dev/urandom", std::ios::binary);
      unsigned char b[12] = {};
      rnd.read(reinterpret_cast<char*>(b), sizeof b);
      for (const unsigned char c : b) so.token += fmt::format("{:02x}", c);
    }
    if (!so.token.empty() && so.token.size() < 8) {
      std::cerr << "vpclab serve: --token needs at least 8 characters\n";
      return kExitUsage;
    }
    return serveLab(so);
  }
  if (iv->parsed()) return cmdInventory(name, netmiko);
  if (x->parsed()) return cmdExec(name, host, command);
  if (bd->parsed()) return cmdBond(name, host);
  if (tr->parsed()) return cmdTraffic(name, from, to, rate, duration, as_json);
  if (d->parsed()) return cmdDeploy(file, name, scale, slot, tls, as_json);
  if (ds->parsed()) return cmdDestroy(names, all);
  if (in->parsed()) return cmdInspect(name, as_json);
  if (f->parsed()) return cmdFault(name, words);
  if (ev->parsed()) return cmdEvents(name, follow);
  if (g->parsed()) return cmdGraph(file, out);
  if (r->parsed()) {
    ro.step = ro.step || ro.step_from_page;
    return runDrills(drills, ro);
  }
  return kExitUsage;
}
