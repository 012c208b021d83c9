#include "labs/lab/lab.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <random>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>

#include "labs/core/host_plan.h"
#include "labs/core/lab_plan.h"
#include "labs/lab/process.h"
#include "labs/lab/registry.h"
#include "peerlink/transport/tls.h"

namespace vpc::lab {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

std::string isoNow() {
  const auto t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string tail(const std::string& path, std::size_t lines) {
  bool ok = false;
  const std::string text = readWholeFile(path, &ok);
  if (!ok) return "";
  std::size_t at = text.size();
  for (std::size_t n = 0; n <= lines && at > 0; ++n) {
    const auto nl = text.rfind('\n', at - 1);
    if (nl == std::string::npos) {
      at = 0;
      break;
    }
    at = nl;
  }
  return text.substr(at == 0 ? 0 : at + 1);
}

// Waits until `ready` exists or the process exits; an error with the end of its output otherwise.
Status waitReady(pid_t pid, const std::string& ready, const std::string& output, const std::string& what,
                 std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!fs::exists(ready)) {
    if (!processAlive(pid))
      return Error{ErrorCode::Unavailable, what + " exited at start; the end of " + output + ":\n" + tail(output, 12)};
    if (std::chrono::steady_clock::now() > end) {
      terminate(pid, 1s);
      return Error{ErrorCode::Unavailable, what + " did not become ready in " +
                                               std::to_string(limit.count() / 1000) + " s; see " + output};
    }
    std::this_thread::sleep_for(5ms);
  }
  return Status::ok();
}

v1::LabNode* mutableNode(v1::LabState& lab, const std::string& name) {
  for (auto& n : *lab.mutable_nodes())
    if (n.name() == name) return &n;
  return nullptr;
}

std::string vpcdPath() {
  if (const char* p = std::getenv("VPCLAB_VPCD"); p && *p) return p;
  return selfDir() + "/vpcd";
}

}  // namespace

const v1::LabNode* findNode(const v1::LabState& lab, const std::string& name) {
  for (const auto& n : lab.nodes())
    if (n.name() == name) return &n;
  return nullptr;
}

std::unique_ptr<v1::PathControl::Stub> pathControl(const v1::LabState& lab) {
  return v1::PathControl::NewStub(grpc::CreateChannel(lab.control_socket(), grpc::InsecureChannelCredentials()));
}

std::unique_ptr<v1::Management::Stub> management(const v1::LabNode& node) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  std::optional<transport::TlsMaterial> tls;
  if (!node.tls_dir().empty()) {
    const std::string d = node.tls_dir() + "/";
    if (auto m = transport::loadTls(d + "vpcctl.crt", d + "vpcctl.key", d + "ca.crt")) tls = std::move(*m);
    args.SetSslTargetNameOverride(node.name());  // the switch's certificate names it
  }
  return v1::Management::NewStub(
      grpc::CreateCustomChannel(node.management(), transport::channelCredentials(tls), args));
}

// The lab's CA, a certificate per switch (its name, vpc-peer and its address; server and client use)
// and one for management clients, made with the openssl command (Debian's openssl package).
Status makeCertificates(const std::string& dir, const std::string& lab, const std::vector<NodePlan>& nodes) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{ErrorCode::Internal, "cannot create " + dir + ": " + ec.message()};
  const std::string openssl = "/usr/bin/openssl";
  std::string out;
  auto run = [&](std::vector<std::string> argv) -> Status {
    if (runCommand(argv, &out) != 0)
      return Error{ErrorCode::Internal, "tls: openssl " + argv[1] + " failed: " + out.substr(0, 300)};
    return Status::ok();
  };
  const std::vector<std::string> ec_key = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"};
  std::vector<std::string> ca = {openssl, "req", "-x509"};
  ca.insert(ca.end(), ec_key.begin(), ec_key.end());
  ca.insert(ca.end(), {"-keyout", dir + "/ca.key", "-out", dir + "/ca.crt", "-days", "3650", "-subj",
                       "/CN=vpclab " + lab + " CA"});
  VPC_RETURN_IF_ERROR(run(ca));
  auto issue = [&](const std::string& name, const std::string& san, const std::string& usage) -> Status {
    std::vector<std::string> req = {openssl, "req"};
    req.insert(req.end(), ec_key.begin(), ec_key.end());
    req.insert(req.end(), {"-keyout", dir + "/" + name + ".key", "-out", dir + "/" + name + ".csr", "-subj", "/CN=" + name});
    VPC_RETURN_IF_ERROR(run(req));
    std::ofstream(dir + "/" + name + ".ext") << "subjectAltName=" << san << "\nextendedKeyUsage=" << usage << "\n";
    VPC_RETURN_IF_ERROR(run({openssl, "x509", "-req", "-in", dir + "/" + name + ".csr", "-CA", dir + "/ca.crt", "-CAkey",
                             dir + "/ca.key", "-CAcreateserial", "-out", dir + "/" + name + ".crt", "-days", "3650",
                             "-extfile", dir + "/" + name + ".ext"}));
    fs::remove(dir + "/" + name + ".csr", ec);
    fs::remove(dir + "/" + name + ".ext", ec);
    return Status::ok();
  };
  for (const auto& n : nodes)
    VPC_RETURN_IF_ERROR(issue(n.name, "DNS:" + n.name + ",DNS:" + transport::kPeerName + ",IP:" + n.address,
                              "serverAuth,clientAuth"));
  VPC_RETURN_IF_ERROR(issue("vpcctl", "DNS:vpcctl", "clientAuth"));
  return Status::ok();
}

// Runs planned steps (hosts, namespaces); each one's undo is recorded (and written) before the next, so
// a failure or a later destroy unmakes exactly what was made.
Status runSteps(v1::LabState& lab, const std::vector<HostStep>& steps, const std::string& what) {
  for (const auto& step : steps) {
    if (!step.undo.empty()) {
      auto* u = lab.add_undo();
      for (const auto& a : step.undo) u->add_argv(a);
      if (auto st = writeLab(lab); !st) return st;
    }
    std::string output;
    const int rc = runCommand(step.run, &output);
    if (rc != 0) {
      std::string cmd;
      for (const auto& a : step.run) cmd += (cmd.empty() ? "" : " ") + a;
      while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
      return Error{ErrorCode::Internal, what + ": '" + cmd + "' failed (" + std::to_string(rc) + ")" +
                                            (output.empty() ? "" : ": " + output)};
    }
  }
  return Status::ok();
}

Status buildHosts(v1::LabState& lab, const HostsPlan& plan) {
  if (plan.hosts.empty()) return Status::ok();
  std::error_code ec;
  if (plan.needs_ovs) fs::create_directories(plan.ovs_dir, ec);
  if (auto st = runSteps(lab, plan.ovs_start, "building the hosts"); !st) return st;
  return runSteps(lab, plan.steps, "building the hosts");
}

// Unmakes the hosts: the recorded undos, newest first; a failure is reported, the rest still run.
void teardownHosts(const v1::LabState& lab, std::string& report) {
  for (int i = lab.undo_size() - 1; i >= 0; --i) {
    std::vector<std::string> argv(lab.undo(i).argv().begin(), lab.undo(i).argv().end());
    std::string output;
    const int rc = runCommand(argv, &output);
    if (rc != 0 && output.find("Cannot find device") == std::string::npos &&
        output.find("No such file") == std::string::npos)
      report += "undo '" + argv.back() + "' failed: " + output;
  }
  if (lab.hosts_size()) report += fmt::format("removed {} host(s) and their links\n", lab.hosts_size());
}

namespace {
// Deploys take turns: choosing a free slot and recording the lab that holds it is one step, so two
// labs deployed at the same moment (a class running one drill) never pick the same addresses. The
// lock is the kernel's (flock), so a deploy that dies lets go of it.
class DeployLock {
 public:
  DeployLock() {
    std::error_code ec;
    fs::create_directories(labsHome(), ec);
    fd_ = ::open((labsHome() + "/deploy.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0)
      while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
  }
  ~DeployLock() {
    if (fd_ >= 0) ::close(fd_);  // closing lets go of the lock
  }
  DeployLock(const DeployLock&) = delete;
  DeployLock& operator=(const DeployLock&) = delete;

 private:
  int fd_ = -1;
};
}  // namespace

Result<v1::LabState> deploy(const Topology& t, const DeployOptions& o) {
  const DeployLock lock;
  const std::string name = o.name.empty() ? t.name : o.name;
  if (!validLabName(name))
    return Error{ErrorCode::InvalidArgument,
                 "lab name '" + name + "' must be lowercase letters, digits, '-' and '_' (at most 40); nothing was deployed"};
  if (!t.hosts.empty() && ::geteuid() != 0)
    return Error{ErrorCode::FailedPrecondition,
                 t.file + ": this topology has hosts: they need root (network namespaces and links need "
                          "CAP_NET_ADMIN, the switches' ports CAP_NET_RAW), as containerlab does; nothing was deployed"};
  if (t.namespaces && ::geteuid() != 0)
    return Error{ErrorCode::FailedPrecondition, t.file + ": 'placement: namespaces' needs root (network namespaces "
                                                         "and links need CAP_NET_ADMIN); nothing was deployed"};
  if (t.namespaces && !t.hosts.empty())
    return Error{ErrorCode::InvalidArgument, t.file + ": hosts are not supported with 'placement: namespaces' yet "
                                                      "(their links would have to reach into each switch's namespace); "
                                                      "nothing was deployed"};
  if (auto old = readLab(name)) {
    bool running = processAlive(old->relayd_pid());
    for (const auto& n : old->nodes()) running = running || processAlive(n.pid());
    if (running)
      return Error{ErrorCode::AlreadyExists,
                   "lab '" + name + "' is deployed (" + old->dir() + "); destroy it first: vpclab destroy " + name};
    std::error_code ec;
    fs::remove_all(old->dir(), ec);  // a stale record: nothing of it runs any more
  }
  std::uint32_t slot = 0;
  if (o.slot) {
    slot = *o.slot;
    for (const auto& l : listLabs())
      if (l.slot() == slot) return Error{ErrorCode::AlreadyExists, fmt::format("slot {} is used by lab '{}'", slot, l.name())};
  } else {
    auto s = freeSlot();
    if (!s) return s.error();
    slot = *s;
  }
  std::vector<std::string> names;
  std::vector<SwitchConfig> configs;
  for (const auto& n : t.nodes) {
    names.push_back(n.name);
    configs.push_back(n.config);
  }
  const std::string dir = labDir(name);
  // The hosts' links are the switches' ports: bound in their configs before they start.
  std::vector<HostSpec> specs;
  for (const auto& h : t.hosts) {
    HostSpec spec{h.name, h.ip, h.prefix, h.vlan, h.tagged, false, {}};
    for (const auto& l : h.links) {
      std::size_t node = 0;
      while (node < t.nodes.size() && t.nodes[node].name != l.node) ++node;
      spec.links.push_back({node, l.port});
      if (node < t.nodes.size())
        if (const auto* ic = t.nodes[node].config.interface(l.port); ic && ic->channel_group)
          spec.lacp = spec.lacp || ic->channel_mode != ChannelMode::On;
    }
    specs.push_back(std::move(spec));
  }
  const HostsPlan hosts = planHosts(slot, name, dir, specs);
  if (hosts.needs_ovs && !fs::exists("/usr/sbin/ovs-vswitchd"))
    return Error{ErrorCode::FailedPrecondition, t.file + ": dual-homed and tagged hosts need Open vSwitch "
                                                         "(scripts/install-deps installs it); nothing was deployed"};
  for (const auto& b : hosts.bindings) configs[b.node].emulator.ports[b.port] = PortBinding{b.link, 0};
  const std::string tls_dir = o.tls ? dir + "/tls" : "";
  if (o.tls) {
    // And a keepalive-key of the lab's own: forged keepalives no longer count either.
    std::random_device rd;
    std::string key;
    for (int k = 0; k < 32; ++k) key += "0123456789abcdef"[rd() % 16];
    for (std::size_t i = 0; i < configs.size(); ++i) {
      configs[i].emulator.tls =
          EmulatorConfig::Tls{tls_dir + "/" + names[i] + ".crt", tls_dir + "/" + names[i] + ".key", tls_dir + "/ca.crt"};
      configs[i].emulator.keepalive_key = key;
    }
  }
  // SSH host keys are made once per switch and kept with the lab.
  for (std::size_t i = 0; i < configs.size(); ++i)
    if (!configs[i].users.empty() && configs[i].emulator.ssh_host_key.empty())
      configs[i].emulator.ssh_host_key = dir + "/ssh/" + names[i] + "_host_ed25519_key";
  auto plan = planPair(slot, names, configs, t.namespaces);
  if (!plan) return plan.error();
  if (o.tls)
    if (auto st = makeCertificates(tls_dir, name, plan->nodes); !st) {
      std::error_code ignored;
      fs::remove_all(dir, ignored);  // nothing deployed
      return st.error();
    }

  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Error{ErrorCode::Internal, "cannot create " + dir + ": " + ec.message()};
  v1::LabState lab;
  lab.set_name(name);
  lab.set_topology_file(fs::absolute(t.file, ec).string());
  lab.set_dir(dir);
  lab.set_created(isoNow());
  lab.set_time_scale(o.time_scale.value_or(t.time_scale.value_or(1.0)));
  lab.set_slot(slot);
  lab.set_control_socket("unix:" + dir + "/control.sock");
  for (std::size_t i = 0; i < plan->nodes.size(); ++i) {
    const auto& np = plan->nodes[i];
    auto* n = lab.add_nodes();
    n->set_name(np.name);
    n->set_address(np.address);
    n->set_management(np.management);
    n->set_config_file(dir + "/" + np.name + ".cfg");
    // Absolute, so vpclab inventory reads them from anywhere.
    std::string sources;
    for (const auto& f : configFiles(t.nodes[i].config_file)) {
      std::error_code aec;
      sources += (sources.empty() ? "" : " + ") + fs::absolute(f, aec).string();
    }
    n->set_source_config(sources);
    n->set_log_file(dir + "/" + np.name + ".log");
    n->set_tls_dir(tls_dir);
    n->set_netns(np.netns);
    if (!configs[i].users.empty()) {
      n->set_ssh(np.address + ":" + std::to_string(configs[i].emulator.ssh_port));
      for (const auto& [user, u] : configs[i].users)
        if (u.role == UserRole::NetworkAdmin && n->ssh_user().empty()) n->set_ssh_user(user);
    }
    for (const auto& [port, binding] : configs[i].emulator.ports) {
      auto* lp = n->add_ports();
      lp->set_interface(port.longName());
      lp->set_link(binding.link);
      for (const auto& b : hosts.bindings)
        if (b.node == i && b.port == port) {
          lp->set_far_link(b.far_link);
          lp->set_far_netns(b.far_netns);
        }
    }
    std::ofstream(n->config_file()) << np.config_text;
  }
  for (const auto& pp : plan->paths) addPath(lab, pp);
  for (std::size_t i = 0; i < t.hosts.size(); ++i) {
    const auto& h = t.hosts[i];
    auto* lh = lab.add_hosts();
    lh->set_name(h.name);
    lh->set_netns(hosts.hosts[i].netns);
    lh->set_address(h.address);
    lh->set_vlan(h.vlan);
    lh->set_bonded(h.links.size() == 2);
    for (const auto& l : h.links) lh->add_links(l.node + ":" + l.port.longName());
  }
  if (auto st = writeLab(lab); !st) return st.error();
  if (auto st = runSteps(lab, namespaceSteps(*plan), "building the switches' namespaces"); !st) {
    std::string ignored;
    (void)destroy(name, &ignored);
    return st.error();
  }
  if (auto st = buildHosts(lab, hosts); !st) {
    std::string ignored;
    (void)destroy(name, &ignored);
    return st.error();
  }

  std::string err;
  const std::string out = dir + "/relayd.log";
  const pid_t relayd = spawnDetached({selfDir() + "/vpclab", "relayd", dir}, out, &err);
  if (relayd < 0) return Error{ErrorCode::Internal, err};
  lab.set_relayd_pid(relayd);
  if (auto st = writeLab(lab); !st) return st.error();
  if (auto st = waitReady(relayd, dir + "/relayd.ready", out, "the relay process", o.ready_timeout); !st) {
    std::string ignored;
    (void)destroy(name, &ignored);
    return st.error();
  }
  if (o.start_switches) {
    if (auto st = startNodes(lab, names, o.ready_timeout); !st) {
      std::string ignored;
      (void)destroy(name, &ignored);
      return st.error();
    }
  }
  return lab;
}

// A switch's cables: its bound links go dark when it is off and light when it runs (those a link fault
// holds down stay down). Links that are gone (a lab's user-made link removed) are skipped.
Status setNodeLinks(const v1::LabNode& n, bool powered) {
  for (const auto& p : n.ports()) {
    // A held-down port whose far end the lab did not make is held at the switch's end.
    const bool up = powered && !(p.held_down() && p.far_link().empty());
    std::string output;
    if (runCommand({"/usr/sbin/ip", "link", "set", p.link(), up ? "up" : "down"}, &output) != 0 &&
        output.find("Cannot find device") == std::string::npos)
      return Error{ErrorCode::Internal, "cannot set " + p.link() + " (" + n.name() + " " + p.interface() + ") " +
                                            (up ? "up" : "down") + ": " + output};
  }
  return Status::ok();
}

Status setPortLink(v1::LabState& lab, const std::string& node, const std::string& port, bool up) {
  auto* n = mutableNode(lab, node);
  if (!n) return notFound("no switch '" + node + "' in lab '" + lab.name() + "'");
  v1::LabPort* p = nullptr;
  std::string bound;
  for (auto& lp : *n->mutable_ports()) {
    if (lp.interface() == port) p = &lp;
    bound += (bound.empty() ? "" : ", ") + lp.interface();
  }
  if (!p)
    return notFound(node + " " + port + " is not on a Linux link" +
                    (bound.empty() ? " (" + node + " has no bound ports)" : " (bound: " + bound + ")"));
  p->set_held_down(!up);
  std::string output;
  if (!p->far_link().empty()) {  // pull the cable at the far end
    std::vector<std::string> argv = {"/usr/sbin/ip"};
    if (!p->far_netns().empty()) argv.insert(argv.end(), {"-n", p->far_netns()});
    argv.insert(argv.end(), {"link", "set", p->far_link(), up ? "up" : "down"});
    if (runCommand(argv, &output) != 0)
      return Error{ErrorCode::Internal, "cannot set " + p->far_link() + (up ? " up" : " down") + ": " + output};
    return writeLab(lab);
  }
  // A switch that is off keeps its cables dark; the hold is recorded for when it starts.
  const bool running = processAlive(n->pid());
  if (running || !up)
    if (runCommand({"/usr/sbin/ip", "link", "set", p->link(), up ? "up" : "down"}, &output) != 0)
      return Error{ErrorCode::Internal, "cannot set " + p->link() + (up ? " up" : " down") + ": " + output};
  return writeLab(lab);
}

Status startNode(v1::LabState& lab, const std::string& name, std::chrono::milliseconds ready_timeout) {
  return startNodes(lab, {name}, ready_timeout);
}

Status startNodes(v1::LabState& lab, const std::vector<std::string>& names, std::chrono::milliseconds ready_timeout) {
  // Spawn them all, then wait for each: the switches boot side by side, as a pair powered on does.
  std::vector<std::pair<std::string, pid_t>> started;
  for (const auto& name : names) {
    auto* n = mutableNode(lab, name);
    if (!n) return notFound("no switch '" + name + "' in lab '" + lab.name() + "'");
    if (processAlive(n->pid()))
      return failedPrecondition(name + " is already running (pid " + std::to_string(n->pid()) + ")");
    const std::string ready = lab.dir() + "/" + name + ".ready";
    std::error_code ec;
    fs::remove(ready, ec);
    if (auto st = setNodeLinks(*n, true); !st) return st;
    std::vector<std::string> argv = {vpcdPath(), "--config", n->config_file(), "--ready-file", ready,
                                     "--log-file", n->log_file()};
    // In its namespace: `ip netns exec` execs vpcd, so the pid is the switch's.
    if (!n->netns().empty()) argv.insert(argv.begin(), {"/usr/sbin/ip", "netns", "exec", n->netns()});
    if (lab.time_scale() != 1.0) {
      argv.push_back("--time-scale");
      argv.push_back(fmt::format("{}", lab.time_scale()));
    }
    std::string err;
    const pid_t pid = spawnDetached(argv, lab.dir() + "/" + name + ".out", &err);
    if (pid < 0) return Error{ErrorCode::Internal, err};
    n->set_pid(pid);
    started.emplace_back(name, pid);
  }
  if (auto st = writeLab(lab); !st) return st;
  for (const auto& [name, pid] : started)
    if (auto st = waitReady(pid, lab.dir() + "/" + name + ".ready", lab.dir() + "/" + name + ".out", "vpcd " + name,
                            ready_timeout);
        !st)
      return st;
  return Status::ok();
}

Status stopNode(v1::LabState& lab, const std::string& name, bool graceful) {
  auto* n = mutableNode(lab, name);
  if (!n) return notFound("no switch '" + name + "' in lab '" + lab.name() + "'");
  if (processAlive(n->pid())) {
    if (graceful) {
      if (!terminate(n->pid(), 5s)) return Error{ErrorCode::Internal, "cannot stop " + name};
    } else {
      ::kill(n->pid(), SIGKILL);
      if (!waitGone(n->pid(), 5s)) return Error{ErrorCode::Internal, "cannot kill " + name};
    }
  }
  if (auto st = setNodeLinks(*n, false); !st) return st;
  return writeLab(lab);
}

Status applyFault(v1::LabState& lab, const Fault& f, double scale, const std::string& reason) {
  if (f.onPort()) return setPortLink(lab, f.target, f.port, f.up);
  if (!f.onPath()) {
    const auto* n = findNode(lab, f.target);
    if (!n) return notFound("no switch '" + f.target + "' in lab '" + lab.name() + "'");
    // A lab on Kubernetes (`vpclab pod relay` recorded it): the switch is a pod of its own.
    if (n->config_file().empty() && n->pid() == 0)
      return failedPrecondition(f.target + " runs in a pod of its own, not here: kill it with `kubectl delete pod " +
                                f.target + " --grace-period=0 --force` and bring it back with `kubectl apply` "
                                "(docs/SCALE.md); path faults work from here");
    const pid_t pid = n->pid();
    switch (f.kind) {
      case Fault::Kind::Kill: return stopNode(lab, f.target, false);
      case Fault::Kind::Stop:
        if (!processAlive(pid)) return failedPrecondition(f.target + " is not running");
        ::kill(pid, SIGSTOP);
        return Status::ok();
      case Fault::Kind::Cont:
        if (!processAlive(pid)) return failedPrecondition(f.target + " is not running");
        ::kill(pid, SIGCONT);
        return Status::ok();
      case Fault::Kind::Restart:
        if (auto st = stopNode(lab, f.target, true); !st) return st;
        return startNode(lab, f.target, 10s);
      case Fault::Kind::Start: return startNode(lab, f.target, 10s);
      default: return invalidArgument("not a switch fault");
    }
  }
  auto stub = pathControl(lab);
  std::vector<std::string> targets;
  if (f.target == "all")
    for (const auto& p : lab.paths()) targets.push_back(p.name());
  else
    targets.push_back(f.target);
  for (const auto& target : targets) {
    v1::SetPathRequest req;
    req.set_path(target);
    req.set_reason(reason);
    v1::PathState current;
    if (f.kind == Fault::Kind::Delay || f.kind == Fault::Kind::Loss) {
      v1::ListPathsReply all;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + 5s);
      const auto st = stub->ListPaths(&ctx, {}, &all);
      if (!st.ok()) return Error{ErrorCode::Unavailable, "the lab's relays do not answer: " + st.error_message()};
      for (const auto& p : all.paths())
        if (p.name() == target) current = p;
    }
    auto ms = [scale](double v) { return static_cast<std::uint32_t>(v * scale + 0.5); };
    switch (f.kind) {
      case Fault::Kind::Cut: req.set_mode("cut"); break;
      case Fault::Kind::Shut: req.set_mode("shut"); break;
      case Fault::Kind::Restore: req.set_mode("pass"); break;
      case Fault::Kind::Clear: req.mutable_impairment(); break;
      case Fault::Kind::Delay: {
        auto* i = req.mutable_impairment();
        *i = current.impairment();
        i->set_delay_ms(ms(f.delay_ms));
        i->set_jitter_ms(ms(f.jitter_ms));
        if (f.seed) i->set_seed(f.seed);
        break;
      }
      case Fault::Kind::Loss: {
        auto* i = req.mutable_impairment();
        *i = current.impairment();
        i->set_loss_percent(f.loss_percent);
        if (f.seed) i->set_seed(f.seed);
        break;
      }
      case Fault::Kind::Flap: {
        auto* fl = req.mutable_flap();
        fl->set_down_ms(std::max<std::uint32_t>(1, ms(f.down_ms)));
        fl->set_up_ms(std::max<std::uint32_t>(1, ms(f.up_ms)));
        fl->set_count(f.count);
        fl->set_down_mode(f.shut ? "shut" : "cut");
        break;
      }
      default: break;
    }
    v1::PathState reply;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 5s);
    const auto st = stub->SetPath(&ctx, req, &reply);
    if (!st.ok()) {
      if (st.error_code() == grpc::StatusCode::UNAVAILABLE)
        return Error{ErrorCode::Unavailable, "the lab's relays do not answer (" + lab.control_socket() + ")"};
      return Error{st.error_code() == grpc::StatusCode::NOT_FOUND ? ErrorCode::NotFound : ErrorCode::InvalidArgument,
                   st.error_message()};
    }
  }
  return Status::ok();
}

Status destroy(const std::string& name, std::string* report) {
  auto lab = readLab(name);
  if (!lab) return lab.error();
  std::string out;
  bool ok = true;
  for (const auto& n : lab->nodes()) {
    if (!processAlive(n.pid())) continue;
    const bool gone = terminate(n.pid(), 5s);
    ok = ok && gone;
    out += fmt::format("stopped {} (pid {}){}\n", n.name(), n.pid(), gone ? "" : " - FAILED");
  }
  if (processAlive(lab->relayd_pid())) {
    const bool gone = terminate(lab->relayd_pid(), 5s);
    ok = ok && gone;
    out += fmt::format("stopped the relays (pid {}){}\n", lab->relayd_pid(), gone ? "" : " - FAILED");
  }
  if (!ok) {
    if (report) *report = out;
    return Error{ErrorCode::Internal, "some processes of lab '" + name + "' did not stop; its record stays in " +
                                          lab->dir()};
  }
  teardownHosts(*lab, out);
  std::error_code ec;
  fs::remove_all(lab->dir(), ec);
  out += "removed " + lab->dir() + "\n";
  if (report) *report = out;
  return Status::ok();
}

Result<v1::InspectReply> inspect(const v1::LabState& lab) {
  v1::InspectReply r;
  r.set_lab(lab.name());
  r.set_time_scale(lab.time_scale());
  for (const auto& n : lab.nodes()) {
    auto* row = r.add_nodes();
    row->set_name(n.name());
    row->set_pid(n.pid());
    row->set_address(n.address());
    row->set_management(n.management());
    row->set_state(processState(n.pid()));
    if (row->state() == "running") {
      auto stub = management(n);
      v1::ShowVpcReply v;
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() + 2s);
      if (stub->ShowVpc(&ctx, {}, &v).ok()) {
        row->set_role(v.role());
        row->set_peer_status(v.peer_status());
        row->set_keepalive_status(v.keepalive_status());
        *row->mutable_vpcs() = v.vpcs();
      } else {
        row->set_role("?");
      }
    }
  }
  if (processAlive(lab.relayd_pid())) {
    v1::ListPathsReply paths;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 2s);
    if (pathControl(lab)->ListPaths(&ctx, {}, &paths).ok())
      for (const auto& p : paths.paths()) *r.add_paths() = p;
  }
  return r;
}

std::string renderInspect(const v1::InspectReply& r) {
  std::string out = fmt::format("Lab {} (time scale {})\n\n", r.lab(), r.time_scale());
  out += fmt::format("{:<10} {:<8} {:<8} {:<16} {:<32} {}\n", "Node", "PID", "State", "Address", "Role", "Peer status");
  out += fmt::format("{:<10} {:<8} {:<8} {:<16} {:<32} {}\n", "----", "---", "-----", "-------", "----", "-----------");
  for (const auto& n : r.nodes())
    out += fmt::format("{:<10} {:<8} {:<8} {:<16} {:<32} {}\n", n.name(), n.pid() ? std::to_string(n.pid()) : "-",
                       n.state(), n.address(), n.role().empty() ? "-" : n.role(),
                       n.peer_status().empty() ? "-" : n.peer_status());
  out += fmt::format("\n{:<10} {:<5} {:<26} {:<16} {}\n", "Path", "Kind", "Mode", "Between", "Relays");
  out += fmt::format("{:<10} {:<5} {:<26} {:<16} {}\n", "----", "----", "----", "-------", "------");
  for (const auto& p : r.paths()) {
    std::string mode = p.mode();
    if (p.flapping()) mode += " (flapping)";
    if (p.impairment().delay_ms() || p.impairment().jitter_ms())
      mode += fmt::format(", delay {}ms", p.impairment().delay_ms()) +
              (p.impairment().jitter_ms() ? fmt::format(" jitter {}ms", p.impairment().jitter_ms()) : "");
    if (p.impairment().loss_percent() > 0) mode += fmt::format(", loss {}%", p.impairment().loss_percent());
    std::string relays;
    for (const auto& a : p.relay_addresses()) relays += (relays.empty() ? "" : "  ") + a;
    out += fmt::format("{:<10} {:<5} {:<26} {:<16} {}\n", p.name(), p.kind(), mode, p.between(), relays);
  }
  if (r.paths_size() == 0) out += "(the relay process is not running)\n";
  return out;
}

}  // namespace vpc::lab
