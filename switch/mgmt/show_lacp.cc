// show lacp neighbor | counters | interface ethernetX/Y | system-identifier: RPC ShowLacp, in the
// layouts NX-OS prints (docs/behaviour.md, "LACP", names the captures they follow).
#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "switch/core/lacp_manager.h"
#include "switch/mgmt/commands.h"
#include "switch/mgmt/text.h"

namespace vpc::mgmt {

namespace {

void party(const lacp::Info& i, v1::LacpParty* out) {
  out->set_system_priority(i.system_priority);
  out->set_system_mac(i.system.colon());
  out->set_key(i.key);
  out->set_port_priority(i.port_priority);
  out->set_port(i.port);
  out->set_state(i.state);
  static const std::pair<std::uint8_t, const char*> kBits[] = {
      {lacp::kActivity, "activity"},       {lacp::kTimeout, "short-timeout"},
      {lacp::kAggregation, "aggregation"}, {lacp::kSynchronization, "synchronization"},
      {lacp::kCollecting, "collecting"},   {lacp::kDistributing, "distributing"},
      {lacp::kDefaulted, "defaulted"},     {lacp::kExpired, "expired"}};
  for (const auto& [bit, name] : kBits)
    if (i.state & bit) out->add_state_flags(name);
}

std::string words(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), ' ', '-');
  return out;
}

void showLacp(Backend& sw, const v1::ShowLacpRequest& req, v1::ShowLacpReply* out, const Done& done) {
  const auto& node = sw.node();
  const auto& cfg = node.config();
  std::optional<InterfaceId> only;
  if (!req.interface().empty()) {
    only = InterfaceId::parse(req.interface());
    if (!only) return invalid(done, "field 'interface': not an interface name (such as Ethernet1/5, port-channel10)");
  }
  out->set_system_priority(32768);
  out->set_system_mac(cfg.emulator.local_mac ? cfg.emulator.local_mac->colon() : "");
  if (cfg.vpc_domain) {
    out->set_vpc_system_priority(cfg.vpc_domain->system_priority);
    out->set_vpc_system_mac(cfg.vpc_domain->systemMac().colon());
  }
  const auto now = sw.now();
  for (const auto& m : node.lacp().members()) {
    if (only && *only != m.port && *only != m.pc) continue;
    auto* p = out->add_members();
    p->set_port(m.port.shortName());
    p->set_port_channel(m.pc.longName());
    p->set_flag(std::string(1, lacp::flag(m.member)));
    p->set_reason(m.reason);
    p->set_mode(m.active ? "active" : "passive");
    p->set_rate(m.fast ? "fast" : "normal");
    p->set_link_up(m.link_up);
    p->set_receive_state(words(lacp::toString(m.rx)));
    p->set_mux_state(words(lacp::toString(m.mux)));
    party(m.actor, p->mutable_actor());
    if (m.last_rx) {
      party(m.partner, p->mutable_partner());
      p->set_partner_age_s(static_cast<std::uint64_t>(
          std::max<std::int64_t>(0, std::chrono::duration_cast<Seconds>(now - *m.last_rx).count())));
    }
    p->set_pdus_sent(m.counters.sent);
    p->set_pdus_received(m.counters.received);
    p->set_pdu_errors(m.counters.errors);
  }
  if (only && out->members().empty())
    return invalid(done, "interface " + only->longName() + " is not a member of an LACP port-channel on a link");
  out->set_malformed(node.lacp().counters().malformed);
  out->set_not_lacp_member(node.lacp().counters().not_lacp_member);
  ok(done);
}

// NX-OS writes LACP's MACs as hex bytes without leading zeros: 0-23-4-ee-be-64 (none known: all zero).
std::string lacpMac(const std::string& colon) {
  if (colon.empty()) return "0-0-0-0-0-0";
  std::string out;
  for (std::size_t i = 0; i < colon.size(); i += 3) {
    const auto byte = std::stoul(colon.substr(i, 2), nullptr, 16);
    out += (out.empty() ? "" : "-") + fmt::format("{:x}", byte);
  }
  return out;
}

std::string systemId(const v1::LacpParty& p) {
  return fmt::format("{},{}", p.system_priority(), lacpMac(p.system_mac()));
}

// The members of each port-channel in order, a port-channel's first member opening its group.
template <class F>
void byChannel(const v1::ShowLacpReply& r, F each) {
  std::string current;
  for (const auto& m : r.members()) {
    each(m, m.port_channel() != current);
    current = m.port_channel();
  }
}

std::string renderNeighbor(const grammar::Match&, const v1::ShowLacpReply& r) {
  std::string out;
  out += "Flags:  S - Device is sending Slow LACPDUs F - Device is sending Fast LACPDUs\n";
  out += "        A - Device is in Active mode       P - Device is in Passive mode\n";
  bool first = true;
  byChannel(r, [&](const v1::LacpMember& m, bool opens) {
    if (opens) {
      if (!first) out += "\n";
      first = false;
      out += m.port_channel() + " neighbors\n";
    }
    const auto& p = m.partner();
    const std::string flags = std::string((p.state() & lacp::kTimeout) ? "F" : "S") +
                              ((p.state() & lacp::kActivity) ? "A" : "P");
    out += "Partner's information\n";
    out += "            Partner                Partner                     Partner\n";
    out += "Port        System ID              Port Number     Age         Flags\n";
    out += fmt::format("{:<12}{:<23}{:<16}{:<12}{}\n", m.port(), systemId(p), fmt::format("{:#x}", p.port()),
                       m.partner_age_s(), m.has_partner() ? flags : "");
    out += "\n";
    out += "            LACP Partner           Partner                     Partner\n";
    out += "            Port Priority          Oper Key                    Port State\n";
    out += fmt::format("            {:<23}{:<28}{:#x}\n", p.port_priority(), fmt::format("{:#x}", p.key()), p.state());
    out += "\n";
  });
  return out;
}

std::string renderCounters(const grammar::Match&, const v1::ShowLacpReply& r) {
  const std::string rule(78, '-');
  std::string out;
  out += "NOTE: Clear lacp counters to get accurate statistics\n\n";
  out += rule + "\n";
  out += "                             LACPDUs                      Markers/Resp LACPDUs\n";
  out += "Port              Sent                Recv                  Recv Sent  Pkts Err\n";
  out += rule + "\n";
  bool first = true;
  byChannel(r, [&](const v1::LacpMember& m, bool opens) {
    if (opens) {
      if (!first) out += "\n";
      first = false;
      out += m.port_channel() + "\n";
    }
    const auto id = InterfaceId::parse(m.port());
    out += fmt::format("{:<19}{:<21}{:<23}{:<7}{:<5}{}\n", id ? id->longName() : m.port(), m.pdus_sent(),
                       m.pdus_received(), 0, 0, m.pdu_errors());
  });
  return out;
}

std::string timeoutText(std::uint32_t state) {
  return (state & lacp::kTimeout) ? "Short Timeout (1s)" : "Long Timeout (30s)";
}

void partyLines(std::string& out, const v1::LacpParty& p) {
  out += fmt::format("  System Identifier={:#x}, Port Identifier={:#x},{:#x}\n", p.system_priority(),
                     p.port_priority(), p.port());
  out += fmt::format("  Operational key={}\n", p.key());
  out += fmt::format("  LACP_Activity={}\n", (p.state() & lacp::kActivity) ? "active" : "passive");
  out += fmt::format("  LACP_Timeout={}\n", timeoutText(p.state()));
  out += fmt::format("  Synchronization={}\n", (p.state() & lacp::kSynchronization) ? "IN_SYNC" : "NOT_IN_SYNC");
  out += fmt::format("  Collecting={}\n", (p.state() & lacp::kCollecting) ? "true" : "false");
  out += fmt::format("  Distributing={}\n", (p.state() & lacp::kDistributing) ? "true" : "false");
}

// 802.1AX's LAG ID: both ends' (system priority, system, key, port priority, port), the lower system first.
std::string lagId(const v1::LacpParty& a, const v1::LacpParty& b) {
  auto one = [](const v1::LacpParty& p) {
    return fmt::format("({:x}, {}, {:x}, {:x}, {:x})", p.system_priority(),
                       lacpMac(p.system_mac()), p.key(),
                       p.port_priority(), p.port());
  };
  const bool a_first =
      std::make_tuple(a.system_priority(), a.system_mac()) <= std::make_tuple(b.system_priority(), b.system_mac());
  return "[ [" + (a_first ? one(a) + ", " + one(b) : one(b) + ", " + one(a)) + "] ]";
}

std::string renderInterface(const grammar::Match&, const v1::ShowLacpReply& r) {
  std::string out;
  for (const auto& m : r.members()) {
    const auto id = InterfaceId::parse(m.port());
    const auto pc = InterfaceId::parse(m.port_channel());
    out += fmt::format("Interface {} is {}\n", id ? id->longName() : m.port(), m.link_up() ? "up" : "down");
    out += fmt::format("  Channel group is {} port channel is {}\n", pc ? pc->number() : 0,
                       pc ? pc->shortName() : m.port_channel());
    out += fmt::format("  PDUs sent: {}\n  PDUs rcvd: {}\n", m.pdus_sent(), m.pdus_received());
    out += "  Markers sent: 0\n  Markers rcvd: 0\n  Marker response sent: 0\n  Marker response rcvd: 0\n";
    out += "  Unknown packets rcvd: 0\n";
    out += fmt::format("  Illegal packets rcvd: {}\n", m.pdu_errors());
    out += "Lag Id: " + lagId(m.actor(), m.partner()) + "\n";
    if (m.flag() == "P") out += "Operational as aggregated link\n";
    out += "\n";
    out += fmt::format("Local Port: {}   MAC Address= {}\n", m.port(), lacpMac(m.actor().system_mac()));
    partyLines(out, m.actor());
    out += fmt::format("  Partner information refresh timeout={}\n",
                       m.rate() == "fast" ? "Short Timeout (3s)" : "Long Timeout (90s)");
    std::uint32_t admin = lacp::kAggregation;
    if (m.mode() == "active") admin |= lacp::kActivity;
    if (m.rate() == "fast") admin |= lacp::kTimeout;
    out += fmt::format("Actor Admin State={}\n", admin);
    out += fmt::format("Actor Oper State={}\n", m.actor().state());
    out += fmt::format("Neighbor: {:#x}\n", m.partner().port());
    out += fmt::format("  MAC Address= {}\n",
                       lacpMac(m.partner().system_mac()));
    partyLines(out, m.partner());
    out += "Partner Admin State=0\n";
    out += fmt::format("Partner Oper State={}\n", m.partner().state());
    out += fmt::format("Aggregate or Individual(True=1)= {}\n", (m.actor().state() & lacp::kAggregation) ? 1 : 0);
    out += fmt::format("Member flag: {} ({})\n", m.flag(), m.reason());
  }
  return out;
}

std::string renderSystemId(const grammar::Match&, const v1::ShowLacpReply& r) {
  std::string out = fmt::format("{},{}\n", r.system_priority(), lacpMac(r.system_mac()));
  if (!r.vpc_system_mac().empty())
    out += fmt::format("vPC system (vPC port-channels): {},{}\n", r.vpc_system_priority(), lacpMac(r.vpc_system_mac()));
  return out;
}

v1::ShowLacpRequest lacpRequest(const grammar::Match& m) {
  v1::ShowLacpRequest r;
  if (m.hasValue("interface")) r.set_interface(m.interface("interface").longName());
  else if (m.hasValue("pc")) r.set_interface(InterfaceId::portChannel(static_cast<std::uint32_t>(m.number("pc"))).longName());
  return r;
}

v1::ShowLacpRequest allMembers(const grammar::Match&) { return {}; }

}  // namespace

void addLacpShows(Registry& r) {
  r.rpc<v1::ShowLacpRequest, v1::ShowLacpReply>("ShowLacp", showLacp);
  r.verb(kShowLacpNeighbor, "show lacp neighbor [ interface port-channel <pc:1-4096> ]",
         "LACP partners of each member (system, port, age, state)", Verb::Kind::Show, &v1::Management::Stub::ShowLacp,
         lacpRequest, renderNeighbor);
  r.verb(kShowLacpCounters, "show lacp counters [ interface port-channel <pc:1-4096> ]",
         "LACPDUs sent and received per member", Verb::Kind::Show, &v1::Management::Stub::ShowLacp, lacpRequest,
         renderCounters);
  r.verb(kShowLacpInterface, "show lacp interface <interface:interface>",
         "one member's LACP: both ends' identity and state, the LAG ID", Verb::Kind::Show,
         &v1::Management::Stub::ShowLacp, lacpRequest, renderInterface);
  r.verb(kShowLacpSystemId, "show lacp system-identifier", "this switch's LACP system, and the vPC system",
         Verb::Kind::Show, &v1::Management::Stub::ShowLacp, allMembers, renderSystemId);
}

}  // namespace vpc::mgmt
