// The switch's line editor for SSH sessions, keystroke by keystroke against a fake switch.
#include <catch2/catch.hpp>

#include "switch/cli/remote_terminal.h"
#include "switch/mgmt/registry.h"

using namespace vpc;
using namespace vpc::cli;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
using namespace std::string_view_literals;

namespace {
struct Echo : ShellBackend {
  std::vector<int> execs;
  ExecOutcome exec(const grammar::Match& m, OutputFormat) override {
    execs.push_back(m.command);
    return {0, "vPC role : primary\nPeer status : ok\n", ""};
  }
  ConfigureOutcome configure(const std::vector<std::string>&) override { return {true, {}, {}}; }
};
}  // namespace

TEST_CASE("RemoteTerminal: echo, Enter in every client's form, output in CRLF, then the prompt", "[shell][unit]") {
  Echo sw;
  Shell sh("leaf1", sw);
  RemoteTerminal t(sh, "Emulated Nexus\n");
  CHECK(t.start() == "Emulated Nexus\r\nleaf1# ");
  CHECK(t.feed("sh vpc") == "sh vpc");
  CHECK(t.feed("\r\n") == "\r\nvPC role : primary\r\nPeer status : ok\r\nleaf1# ");
  CHECK(t.feed("show vpc | i role\n") == "show vpc | i role\r\nvPC role : primary\r\nleaf1# ");
  CHECK(t.feed("show vpc\r\0"sv) == "show vpc\r\nvPC role : primary\r\nPeer status : ok\r\nleaf1# ");
  CHECK(sw.execs.size() == 3);
  CHECK(t.feed("\r") == "\r\nleaf1# ");  // an empty line: a new prompt
}

TEST_CASE("RemoteTerminal: editing keys, history, ? and tab in place", "[shell][unit]") {
  Echo sw;
  Shell sh("leaf1", sw);
  RemoteTerminal t(sh);
  (void)t.start();
  CHECK(t.feed("shox\x7f") == "shox\b \b");
  CHECK(t.feed("w vpc\x03") == "w vpc^C\r\nleaf1# ");  // Ctrl-C abandons the line
  CHECK(sw.execs.empty());
  CHECK(t.feed("show vpc ro\r") == "show vpc ro\r\nvPC role : primary\r\nPeer status : ok\r\nleaf1# ");
  CHECK(t.feed("\x1b[A") == "\r\x1b[Kleaf1# show vpc ro");  // up: the last line again
  CHECK(t.feed("\x1b[B") == "\r\x1b[Kleaf1# ");
  CHECK(t.feed("show vp") == "show vp");
  const auto help = t.feed("?");
  CHECK_THAT(help, StartsWith("?\r\n"));
  CHECK_THAT(help, Contains("vpc"));
  CHECK_THAT(help, EndsWith("leaf1# show vp"));  // the line is given back after the help
  CHECK(t.feed("\x15") == "\r\x1b[Kleaf1# ");    // Ctrl-U clears it
  CHECK(t.feed("conf t\r") == "conf t\r\nEnter configuration commands, one per line. End with CNTL/Z.\r\nleaf1(config)# ");
  CHECK(t.feed("\x1a") == "^Z\r\nleaf1# ");  // Ctrl-Z: back to exec
  CHECK(t.feed("exit\r") == "exit\r\n");
  CHECK(t.done());
}

TEST_CASE("RemoteTerminal: a line longer than the buffer rings the bell instead of growing", "[shell][unit]") {
  Echo sw;
  Shell sh("leaf1", sw);
  RemoteTerminal t(sh);
  (void)t.start();
  const std::string lots(RemoteTerminal::kMaxLine, 'x');
  CHECK(t.feed(lots) == lots);
  CHECK(t.feed("y") == "\a");
  CHECK(t.feed("\x01\x02") == "");  // other control characters do nothing
}
