// Two real vpcd processes on loopback, driven through the management API and the vpcctl binary.
#include <signal.h>

#include <sstream>
#include <thread>

#include <catch2/catch.hpp>
#include <google/protobuf/util/json_util.h>

#include "tests/integration/lab.h"

using namespace vpc;
using namespace vpc::itest;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

TEST_CASE("Integration: the sample pair forms its peer-link within a second, leaf1 primary, leaf2 secondary",
          "[integration]") {
  Lab lab;
  const auto t0 = std::chrono::steady_clock::now();
  lab.start(0);
  lab.start(1);
  REQUIRE(eventually([&] { return lab.adjacent(); }, 5s));
  INFO(lab.log(0));
  CHECK(std::chrono::steady_clock::now() - t0 < 1s);

  const auto text1 = lab.vpcctl(0, {"show", "vpc"});
  REQUIRE(text1.exit_code == 0);
  CHECK_THAT(text1.out, Contains("Peer status                       : peer adjacency formed ok"));
  CHECK_THAT(text1.out, Contains("vPC role                          : primary\n"));
  CHECK_THAT(text1.out, Contains("vPC keep-alive status             : peer is alive"));
  CHECK_THAT(text1.out, Contains("1     Po1    up     1,10,20"));
  const auto text2 = lab.vpcctl(1, {"sh", "vpc", "br"});  // abbreviations
  CHECK_THAT(text2.out, Contains("vPC role                          : secondary\n"));

  const auto json = lab.vpcctl(1, {"--json", "show", "vpc"});
  REQUIRE(json.exit_code == 0);
  v1::ShowVpcReply parsed;
  REQUIRE(google::protobuf::util::JsonStringToMessage(json.out, &parsed).ok());
  CHECK(parsed.role() == "secondary");
  CHECK(parsed.peer_status() == "peer adjacency formed ok");
  CHECK(parsed.domain_id() == 10);
  const auto role = lab.vpcctl(0, {"show", "vpc", "role", "|", "json"});
  CHECK_THAT(role.out, Contains("\"role\": \"primary\""));
  CHECK_THAT(role.out, Contains("\"peer_system_mac\": \"0c:00:00:00:00:02\""));
}

TEST_CASE("Integration: 10,000 MACs each way converge with the vPC/peer-link mapping", "[integration]") {
  Lab lab;
  lab.start(0);
  lab.start(1);
  REQUIRE(eventually([&] { return lab.adjacent(); }, 5s));
  lab.learnMac(0, "0050.5600.0000", 5000, 10, "port-channel10");
  lab.learnMac(0, "0050.5610.0000", 5000, 10, "Ethernet1/5");
  lab.learnMac(1, "0050.5700.0000", 5000, 20, "port-channel20");
  lab.learnMac(1, "0050.5710.0000", 5000, 10, "Ethernet1/5");
  REQUIRE(eventually([&] { return lab.converged(); }, 5s));
  CHECK(lab.macCount(0) == 20000);
  CHECK(lab.macCount(1) == 20000);
  CHECK(lab.macCount(0, "port-channel20") == 5000);
  CHECK(lab.macCount(0, "vPC Peer-Link") == 5000);
  CHECK(lab.macCount(1, "port-channel10") == 5000);
  const auto one = lab.vpcctl(0, {"show", "mac", "address-table", "address", "0050.5710.0001"});
  CHECK_THAT(one.out, Contains("+   10     0050.5710.0001   dynamic  "));
  CHECK_THAT(one.out, Contains("vPC Peer-Link"));
}

TEST_CASE("Integration: 100,000 MACs learned on leaf2 appear on leaf1 within 2 s, clear removes them from both",
          "[integration]") {
  Lab lab;
  lab.start(0);
  lab.start(1);
  REQUIRE(eventually([&] { return lab.adjacent(); }, 5s));
  // A learn needs a forwarding port: vPC 10 comes up a moment after the adjacency (a learn is refused
  // until then, and repeating it is harmless).
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(eventually(
      [&] {
        return lab.vpcctl(1, {"learn", "mac", "0050.5600.0000", "count", "50000", "vlan", "10", "interface",
                              "port-channel10"})
                   .exit_code == 0;
      },
      5s, 20ms));
  const auto b =
      lab.vpcctl(1, {"learn", "mac", "0050.5700.0000", "count", "50000", "vlan", "10", "interface", "Ethernet1/5"});
  REQUIRE(b.exit_code == 0);
  REQUIRE(eventually([&] { return lab.macCount(0) == 100000; }, 5s));
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took < 2s);
  CHECK(lab.macCount(0, "Po10") == 50000);
  CHECK(lab.macCount(0, "vPC Peer-Link") == 50000);
  const auto clear = lab.vpcctl(1, {"clear", "mac", "address-table", "dynamic"});
  REQUIRE(clear.exit_code == 0);
  REQUIRE(eventually([&] { return lab.macCount(0) == 0 && lab.macCount(1) == 0; }, 5s));
  REQUIRE(eventually([&] { return lab.converged(); }, 5s));
}

TEST_CASE("Integration: kill -9 and restart of the secondary, with churn on the primary, ends converged",
          "[integration][restart]") {
  Lab lab;
  lab.start(0);
  lab.start(1);
  REQUIRE(eventually([&] { return lab.adjacent(); }, 5s));
  lab.learnMac(0, "0050.5600.0000", 2000, 10, "Po10");
  lab.learnMac(1, "0050.5700.0000", 2000, 20, "Po20");
  lab.learnMac(1, "0050.5710.0000", 500, 10, "Eth1/5");
  REQUIRE(eventually([&] { return lab.converged(); }, 5s));

  lab.kill(1, SIGKILL);
  REQUIRE(lab.wait(1, 5s));
  REQUIRE(eventually([&] { return lab.showVpc(0).peer_status() == "peer link is down"; }, 2s));
  // The primary flushed what pointed at the peer-link and kept leaf2's vPC entries.
  CHECK(lab.macCount(0, "vPC Peer-Link") == 0);
  CHECK(lab.macCount(0, "Po20") == 2000);
  // Churn on the primary while the secondary is away.
  lab.learnMac(0, "0050.5800.0000", 3000, 20, "Po20");
  CHECK(lab.clearMac(0) == 5000);
  lab.learnMac(0, "0050.5900.0000", 700, 10, "Eth1/5");
  lab.learnMac(0, "0050.5a00.0000", 300, 10, "Po10");

  // The returning secondary joins a primary that forwards: its vPC legs wait `delay restore` (1 s here).
  lab.start(1, {{"delay restore 30", "delay restore 1"}});
  REQUIRE(eventually([&] { return lab.adjacent() && lab.converged(); }, 10s));
  REQUIRE(eventually([&] { return lab.showVpc(1).vpcs(0).status() == "up"; }, 5s));
  CHECK(lab.showVpc(0).role() == "primary");
  CHECK(lab.showVpc(1).role() == "secondary");
  CHECK(lab.macCount(0) == 1000);  // the restarted leaf2 asserts nothing; its old entries were swept
  CHECK(lab.macCount(1) == 1000);
  CHECK(lab.macCount(1, "vPC Peer-Link") == 700);
}

TEST_CASE("Integration: a domain-id mismatch keeps the peer-link down and show vpc says why", "[integration]") {
  Lab lab;
  lab.start(0);
  lab.start(1, {{"vpc domain 10", "vpc domain 20"}, {"  system-priority 32667", "  system-priority 32667\n  system-mac 00:23:04:ee:be:0a"}});
  REQUIRE(eventually(
      [&] { return lab.showVpc(0).keepalive_status() == "peer is alive, but domain IDs do not match"; }, 5s));
  std::this_thread::sleep_for(1s);  // the peer-link must stay down, not just be slow
  for (int i = 0; i < 2; ++i) {
    const auto v = lab.showVpc(i);
    CHECK(v.peer_status() == "peer link is down");
    CHECK(v.role() == "none established");
  }
  const auto text = lab.vpcctl(0, {"show", "vpc"});
  CHECK_THAT(text.out, Contains("Peer status                       : peer link is down"));
  CHECK_THAT(text.out, Contains("peer is alive, but domain IDs do not match"));
}

TEST_CASE("Integration: a system-priority mismatch is refused at the Hello, reason in NX-OS words", "[integration]") {
  Lab lab;
  lab.start(0);
  lab.start(1, {{"system-priority 32667", "system-priority 4000"}});
  REQUIRE(eventually(
      [&] { return lab.showVpc(0).peer_status_reason() == "vPC domain/system id /system priority mismatch"; }, 5s));
  const auto text = lab.vpcctl(1, {"show", "vpc"});
  CHECK_THAT(text.out, Contains("Reason: vPC domain/system id /system priority mismatch"));
  CHECK(lab.showVpc(1).role() == "none established");
}

TEST_CASE("Integration: a bad config line stops vpcd with file:line:col and the text", "[integration]") {
  Lab lab;
  const auto path = lab.writeConfig(0, lab.config(0, {{"role priority 100", "role priority 70000"}}), "bad.cfg");
  const auto r = run({binDir() + "/vpcd", "--config", path});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("bad.cfg:18:17: error: value 70000 out of range 1-65535"));
  CHECK_THAT(r.err, Contains("  role priority 70000"));
  const auto missing = run({binDir() + "/vpcd", "--config", lab.dir() + "/nope.cfg"});
  CHECK(missing.exit_code != 0);
  const auto scale = run({binDir() + "/vpcd", "--config", path, "--time-scale", "2"});
  CHECK(scale.exit_code != 0);
}

TEST_CASE("Integration: SIGTERM sends Goodbye, the peer sees a clean close at once, exit code 0",
          "[integration]") {
  Lab lab;
  lab.start(0);
  lab.start(1);
  REQUIRE(eventually([&] { return lab.adjacent(); }, 5s));
  lab.kill(1, SIGTERM);
  REQUIRE(eventually([&] { return lab.showVpc(0).peer_status() == "peer link is down"; }, 2s));
  CHECK(lab.showVpc(0).peer_status_reason() == "peer closed the peer-link: vpcd stopped (SIGTERM)");
  const auto code = lab.wait(1, 5s);
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK_THAT(lab.log(1), Contains("stopped"));
}

// A long show in progress when the switch is told to stop: the call is answered (its rows, or
// UNAVAILABLE), and vpcd still exits at once and cleanly.
TEST_CASE("Integration: SIGTERM during a long show answers the call and exits cleanly", "[integration]") {
  Lab lab;
  lab.start(0, {{"  vpc orphan-port suspend\n", ""}});  // alone, Eth1/5 forwards and learns
  for (int k = 0; k < 6; ++k) {
    char first[32];
    std::snprintf(first, sizeof first, "0050.56%02x.0000", k);
    lab.learnMac(0, first, 50000, 10, "Ethernet1/5");
  }
  grpc::Status status;
  v1::ShowMacReply reply;
  std::thread show([&] {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 30s);
    status = lab.mgmt(0).ShowMacAddressTable(&ctx, v1::ShowMacRequest(), &reply);
  });
  lab.kill(0, SIGTERM);
  show.join();
  INFO(status.error_message());
  CHECK((status.ok() || status.error_code() == grpc::StatusCode::UNAVAILABLE));
  if (status.ok()) CHECK(reply.entries_size() == 300000);
  const auto code = lab.wait(0, 5s);
  REQUIRE(code);
  CHECK(*code == 0);
}

TEST_CASE("Integration: a second switch on the same address refuses to start", "[integration]") {
  Lab lab;
  lab.start(0);
  REQUIRE(eventually([&] { return lab.showVpc(0).domain_id() == 10; }, 5s));
  const auto r = run({binDir() + "/vpcd", "--config", lab.dir() + "/leaf1.cfg"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("cannot"));
}

TEST_CASE("Integration: vpcctl reports bad commands, refusals and unreachable switches distinctly",
          "[integration][cli]") {
  Lab lab;
  lab.start(0);
  REQUIRE(eventually([&] { return lab.showVpc(0).domain_id() == 10; }, 5s));
  const auto syntax = lab.vpcctl(0, {"show", "vpx"});
  CHECK(syntax.exit_code == 2);
  CHECK(syntax.err == "show vpx\n     ^\n% Invalid command at '^' marker.\n");
  const auto range = lab.vpcctl(0, {"learn", "mac", "0050.56aa.0001", "vlan", "5000", "interface", "Po10"});
  CHECK(range.exit_code == 2);
  CHECK_THAT(range.err, Contains("value 5000 out of range 1-4094"));
  const auto refused = lab.vpcctl(0, {"learn", "mac", "0050.56aa.0001", "vlan", "30", "interface", "Po10"});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err == "% VLAN 30 does not exist (configure 'vlan 30')\n");
  const auto away = run({binDir() + "/vpcctl", "--timeout", "2", "-s", lab.address(1), "show", "vpc"});
  CHECK(away.exit_code == 3);
  CHECK_THAT(away.err, Contains("cannot reach the switch at " + lab.management(1)));
  const auto events = lab.vpcctl(0, {"events"});
  REQUIRE(events.exit_code == 0);
  std::istringstream lines(events.out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    v1::Event ev;
    INFO(line);
    REQUIRE(google::protobuf::util::JsonStringToMessage(line, &ev).ok());
    CHECK(ev.switch_() == "leaf1");
    CHECK(!ev.time().empty());
    ++n;
  }
  CHECK(n >= 5);
}

TEST_CASE("Integration: the operator's views on a running pair, text and JSON twin", "[integration][cli]") {
  Lab lab;
  lab.start(0);
  lab.start(1);
  REQUIRE(eventually([&] { return lab.adjacent(); }, 5s));

  const auto orphans = lab.vpcctl(1, {"sh", "vpc", "orphan-ports"});
  REQUIRE(orphans.exit_code == 0);
  CHECK_THAT(orphans.out, Contains("VLAN  Orphan Ports\n----  ---"));
  CHECK_THAT(orphans.out, Contains("\n10    Eth1/5\n"));
  const auto orphans_json = lab.vpcctl(1, {"show", "vpc", "orphan-ports", "--json"});
  v1::ShowVpcOrphanPortsReply oj;
  REQUIRE(google::protobuf::util::JsonStringToMessage(orphans_json.out, &oj).ok());
  REQUIRE(oj.vlans_size() == 1);
  CHECK(oj.vlans(0).ports(0) == "Eth1/5");

  const auto pcs = lab.vpcctl(0, {"show", "port-channel", "summary"});
  REQUIRE(pcs.exit_code == 0);
  CHECK_THAT(pcs.out, Contains("\n1     Po1(SU)     Eth      LACP      Eth1/49(P)   Eth1/50(P)\n"));
  CHECK_THAT(pcs.out, Contains("\n10    Po10(SU)    Eth      LACP      Eth1/1(P)\n"));

  const auto rc = lab.vpcctl(1, {"show", "running-config", "vpc"});
  REQUIRE(rc.exit_code == 0);
  CHECK_THAT(rc.out, Contains("vpc domain 10\n  role priority 200\n"));
  CHECK_THAT(rc.out, Contains("interface port-channel10\n  vpc 10\n"));

  const auto msgs = lab.vpcctl(0, {"show", "peer-link", "messages"});
  REQUIRE(msgs.exit_code == 0);
  CHECK_THAT(msgs.out, Contains("Dir  Type"));
  CHECK_THAT(msgs.out, Contains("tx   Hello"));
  CHECK_THAT(msgs.out, Contains("rx   Hello"));
  const auto last3 = lab.vpcctl(0, {"show", "peer-link", "messages", "last", "3", "|", "json"});
  v1::ShowPeerLinkMessagesReply mj;
  REQUIRE(google::protobuf::util::JsonStringToMessage(last3.out, &mj).ok());
  CHECK(mj.messages_size() == 3);
  CHECK(mj.messages(0).bytes() > 0);

  // Shut the peer-link on the primary: the secondary suspends vPC 10, and explain says why and how.
  REQUIRE(lab.vpcctl(0, {"configure", "interface port-channel1", "shutdown"}).exit_code == 0);
  REQUIRE(eventually([&] { return lab.showVpc(1).vpcs(0).status() == "down"; }, 5s));
  const auto why = lab.vpcctl(1, {"explain", "vpc", "10"});
  REQUIRE(why.exit_code == 0);
  CHECK_THAT(why.out, Contains("vPC 10 (Po10): down\nReason: Peer-link is down\n"));
  CHECK_THAT(why.out, Contains("Rules that applied:"));
  CHECK_THAT(why.out, Contains("What happened (oldest first):"));
  CHECK_THAT(why.out, Contains("vPC 10          up -> down"));
  const auto why_json = lab.vpcctl(1, {"explain", "vpc", "10", "--json"});
  v1::ExplainReply ej;
  REQUIRE(google::protobuf::util::JsonStringToMessage(why_json.out, &ej).ok());
  CHECK(ej.reason() == "Peer-link is down");
  CHECK(ej.events_size() > 0);
  const auto history = lab.vpcctl(1, {"show", "vpc", "history", "last", "5"});
  REQUIRE(history.exit_code == 0);
  CHECK_THAT(history.out, Contains("vPC history"));
  CHECK(lab.vpcctl(1, {"explain", "vpc", "77"}).exit_code == 1);
}

TEST_CASE("Integration: every vpcctl show command runs on a live pair, as text and as JSON", "[integration][cli]") {
  Lab lab;
  lab.start(0);
  lab.start(1);
  REQUIRE(eventually([&] { return lab.adjacent(); }, 5s));
  const std::vector<std::vector<std::string>> commands = {
      {"show", "vpc"},
      {"show", "vpc", "brief"},
      {"show", "vpc", "role"},
      {"show", "vpc", "peer-keepalive"},
      {"show", "vpc", "statistics", "peer-keepalive"},
      {"show", "vpc", "consistency-parameters", "global"},
      {"show", "vpc", "consistency-parameters", "vpc", "10"},
      {"show", "vpc", "consistency-parameters", "vlans"},
      {"show", "vpc", "consistency-parameters", "interface", "port-channel20"},
      {"show", "vpc", "orphan-ports"},
      {"show", "port-channel", "summary"},
      {"show", "mac", "address-table"},
      {"show", "mac", "address-table", "vlan", "10", "dynamic"},
      {"show", "mac", "address-table", "count"},
      {"show", "ip", "arp"},
      {"show", "ip", "arp", "vlan", "10"},
      {"show", "running-config"},
      {"show", "running-config", "vpc"},
      {"show", "interface", "status"},
      {"show", "vpc", "sync"},
      {"show", "vpc", "history", "last", "5"},
      {"show", "peer-link", "messages", "last", "5"},
      {"show", "version"},
      {"explain", "vpc", "10"},
      {"explain", "interface", "Ethernet1/5"},
      {"explain", "peer-link"},
      {"explain", "role"},
      {"explain", "vlan", "20"},
  };
  for (const auto& words : commands) {
    std::string line;
    for (const auto& w : words) line += w + " ";
    INFO(line);
    const auto text = lab.vpcctl(1, words);
    CHECK(text.exit_code == 0);
    CHECK(text.err.empty());
    CHECK(text.out.size() > 20);
    auto with_json = words;
    with_json.push_back("--json");
    const auto json = lab.vpcctl(1, with_json);
    CHECK(json.exit_code == 0);
    CHECK(json.out.rfind("{", 0) == 0);
  }
  const auto vlans = lab.vpcctl(1, {"show", "vpc", "consistency-parameters", "vlans"});
  CHECK_THAT(vlans.out, Contains("Vlan 10 STP                 1     Enabled                Enabled"));
  const auto global = lab.vpcctl(1, {"sh", "vpc", "consistency-parameters", "gl"});
  CHECK_THAT(global.out, Contains("STP Mode                    1     Rapid-PVST             Rapid-PVST"));
}
