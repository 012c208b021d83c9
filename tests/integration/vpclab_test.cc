// vpclab end to end: the real program deploys real switches and relays (detached), breaks paths,
// resolves node names for vpcctl, draws, and destroys without leaving a process behind.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include "peerlink/core/values.h"
#include "tests/integration/lab.h"
#include "vpc/v1/lab.pb.h"
#include "vpc/v1/peer.grpc.pb.h"

using namespace vpc;
using namespace vpc::itest;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

// Each test has its own lab registry and its own loopback blocks (127.2.S.0/24, S from the pid).
// A lab home of its own and two lab slots (slot, slot + 1) no other test process holds: tests run in
// parallel, each in its own home, so the registry cannot keep them apart - a lock per slot pair does
// (two processes whose pids picked the same slot once collided on a relay's address).
struct Home {
  std::string dir;
  int slot = 0;
  int lock_fd = -1;
  Home() {
    char tmpl[] = "/tmp/vpclab-test-XXXXXX";
    dir = mkdtemp(tmpl);
    ::setenv("VPCLAB_HOME", dir.c_str(), 1);
    const int first = static_cast<int>(::getpid() % 70);
    for (int k = 0; k < 70 && lock_fd < 0; ++k) {
      const int candidate = 100 + ((first + k) % 70) * 2;
      // The lock files stay (empty, one per slot pair, in one directory): unlinking one a process
      // may be opening would let two processes hold "the same" slot.
      std::error_code ec;
      std::filesystem::create_directories("/tmp/vpclab-test-slots", ec);
      const std::string lock = "/tmp/vpclab-test-slots/" + std::to_string(candidate) + ".lock";
      const int fd = ::open(lock.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
      if (fd < 0) continue;
      if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        lock_fd = fd;
        slot = candidate;
      } else {
        ::close(fd);
      }
    }
    if (lock_fd < 0) slot = 100 + first * 2;  // every pair held: share one (and maybe collide)
  }
  ~Home() {
    run({binDir() + "/vpclab", "destroy", "--all"});
    std::filesystem::remove_all(dir);
    if (lock_fd >= 0) ::close(lock_fd);  // releases the slots
  }
};

CommandResult vpclab(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {binDir() + "/vpclab"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, 60s);
}

std::string topology() { return std::string(VPC_SOURCE_DIR) + "/labs/topologies/pair/pair.yml"; }

v1::InspectReply inspectLab(const std::string& lab) {
  const auto r = vpclab({"inspect", lab, "--json"});
  REQUIRE(r.exit_code == 0);
  v1::InspectReply reply;
  REQUIRE(google::protobuf::util::JsonStringToMessage(r.out, &reply).ok());
  return reply;
}

bool formed(const std::string& lab) {
  const auto r = inspectLab(lab);
  for (const auto& n : r.nodes())
    if (n.peer_status() != "peer adjacency formed ok") return false;
  return r.nodes_size() == 2;
}

// Running (not gone, not a zombie waiting for its parent to reap it).
bool running(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] != 'Z' && line[close + 2] != 'X';
}

std::vector<v1::Event> events(const std::string& lab) {
  const auto r = vpclab({"events", lab});
  REQUIRE(r.exit_code == 0);
  std::vector<v1::Event> out;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    v1::Event e;
    REQUIRE(google::protobuf::util::JsonStringToMessage(line, &e).ok());
    out.push_back(e);
  }
  return out;
}

}  // namespace

TEST_CASE("vpclab: deploy, vpcctl by node name, real faults, events, graph, destroy leaves nothing running",
          "[integration][vpclab]") {
  Home home;
  const auto d = vpclab({"deploy", topology(), "--name", "t1", "--time-scale", "0.1", "--slot", std::to_string(home.slot)});
  INFO(d.out << d.err);
  REQUIRE(d.exit_code == 0);
  CHECK_THAT(d.out, Contains("deployed lab 't1'"));
  REQUIRE(eventually([&] { return formed("t1"); }, 10s));

  // vpcctl finds the switches by name, alone or with the lab.
  const auto byName = run({binDir() + "/vpcctl", "-s", "leaf1", "show", "vpc", "role"});
  CHECK(byName.exit_code == 0);
  CHECK_THAT(byName.out, Contains("vPC role                        : primary"));
  CHECK(run({binDir() + "/vpcctl", "-s", "t1/leaf2", "show", "vpc"}).exit_code == 0);
  CHECK(run({binDir() + "/vpcctl", "-s", "t1/leaf9", "show", "vpc"}).exit_code == 2);
  // The whole command as one argument, pipes and all, as people paste it.
  const auto oneArg = run({binDir() + "/vpcctl", "-s", "leaf1", "show vpc brief | json"});
  CHECK(oneArg.exit_code == 0);
  CHECK_THAT(oneArg.out, Contains("\"peer_status\": \"peer adjacency formed ok\""));
  const auto filtered = run({binDir() + "/vpcctl", "-s", "leaf1", "sh vpc | i role"});
  CHECK(filtered.exit_code == 0);
  CHECK(filtered.out == "vPC role                          : primary\n");
  CHECK(run({binDir() + "/vpcctl", "-s", "leaf1", "show vpc | frobnicate"}).exit_code == 2);

  // A silent cut: nothing reaches the switches, only the peer-link's liveness timeout notices (on each
  // switch at its own moment: wait for both).
  REQUIRE(vpclab({"fault", "t1", "cut", "peer-link"}).exit_code == 0);
  REQUIRE(eventually([&] {
    const auto r = inspectLab("t1");
    return r.nodes_size() == 2 && r.nodes(0).peer_status() == "peer link is down" &&
           r.nodes(1).peer_status() == "peer link is down";
  }, 10s));
  auto all = events("t1");
  std::int64_t cut_at = 0, down_at = 0;
  std::string down_reason;
  for (const auto& e : all) {
    if (e.switch_() == "peer-link" && e.subject() == "path" && e.to() == "cut") cut_at = e.unix_us();
    if (cut_at && !down_at && e.switch_() == "leaf2" && e.subject() == "peer status" && e.to() == "peer link is down") {
      down_at = e.unix_us();
      down_reason = e.reason();
    }
  }
  REQUIRE(cut_at > 0);
  REQUIRE(down_at > 0);
  CHECK_THAT(down_reason, Contains("no heartbeat"));
  CHECK(down_reason.find("closed") == std::string::npos);
  // The liveness timeout (3 s, 300 ms at this scale) counts from the last heartbeat, which left up to
  // one interval (100 ms) before the cut: the cut is noticed no sooner than 200 ms after it.
  CHECK(down_at - cut_at >= 190'000);

  // A clean shut is seen at once, as a close.
  REQUIRE(vpclab({"fault", "t1", "restore", "peer-link"}).exit_code == 0);
  REQUIRE(eventually([&] { return formed("t1"); }, 10s));
  REQUIRE(vpclab({"fault", "t1", "shut", "peer-link"}).exit_code == 0);
  REQUIRE(eventually([&] { return !formed("t1"); }, 10s));
  all = events("t1");
  CHECK_THAT(all.back().reason() + all[all.size() - 2].reason() + all[all.size() - 3].reason(),
             Contains("closed"));
  const auto paths = inspectLab("t1").paths();
  REQUIRE(paths.size() == 2);
  CHECK(paths[0].mode() == "shut");
  CHECK(paths[0].counters().closed() >= 1);
  REQUIRE(vpclab({"fault", "t1", "restore", "peer-link"}).exit_code == 0);

  // Impairments and bad faults.
  CHECK(vpclab({"fault", "t1", "delay", "keepalive", "20ms", "jitter", "5ms"}).exit_code == 0);
  CHECK(inspectLab("t1").paths(1).impairment().delay_ms() == 20);
  const auto tcpLoss = vpclab({"fault", "t1", "loss", "peer-link", "10%"});
  CHECK(tcpLoss.exit_code == 2);
  CHECK_THAT(tcpLoss.err, Contains("a TCP path cannot lose bytes"));
  CHECK(vpclab({"fault", "t1", "melt", "peer-link"}).exit_code == 2);
  CHECK(vpclab({"fault", "t1", "cut", "uplink"}).exit_code == 1);

  // Switch faults: kill -9, then start again.
  REQUIRE(vpclab({"fault", "t1", "kill", "leaf1"}).exit_code == 0);
  CHECK(inspectLab("t1").nodes(0).state() == "exited");
  {  // the graph draws the dead switch as such
    const std::string dead = home.dir + "/dead.svg";
    REQUIRE(vpclab({"graph", "t1", "-o", dead}).exit_code == 0);
    const auto p = readFile(dead);
    CHECK_THAT(p, Contains("DOWN (exited)"));
    CHECK_THAT(p, Contains(">switch down</text>"));
  }
  REQUIRE(eventually([&] { return inspectLab("t1").nodes(1).role() == "secondary, operational primary"; }, 10s));
  REQUIRE(vpclab({"fault", "t1", "start", "leaf1"}).exit_code == 0);
  REQUIRE(eventually([&] { return formed("t1"); }, 10s));
  CHECK(inspectLab("t1").nodes(0).role() == "primary, operational secondary");  // leaf2 took over: sticky

  {  // a cut peer-link: the path drawn cut, the operational secondary's (leaf1's) legs suspended
    REQUIRE(vpclab({"fault", "t1", "cut", "peer-link"}).exit_code == 0);
    REQUIRE(eventually([&] { return !formed("t1"); }, 10s));
    // One switch seeing the peer-link down is not yet leaf1 suspending: wait for its legs (a race seen here).
    REQUIRE(eventually(
        [&] {
          const auto n = inspectLab("t1").nodes(0);
          return n.vpcs_size() > 0 && n.vpcs(0).status() == "down";
        },
        10s));
    const std::string cut = home.dir + "/cut.svg";
    REQUIRE(vpclab({"graph", "t1", "-o", cut}).exit_code == 0);
    const auto p = readFile(cut);
    CHECK_THAT(p, Contains(">cut"));
    CHECK_THAT(p, Contains(">down: Peer-link is down</text>"));
    REQUIRE(vpclab({"fault", "t1", "restore", "peer-link"}).exit_code == 0);
    REQUIRE(eventually([&] { return formed("t1"); }, 10s));
  }
  const std::string svg = home.dir + "/t1.svg";
  REQUIRE(vpclab({"graph", "t1", "-o", svg}).exit_code == 0);
  const std::string picture = readFile(svg);
  CHECK_THAT(picture, Contains("<svg"));
  CHECK_THAT(picture, Contains("Lab t1"));
  CHECK_THAT(picture, Contains("secondary, operational primary"));

  // destroy: every process of the lab stops, and its directory goes.
  std::vector<int> pids;
  const auto before = inspectLab("t1");
  for (const auto& n : before.nodes()) pids.push_back(n.pid());
  {
    v1::LabState state;
    REQUIRE(google::protobuf::util::JsonStringToMessage(readFile(home.dir + "/labs/t1/lab.json"), &state).ok());
    pids.push_back(state.relayd_pid());
  }
  for (int pid : pids) CHECK(running(pid));
  const auto gone = vpclab({"destroy", "t1"});
  CHECK(gone.exit_code == 0);
  CHECK_THAT(gone.out, Contains("destroyed lab 't1'"));
  for (int pid : pids) CHECK_FALSE(running(pid));
  CHECK_FALSE(std::filesystem::exists(home.dir + "/labs/t1"));
  CHECK(vpclab({"inspect", "t1"}).exit_code == 1);
}

TEST_CASE("vpclab: two labs side by side, each with its own addresses", "[integration][vpclab]") {
  Home home;
  const auto first =
      vpclab({"deploy", topology(), "--name", "east", "--time-scale", "0.1", "--slot", std::to_string(home.slot)});
  REQUIRE(first.exit_code == 0);
  CHECK_THAT(first.out, Contains("explore:  vpcctl -s leaf1 show vpc"));  // one lab: the node's name finds it
  const auto second =
      vpclab({"deploy", topology(), "--name", "west", "--time-scale", "0.1", "--slot", std::to_string(home.slot + 1)});
  REQUIRE(second.exit_code == 0);
  CHECK_THAT(second.out, Contains("explore:  vpcctl -s west/leaf1 show vpc"));  // two: the hint names the lab
  REQUIRE(eventually([&] { return formed("east") && formed("west"); }, 10s));
  const auto east = inspectLab("east"), west = inspectLab("west");
  CHECK(east.nodes(0).address() != west.nodes(0).address());
  // A name in two labs must be qualified.
  const auto ambiguous = run({binDir() + "/vpcctl", "-s", "leaf1", "show", "vpc"});
  CHECK(ambiguous.exit_code == 2);
  CHECK_THAT(ambiguous.err, Contains("east/leaf1"));
  CHECK_THAT(ambiguous.err, Contains("west/leaf1"));
  // A fault in one lab leaves the other alone.
  REQUIRE(vpclab({"fault", "east", "cut", "peer-link"}).exit_code == 0);
  REQUIRE(eventually([&] { return !formed("east"); }, 10s));
  CHECK(formed("west"));
  const auto again = vpclab({"deploy", topology(), "--name", "west"});
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.err, Contains("lab 'west' is deployed"));
  CHECK(vpclab({"destroy", "--all"}).exit_code == 0);
  CHECK(vpclab({"inspect"}).out.find("no labs deployed") != std::string::npos);
}

TEST_CASE("vpclab: events --follow prints the backlog by time, then new events, and ends with the lab",
          "[integration][vpclab]") {
  Home home;
  REQUIRE(vpclab({"deploy", topology(), "--name", "ev", "--time-scale", "0.1", "--slot", std::to_string(home.slot)})
              .exit_code == 0);
  REQUIRE(eventually([&] { return formed("ev"); }, 10s));
  CommandResult followed;
  std::thread follower([&] { followed = run({binDir() + "/vpclab", "events", "ev", "--follow"}, 60s); });
  std::this_thread::sleep_for(500ms);  // let it print the backlog and subscribe (no result depends on this)
  REQUIRE(vpclab({"fault", "ev", "cut", "peer-link"}).exit_code == 0);
  REQUIRE(eventually([&] { return !formed("ev"); }, 10s));
  REQUIRE(vpclab({"destroy", "ev"}).exit_code == 0);
  follower.join();  // it ends by itself once the lab is gone (run() would give up after 60 s)
  CHECK(followed.exit_code == 0);
  std::vector<v1::Event> all;
  std::istringstream in(followed.out);
  for (std::string line; std::getline(in, line);) {
    v1::Event e;
    REQUIRE(google::protobuf::util::JsonStringToMessage(line, &e).ok());
    all.push_back(e);
  }
  // The switches' first events (each boots with "up") come before the peer-link forms, by time.
  REQUIRE(all.size() > 10);
  std::size_t first_new = all.size();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].switch_() == "peer-link" && all[i].to() == "cut") first_new = std::min(first_new, i);
  REQUIRE(first_new < all.size());
  for (std::size_t i = 1; i < first_new; ++i) CHECK(all[i - 1].unix_us() <= all[i].unix_us());
  // Nothing twice: each source's sequence numbers increase.
  std::map<std::string, std::uint64_t> last;
  for (const auto& e : all) {
    CHECK(e.seq() > last[e.switch_()]);
    last[e.switch_()] = e.seq();
  }
}

TEST_CASE("vpclab: bad topology and drill files are refused with file:line:col, nothing deployed",
          "[integration][vpclab]") {
  Home home;
  const std::string bad = home.dir + "/bad.yml";
  std::ofstream(bad) << "name: bad\nnodez:\n  leaf1: {config: x.cfg}\n";
  auto r = vpclab({"deploy", bad});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("bad.yml:2:1: error: unknown key 'nodez' in the topology"));
  std::ofstream(bad) << "name: bad\nnodes:\n  leaf1: {config: missing.cfg}\n  leaf2: {config: missing.cfg}\n";
  r = vpclab({"deploy", bad});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("bad.yml:3:19: error: cannot read the config file"));
  std::ofstream(bad) << "name: [unclosed\n";
  CHECK(vpclab({"deploy", bad}).exit_code == 2);

  const std::string drill = home.dir + "/drill.yml";
  std::ofstream(drill) << "drill: d\ntopology: " << topology() << "\nsteps:\n"
                       << "  - expect: \"leaf2: show vpc: role == primary within soon\"\n";
  r = vpclab({"run", drill});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("drill.yml:4:13: error: 'soon' is not a duration"));
  std::ofstream(drill) << "drill: d\ntopology: " << topology() << "\nsteps:\n"
                       << "  - fault: cut peer-link\n    name: x\n  - run: \"leaf3: learn mac 0050.5600.0001 vlan 10 interface Po10\"\n";
  r = vpclab({"run", drill});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("drill.yml:6:5: error: no node 'leaf3' in the topology"));
  std::ofstream(drill) << "drill: d\ntopology: " << topology() << "\nsteps:\n"
                       << "  - run: \"leaf1: events\"\n";
  r = vpclab({"run", drill});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("is a stream without an end"));
  CHECK(vpclab({"inspect"}).out.find("no labs deployed") != std::string::npos);

}

// hosts.yml: server1 dual-homed on vPC 10 (an Open vSwitch bond, VLAN 10 tagged by its bridge),
// storage1 on vPC 20, backup on leaf2's orphan port. Real frames from real network namespaces.
TEST_CASE("vpclab: hosts in namespaces reach each other and the SVIs through the pair, destroy leaves nothing",
          "[integration][vpclab][hosts]") {
  Home home;
  const std::string lab = "h" + std::to_string(home.slot);
  const auto d = vpclab({"deploy", std::string(VPC_SOURCE_DIR) + "/labs/topologies/hosts/hosts.yml", "--name", lab,
                         "--time-scale", "0.05", "--slot", std::to_string(home.slot)});
  INFO(d.out << d.err);
  REQUIRE(d.exit_code == 0);
  auto ping = [&](const std::string& host, const std::string& to) {
    return vpclab({"exec", lab, host, "--", "/usr/bin/ping", "-c", "1", "-W", "1", to}).exit_code == 0;
  };
  // The vPCs come up after delay restore (scaled); then server1 reaches backup across the pair.
  CHECK(eventually([&] { return ping("server1", "10.10.0.21"); }, 30s, 200ms));
  // The SVIs come up after their own delay restore (interface-vlan, scaled).
  CHECK(eventually([&] { return ping("server1", "10.10.0.2"); }, 10s, 100ms));  // leaf1's SVI
  CHECK(eventually([&] { return ping("server1", "10.10.0.3"); }, 10s, 100ms));  // leaf2's SVI
  CHECK(eventually([&] { return ping("storage1", "10.20.0.2"); }, 10s, 200ms));
  // server1's MAC, learned from its frames, is on Po10 in both switches' tables.
  const auto mac = vpclab({"exec", lab, "server1", "--", "/usr/sbin/ip", "-br", "link", "show", "eth0"});
  REQUIRE(mac.exit_code == 0);
  std::istringstream words(mac.out);
  std::string ifname, state, colon;
  words >> ifname >> state >> colon;  // "eth0@if12 UP 0a:1b:..."
  const auto dotted = vpc::MacAddress::parse(colon);
  REQUIRE(dotted);
  for (const auto* node : {"leaf1", "leaf2"}) {
    auto onPo10 = [&] {
      return run({binDir() + "/vpcctl", "-s", lab + "/" + node, "show", "mac", "address-table", "address",
                  dotted->dotted()})
                 .out.find("Po10") != std::string::npos;
    };
    CHECK(eventually(onPo10, 5s, 50ms));
  }
  // Open vSwitch judges the pair's LACP: server1's bond has both legs attached, and its partner is the
  // vPC system MAC `show vpc role` gives; on a peer-link loss it disables the secondary's (leaf2's) leg.
  const std::string ovs_ctl = home.dir + "/labs/" + lab + "/ovs/ovs-vswitchd.ctl";
  const std::string bond = "bd" + std::to_string(home.slot) + "h0";
  const std::string leg2 = "vb" + std::to_string(home.slot) + "h0l1";
  auto lacpShow = [&] { return run({"/usr/bin/ovs-appctl", "-t", ovs_ctl, "lacp/show", bond}).out; };
  auto legEnabled = [&](const std::string& leg) {
    const auto out = run({"/usr/bin/ovs-appctl", "-t", ovs_ctl, "bond/show", bond}).out;
    return out.find("member " + leg + ": enabled") != std::string::npos;
  };
  const auto role_json = run({binDir() + "/vpcctl", "-s", lab + "/leaf1", "--json", "show", "vpc", "role"});
  v1::ShowVpcRoleReply role;
  REQUIRE(google::protobuf::util::JsonStringToMessage(role_json.out, &role).ok());
  CHECK(eventually(
      [&] {
        const auto out = lacpShow();
        std::size_t attached = 0;
        for (auto at = out.find("current attached"); at != std::string::npos; at = out.find("current attached", at + 1))
          ++attached;
        return attached == 2 && out.find("partner sys_id: " + role.system_mac()) != std::string::npos;
      },
      10s, 100ms));
  CHECK(legEnabled(leg2));
  const auto bond_view = vpclab({"bond", lab, "server1"});
  CHECK(bond_view.exit_code == 0);
  CHECK_THAT(bond_view.out, Contains("current attached"));
  CHECK_THAT(bond_view.out, Contains("partner sys_id: " + role.system_mac()));
  CHECK(vpclab({"bond", lab, "backup"}).exit_code == 2);  // single-homed: no bond
  // The switches' own view of the same: the member bundled (P), its partner OVS's system, itself the vPC system.
  auto vpcctl = [&](const std::string& node, std::vector<std::string> command) {
    std::vector<std::string> argv{binDir() + "/vpcctl", "-s", lab + "/" + node};
    argv.insert(argv.end(), command.begin(), command.end());
    return run(argv).out;
  };
  for (const auto* node : {"leaf1", "leaf2"}) {
    v1::ShowLacpReply lacp;
    REQUIRE(google::protobuf::util::JsonStringToMessage(
                vpcctl(node, {"--json", "show", "lacp", "interface", "ethernet1/1"}), &lacp)
                .ok());
    REQUIRE(lacp.members_size() == 1);
    CHECK(lacp.members(0).flag() == "P");
    CHECK(lacp.members(0).actor().system_mac() == role.system_mac());
    CHECK(lacp.members(0).actor().key() == 0x800a);  // 0x8000 + vPC 10
    CHECK(lacp.members(0).partner().system_mac() != role.system_mac());
    CHECK(lacpShow().find(lacp.members(0).partner().system_mac()) != std::string::npos);  // OVS's own sys_id
    CHECK_THAT(vpcctl(node, {"show", "port-channel", "summary"}), Contains("Eth1/1(P)"));
    CHECK_THAT(vpcctl(node, {"show", "lacp", "neighbor"}), Contains("port-channel10 neighbors"));
  }
  REQUIRE(vpclab({"fault", lab, "cut", "peer-link"}).exit_code == 0);
  CHECK(eventually([&] { return !legEnabled(leg2); }, 10s, 50ms));
  // leaf2 took its leg out of the bundle: suspended (s) in its own summary.
  CHECK(eventually([&] { return vpcctl("leaf2", {"show", "port-channel", "summary"}).find("Eth1/1(s)") != std::string::npos; },
                   5s, 50ms));
  REQUIRE(vpclab({"fault", lab, "restore", "peer-link"}).exit_code == 0);
  CHECK(eventually([&] { return legEnabled(leg2); }, 20s, 100ms));  // after delay restore and LACP

  // The graph draws the hosts and their links.
  const std::string svg = home.dir + "/g.svg";
  REQUIRE(vpclab({"graph", lab, "-o", svg}).exit_code == 0);
  std::ifstream svg_in(svg);
  const std::string drawn((std::istreambuf_iterator<char>(svg_in)), std::istreambuf_iterator<char>());
  CHECK_THAT(drawn, Contains(">server1<"));
  CHECK_THAT(drawn, Contains("VLAN 10, bond"));

  auto flow = [&](const std::string& from, const std::string& to, const std::string& duration) {
    const auto r = vpclab({"traffic", lab, from, to, "--rate", "1000", "--duration", duration, "--json"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    v1::FlowReport report;
    REQUIRE(google::protobuf::util::JsonStringToMessage(r.out, &report).ok());
    return report;
  };
  // Steady state: nothing lost.
  const auto steady = flow("server1", "backup", "1s");
  CHECK(steady.sent() == 1000);
  CHECK(steady.lost() == 0);

  // A member link taken down: leaf1's leg of vPC 10 is down*, server1's bond carries on over leaf2.
  REQUIRE(vpclab({"fault", lab, "link", "leaf1:Ethernet1/1", "down"}).exit_code == 0);
  const auto vpc_of = [&](const std::string& node) {
    return run({binDir() + "/vpcctl", "-s", lab + "/" + node, "show", "vpc", "brief"}).out;
  };
  CHECK(eventually([&] { return vpc_of("leaf1").find("down*") != std::string::npos; }, 5s, 50ms));
  CHECK(eventually([&] { return ping("server1", "10.10.0.21"); }, 5s, 100ms));
  REQUIRE(vpclab({"fault", lab, "link", "leaf1:Ethernet1/1", "up"}).exit_code == 0);
  CHECK(eventually([&] { return vpc_of("leaf1").find("down*") == std::string::npos; }, 5s, 50ms));
  const auto bad_link = vpclab({"fault", lab, "link", "leaf1:Ethernet1/9", "down"});
  CHECK(bad_link.exit_code != 0);
  CHECK_THAT(bad_link.err, Contains("Ethernet1/9 is not on a Linux link"));

  // The primary dies during a flow: its cables go dark, server1's bond moves to leaf2, which carries
  // the flow once it takes over (hold-timeout + timeout, 8 s scaled by 0.05 = 400 ms).
  v1::FlowReport during;
  std::thread sender([&] { during = flow("server1", "backup", "3s"); });
  // Once the sender runs, the kill lands somewhere in the flow's 3 s.
  CHECK(eventually([&] { return !run({"/usr/bin/pgrep", "-f", "flow-tx --to 10.10.0.21"}).out.empty(); }, 10s, 20ms));
  std::this_thread::sleep_for(300ms);
  REQUIRE(vpclab({"fault", lab, "kill", "leaf1"}).exit_code == 0);
  sender.join();
  CHECK(during.lost() > 0);
  CHECK(during.longest_outage_ms() >= 300);
  CHECK(during.longest_outage_ms() < 2500);
  CHECK(during.received() + during.lost() == during.sent());
  const auto dark = run({"/usr/sbin/ip", "-br", "link", "show", "vl" + std::to_string(home.slot) + "h0l0"});
  CHECK_THAT(dark.out, Contains("DOWN"));
  // server1's bond detached the dead switch's leg (at once: its link is dark, well within LACP's timeout).
  CHECK(eventually([&] { return !legEnabled("vb" + std::to_string(home.slot) + "h0l0"); }, 3s, 50ms));

  // A host name that does not exist: a clear error.
  const auto bad = vpclab({"exec", lab, "nobody", "--", "/usr/bin/true"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Contains("has no host 'nobody' (hosts: server1, storage1, backup)"));

  REQUIRE(vpclab({"destroy", lab}).exit_code == 0);
  const auto netns = run({"/usr/sbin/ip", "netns", "list"});
  CHECK(netns.out.find("vpclab-" + lab + "-") == std::string::npos);
  const auto links = run({"/usr/sbin/ip", "-br", "link"});
  CHECK(links.out.find("vl" + std::to_string(home.slot) + "h") == std::string::npos);
  CHECK(links.out.find("vp" + std::to_string(home.slot) + "h") == std::string::npos);
  const auto ovs = run({"/usr/bin/pgrep", "-f", home.dir});
  CHECK(ovs.out.empty());
}

TEST_CASE("vpclab: a drill reports what failed, exits 1 and still writes its timeline", "[integration][vpclab]") {
  Home home;
  const std::string drill = home.dir + "/failing.yml";
  std::ofstream(drill) << "drill: failing\ntopology: " << topology() << "\ntime-scale: 0.05\nsteps:\n"
                       << "  - expect: \"leaf1: show vpc: peer_status == peer adjacency formed ok within 30s\"\n"
                       << "  - name: cut\n    fault: cut peer-link\n"
                       << "  - expect: \"leaf1: show vpc: role == secondary within 1s\"\n"
                       // A field the reply does not have fails at once, not after an hour (180 s here).
                       << "  - expect: \"leaf1: show vpc: vpc[id=10].status == up within 3600s\"\n"
                       << "measure:\n  - name: never\n    from: cut\n    to: leaf1 role -> secondary\n";
  const std::string out = home.dir + "/out";
  const auto r = vpclab({"run", drill, "--out", out});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Contains("FAIL"));
  CHECK_THAT(r.out, Contains("leaf1: show vpc: role == secondary within 1s   [primary]"));
  CHECK_THAT(r.out, Contains("Result: FAILED (1/3 expectations"));
  CHECK_THAT(r.out, Contains("path error: no field 'vpc' in ShowVpcReply (it has: "));
  CHECK_THAT(r.out, Contains("never: not measured"));
  v1::DrillReport report;
  REQUIRE(google::protobuf::util::JsonStringToMessage(readFile(out + "/failing/report.json"), &report).ok());
  CHECK_FALSE(report.passed());
  CHECK(report.expectations_size() == 3);
  CHECK(readFile(out + "/failing/timeline.svg").find("FAILED") != std::string::npos);
  CHECK(readFile(out + "/failing/timeline.html").rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(readFile(out + "/failing/timeline.ndjson").find("\"switch\":\"peer-link\"") != std::string::npos);
  CHECK(vpclab({"inspect"}).out.find("no labs deployed") != std::string::npos);  // the lab was destroyed
}

TEST_CASE("vpclab: a drill's NX-OS figures agree at time scale 0.05 and 1", "[integration][vpclab][timescale]") {
  Home home;
  // A silent peer-link fault is noticed by the liveness timeout (3 s), counted from the last heartbeat
  // (sent up to 1 s before the cut): 2-3 s of NX-OS time at either scale.
  const std::string drill = home.dir + "/liveness.yml";
  std::ofstream(drill) << "drill: liveness\ntopology: " << topology() << "\nsteps:\n"
                       << "  - expect: \"leaf2: show vpc: peer_status == peer adjacency formed ok within 30s\"\n"
                       << "  - name: cut\n    fault: cut peer-link\n"
                       << "  - expect: \"leaf2: show vpc: peer_status == peer link is down within 4s\"\n"
                       << "measure:\n  - name: detect\n    from: cut\n    to: leaf2 peer status -> peer link is down\n";
  std::vector<double> nxos;
  for (const char* scale : {"0.05", "1"}) {
    const std::string out = home.dir + "/out-" + scale;
    const auto r = vpclab({"run", drill, "--time-scale", scale, "--out", out});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    v1::DrillReport report;
    REQUIRE(google::protobuf::util::JsonStringToMessage(readFile(out + "/liveness/report.json"), &report).ok());
    REQUIRE(report.measurements_size() == 1);
    nxos.push_back(report.measurements(0).ms() / std::stod(scale));
  }
  INFO("NX-OS ms at 0.05: " << nxos[0] << ", at 1: " << nxos[1]);
  for (double v : nxos) {
    CHECK(v >= 1900);
    CHECK(v <= 3400);  // 3 s, and at 0.05 a few ms of real processing count twenty times
  }
  CHECK(std::abs(nxos[0] - nxos[1]) <= 1400);  // the heartbeat's phase at the cut (1 s), and the above
}

TEST_CASE("vpclab: named runs of one drill side by side, each kept, shows captured, the catalog's index",
          "[integration][vpclab]") {
  Home home;
  const std::string drill = home.dir + "/class.yml";
  std::ofstream(drill) << "drill: class\ntitle: Two students, one drill\ntopology: " << topology()
                       << "\ntime-scale: 0.05\nnote: |\n  Watch leaf2 suspend its vPCs. Then more.\nsteps:\n"
                       << "  - expect: \"leaf2: show vpc: peer_status == peer adjacency formed ok within 30s\"\n"
                       << "  - run: \"leaf2: show vpc brief\"\n"
                       << "  - name: cut\n    fault: cut peer-link\n"
                       << "  - expect: \"leaf2: show vpc: vpcs[id=10].status == down within 4s\"\n";
  const std::string out = home.dir + "/out";
  CommandResult a, b;
  std::thread ta([&] { a = vpclab({"run", drill, "--name", "alice", "--out", out}); });
  std::thread tb([&] { b = vpclab({"run", drill, "--name", "bob", "--out", out}); });
  ta.join();
  tb.join();
  INFO(a.out << a.err << b.out << b.err);
  CHECK(a.exit_code == 0);
  CHECK(b.exit_code == 0);
  for (const char* who : {"alice", "bob"}) {
    v1::DrillReport r;
    REQUIRE(google::protobuf::util::JsonStringToMessage(readFile(out + "/class/runs/" + who + "/report.json"), &r).ok());
    CHECK(r.run() == who);
    CHECK(r.passed());
    REQUIRE(r.captures_size() == 1);
    CHECK(r.captures(0).command() == "show vpc brief");
    CHECK_THAT(r.captures(0).text(), Contains("peer adjacency formed ok"));
    CHECK_THAT(readFile(out + "/class/runs/" + who + "/timeline.html"), Contains("Watch leaf2 suspend its vPCs."));
  }
  CHECK_THAT(a.out, Contains("Captured at"));
  CHECK_THAT(a.out, Contains("  | vPC domain id"));
  // The drill's folder links to the latest run; the index lists the drill with its last result.
  CHECK_THAT(readFile(out + "/class/report.json"), Contains("\"run\""));
  const auto index = readFile(out + "/index.html");
  CHECK_THAT(index, Contains("Two students, one drill"));
  CHECK_THAT(index, Contains("Watch leaf2 suspend its vPCs."));
  CHECK_THAT(index, Contains("PASS"));
  CHECK_THAT(index, Contains("class/timeline.html"));
  // A name that cannot be a lab is refused before anything runs.
  CHECK(vpclab({"run", drill, "--name", "../up", "--out", out}).exit_code == 2);
}

TEST_CASE("vpclab: run --step asks before each fault and reveals what the switches did", "[integration][vpclab]") {
  Home home;
  const std::string drill = home.dir + "/predict.yml";
  std::ofstream(drill) << "drill: predict\ntopology: " << topology() << "\ntime-scale: 0.05\nsteps:\n"
                       << "  - expect: \"leaf2: show vpc: peer_status == peer adjacency formed ok within 30s\"\n"
                       // Both legs up before the cut (a startup flap on a loaded machine can hold one in delay
                       // restore, and then there is no up -> down to reveal: seen in CI).
                       << "  - expect: \"leaf2: show vpc: vpcs[id=10].status == up within 30s\"\n"
                       << "  - name: cut\n    fault: cut peer-link\n    ask: \"What will leaf2 do with vPC 10?\"\n"
                       << "  - expect: \"leaf2: show vpc: vpcs[id=10].status == down within 4s\"\n";
  const std::string out = home.dir + "/out";
  const auto r = vpclab({"run", drill, "--step", "--out", out});  // stdin at its end: no waiting
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("--- Step 3/4: cut peer-link"));
  CHECK_THAT(r.out, Contains("Question: What will leaf2 do with vPC 10?"));
  CHECK_THAT(r.out, Contains("What happened after 'cut peer-link'"));
  v1::DrillReport report;
  REQUIRE(google::protobuf::util::JsonStringToMessage(readFile(out + "/predict/report.json"), &report).ok());
  REQUIRE(report.predictions_size() == 1);
  CHECK(report.predictions(0).question() == "What will leaf2 do with vPC 10?");
  bool suspended = false;
  for (const auto& h : report.predictions(0).happened())
    suspended = suspended || (h.find("leaf2 vPC 10: up -> down") != std::string::npos);
  CHECK(suspended);
  // The expectation after the step held only on state after it: checked after the cut ran.
  REQUIRE(report.expectations_size() == 3);
  CHECK(report.expectations(2).at_ms() >= report.predictions(0).at_ms());
  CHECK(report.expectations(2).observed() == "down");
}

TEST_CASE("vpclab: deploy --tls - mutual TLS on the peer-link and the management API, strangers refused before a Hello",
          "[integration][vpclab][tls]") {
  Home home;
  const std::string a = "tlsa" + std::to_string(home.slot), b = "tlsb" + std::to_string(home.slot);
  REQUIRE(vpclab({"deploy", topology(), "--name", a, "--tls", "--slot", std::to_string(home.slot)}).exit_code == 0);
  CHECK(eventually([&] { return formed(a); }, 10s, 50ms));  // the pair forms over TLS (through the relays)
  const std::string tls_dir = home.dir + "/labs/" + a + "/tls";
  for (const auto* f : {"ca.crt", "leaf1.crt", "leaf1.key", "leaf2.crt", "vpcctl.crt", "vpcctl.key"})
    CHECK(std::filesystem::exists(tls_dir + "/" + f));
  CHECK_THAT(readFile(home.dir + "/labs/" + a + "/leaf1.cfg"), Contains("  tls certificate " + tls_dir + "/leaf1.crt"));
  CHECK_THAT(readFile(home.dir + "/labs/" + a + "/leaf1.cfg"), Contains("  keepalive-key "));
  CHECK(inspectLab(a).nodes(0).peer_status() == "peer adjacency formed ok");  // keepalives with the key count
  // vpcctl finds the lab's client certificate by the switch's name, or takes it with --tls.
  const auto named = run({binDir() + "/vpcctl", "-s", a + "/leaf1", "show", "vpc", "role"});
  CHECK(named.exit_code == 0);
  CHECK_THAT(named.out, Contains("vPC role                        : primary"));
  const std::string address = "127.2." + std::to_string(home.slot) + ".1";
  CHECK(run({binDir() + "/vpcctl", "-s", address, "--tls", tls_dir, "show", "vpc"}).exit_code == 0);
  // Without a certificate: no answer at all.
  CHECK(run({binDir() + "/vpcctl", "-s", address, "--timeout", "2", "show", "vpc"}).exit_code == 3);
  // With a certificate of another lab's CA: refused too.
  REQUIRE(vpclab({"deploy", topology(), "--name", b, "--tls", "--slot", std::to_string(home.slot + 1)}).exit_code == 0);
  CHECK(run({binDir() + "/vpcctl", "-s", address, "--tls", home.dir + "/labs/" + b + "/tls", "--timeout", "2", "show",
             "vpc"})
            .exit_code == 3);
  // A plaintext client on the peer-link port never gets as far as a Hello: the switch sees nothing.
  auto channel = grpc::CreateChannel(address + ":7100", grpc::InsecureChannelCredentials());
  auto stub = v1::PeerLink::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + 2s);
  auto stream = stub->Session(&ctx);
  v1::PeerMessage hello;
  hello.mutable_hello()->set_domain_id(10);
  stream->Write(hello);
  v1::PeerMessage answer;
  CHECK_FALSE(stream->Read(&answer));
  CHECK_FALSE(stream->Finish().ok());
  const auto sync = run({binDir() + "/vpcctl", "-s", a + "/leaf1", "--json", "show", "vpc", "sync"});
  v1::ShowVpcSyncReply s;
  REQUIRE(google::protobuf::util::JsonStringToMessage(sync.out, &s).ok());
  CHECK(s.guard().refused() == 0);
  CHECK(s.session_flaps() == 0);
  CHECK(s.session_state() == "established");
}
