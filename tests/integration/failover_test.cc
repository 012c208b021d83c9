// The failure rules with real vpcd processes: faults injected through relays and signals, timers scaled
// by --time-scale 0.1 (keepalive 100 ms / timeout 500 ms / hold 300 ms; peer-link heartbeat 50 ms /
// timeout 150 ms; delay restore 3 s; reload-delay 24 s).
#include <signal.h>

#include <catch2/catch.hpp>
#include <google/protobuf/util/json_util.h>

#include <sstream>
#include <thread>

#include "tests/integration/lab.h"

using namespace vpc;
using namespace vpc::itest;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

const v1::VpcStatus& vpcRow(const v1::ShowVpcReply& r, std::uint32_t id) {
  for (const auto& v : r.vpcs())
    if (v.id() == id) return v;
  throw std::runtime_error("no vPC " + std::to_string(id));
}

std::vector<v1::Event> events(Lab& lab, int i) {
  const auto r = lab.vpcctl(i, {"events"});
  std::vector<v1::Event> out;
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    v1::Event ev;
    if (google::protobuf::util::JsonStringToMessage(line, &ev).ok()) out.push_back(ev);
  }
  return out;
}

std::optional<v1::Event> lastEvent(const std::vector<v1::Event>& evs, const std::string& subject, const std::string& to) {
  std::optional<v1::Event> found;
  for (const auto& e : evs)
    if (e.subject() == subject && e.to() == to) found = e;
  return found;
}

void startPair(Lab& lab) {
  // Scaled: delay restore 30 s -> 3 s; 10 s -> 1 s.
  lab.start(0);
  lab.start(1);
  REQUIRE(eventually([&] { return lab.adjacent() && lab.converged(); }, 10s));
  // And both legs of vPC 10 forwarding: a peer-link flap while a loaded machine starts the pair
  // (timers of tens of ms here) holds a leg in delay restore for a while; the tests start after it.
  REQUIRE(eventually([&] {
    return lab.adjacent() && vpcRow(lab.showVpc(0), 10).status() == "up" && vpcRow(lab.showVpc(1), 10).status() == "up";
  }, 15s));
}

}  // namespace

TEST_CASE("Integration: a silent peer-link cut (relay blackhole) is found by the heartbeat timeout only",
          "[integration][failover]") {
  Lab lab;
  lab.useRelays();
  lab.timeScale(0.1);
  startPair(lab);
  lab.learnMac(1, "0050.5700.0000", 100, 10, "Po10");
  REQUIRE(eventually([&] { return lab.converged(); }, 5s));
  lab.peerLink(labs::PathMode::Cut);
  REQUIRE(eventually([&] {
    return lab.showVpc(0).peer_status() == "peer link is down" && lab.showVpc(1).peer_status() == "peer link is down";
  }, 5s));
  // No FIN reached either switch: both learned it from the silence (heartbeat 500 ms x 0.1, timeout
  // 150 ms real), and say so in NX-OS time.
  CHECK(lab.showVpc(0).peer_status_reason() == "no heartbeat for 1500 ms");
  CHECK(lab.showVpc(1).peer_status_reason() == "no heartbeat for 1500 ms");
  const auto v2 = lab.showVpc(1);
  CHECK(vpcRow(v2, 10).status() == "down");
  CHECK(vpcRow(v2, 10).reason() == "Peer-link is down");
  CHECK(vpcRow(lab.showVpc(0), 10).status() == "up");
  // The keepalive still works: after hold-timeout the secondary finds the peer alive and stays down.
  REQUIRE(eventually([&] { return lab.showVpc(1).dual_active_detection_status() == 1; }, 5s));
  CHECK(lab.showVpc(1).role() == "secondary");
  const auto text = lab.vpcctl(1, {"show", "vpc", "role"});
  CHECK_THAT(text.out, Contains("Dual Active Detection Status    : 1"));

  lab.peerLink(labs::PathMode::Pass);
  REQUIRE(eventually([&] { return lab.adjacent() && lab.converged(); }, 10s));
  CHECK_THAT(lab.vpcctl(1, {"show", "vpc"}).out, Contains("Delay-restore status              : Timer is on."));
  REQUIRE(eventually([&] { return vpcRow(lab.showVpc(1), 10).status() == "up"; }, 10s));
  CHECK(lab.macCount(0) == 0);  // leaf2 flushed its vPC MACs while suspended; its snapshot swept them
}

TEST_CASE("Integration: kill -9 of the primary: the secondary takes over after hold-timeout + timeout",
          "[integration][failover]") {
  Lab lab;
  lab.timeScale(0.1);
  startPair(lab);
  lab.kill(0, SIGKILL);
  REQUIRE(lab.wait(0, 5s));
  REQUIRE(eventually([&] { return lab.showVpc(1).role() == "secondary, operational primary"; }, 10s));
  const auto v2 = lab.showVpc(1);
  CHECK(vpcRow(v2, 10).status() == "up");
  CHECK(v2.keepalive_status() == "peer is not reachable through peer-keepalive");
  // Detection took hold-timeout + timeout (3 s + 5 s) x 0.1 from the peer-link loss, give or take the
  // timer's precision.
  const auto evs = events(lab, 1);
  const auto lost = lastEvent(evs, "failover", "hold-timeout");
  const auto took = lastEvent(evs, "role", "secondary, operational primary");
  REQUIRE(lost);
  REQUIRE(took);
  const double ms = took->mono_ms() - lost->mono_ms();
  CHECK(ms >= 800.0);
  CHECK(ms < 850.0);
  CHECK_THAT(took->reason(), Contains("peer declared dead"));

  // The old primary returns as the operational secondary (leaf2 kept the role: sticky).
  lab.start(0);
  REQUIRE(eventually([&] { return lab.adjacent() && lab.converged(); }, 10s));
  CHECK(lab.showVpc(0).role() == "primary, operational secondary");
  CHECK(lab.showVpc(1).role() == "secondary, operational primary");
  REQUIRE(eventually([&] { return vpcRow(lab.showVpc(0), 10).status() == "up"; }, 10s));  // after delay restore
}

TEST_CASE("Integration: SIGSTOP of the primary past the timeout, then SIGCONT: one primary, converged",
          "[integration][failover]") {
  Lab lab;
  lab.timeScale(0.1);
  startPair(lab);
  lab.learnMac(0, "0050.5600.0000", 500, 10, "Po10");
  REQUIRE(eventually([&] { return lab.converged(); }, 5s));
  lab.kill(0, SIGSTOP);
  REQUIRE(eventually([&] { return lab.showVpc(1).role() == "secondary, operational primary"; }, 10s));
  std::this_thread::sleep_for(1s);
  lab.kill(0, SIGCONT);
  // leaf1 wakes up believing it is primary; the peer-link comes back and the sticky leaf2 keeps the role.
  REQUIRE(eventually([&] { return lab.adjacent() && lab.converged(); }, 15s));
  CHECK(lab.showVpc(1).role() == "secondary, operational primary");
  CHECK(lab.showVpc(0).role() == "primary, operational secondary");
  REQUIRE(eventually([&] { return vpcRow(lab.showVpc(0), 10).status() == "up"; }, 10s));
}

TEST_CASE("Integration: a Type-1 MTU mismatch configured at run time suspends the secondary's vPC",
          "[integration][consistency]") {
  Lab lab;
  lab.timeScale(0.1);
  startPair(lab);
  const auto r = lab.vpcctl(1, {"configure", "interface port-channel10", "mtu 1500"});
  REQUIRE(r.exit_code == 0);
  REQUIRE(eventually([&] { return vpcRow(lab.showVpc(1), 10).status() == "down"; }, 5s));
  const auto v2 = lab.showVpc(1);
  CHECK(vpcRow(v2, 10).consistency() == "failed");
  CHECK(vpcRow(v2, 10).reason() == "vPC type-1 configuration incompatible - MTU inconsistent");
  CHECK(vpcRow(v2, 20).status() == "up");
  CHECK(vpcRow(lab.showVpc(0), 10).status() == "up");  // graceful consistency-check: the primary forwards
  const auto cc = lab.vpcctl(1, {"show", "vpc", "consistency-parameters", "vpc", "10"});
  CHECK_THAT(cc.out, Contains("MTU                         1     1500                   9216"));
  const auto bad = lab.vpcctl(1, {"configure", "interface port-channel10", "mtu 99"});
  CHECK(bad.exit_code == 1);
  CHECK_THAT(bad.err, Contains("configure:2:5: error: value 99 out of range 576-9216"));
  REQUIRE(lab.vpcctl(1, {"configure", "interface port-channel10", "mtu 9216"}).exit_code == 0);
  REQUIRE(eventually([&] { return vpcRow(lab.showVpc(1), 10).status() == "up"; }, 5s));
}

TEST_CASE("Integration: the keepalive path cut alone changes only the status", "[integration][failover]") {
  Lab lab;
  lab.useRelays();
  lab.timeScale(0.1);
  startPair(lab);
  lab.keepalive(labs::PathMode::Cut);
  REQUIRE(eventually(
      [&] { return lab.showVpc(0).keepalive_status() == "peer is not reachable through peer-keepalive"; }, 5s));
  CHECK(lab.showVpc(0).peer_status() == "peer adjacency formed ok");
  CHECK(vpcRow(lab.showVpc(1), 10).status() == "up");
  lab.keepalive(labs::PathMode::Pass);
  REQUIRE(eventually([&] { return lab.showVpc(0).keepalive_status() == "peer is alive"; }, 5s));
}
