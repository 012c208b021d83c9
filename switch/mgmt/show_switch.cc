// show version, show running-config [vpc], show vpc history, events, explain: RPCs GetInfo,
// ShowRunningConfig, Events (the stream, served by the daemon) and Explain.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include "switch/core/config_writer.h"
#include "switch/core/explain.h"
#include "switch/core/syslog.h"
#include "switch/mgmt/commands.h"
#include "switch/mgmt/convert.h"
#include "switch/mgmt/text.h"

namespace vpc::mgmt {

namespace {

void getInfo(Backend& sw, const v1::InfoRequest&, v1::InfoReply* out, const Done& done) {
  *out = sw.info();
  ok(done);
}

v1::InfoRequest infoRequest(const grammar::Match&) { return {}; }

// NX-OS's `show version` layout (the lines Ansible's and other parsers read: "NXOS: version",
// "NXOS image file is:", "cisco Nexus9000 ... chassis", "Processor Board ID", "Device name:", "Kernel
// uptime is"), then what the emulator adds.
std::string renderVersion(const grammar::Match&, const v1::InfoReply& r) {
  auto up = static_cast<std::uint64_t>(r.uptime_s());
  const auto days = up / 86400, hours = up / 3600 % 24, minutes = up / 60 % 60, seconds = up % 60;
  std::string out;
  out += "Cisco Nexus Operating System (NX-OS) Software - emulated by vpclab\n";
  out += "TAC support: none - this is an emulator (https://www.cisco.com/tac is for real switches)\n";
  out += "The vPC behaviour follows NX-OS " + r.nxos_version() + "; see docs/behaviour.md.\n\n";
  out += "Software\n";
  out += "  BIOS: version 07.69\n";
  out += " NXOS: version " + r.nxos_version() + "\n";
  out += "  NXOS image file is: bootflash:///vpclab-" + r.version() + ".bin\n";
  out += "  NXOS compile time:  vpclab " + r.version() + "\n\n\n";
  out += "Hardware\n";
  out += "  cisco Nexus9000 C93180YC-EX chassis (emulated)\n";
  out += "  vpclab emulated supervisor with 0 kB of memory.\n";
  out += "  Processor Board ID " + r.chassis_serial() + "\n\n";
  out += "  Device name: " + r.hostname() + "\n";
  out += "  bootflash:   0 kB\n";
  out += fmt::format("Kernel uptime is {} day(s), {} hour(s), {} minute(s), {} second(s)\n\n", days, hours, minutes,
                     seconds);
  out += "Last reset\n  Reason: Unknown\n  System version: " + r.nxos_version() + "\n  Service: vpcd started\n\n";
  out += "plugin\n  Core Plugin, Ethernet Plugin\n\n";
  out += "vpclab emulator\n";
  out += field("  version", r.version(), 20);
  out += field("  timers scaled by", fmt::format("{:g}", r.time_scale()), 20);
  out += field("  management", r.management_address(), 20);
  out += field("  peer-link", r.peer_link_address().empty() ? "-" : r.peer_link_address(), 20);
  out += field("  peer-keepalive", r.keepalive_address().empty() ? "-" : r.keepalive_address(), 20);
  out += field("  ssh", r.ssh().enabled() ? r.ssh().address() : "-", 20);
  out += field("  pid", std::to_string(r.pid()), 20);
  return out;
}

// `show inventory` as NX-OS lays it out (Ansible reads the chassis PID from it).
std::string renderInventory(const grammar::Match&, const v1::InfoReply& r) {
  std::string out;
  out += "NAME: \"Chassis\",  DESCR: \"Nexus9000 C93180YC-EX Chassis (emulated by vpclab)\"\n";
  out += "PID: N9K-C93180YC-EX     ,  VID: V00 ,  SN: " + r.chassis_serial() + "\n\n";
  out += "NAME: \"Slot 1\",  DESCR: \"48x10/25G + 6x40/100G Ethernet Module\"\n";
  out += "PID: N9K-C93180YC-EX     ,  VID: V00 ,  SN: " + r.chassis_serial() + "\n\n";
  return out;
}

std::string renderHostname(const grammar::Match&, const v1::InfoReply& r) { return r.hostname() + "\n"; }

// NX-OS prints "ssh version 2 is enabled"; the rest is ours.
std::string renderSsh(const grammar::Match&, const v1::InfoReply& r) {
  const auto& s = r.ssh();
  if (!s.enabled()) return "ssh is not served: no user is configured (username NAME password ... role ...)\n";
  std::string out = "ssh version 2 is enabled\n";
  out += field("  address", s.address(), 28);
  out += field("  active sessions", std::to_string(s.sessions_active()), 28);
  out += field("  logins", std::to_string(s.logins()), 28);
  out += field("  authentication failures", std::to_string(s.authentication_failures()), 28);
  out += field("  sessions refused (limit)", std::to_string(s.sessions_refused()), 28);
  return out;
}

void runningConfig(Backend& sw, const v1::ShowRunningConfigRequest& req, v1::ShowRunningConfigReply* out,
                   const Done& done) {
  if (req.section() != "" && req.section() != "vpc") return invalid(done, "section must be empty or 'vpc'");
  if (!req.interface().empty()) {
    const auto id = InterfaceId::parse(req.interface());
    if (!id) return invalid(done, "interface is not an interface name");
    out->set_text(writeInterfaceConfig(sw.node().config(), *id));
    return ok(done);
  }
  out->set_text(writeConfig(sw.node().config(), req.section() == "vpc" ? ConfigSection::Vpc : ConfigSection::All));
  ok(done);
}

v1::ShowRunningConfigRequest configRequest(const grammar::Match& m) {
  v1::ShowRunningConfigRequest req;
  if (m.has("vpc")) req.set_section("vpc");
  return req;
}

std::string renderConfig(const grammar::Match&, const v1::ShowRunningConfigReply& r) { return r.text(); }

v1::ShowRunningConfigRequest interfaceConfigRequest(const grammar::Match& m) {
  v1::ShowRunningConfigRequest req;
  req.set_interface(m.interface("if").longName());
  return req;
}

void copyRunStart(Backend& sw, const v1::CopyRunningConfigRequest&, v1::CopyRunningConfigReply* out, const Done& done) {
  const std::string text = writeConfig(sw.node().config());
  auto path = sw.saveStartupConfig(text);
  if (!path) return fail(done, path.error());
  out->set_path(*path);
  out->set_bytes(text.size());
  ok(done);
}

v1::CopyRunningConfigRequest copyRequest(const grammar::Match&) { return {}; }

// NX-OS's progress bar and words.
std::string renderCopy(const grammar::Match&, const v1::CopyRunningConfigReply& r) {
  return "[########################################] 100%\nCopy complete, now saving to disk (please wait)...\n"
         "Copy complete. (" + std::to_string(r.bytes()) + " bytes to " + r.path() + ")\n";
}

void startupConfig(Backend& sw, const v1::ShowRunningConfigRequest&, v1::ShowRunningConfigReply* out, const Done& done) {
  auto text = sw.startupConfig();
  if (!text) return fail(done, text.error());
  out->set_text(*text);
  ok(done);
}

// `show logging`: the journal's events in NX-OS's syslog words (switch/core/syslog.h), the last N.
void logging(Backend& sw, const v1::ShowLoggingRequest& req, v1::ShowLoggingReply* out, const Done& done) {
  const auto& node = sw.node();
  auto messages = syslogMessages(node.journal().events(), node.config());
  const std::size_t first = req.last() && req.last() < messages.size() ? messages.size() - req.last() : 0;
  for (std::size_t i = first; i < messages.size(); ++i) {
    const auto& m = messages[i];
    const auto wall = sw.clock().wall(m.at);
    auto* o = out->add_messages();
    o->set_time(sw.clock().iso(m.at));
    o->set_unix_us(std::chrono::duration_cast<std::chrono::microseconds>(wall.time_since_epoch()).count());
    o->set_facility(m.facility);
    o->set_severity(static_cast<std::uint32_t>(m.severity));
    o->set_mnemonic(m.mnemonic);
    o->set_text(m.text);
    o->set_event_seq(m.event_seq);
    // NX-OS: "2025 May 15 10:35:59 leaf2 %$ VDC-1 %$ %VPC-3-VPC_PEER_LINK_DOWN: VPC Peer-link is down"
    o->set_line(fmt::format("{:%Y %b %e %H:%M:%S} {} %$ VDC-1 %$ {}: {}",
                            fmt::gmtime(std::chrono::system_clock::to_time_t(wall)), node.config().hostname, m.tag(),
                            m.text));
  }
  ok(done);
}

v1::ShowLoggingRequest loggingRequest(const grammar::Match& m) {
  v1::ShowLoggingRequest req;
  req.set_last(static_cast<std::uint32_t>(m.numberOr("last").value_or(0)));
  return req;
}

std::string renderLogging(const grammar::Match&, const v1::ShowLoggingReply& r) {
  std::string out;
  for (const auto& m : r.messages()) out += m.line() + "\n";
  return out;
}

// `show vpc history`: the Events stream without follow, read to its end.
CallResult history(v1::Management::Stub& stub, const grammar::Match& m, std::chrono::milliseconds timeout) {
  v1::EventsRequest req;
  req.set_last(static_cast<std::uint32_t>(m.numberOr("last").value_or(40)));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + timeout);
  auto reader = stub.Events(&ctx, req);
  auto list = std::make_unique<v1::EventList>();
  v1::Event ev;
  while (reader->Read(&ev)) *list->add_events() = ev;
  CallResult r;
  r.status = reader->Finish();
  if (r.status.ok()) r.reply = std::move(list);
  return r;
}

std::string renderHistory(const grammar::Match&, const google::protobuf::Message& reply) {
  const auto& list = static_cast<const v1::EventList&>(reply);
  std::string out;
  out += "vPC history (oldest first; times UTC)\n";
  out += "--------------------------------------------------------------------------------\n";
  for (const auto& e : list.events()) {
    if (e.kind() == "reason")
      out += fmt::format("{}  {:<18} reason: {} -> {}\n", e.time(), e.subject(), e.from().empty() ? "-" : e.from(),
                         e.to());
    else
      out += fmt::format("{}  {:<18} {} -> {}\n", e.time(), e.subject(), e.from().empty() ? "-" : e.from(), e.to());
    if (!e.reason().empty()) {
      for (const auto& line : wrap("<- " + e.reason(), 100)) out += "      " + line + "\n";
    }
  }
  return out;
}

// `events` is read by the caller (vpcctl prints it as NDJSON, with --follow until interrupted).
CallResult noCall(v1::Management::Stub&, const grammar::Match&, std::chrono::milliseconds) {
  return {grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "events is a stream: read it with the Events RPC"), nullptr};
}
std::string noText(const grammar::Match&, const google::protobuf::Message&) { return ""; }

void explainRpc(Backend& sw, const v1::ExplainRequest& req, v1::ExplainReply* out, const Done& done) {
  ExplainQuery q;
  if (req.subject() == "vpc") {
    q.kind = ExplainQuery::Kind::Vpc;
    q.vpc = req.vpc();
  } else if (req.subject() == "interface") {
    q.kind = ExplainQuery::Kind::Interface;
    auto i = InterfaceId::parse(req.interface());
    if (!i) return invalid(done, "field 'interface': not an interface name (such as Ethernet1/5, port-channel10)");
    q.iface = *i;
  } else if (req.subject() == "peer-link") {
    q.kind = ExplainQuery::Kind::PeerLink;
  } else if (req.subject() == "role") {
    q.kind = ExplainQuery::Kind::Role;
  } else if (req.subject() == "vlan") {
    q.kind = ExplainQuery::Kind::Vlan;
    if (req.vlan() < kMinVlan || req.vlan() > kMaxVlan) return invalid(done, "vlan must be 1-4094");
    q.vlan = static_cast<std::uint16_t>(req.vlan());
  } else {
    return invalid(done, "subject must be vpc, interface, peer-link, role or vlan");
  }
  auto x = explain(sw.snapshot(), sw.node().journal(), q);
  if (!x) return fail(done, x.error());
  out->set_subject(x->subject);
  out->set_status(x->status);
  out->set_reason(x->reason);
  chainToProto(x->chain, out->mutable_reason_chain(), out->mutable_causes());
  for (const auto& r : x->rules) out->add_rules(r);
  for (const auto& e : x->events) toProto(e, sw.node().config().hostname, sw.clock(), out->add_events());
  ok(done);
}

v1::ExplainRequest explainRequest(const grammar::Match& m) {
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
  return req;
}

std::string renderExplain(const grammar::Match&, const v1::ExplainReply& r) {
  std::string out;
  out += r.subject() + ": " + r.status() + "\n";
  if (!r.reason().empty()) out += "Reason: " + r.reason() + "\n";
  if (r.reason_chain_size()) {
    out += "\nCause chain (most immediate first):\n";
    for (int i = 0; i < r.reason_chain_size(); ++i)
      out += std::string(i == 0 ? "  " : "  <- ") + r.reason_chain(i) + "\n";
  }
  if (r.rules_size()) {
    out += "\nRules that applied:\n";
    for (const auto& rule : r.rules()) {
      const auto lines = wrap(rule, 96);
      for (std::size_t i = 0; i < lines.size(); ++i) out += (i == 0 ? "  - " : "    ") + lines[i] + "\n";
    }
  }
  if (r.events_size()) {
    out += "\nWhat happened (oldest first):\n";
    for (const auto& e : r.events()) {
      out += fmt::format("  {}  {:<15} {} -> {}\n", e.time(), e.subject(), e.from().empty() ? "-" : e.from(), e.to());
      if (!e.reason().empty())
        for (const auto& line : wrap("<- " + e.reason(), 96)) out += "        " + line + "\n";
    }
  }
  return out;
}

}  // namespace

void addSwitchShows(Registry& r) {
  r.rpc<v1::InfoRequest, v1::InfoReply>("GetInfo", getInfo);
  r.verb(kShowVersion, "show version", "emulator version and uptime", Verb::Kind::Show, &v1::Management::Stub::GetInfo,
         infoRequest, renderVersion);
  r.verb(kShowInventory, "show inventory", "physical inventory (the emulated chassis)", Verb::Kind::Show,
         &v1::Management::Stub::GetInfo, infoRequest, renderInventory);
  r.verb(kShowHardware, "show hardware", "hardware and software (as show version)", Verb::Kind::Show,
         &v1::Management::Stub::GetInfo, infoRequest, renderVersion);
  r.verb(kShowHostname, "show hostname", "the switch's host name", Verb::Kind::Show, &v1::Management::Stub::GetInfo,
         infoRequest, renderHostname);
  r.verb(kShowSshServer, "show ssh server", "SSH server: address, sessions, logins and refused logins",
         Verb::Kind::Show, &v1::Management::Stub::GetInfo, infoRequest, renderSsh);
  r.rpc<v1::ShowRunningConfigRequest, v1::ShowRunningConfigReply>("ShowRunningConfig", runningConfig);
  r.verb(kShowRunningConfig, "show running-config [ vpc ] [ all ]", "the running configuration (NX-OS syntax)",
         Verb::Kind::Show, &v1::Management::Stub::ShowRunningConfig, configRequest, renderConfig);
  r.verb(kShowRunningConfigInterface, "show running-config interface <if:interface>",
         "one interface's running configuration", Verb::Kind::Show, &v1::Management::Stub::ShowRunningConfig,
         interfaceConfigRequest, renderConfig);
  r.rpc<v1::CopyRunningConfigRequest, v1::CopyRunningConfigReply>("CopyRunningConfig", copyRunStart);
  r.verb(kCopyRunStart, "copy running-config startup-config", "save the running configuration to the config file",
         Verb::Kind::Change, &v1::Management::Stub::CopyRunningConfig, copyRequest, renderCopy);
  r.rpc<v1::ShowRunningConfigRequest, v1::ShowRunningConfigReply>("ShowStartupConfig", startupConfig);
  r.verb(kShowStartupConfig, "show startup-config", "the configuration the switch starts with (its config file)",
         Verb::Kind::Show, &v1::Management::Stub::ShowStartupConfig, configRequest, renderConfig);
  r.rpc<v1::ShowLoggingRequest, v1::ShowLoggingReply>("ShowLogging", logging);
  r.verb(kShowLogging, "show logging [ logfile ] [ last <last:1-9999> ]",
         "the log: NX-OS syslog messages for the vPC events (the last N)", Verb::Kind::Show,
         &v1::Management::Stub::ShowLogging, loggingRequest, renderLogging);
  r.verb(kShowVpcHistory, "show vpc history [ last <last:1-4096> ]", "the last state changes and their reasons",
         Verb::Kind::Show, history, renderHistory);
  r.verb(kEvents, "events { --follow | follow | last <last:1-1000000> }*", "state-change events as NDJSON",
         Verb::Kind::Stream, noCall, noText);
  r.rpc<v1::ExplainRequest, v1::ExplainReply>("Explain", explainRpc);
  r.verb(kExplain, "explain { vpc <vpc:1-4096> | interface <interface:interface> | vlan <vlan:1-4094> | peer-link | role }",
         "why something is the way it is: cause chain, rules, events", Verb::Kind::Show, &v1::Management::Stub::Explain,
         explainRequest, renderExplain);
}

}  // namespace vpc::mgmt
