// The interactive shell's dialogue, line by line, against a fake switch: prompts and modes, what is sent
// to the switch for each configuration line, NX-OS error markers, `?` help and tab completion.
#include <catch2/catch.hpp>

#include "switch/mgmt/registry.h"
#include "switch/cli/shell.h"

using namespace vpc;
using namespace vpc::cli;
using namespace vpc::mgmt;
using Catch::Matchers::Contains;

namespace {

struct FakeSwitch : ShellBackend {
  std::vector<std::pair<int, bool>> execs;            // (command, json)
  std::vector<std::vector<std::string>> configured;   // each Configure call's lines
  std::string refuse;                                 // refuse lines containing this, with this reason

  std::string output = "vPC domain id                     : 10\nvPC role                          : primary\n"
                       "Number of vPCs configured         : 2\nPeer Gateway                      : Enabled\n";

  ExecOutcome exec(const grammar::Match& m, OutputFormat format) override {
    execs.emplace_back(m.command, format != OutputFormat::Text);
    return {0, output, ""};
  }
  ConfigureOutcome configure(const std::vector<std::string>& lines) override {
    configured.push_back(lines);
    ConfigureOutcome o;
    if (!refuse.empty() && lines.back().find(refuse) != std::string::npos) {
      o.error = "only one vPC domain is allowed (domain 10 is already configured)";
      return o;
    }
    o.ok = true;
    return o;
  }
};

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("Shell: configure terminal modes, prompts, and the lines each step sends", "[shell][unit]") {
  FakeSwitch sw;
  Shell sh("leaf1", sw);
  CHECK(sh.prompt() == "leaf1# ");
  auto r = sh.handle("conf t", true);
  CHECK(r.out == "Enter configuration commands, one per line. End with CNTL/Z.\n");
  CHECK(sh.prompt() == "leaf1(config)# ");

  sh.handle("interface port-channel10", true);
  CHECK(sh.prompt() == "leaf1(config-if)# ");
  sh.handle("mtu 1500", true);
  sh.handle("sw mode trunk", true);  // abbreviations in configuration mode too
  REQUIRE(sw.configured.size() == 3);
  CHECK(sw.configured[0] == Lines{"interface port-channel10"});
  CHECK(sw.configured[1] == Lines{"interface port-channel10", "mtu 1500"});
  CHECK(sw.configured[2] == Lines{"interface port-channel10", "sw mode trunk"});

  sh.handle("vpc domain 10", true);  // a global command leaves the sub-mode for its own
  CHECK(sh.prompt() == "leaf1(config-vpc-domain)# ");
  sh.handle("delay restore 60", true);
  CHECK(sw.configured.back() == Lines{"vpc domain 10", "delay restore 60"});
  sh.handle("exit", true);
  CHECK(sh.prompt() == "leaf1(config)# ");
  sh.handle("feature lacp", true);
  CHECK(sw.configured.back() == Lines{"feature lacp"});
  sh.handle("vlan 30", true);
  CHECK(sh.prompt() == "leaf1(config-vlan)# ");
  sh.handle("name web", true);
  CHECK(sw.configured.back() == Lines{"vlan 30", "name web"});
  sh.handle("spanning-tree mst configuration", true);
  CHECK(sh.prompt() == "leaf1(config-mst)# ");
  sh.handle("end", true);
  CHECK(sh.prompt() == "leaf1# ");
  CHECK_FALSE(sh.done());
  sh.handle("exit", true);
  CHECK(sh.done());
}

TEST_CASE("Shell: exec commands with abbreviations and | json, in exec and configuration mode", "[shell][unit]") {
  FakeSwitch sw;
  Shell sh("leaf2", sw);
  sh.handle("sh vpc br", true);
  sh.handle("show vpc role | json", true);
  sh.handle("sh run vpc --json", true);
  REQUIRE(sw.execs.size() == 3);
  CHECK(sw.execs[0] == std::make_pair(static_cast<int>(kShowVpcBrief), false));
  CHECK(sw.execs[1] == std::make_pair(static_cast<int>(kShowVpcRole), true));
  CHECK(sw.execs[2] == std::make_pair(static_cast<int>(kShowRunningConfig), true));

  sh.handle("configure terminal", true);
  sh.handle("interface Ethernet1/5", true);
  sh.handle("do sh vpc orphan-ports", true);
  sh.handle("show vpc", true);  // NX-OS takes show in configuration mode without `do`
  sh.handle("shutdown", true);  // ... but a configuration word wins
  REQUIRE(sw.execs.size() == 5);
  CHECK(sw.execs[3].first == kShowVpcOrphanPorts);
  CHECK(sw.execs[4].first == kShowVpc);
  CHECK(sw.configured.back() == Lines{"interface Ethernet1/5", "shutdown"});
  CHECK(sh.prompt() == "leaf2(config-if)# ");

  const auto follow = sh.handle("do events follow", true);
  CHECK(follow.exit_code == 1);
  CHECK_THAT(follow.err, Contains("run it one-shot"));
}

TEST_CASE("Shell: errors carry the NX-OS marker under the typed word", "[shell][unit]") {
  FakeSwitch sw;
  Shell sh("leaf1", sw);
  // In a terminal the line is on screen after the prompt: the marker is indented by the prompt.
  auto r = sh.handle("show vpx", true);
  CHECK(r.exit_code == 2);
  CHECK(r.err == std::string(7 + 5, ' ') + "^\n% Invalid command at '^' marker.\n");
  // From a pipe nothing is echoed: the line is repeated above the marker.
  r = sh.handle("show vpx", false);
  CHECK(r.err == "show vpx\n     ^\n% Invalid command at '^' marker.\n");
  r = sh.handle("show vpc", false);
  CHECK(r.err.empty());
  r = sh.handle("show mac address-table vlan 5000", false);
  CHECK(r.err == "show mac address-table vlan 5000\n                            ^\n"
                 "% Invalid value at '^' marker: value 5000 out of range 1-4094\n");

  sh.handle("conf t", true);
  sh.handle("interface port-channel10", true);
  r = sh.handle("mtu 99999", true);
  CHECK(r.exit_code == 2);
  CHECK(r.err == std::string(std::string("leaf1(config-if)# ").size() + 4, ' ') +
                     "^\n% Invalid value at '^' marker: value 99999 out of range 576-9216\n");
  r = sh.handle("bogus", true);
  CHECK(r.err == std::string(18, ' ') + "^\n% Invalid command at '^' marker.\n");
  r = sh.handle("show mac address-table vlan 5000", true);  // the show error, which got further
  CHECK_THAT(r.err, Contains("out of range 1-4094"));
  const std::size_t configured = sw.configured.size();
  CHECK(configured == 1);  // nothing bad reached the switch
  CHECK(sh.prompt() == "leaf1(config-if)# ");

  // A refusal by the switch: its reason, and the mode does not change.
  sw.refuse = "vpc domain 11";
  r = sh.handle("vpc domain 11", true);
  CHECK(r.exit_code == 1);
  CHECK(r.err == "% only one vPC domain is allowed (domain 10 is already configured)\n");
  CHECK(sh.prompt() == "leaf1(config-if)# ");
}

TEST_CASE("Shell: ? lists what may come next with its help", "[shell][unit]") {
  FakeSwitch sw;
  Shell sh("leaf1", sw);
  const auto top = sh.help("");
  CHECK_THAT(top, Contains("  show                  Show running system information\n"));
  CHECK_THAT(top, Contains("  configure             Enter configuration mode\n"));
  const auto vpc = sh.help("show vpc ");
  CHECK_THAT(vpc, Contains("  brief                   vPC status (same as show vpc)\n"));
  CHECK_THAT(vpc, Contains("  role                    vPC role status\n"));
  CHECK_THAT(vpc, Contains("  <CR>\n"));
  CHECK_THAT(vpc, Contains("  |                       Pipe command output to filter\n"));
  CHECK(vpc.find("<CR>") > vpc.find("role"));  // keywords first, <CR> last
  const auto partial = sh.help("show vpc r");
  CHECK_THAT(partial, Contains("role"));
  CHECK(partial.find("brief") == std::string::npos);
  CHECK_THAT(sh.help("show mac address-table vlan "), Contains("<1-4094>"));
  // Nothing fits: the marker under the word that went wrong.
  CHECK(sh.help("show vpx ") == std::string(12, ' ') + "^\n% Invalid command at '^' marker.\n");

  sh.handle("conf t", true);
  sh.handle("interface port-channel10", true);
  const auto intf = sh.help("");
  CHECK_THAT(intf, Contains("  mtu "));
  CHECK_THAT(intf, Contains("  exit "));
  CHECK_THAT(intf, Contains("  end "));
  CHECK_THAT(intf, Contains("  do "));
  CHECK_THAT(sh.help("mtu "), Contains("<576-9216>"));
  CHECK_THAT(sh.help("do show vpc "), Contains("brief"));
}

TEST_CASE("Shell: tab completes a unique word and lists the choices otherwise", "[shell][unit]") {
  FakeSwitch sw;
  Shell sh("leaf1", sw);
  CHECK(sh.complete("sh").insert == "ow ");
  CHECK(sh.complete("show vpc ro").insert == "le ");
  CHECK(sh.complete("show port").insert == "-channel ");
  const auto v = sh.complete("show v");
  CHECK(v.insert.empty());
  CHECK(v.listing == std::vector<std::string>{"version", "vpc"});
  CHECK(sh.complete("show vpc st").insert == "atistics ");
  CHECK(sh.complete("show vpc statistics ").insert == "peer-keepalive ");
  sh.handle("conf t", true);
  sh.handle("interface Ethernet1/5", true);
  CHECK(sh.complete("sw").insert == "itchport ");
  CHECK(sh.complete("do sh vpc ro").insert == "le ");
}

TEST_CASE("Shell: end of input leaves configuration mode and the shell", "[shell][unit]") {
  FakeSwitch sw;
  Shell sh("leaf1", sw);
  sh.handle("conf t", true);
  sh.handle("interface port-channel10", true);
  sh.endOfInput();
  CHECK(sh.done());
  CHECK(sh.prompt() == "leaf1# ");
  CHECK(sh.mode() == Shell::Mode::Exec);
}

TEST_CASE("Shell: output pipes filter as NX-OS's do, in order, with abbreviations", "[shell][unit]") {
  FakeSwitch sw;
  Shell sh("leaf1", sw);
  CHECK(sh.handle("sh vpc | i role", true).out == "vPC role                          : primary\n");
  CHECK(sh.handle("show vpc | include vPC | exclude role", true).out ==
        "vPC domain id                     : 10\nNumber of vPCs configured         : 2\n");
  CHECK(sh.handle("show vpc | count", true).out == "4\n");
  CHECK(sh.handle("show vpc | inc vPC | count", true).out == "3\n");
  CHECK(sh.handle("show vpc | begin Number", true).out ==
        "Number of vPCs configured         : 2\nPeer Gateway                      : Enabled\n");
  CHECK(sh.handle("show vpc | last 1", true).out == "Peer Gateway                      : Enabled\n");
  CHECK(sh.handle("show vpc | no-more", true).out == sw.output);
  CHECK(sh.handle("show vpc | include ^vPC\\s+role", true).out == "vPC role                          : primary\n");
  CHECK(sh.handle("show vpc | include Role", true).out.empty());  // case-sensitive, as on NX-OS
  sh.handle("show vpc | json | include x", true);
  CHECK(sw.execs.back().second);  // | json anywhere asks for JSON

  // A megabyte-long line (JSON output is one line) is searched in its first 4 KiB only, without
  // exhausting the stack.
  sw.output = std::string(1 << 20, 'a') + "b\n";
  CHECK(sh.handle("show vpc | include (a|b)*b", true).out.empty());
  CHECK(sh.handle("show vpc | include ^a", true).out.size() == (1u << 20) + 2);
  sw.output = "x\n";

  auto bad = sh.handle("show vpc | frobnicate", true);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Contains("% Invalid command at '^' marker."));
  CHECK(bad.err.substr(0, bad.err.find('^')).size() == std::string("leaf1# show vpc | ").size());
  CHECK_THAT(sh.handle("show vpc | include", true).err, Contains("% Incomplete command"));
  CHECK_THAT(sh.handle("show vpc | include (", true).err, Contains("not a regular expression"));
  CHECK_THAT(sh.handle("show vpc | last 0", true).err, Contains("a number of lines"));
}

TEST_CASE("Shell: terminal length and width are kept, as Netmiko and Ansible set them", "[shell][unit]") {
  FakeSwitch sw;
  Shell sh("leaf1", sw);
  CHECK(sh.handle("terminal length 0", true).exit_code == 0);
  CHECK(sh.handle("term width 511", true).exit_code == 0);
  CHECK(sh.terminalLength() == 0);
  CHECK(sh.terminalWidth() == 511);
  CHECK(sw.execs.empty());  // the session's own words: nothing reaches the switch
  CHECK(sh.handle("terminal width 5", true).exit_code == 2);
}

TEST_CASE("Shell: a network-operator reads but may not change state", "[shell][unit]") {
  FakeSwitch sw;
  Shell sh("leaf1", sw, UserRole::NetworkOperator);
  CHECK(sh.handle("show vpc", true).exit_code == 0);
  for (const char* line : {"configure terminal", "conf t", "clear mac address-table dynamic", "vpc role preempt",
                           "learn mac 0000.0000.0001 vlan 10 interface port-channel10"}) {
    INFO(line);
    const auto r = sh.handle(line, true);
    CHECK(r.exit_code == 1);
    CHECK(r.err == "% Permission denied for the role\n");
  }
  CHECK(sh.mode() == Shell::Mode::Exec);
  CHECK(sw.execs.size() == 1);
  CHECK(sw.configured.empty());
  Shell admin("leaf1", sw, UserRole::NetworkAdmin);
  CHECK(admin.handle("conf t", true).exit_code == 0);
  CHECK(admin.mode() == Shell::Mode::Config);
}
