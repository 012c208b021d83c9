// vpcctl: the operator CLI of an emulated switch (its entry point composes it with the lab registry's
// names: labs/vpcctl_main.cc).
//   vpcctl -s ADDRESS[:PORT] [--json] <command words>       e.g. vpcctl -s 127.0.1.1 sh vpc br
//   vpcctl -s NAME [...]                                     a name the resolver knows (a lab's node)
//   vpcctl -s ADDRESS[:PORT]                                 an interactive NX-OS session
// Commands take NX-OS abbreviations; `--json` (or a trailing `| json`) prints the reply's JSON twin.
// Exit codes: 0 ok, 1 the switch refused the command, 2 usage error, 3 switch unreachable.
#include "switch/cli/vpcctl.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "peerlink/core/interface_id.h"
#include "peerlink/core/values.h"
#include "peerlink/transport/grpc_status.h"
#include "peerlink/transport/tls.h"
#include "switch/cli/management_backend.h"
#include "switch/cli/shell.h"
#include "switch/cli/shell_terminal.h"
#include "switch/mgmt/registry.h"
#include "switch/mgmt/text.h"
#include "vpc/v1/mgmt.grpc.pb.h"

namespace vpc::cli {

namespace {


// ADDRESS[:PORT] with the default management port 9000, or a name the resolver knows.
std::optional<std::string> resolve(const std::string& target, const NameResolver& names, std::string& error) {
  const auto colon = target.rfind(':');
  const std::string host = colon == std::string::npos ? target : target.substr(0, colon);
  const std::string port = colon == std::string::npos ? "9000" : target.substr(colon + 1);
  if (Ipv4::parse(host) && parseUint(port) && *parseUint(port) > 0 && *parseUint(port) <= 65535)
    return host + ":" + port;
  if (host == "localhost") return "127.0.0.1:" + port;
  auto node = names.resolve(target);
  if (node) return *node;
  error = node.error().message;
  return std::nullopt;
}

using Client = ManagementClient;

int reportRpcError(const grpc::Status& s, const Client& c) {
  const auto e = rpcError(s, c);
  std::cerr << e.err;
  return e.exit_code;
}

void printSyntaxError(const std::string& line, const grammar::MatchError& e) {
  std::cerr << line << "\n" << std::string(e.column > 0 ? e.column - 1 : 0, ' ') << "^\n";
  switch (e.kind) {
    case grammar::MatchError::Kind::Ambiguous: std::cerr << "% Ambiguous command at '^' marker.\n"; break;
    case grammar::MatchError::Kind::Incomplete: std::cerr << "% Incomplete command at '^' marker.\n"; break;
    case grammar::MatchError::Kind::BadValue: std::cerr << "% Invalid value at '^' marker: " << e.message << "\n"; break;
    default: std::cerr << "% Invalid command at '^' marker.\n";
  }
}

int run(const Client& c, const grammar::Match& m, bool json, const std::vector<cli::Filter>& filters) {
  std::string collected;
  const auto r = execute(c, m, json ? Render::ProtoJson : Render::Text, [&](const std::string& text) {
    if (filters.empty()) std::cout << text << std::flush;
    else collected += text;
  });
  if (!filters.empty()) std::cout << cli::applyFilters(filters, collected) << std::flush;
  std::cerr << r.err;
  return r.exit_code;
}

// `configure [terminal] [LINE...]`: each argument is one line as typed in configure terminal; with no
// line arguments the lines come from stdin.
int configure(const Client& c, std::vector<std::string> lines, bool json) {
  if (!lines.empty() && (lines.front() == "terminal" || lines.front() == "t" || lines.front() == "term"))
    lines.erase(lines.begin());
  if (lines.empty()) {
    std::string line;
    while (std::getline(std::cin, line)) lines.push_back(line);
  }
  v1::ConfigureRequest req;
  for (const auto& l : lines) req.add_lines(l);
  v1::ConfigureReply reply;
  auto ctx = c.context();
  const auto status = c.stub->Configure(ctx.get(), req, &reply);
  if (!status.ok()) {
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
      std::cerr << status.error_message() << "\n";
      return kExitRefused;
    }
    return reportRpcError(status, c);
  }
  if (json) std::cout << mgmt::toJson(reply);
  else
    for (const auto& m : reply.messages()) std::cout << m << "\n";
  return 0;
}

// `vpcctl -s X` with no command: an NX-OS session (a terminal), or commands read line by line (a pipe).
int shell(const Client& c) {
  v1::InfoReply info;
  auto ctx = c.context();
  const auto status = c.stub->GetInfo(ctx.get(), {}, &info);
  if (!status.ok()) return reportRpcError(status, c);
  ManagementBackend backend(c);
  Shell sh(info.hostname(), backend);
  if (!(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))) return runScriptShell(sh);
  std::string history;
  if (const char* h = std::getenv("VPCCTL_HISTORY")) history = h;
  else if (const char* home = std::getenv("HOME")) history = std::string(home) + "/.vpcctl_history";
  return runTerminalShell(sh, history);
}

bool isConfigureWord(const std::string& w) {
  const std::string lower = toLower(w);
  return lower.size() >= 4 && std::string("configure").compare(0, lower.size(), lower) == 0;
}

std::string commandList() {
  return "With no command: an NX-OS session (prompt, history, ? help, tab completion, configure terminal);\n"
         "with stdin not a terminal, the session's lines are read from stdin.\n\n"
         "commands (NX-OS abbreviations work, e.g. 'sh vpc br'; add --json or '| json' for the JSON twin):\n"
         "  show vpc [brief] | show vpc role | show vpc peer-keepalive | show vpc statistics peer-keepalive\n"
         "  show vpc consistency-parameters {global | vpc N | vlans | interface port-channelN}\n"
         "  show vpc orphan-ports | show port-channel summary | show interface status | brief | IF\n"
         "  show mac address-table [vlan V] [address M] [interface I] [dynamic|static] [count]\n"
         "  show ip arp [vlan V] | show running-config [vpc [all] | interface IF] | show startup-config\n"
         "  show version | show hardware | show inventory | show hostname | show ssh server\n"
         "  show lacp neighbor | counters | interface IF | system-identifier\n"
         "  show vpc sync | show vpc history [last N] | show peer-link messages [last N]   (emulator)\n"
         "  explain {vpc N | interface IF | vlan V | peer-link | role}                 (emulator)\n"
         "  events [--follow] [last N]\n"
         "  learn mac MAC [count N] vlan V interface IF [static]                      (emulator)\n"
         "  learn arp IP [count N] mac MAC vlan V                                     (emulator)\n"
         "  clear mac address-table dynamic | clear ip arp | vpc role preempt\n"
         "  copy running-config startup-config   (writes the switch's config file)\n"
         "  configure [LINE...]   (each argument one line of configure terminal; none: lines from stdin)\n";
}

}  // namespace

int vpcctlMain(int argc, char** argv, const NameResolver& names) {
  CLI::App app{"vpcctl - NX-OS style CLI for an emulated vPC switch\n\n" + commandList()};
  std::string target;
  bool json = false;
  int timeout_s = 30;
  std::string tls_dir;
  std::vector<std::string> words;
  app.add_option("-s,--switch", target,
                 "the switch: ADDRESS[:PORT] (default port 9000), or a deployed lab's NODE or LAB/NODE")
      ->required();
  app.add_flag("--json", json, "print the JSON twin of the reply");
  app.add_option("--timeout", timeout_s, "seconds to wait for the switch")->check(CLI::Range(1, 3600));
  app.add_option("--tls", tls_dir,
                 "mutual TLS with the certificate in DIR (ca.crt, vpcctl.crt, vpcctl.key); a lab deployed with "
                 "--tls is found without it");
  app.add_option("command", words, "command words")->expected(0, -1);
  app.prefix_command();  // everything after the first command word is the command, even "--follow"
  CLI11_PARSE(app, argc, argv);
  for (const auto& w : app.remaining()) words.push_back(w);

  // A trailing --json is accepted too; so is the whole command as one argument ("show vpc | json").
  std::vector<std::string> cmd;
  for (const auto& w : words) {
    if (w == "--json") json = true;
    else cmd.push_back(w);
  }
  const auto firstWord = [&]() -> std::string {
    if (cmd.empty()) return {};
    const auto& f = cmd.front();
    const auto b = f.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    return f.substr(b, f.find_first_of(" \t", b) - b);
  };
  std::vector<cli::Filter> filters;
  if (!cmd.empty() && !isConfigureWord(firstWord())) {
    // Pipes as in the session: `| json` is the JSON twin here, the other filters work on the text.
    std::string line;
    for (const auto& w : cmd) line += (line.empty() ? "" : " ") + w;
    auto piped = cli::splitPipes(line);
    if (auto* err = std::get_if<grammar::MatchError>(&piped)) {
      printSyntaxError(line, *err);
      return kExitUsage;
    }
    auto& p = std::get<cli::PipedLine>(piped);
    if (p.format != cli::OutputFormat::Text) json = true;
    for (auto& f : p.filters)
      if (f.kind != cli::Filter::Kind::Json && f.kind != cli::Filter::Kind::JsonPretty) filters.push_back(std::move(f));
    cmd = {p.command};
  } else if (!cmd.empty() && cmd.front().find_first_of(" \t") != std::string::npos) {
    // `vpcctl -s X "configure terminal"`: the words of the first argument, then one line per argument.
    std::vector<std::string> split;
    std::istringstream in(cmd.front());
    for (std::string w; in >> w;) split.push_back(w);
    split.insert(split.end(), cmd.begin() + 1, cmd.end());
    cmd = std::move(split);
  }
  std::string error;
  auto address = resolve(target, names, error);
  if (!address) {
    std::cerr << "vpcctl: " << error << "\n";
    return kExitUsage;
  }
  const bool configuring = !cmd.empty() && isConfigureWord(cmd.front());
  std::optional<grammar::Match> match;
  if (!configuring && !cmd.empty()) {
    std::string line;
    for (const auto& w : cmd) line += (line.empty() ? "" : " ") + w;
    auto matched = mgmt::execGrammar().match(line);
    if (auto* err = std::get_if<grammar::MatchError>(&matched)) {
      printSyntaxError(line, *err);
      return kExitUsage;
    }
    match = std::get<grammar::Match>(matched);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);  // a big MAC table is one reply
  std::optional<transport::TlsMaterial> tls;
  const bool named = *address != target && target.find(':') == std::string::npos && !Ipv4::parse(target);
  if (tls_dir.empty() && named) tls_dir = names.tlsDir(target);
  if (!tls_dir.empty()) {
    auto m = transport::loadTls(tls_dir + "/vpcctl.crt", tls_dir + "/vpcctl.key", tls_dir + "/ca.crt");
    if (!m) {
      std::cerr << "vpcctl: " << m.error().message << "\n";
      return kExitUsage;
    }
    tls = std::move(*m);
    // A lab's switch certificate names the switch; an address is checked against its IP names.
    if (named) args.SetSslTargetNameOverride(target.substr(target.find('/') + 1));
  }
  Client client;
  client.address = *address;
  client.timeout_s = timeout_s;
  client.stub = v1::Management::NewStub(grpc::CreateCustomChannel(*address, transport::channelCredentials(tls), args));
  if (cmd.empty()) return shell(client);
  if (configuring) return configure(client, std::vector<std::string>(cmd.begin() + 1, cmd.end()), json);
  return run(client, *match, json, filters);
}

}  // namespace vpc::cli
