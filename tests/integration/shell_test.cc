// The interactive vpcctl session under a real terminal: tmux runs it in a pseudo-terminal, the test types
// keys (send-keys) and reads the screen (capture-pane), polling with a bound. Also the same session fed
// from a pipe.
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/integration/lab.h"

using namespace vpc;
using namespace vpc::itest;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

const char* kTmux = "/usr/bin/tmux";

// One tmux server of its own (its own socket, no user config) running one command in a 120x60 window.
class Terminal {
 public:
  explicit Terminal(const std::string& command) {
    static int n = 0;
    socket_ = "vpclab-test-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
    const auto r = tmux({"new-session", "-d", "-s", "t", "-x", "120", "-y", "60", command});
    REQUIRE(r.exit_code == 0);
  }
  ~Terminal() { tmux({"kill-server"}); }

  void type(const std::string& text) { REQUIRE(tmux({"send-keys", "-t", "t", "-l", text}).exit_code == 0); }
  void key(const std::string& name) { REQUIRE(tmux({"send-keys", "-t", "t", name}).exit_code == 0); }
  // The screen with its scrollback, trailing blank lines removed.
  std::string screen() {
    auto text = tmux({"capture-pane", "-t", "t", "-p", "-S", "-1000"}).out;
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text + "\n";
  }
  // Waits until the screen shows `text` `times` times in all; false after 10 s.
  bool shows(const std::string& text, int times = 1) {
    const bool ok = eventually(
        [&] {
          const auto s = screen();
          int found = 0;
          for (auto at = s.find(text); at != std::string::npos; at = s.find(text, at + 1)) ++found;
          return found >= times;
        },
        10s);
    if (!ok) UNSCOPED_INFO("waited for '" << text << "' x" << times << "; the screen:\n" << screen() << "\n" << tmux({"ls"}).err);
    return ok;
  }
  // Waits until the cursor's line (the last one) reads `line` (tmux drops trailing blanks).
  bool at(const std::string& line) {
    auto last = [&] {
      const auto s = screen();
      const auto nl = s.rfind('\n', s.size() - 2);
      return nl == std::string::npos ? s.substr(0, s.size() - 1) : s.substr(nl + 1, s.size() - nl - 2);
    };
    const bool ok = eventually([&] { return last() == line; }, 10s);
    if (!ok) UNSCOPED_INFO("waited for the line '" << line << "'; the screen:\n" << screen());
    return ok;
  }
  // The screen line after the first line equal to `line`.
  std::string lineAfter(const std::string& line) {
    std::istringstream in(screen());
    std::string l;
    while (std::getline(in, l))
      if (l == line) {
        std::getline(in, l);
        return l;
      }
    return "<no line '" + line + "'>";
  }

 private:
  CommandResult tmux(std::vector<std::string> args) {
    args.insert(args.begin(), {kTmux, "-L", socket_, "-f", "/dev/null"});
    return run(args, 10s);
  }
  std::string socket_;
};

}  // namespace

TEST_CASE("Integration: the interactive shell in a real terminal: prompt, ?, tab, errors, modes, history",
          "[integration][shell]") {
  Lab lab;
  lab.start(0);
  lab.start(1);
  REQUIRE(eventually([&] { return lab.adjacent(); }, 5s));
  const std::string history = lab.dir() + "/history";
  const std::string session =
      "VPCCTL_HISTORY=" + history + " " + binDir() + "/vpcctl -s " + lab.address(0) + "; echo vpcctl-exit=$?; sleep 60";

  {
    Terminal term(session);
    REQUIRE(term.at("leaf1#"));

    term.type("sh vpc br");
    term.key("Enter");
    REQUIRE(term.shows("vPC role                          : primary"));

    term.type("show vpc ?");  // help at once, then the line again
    REQUIRE(term.at("leaf1# show vpc"));
    const auto help = term.screen();
    CHECK_THAT(help, Contains("leaf1# show vpc ?\n"));
    CHECK_THAT(help, Contains("  brief                   vPC status (same as show vpc)\n"));
    CHECK_THAT(help, Contains("  <CR>\n"));
    term.key("C-u");  // drop the line

    term.type("sh vpc ro");
    term.key("Tab");
    REQUIRE(term.at("leaf1# sh vpc role"));
    term.key("Enter");
    REQUIRE(term.shows("Dual Active Detection Status    : 0"));

    term.type("show vpx");
    term.key("Enter");
    REQUIRE(term.shows("% Invalid command at '^' marker."));
    CHECK(term.lineAfter("leaf1# show vpx") == std::string(12, ' ') + "^");

    // configure terminal: each line goes to the switch as typed, in its mode.
    term.type("conf t");
    term.key("Enter");
    REQUIRE(term.at("leaf1(config)#"));
    term.type("interface port-channel10");
    term.key("Enter");
    REQUIRE(term.at("leaf1(config-if)#"));
    term.type("mtu 1500");
    term.key("Enter");
    REQUIRE(term.shows("leaf1(config-if)# mtu 1500\nleaf1(config-if)#\n"));
    // A Type-1 mismatch: the secondary suspends vPC 10.
    REQUIRE(eventually([&] { return lab.showVpc(1).vpcs(0).status() == "down"; }, 5s));
    term.type("do show vpc consistency-parameters vpc 10");
    term.key("Enter");
    REQUIRE(term.shows("MTU                         1     1500                   9216"));
    term.type("mtu 9216");
    term.key("Enter");
    REQUIRE(eventually([&] { return lab.showVpc(1).vpcs(0).status() == "up"; }, 5s));
    term.type("vpc domain 10");
    term.key("Enter");
    REQUIRE(term.at("leaf1(config-vpc-domain)#"));
    term.key("C-z");  // NX-OS: back to exec mode
    REQUIRE(term.at("leaf1#"));
    term.type("exit");
    term.key("Enter");
    REQUIRE(term.shows("vpcctl-exit=2"));  // the last failed command was a syntax error
  }
  // History is kept across sessions: Up brings back the last line.
  CHECK_THAT(readFile(history), Contains("sh\\040vpc\\040br"));
  {
    Terminal term(session);
    REQUIRE(term.at("leaf1#"));
    term.key("Up");
    term.key("Up");
    REQUIRE(term.at("leaf1# vpc domain 10"));
    term.key("C-c");
    REQUIRE(term.shows("leaf1# vpc domain 10^C"));
    term.key("C-d");
    REQUIRE(term.shows("vpcctl-exit=0"));
  }
}

TEST_CASE("Integration: the shell reads its lines from a pipe, with NX-OS errors on stderr",
          "[integration][shell]") {
  Lab lab;
  lab.start(0);
  REQUIRE(eventually([&] { return lab.showVpc(0).domain_id() == 10; }, 5s));
  const std::string script = lab.dir() + "/lines";
  {
    std::ofstream out(script);
    out << "conf t\ninterface port-channel20\ndescription from a pipe\nend\nsh run | json\nshow vpx\n";
  }
  const auto r = run({"/bin/sh", "-c", binDir() + "/vpcctl -s " + lab.address(0) + " < " + script});
  CHECK(r.exit_code == 2);
  CHECK(r.err == "show vpx\n     ^\n% Invalid command at '^' marker.\n");
  CHECK_THAT(r.out, Contains("Enter configuration commands, one per line. End with CNTL/Z.\n"));
  CHECK_THAT(r.out, Contains("interface port-channel20\\n  description from a pipe\\n"));  // in the JSON text
}
