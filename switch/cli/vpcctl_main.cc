// vpcctl: the operator CLI of an emulated switch.
//   vpcctl -s ADDRESS[:PORT] [--json] <command words>       e.g. vpcctl -s 127.0.1.1 sh vpc br
//   vpcctl -s ADDRESS[:PORT]                                 an interactive NX-OS session
// Commands take NX-OS abbreviations; `--json` (or a trailing `| json`) prints the reply's JSON twin.
// Exit codes: 0 ok, 1 the switch refused the command, 2 usage error, 3 switch unreachable.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <grpcpp/grpcpp.h>

#include "peerlink/core/interface_id.h"
#include "peerlink/core/values.h"
#include "peerlink/transport/grpc_status.h"
#include "switch/cli/commands.h"
#include "switch/cli/render.h"
#include "switch/cli/shell.h"
#include "switch/cli/shell_terminal.h"
#include "vpc/v1/mgmt.grpc.pb.h"

namespace {

using namespace vpc;

constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;

// ADDRESS[:PORT] with the default management port 9000. Lab node names come with `vpclab deploy`.
std::optional<std::string> resolve(const std::string& target, std::string& error) {
  const auto colon = target.rfind(':');
  const std::string host = colon == std::string::npos ? target : target.substr(0, colon);
  const std::string port = colon == std::string::npos ? "9000" : target.substr(colon + 1);
  if (Ipv4::parse(host) && parseUint(port) && *parseUint(port) > 0 && *parseUint(port) <= 65535)
    return host + ":" + port;
  if (host == "localhost") return "127.0.0.1:" + port;
  error = "unknown switch '" + target + "': give ADDRESS[:PORT] (e.g. 127.0.1.1 or 127.0.1.1:9000)";
  return std::nullopt;
}

struct Client {
  std::unique_ptr<v1::Management::Stub> stub;
  std::string address;
  int timeout_s = 30;

  std::unique_ptr<grpc::ClientContext> context() const {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_s));
    return ctx;
  }
};

int reportRpcError(const grpc::Status& s, const Client& c) {
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE || s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    std::cerr << "vpcctl: cannot reach the switch at " << c.address << ": " << transport::describeStatus(s) << "\n";
    return kExitUnreachable;
  }
  std::cerr << "% " << s.error_message() << "\n";
  return kExitRefused;
}

template <class Reply, class Call, class Render>
int show(const Client& c, bool json, Call call, Render render) {
  Reply reply;
  auto ctx = c.context();
  const auto status = call(ctx.get(), &reply);
  if (!status.ok()) return reportRpcError(status, c);
  std::cout << (json ? cli::toJson(reply) : render(reply));
  return 0;
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

int run(const Client& c, const grammar::Match& m, bool json) {
  using namespace vpc::cli;
  auto* stub = c.stub.get();
  switch (m.command) {
    case kShowVpc:
    case kShowVpcBrief:
      return show<v1::ShowVpcReply>(
          c, json, [&](grpc::ClientContext* ctx, v1::ShowVpcReply* r) { return stub->ShowVpc(ctx, {}, r); },
          renderShowVpc);
    case kShowVpcRole:
      return show<v1::ShowVpcRoleReply>(
          c, json, [&](grpc::ClientContext* ctx, v1::ShowVpcRoleReply* r) { return stub->ShowVpcRole(ctx, {}, r); },
          renderShowVpcRole);
    case kShowVpcPeerKeepalive:
      return show<v1::ShowVpcPeerKeepaliveReply>(
          c, json,
          [&](grpc::ClientContext* ctx, v1::ShowVpcPeerKeepaliveReply* r) {
            return stub->ShowVpcPeerKeepalive(ctx, {}, r);
          },
          renderShowVpcPeerKeepalive);
    case kShowVpcSync:
      return show<v1::ShowVpcSyncReply>(
          c, json, [&](grpc::ClientContext* ctx, v1::ShowVpcSyncReply* r) { return stub->ShowVpcSync(ctx, {}, r); },
          renderShowVpcSync);
    case kShowVersion:
      return show<v1::InfoReply>(
          c, json, [&](grpc::ClientContext* ctx, v1::InfoReply* r) { return stub->GetInfo(ctx, {}, r); },
          renderShowVersion);
    case kShowMac: {
      v1::ShowMacRequest req;
      if (m.has("vlan")) req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
      if (m.has("address")) req.set_address(m.text("address"));
      if (m.has("interface")) req.set_interface(m.text("interface"));
      if (m.has("dynamic")) req.set_type("dynamic");
      if (m.has("static")) req.set_type("static");
      const bool count = m.has("count");
      req.set_count_only(count);
      return show<v1::ShowMacReply>(
          c, json,
          [&](grpc::ClientContext* ctx, v1::ShowMacReply* r) { return stub->ShowMacAddressTable(ctx, req, r); },
          [count](const v1::ShowMacReply& r) { return renderShowMac(r, count); });
    }
    case kShowIpArp: {
      v1::ShowArpRequest req;
      if (m.has("vlan")) req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
      return show<v1::ShowArpReply>(
          c, json, [&](grpc::ClientContext* ctx, v1::ShowArpReply* r) { return stub->ShowIpArp(ctx, req, r); },
          renderShowIpArp);
    }
    case kEvents: {
      v1::EventsRequest req;
      req.set_follow(m.has("--follow") || m.has("follow"));
      if (m.has("last")) req.set_last(static_cast<std::uint32_t>(m.number("last")));
      grpc::ClientContext ctx;  // no deadline: --follow runs until interrupted
      auto reader = stub->Events(&ctx, req);
      v1::Event ev;
      while (reader->Read(&ev)) std::cout << toJson(ev, false) << std::endl;
      const auto status = reader->Finish();
      return status.ok() ? 0 : reportRpcError(status, c);
    }
    case kLearnMac: {
      v1::LearnMacRequest req;
      req.set_mac(m.text("mac"));
      req.set_count(static_cast<std::uint32_t>(m.numberOr("count").value_or(1)));
      req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
      req.set_interface(m.text("interface"));
      req.set_is_static(m.has("static"));
      return show<v1::LearnReply>(
          c, json, [&](grpc::ClientContext* ctx, v1::LearnReply* r) { return stub->LearnMac(ctx, req, r); },
          [](const v1::LearnReply& r) {
            return "learned " + std::to_string(r.changed() + r.unchanged()) + " MAC(s): " + std::to_string(r.changed()) +
                   " new or moved, " + std::to_string(r.unchanged()) + " refreshed\n";
          });
    }
    case kLearnArp: {
      v1::LearnArpRequest req;
      req.set_ip(m.text("ip"));
      req.set_count(static_cast<std::uint32_t>(m.numberOr("count").value_or(1)));
      req.set_mac(m.text("mac"));
      req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
      return show<v1::LearnReply>(
          c, json, [&](grpc::ClientContext* ctx, v1::LearnReply* r) { return stub->LearnArp(ctx, req, r); },
          [](const v1::LearnReply& r) {
            return "learned " + std::to_string(r.changed() + r.unchanged()) + " ARP entr" +
                   (r.changed() + r.unchanged() == 1 ? "y" : "ies") + ": " + std::to_string(r.changed()) +
                   " new or changed, " + std::to_string(r.unchanged()) + " refreshed\n";
          });
    }
    case kClearMac:
      return show<v1::ClearReply>(
          c, json,
          [&](grpc::ClientContext* ctx, v1::ClearReply* r) { return stub->ClearMacAddressTable(ctx, {}, r); },
          [](const v1::ClearReply&) { return std::string(); });
    case kClearArp:
      return show<v1::ClearReply>(
          c, json, [&](grpc::ClientContext* ctx, v1::ClearReply* r) { return stub->ClearIpArp(ctx, {}, r); },
          [](const v1::ClearReply&) { return std::string(); });
    case kShowVpcConsistency: {
      v1::ShowVpcConsistencyRequest req;
      if (m.has("global")) req.set_scope("global");
      if (m.has("vlans")) req.set_scope("vlans");
      if (m.hasValue("vpc")) {  // `vpc` alone is the command's second word
        req.set_scope("vpc");
        req.set_vpc(static_cast<std::uint32_t>(m.number("vpc")));
      }
      if (m.has("interface")) {
        // `interface port-channelN`: the vPC configured on that port-channel.
        v1::ShowVpcReply vpcs;
        auto ctx = c.context();
        const auto st = stub->ShowVpc(ctx.get(), {}, &vpcs);
        if (!st.ok()) return reportRpcError(st, c);
        const auto want = InterfaceId::parse(m.text("interface"));
        for (const auto& v : vpcs.vpcs())
          if (want && InterfaceId::parse(v.port()) == want) req.set_vpc(v.id());
        if (req.vpc() == 0) {
          std::cerr << "% " << m.text("interface") << " is not a vPC port-channel\n";
          return kExitRefused;
        }
        req.set_scope("vpc");
      }
      return show<v1::ShowVpcConsistencyReply>(
          c, json,
          [&](grpc::ClientContext* ctx, v1::ShowVpcConsistencyReply* r) { return stub->ShowVpcConsistency(ctx, req, r); },
          renderShowVpcConsistency);
    }
    case kShowVpcStatisticsKeepalive:
      return show<v1::ShowVpcPeerKeepaliveReply>(
          c, json,
          [&](grpc::ClientContext* ctx, v1::ShowVpcPeerKeepaliveReply* r) {
            return stub->ShowVpcPeerKeepalive(ctx, {}, r);
          },
          renderShowVpcKeepaliveStatistics);
    case kShowInterfaceStatus:
      return show<v1::ShowInterfaceStatusReply>(
          c, json,
          [&](grpc::ClientContext* ctx, v1::ShowInterfaceStatusReply* r) { return stub->ShowInterfaceStatus(ctx, {}, r); },
          renderShowInterfaceStatus);
    case kShowVpcOrphanPorts:
      return show<v1::ShowVpcOrphanPortsReply>(
          c, json,
          [&](grpc::ClientContext* ctx, v1::ShowVpcOrphanPortsReply* r) { return stub->ShowVpcOrphanPorts(ctx, {}, r); },
          renderShowVpcOrphanPorts);
    case kShowPortChannelSummary:
      return show<v1::ShowPortChannelSummaryReply>(
          c, json,
          [&](grpc::ClientContext* ctx, v1::ShowPortChannelSummaryReply* r) {
            return stub->ShowPortChannelSummary(ctx, {}, r);
          },
          renderShowPortChannelSummary);
    case kShowRunningConfig: {
      v1::ShowRunningConfigRequest req;
      if (m.has("vpc")) req.set_section("vpc");
      return show<v1::ShowRunningConfigReply>(
          c, json,
          [&](grpc::ClientContext* ctx, v1::ShowRunningConfigReply* r) { return stub->ShowRunningConfig(ctx, req, r); },
          renderShowRunningConfig);
    }
    case kShowVpcHistory: {
      v1::EventsRequest req;
      req.set_last(static_cast<std::uint32_t>(m.numberOr("last").value_or(40)));
      auto ctx = c.context();
      auto reader = stub->Events(ctx.get(), req);
      std::vector<v1::Event> events;
      v1::Event ev;
      while (reader->Read(&ev)) events.push_back(ev);
      const auto status = reader->Finish();
      if (!status.ok()) return reportRpcError(status, c);
      if (json) {
        v1::EventList list;
        for (const auto& e : events) *list.add_events() = e;
        std::cout << toJson(list);
      } else {
        std::cout << renderShowVpcHistory(events);
      }
      return 0;
    }
    case kShowPeerLinkMessages: {
      v1::ShowPeerLinkMessagesRequest req;
      req.set_last(static_cast<std::uint32_t>(m.numberOr("last").value_or(0)));
      return show<v1::ShowPeerLinkMessagesReply>(
          c, json,
          [&](grpc::ClientContext* ctx, v1::ShowPeerLinkMessagesReply* r) {
            return stub->ShowPeerLinkMessages(ctx, req, r);
          },
          renderShowPeerLinkMessages);
    }
    case kExplain: {
      v1::ExplainRequest req;
      if (m.hasValue("vpc")) {
        req.set_subject("vpc");
        req.set_vpc(static_cast<std::uint32_t>(m.number("vpc")));
      } else if (m.hasValue("interface")) {
        req.set_subject("interface");
        req.set_interface(m.text("interface"));
      } else if (m.hasValue("vlan")) {
        req.set_subject("vlan");
        req.set_vlan(static_cast<std::uint32_t>(m.number("vlan")));
      } else if (m.has("peer-link")) {
        req.set_subject("peer-link");
      } else {
        req.set_subject("role");
      }
      return show<v1::ExplainReply>(
          c, json, [&](grpc::ClientContext* ctx, v1::ExplainReply* r) { return stub->Explain(ctx, req, r); },
          renderExplain);
    }
    case kVpcRolePreempt:
      return show<v1::RolePreemptReply>(
          c, json, [&](grpc::ClientContext* ctx, v1::RolePreemptReply* r) { return stub->RolePreempt(ctx, {}, r); },
          [](const v1::RolePreemptReply& r) { return r.message() + "\n"; });
  }
  std::cerr << "vpcctl: command not implemented\n";
  return kExitUsage;
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
  if (json) std::cout << cli::toJson(reply);
  else
    for (const auto& m : reply.messages()) std::cout << m << "\n";
  return 0;
}

// The switch's reason from a Configure error: "configure:2:6: error: <reason>\n  <line>\n  ^" -> "<reason>".
std::string configureReason(const std::string& message) {
  std::string reason = message;
  if (const auto at = reason.find(": error: "); at != std::string::npos) reason = reason.substr(at + 9);
  if (const auto nl = reason.find('\n'); nl != std::string::npos) reason.resize(nl);
  return reason;
}

// The interactive shell's view of the switch: exec commands print as one-shot ones do.
class SwitchBackend : public cli::ShellBackend {
 public:
  explicit SwitchBackend(const Client& c) : c_(c) {}
  int exec(const grammar::Match& m, bool json) override { return run(c_, m, json); }
  cli::ConfigureOutcome configure(const std::vector<std::string>& lines) override {
    v1::ConfigureRequest req;
    for (const auto& l : lines) req.add_lines(l);
    v1::ConfigureReply reply;
    auto ctx = c_.context();
    const auto status = c_.stub->Configure(ctx.get(), req, &reply);
    cli::ConfigureOutcome out;
    if (!status.ok()) {
      out.error = status.error_code() == grpc::StatusCode::INVALID_ARGUMENT
                      ? configureReason(status.error_message())
                      : transport::describeStatus(status);
      return out;
    }
    out.ok = true;
    out.messages.assign(reply.messages().begin(), reply.messages().end());
    return out;
  }

 private:
  const Client& c_;
};

// `vpcctl -s X` with no command: an NX-OS session (a terminal), or commands read line by line (a pipe).
int shell(const Client& c) {
  v1::InfoReply info;
  auto ctx = c.context();
  const auto status = c.stub->GetInfo(ctx.get(), {}, &info);
  if (!status.ok()) return reportRpcError(status, c);
  SwitchBackend backend(c);
  cli::Shell sh(info.hostname(), backend);
  if (!(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))) return cli::runScriptShell(sh);
  std::string history;
  if (const char* h = std::getenv("VPCCTL_HISTORY")) history = h;
  else if (const char* home = std::getenv("HOME")) history = std::string(home) + "/.vpcctl_history";
  return cli::runTerminalShell(sh, history);
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
         "  show vpc orphan-ports | show port-channel summary | show interface status\n"
         "  show mac address-table [vlan V] [address M] [interface I] [dynamic|static] [count]\n"
         "  show ip arp [vlan V] | show running-config [vpc] | show version\n"
         "  show vpc sync | show vpc history [last N] | show peer-link messages [last N]   (emulator)\n"
         "  explain {vpc N | interface IF | vlan V | peer-link | role}                 (emulator)\n"
         "  events [--follow] [last N]\n"
         "  learn mac MAC [count N] vlan V interface IF [static]                      (emulator)\n"
         "  learn arp IP [count N] mac MAC vlan V                                     (emulator)\n"
         "  clear mac address-table dynamic | clear ip arp | vpc role preempt\n"
         "  configure [LINE...]   (each argument one line of configure terminal; none: lines from stdin)\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vpcctl - NX-OS style CLI for an emulated vPC switch\n\n" + commandList()};
  std::string target;
  bool json = false;
  int timeout_s = 30;
  std::vector<std::string> words;
  app.add_option("-s,--switch", target, "switch management address ADDRESS[:PORT] (default port 9000)")->required();
  app.add_flag("--json", json, "print the JSON twin of the reply");
  app.add_option("--timeout", timeout_s, "seconds to wait for the switch")->check(CLI::Range(1, 3600));
  app.add_option("command", words, "command words")->expected(0, -1);
  app.prefix_command();  // everything after the first command word is the command, even "--follow"
  CLI11_PARSE(app, argc, argv);
  for (const auto& w : app.remaining()) words.push_back(w);

  // NX-OS style "| json" and a trailing --json are accepted too.
  std::vector<std::string> cmd;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "--json") json = true;
    else if (words[i] == "|" && i + 1 < words.size() && words[i + 1] == "json") {
      json = true;
      ++i;
    } else cmd.push_back(words[i]);
  }
  std::string error;
  auto address = resolve(target, error);
  if (!address) {
    std::cerr << "vpcctl: " << error << "\n";
    return kExitUsage;
  }
  const bool configuring = !cmd.empty() && isConfigureWord(cmd.front());
  std::optional<grammar::Match> match;
  if (!configuring && !cmd.empty()) {
    std::string line;
    for (const auto& w : cmd) line += (line.empty() ? "" : " ") + w;
    auto matched = cli::execGrammar().match(line);
    if (auto* err = std::get_if<grammar::MatchError>(&matched)) {
      printSyntaxError(line, *err);
      return kExitUsage;
    }
    match = std::get<grammar::Match>(matched);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);  // a big MAC table is one reply
  Client client;
  client.address = *address;
  client.timeout_s = timeout_s;
  client.stub = v1::Management::NewStub(grpc::CreateCustomChannel(*address, grpc::InsecureChannelCredentials(), args));
  if (cmd.empty()) return shell(client);
  if (configuring) return configure(client, std::vector<std::string>(cmd.begin() + 1, cmd.end()), json);
  return run(client, *match, json);
}
