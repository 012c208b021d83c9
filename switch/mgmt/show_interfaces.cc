// show interface status, show port-channel summary, show vpc orphan-ports: RPCs ShowInterfaceStatus,
// ShowPortChannelSummary, ShowVpcOrphanPorts.
#include <fmt/format.h>

#include "switch/core/lacp_manager.h"
#include "switch/core/views.h"
#include "switch/mgmt/commands.h"
#include "switch/mgmt/convert.h"
#include "switch/mgmt/text.h"

namespace vpc::mgmt {

namespace {

void showInterfaces(Backend& sw, const v1::ShowInterfaceStatusRequest& req, v1::ShowInterfaceStatusReply* out,
                    const Done& done) {
  const auto& cfg = sw.node().config();
  for (const auto& row : interfaceRows(sw.snapshot())) {
    if (!req.interface().empty() && row.id.longName() != req.interface()) continue;
    auto* p = out->add_interfaces();
    std::string member_vlan;
    p->set_interface(row.id.longName());
    if (const auto* ic = cfg.interface(row.id)) {
      const InterfaceConfig* eff = cfg.switchportOf(row.id);  // a member runs with its port-channel's
      p->set_mode(!eff->switchport || row.routed ? "routed" : eff->mode == PortMode::Trunk ? "trunk" : "access");
      if (eff != ic) member_vlan = eff->mode == PortMode::Trunk ? "trunk" : std::to_string(eff->access_vlan);
      p->set_channel_group(ic->channel_group.value_or(0));
      p->set_mtu(eff->mtu);
      p->set_vpc(ic->vpc_id.value_or(0));
      p->set_peer_link(ic->vpc_peer_link);
      p->set_admin_up(!ic->shutdown);
      p->set_ip_address(ic->ip_address);
      if (eff->mode == PortMode::Trunk) {
        p->set_native_vlan(std::to_string(eff->native_vlan));
        p->set_allowed_vlans(eff->trunk_allowed.str());
      }
      if (row.id.kind() == IfKind::PortChannel) {
        bool lacp = false;
        for (const auto& m : cfg.members(row.id.number())) {
          p->add_members(m.shortName());
          if (const auto* mc = cfg.interface(m)) lacp = lacp || mc->channel_mode != ChannelMode::On;
        }
        p->set_protocol(lacp ? "lacp" : "none");
      }
    } else {
      p->set_mode("access");
      p->set_mtu(1500);
      p->set_admin_up(true);
    }
    p->set_port(row.id.shortName());
    p->set_name(row.description.empty() ? "--" : row.description);
    p->set_status(std::string(toString(row.state)));
    p->set_vlan(row.routed ? "routed" : (row.access_vlan ? std::to_string(*row.access_vlan) : "trunk"));
    if (!member_vlan.empty()) p->set_vlan(member_vlan);
    p->set_duplex(row.duplex);
    p->set_speed(row.speed);
    p->set_type(row.id.kind() == IfKind::Ethernet ? "10G" : "--");
    chainToProto(row.chain, p->mutable_reason_chain(), p->mutable_causes());
  }
  ok(done);
}

std::string renderInterfaces(const grammar::Match&, const v1::ShowInterfaceStatusReply& r) {
  std::string out;
  const std::string rule(80, '-');
  out += rule + "\n";
  out += "Port          Name               Status    Vlan      Duplex  Speed   Type\n";
  out += rule + "\n";
  for (const auto& i : r.interfaces()) {
    std::string line = fmt::format("{:<14}{:<19}{:<10}{:<10}{:<8}{:<8}{}", i.port(), i.name().substr(0, 18),
                                   i.status(), i.vlan(), i.duplex(), i.speed(), i.type());
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

// NX-OS's reason column of `show interface brief` for a state.
std::string briefReason(const std::string& status) {
  if (status == "connected") return "none";
  if (status == "disabled") return "Administratively down";
  if (status == "notconnec" || status == "notconnect") return "Link not connected";
  if (status == "suspndByV") return "vpc peerlink is down";
  if (status == "noOperMem") return "No operational members";
  if (status == "suspended") return "suspended(no LACP PDUs)";
  return "--";
}

std::string speedText(const std::string& speed) { return speed == "auto" ? "10G(D)" : speed; }

// `show interface brief`: Ethernet ports, then port-channels, then SVIs, each in its NX-OS table.
std::string renderBrief(const grammar::Match&, const v1::ShowInterfaceStatusReply& r) {
  const std::string rule(80, '-');
  std::string eth, pc, svi;
  for (const auto& i : r.interfaces()) {
    const bool up = i.status() == "connected";
    const std::string vlan = i.mode() == "routed" ? "--" : i.mode() == "trunk" ? i.native_vlan() : i.vlan();
    if (i.port().rfind("Eth", 0) == 0) {
      eth += fmt::format("{:<14}{:<8}{:<5}{:<7}{:<8}{:<25}{:<9}{}\n", i.port(), vlan, "eth", i.mode(),
                         up ? "up" : "down", briefReason(i.status()), speedText(i.speed()),
                         i.channel_group() ? std::to_string(i.channel_group()) : "--");
    } else if (i.port().rfind("Po", 0) == 0) {
      pc += fmt::format("{:<13}{:<8}{:<5}{:<7}{:<8}{:<26}{:<10}{}\n", i.port(), vlan, "eth", i.mode(),
                        up ? "up" : "down", briefReason(i.status()), "a-" + speedText(i.speed()), i.protocol());
    } else if (i.port().rfind("Vlan", 0) == 0) {
      svi += fmt::format("{:<14}{:<40}{:<7}{}\n", i.port(), "--", up ? "up" : "down", up ? "--" : briefReason(i.status()));
    }
  }
  std::string out;
  if (!eth.empty()) {
    out += rule + "\nEthernet      VLAN    Type Mode   Status  Reason                   Speed     Port\n";
    out += "Interface                                                                    Ch #\n" + rule + "\n" + eth;
  }
  if (!pc.empty()) {
    out += "\n" + rule + "\nPort-channel VLAN    Type Mode   Status  Reason                    Speed   Protocol\n";
    out += "Interface\n" + rule + "\n" + pc;
  }
  if (!svi.empty()) {
    out += "\n" + rule + "\nInterface     Secondary VLAN(Type)                    Status Reason\n" + rule + "\n" + svi;
  }
  return out;
}

v1::ShowInterfaceStatusRequest oneInterface(const grammar::Match& m) {
  v1::ShowInterfaceStatusRequest req;
  if (m.hasValue("if")) req.set_interface(m.interface("if").longName());
  return req;
}

// `show interface [IF]`: the NX-OS header lines of an interface, or of every one (no counters: no
// frames are counted here).
std::string renderInterface(const grammar::Match& m, const v1::ShowInterfaceStatusReply& r) {
  const std::string want = m.hasValue("if") ? m.interface("if").longName() : std::string();
  std::string all;
  for (const auto& i : r.interfaces()) {
    if (!want.empty() && i.interface() != want) continue;
    const bool up = i.status() == "connected";
    std::string out = i.interface() + " is " + (up ? "up" : "down");
    if (!up) out += " (" + briefReason(i.status()) + ")";
    out += "\nadmin state is " + std::string(i.admin_up() ? "up" : "down") + ", Dedicated Interface\n";
    if (i.channel_group()) out += "  Belongs to Po" + std::to_string(i.channel_group()) + "\n";
    if (i.peer_link()) out += "  vPC Status: Up, vPC number: peer-link\n";
    else if (i.vpc()) out += "  vPC Status: " + std::string(up ? "Up" : "Down") + ", vPC number: " + std::to_string(i.vpc()) + "\n";
    const bool pc = i.interface().rfind("port-channel", 0) == 0;
    const bool svi = i.interface().rfind("Vlan", 0) == 0;
    out += std::string("  Hardware: ") + (pc ? "Port-Channel" : svi ? "EtherSVI" : "100/1000/10000/25000 Ethernet") + "\n";
    if (i.name() != "--" && !i.name().empty()) out += "  Description: " + i.name() + "\n";
    if (!i.ip_address().empty()) out += "  Internet Address is " + i.ip_address() + "\n";
    out += "  MTU " + std::to_string(i.mtu()) + " bytes, BW 10000000 Kbit, DLY 10 usec\n";
    if (!svi) {
      out += "  Port mode is " + i.mode() + "\n";
      out += "  " + std::string(i.duplex() == "half" ? "half" : "full") + "-duplex, 10 Gb/s\n";
      if (i.mode() == "trunk") out += "  Trunk VLANs: native " + i.native_vlan() + ", allowed " + i.allowed_vlans() + "\n";
      else if (i.mode() == "access") out += "  Access VLAN " + i.vlan() + "\n";
    }
    if (pc) {
      std::string members;
      for (const auto& mbr : i.members()) members += (members.empty() ? "" : ", ") + mbr;
      out += "  Members in this channel: " + (members.empty() ? std::string("none") : members) + "\n";
    }
    if (!up && i.reason_chain_size()) out += "  Reason: " + i.reason_chain(0) + "\n";
    if (!want.empty()) return out;
    all += (all.empty() ? "" : "\n") + out;
  }
  if (want.empty()) return all;
  return "% Invalid interface: " + want + " is not configured\n";
}

void showPortChannels(Backend& sw, const v1::ShowPortChannelSummaryRequest&, v1::ShowPortChannelSummaryReply* out,
                      const Done& done) {
  // A member that speaks LACP shows what its LACP machines say (P, I, s, D, H); the others their port state.
  std::map<InterfaceId, char> lacp_flags;
  for (const auto& m : sw.node().lacp().members()) lacp_flags[m.port] = lacp::flag(m.member);
  for (const auto& pc : portChannels(sw.snapshot())) {
    auto* p = out->add_channels();
    p->set_group(pc.group);
    p->set_port(pc.id.shortName());
    p->set_flags(std::string(pc.switched ? "S" : "R") + (pc.up ? "U" : "D"));
    p->set_type("Eth");
    p->set_protocol(pc.lacp ? "LACP" : "NONE");
    for (const auto& [id, state] : pc.members) {
      auto* m = p->add_members();
      m->set_port(id.shortName());
      const auto l = lacp_flags.find(id);
      m->set_flag(std::string(1, l != lacp_flags.end() ? l->second : memberFlag(state)));
    }
  }
  ok(done);
}

std::string renderPortChannels(const grammar::Match&, const v1::ShowPortChannelSummaryReply& r) {
  std::string out;
  out += "Flags:  D - Down        P - Up in port-channel (members)\n";
  out += "        I - Individual  H - Hot-standby (LACP only)\n";
  out += "        s - Suspended   r - Module-removed\n";
  out += "        b - BFD Session Wait\n";
  out += "        S - Switched    R - Routed\n";
  out += "        U - Up (port-channel)\n";
  out += "        p - Up in delay-lacp mode (member)\n";
  out += "        M - Not in use. Min-links not met\n";
  out += "--------------------------------------------------------------------------------\n";
  out += "Group Port-       Type     Protocol  Member Ports\n";
  out += "      Channel\n";
  out += "--------------------------------------------------------------------------------\n";
  for (const auto& c : r.channels()) {
    // Three members to a line; further lines start under the first member (column 38).
    std::string line = fmt::format("{:<6}{:<12}{:<9}{:<10}", c.group(), c.port() + "(" + c.flags() + ")", c.type(),
                                   c.protocol());
    for (int i = 0; i < c.members_size(); ++i) {
      if (i > 0 && i % 3 == 0) {
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
        line = std::string(37, ' ');
      }
      line += fmt::format("{:<13}", c.members(i).port() + "(" + c.members(i).flag() + ")");
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

void showOrphans(Backend& sw, const v1::ShowVpcOrphanPortsRequest&, v1::ShowVpcOrphanPortsReply* out,
                 const Done& done) {
  for (const auto& v : orphanPorts(sw.node().config())) {
    auto* p = out->add_vlans();
    p->set_vlan(v.vlan);
    for (const auto& id : v.ports) p->add_ports(id.shortName());
  }
  ok(done);
}

std::string renderOrphans(const grammar::Match&, const v1::ShowVpcOrphanPortsReply& r) {
  std::string out;
  out += "Note:\n";
  out += "--------::Going through port database. Please be patient.::--------\n\n";
  out += "VLAN  Orphan Ports\n";
  out += "----  -------------------------------------------------------\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : r.vlans()) {
    std::string ports;
    for (const auto& p : v.ports()) ports += (ports.empty() ? "" : ", ") + p;
    rows.push_back({std::to_string(v.vlan()), ports});
  }
  out += table(rows, {6, 0}, {0, 55});
  return out;
}

template <class Req>
Req none(const grammar::Match&) {
  return {};
}

}  // namespace

void addInterfaceShows(Registry& r) {
  r.rpc<v1::ShowInterfaceStatusRequest, v1::ShowInterfaceStatusReply>("ShowInterfaceStatus", showInterfaces);
  r.verb(kShowInterfaceStatus, "show interface status", "interface status (connected, suspndByV, ...)",
         Verb::Kind::Show, &v1::Management::Stub::ShowInterfaceStatus, none<v1::ShowInterfaceStatusRequest>,
         renderInterfaces);
  r.verb(kShowInterfaceBrief, "show interface brief", "every interface on one line each (NX-OS layout)",
         Verb::Kind::Show, &v1::Management::Stub::ShowInterfaceStatus, none<v1::ShowInterfaceStatusRequest>,
         renderBrief);
  r.verb(kShowInterface, "show interface [ <if:interface> ]", "an interface (or every one): state, mode, MTU, vPC, members",
         Verb::Kind::Show, &v1::Management::Stub::ShowInterfaceStatus, oneInterface, renderInterface);
  r.rpc<v1::ShowPortChannelSummaryRequest, v1::ShowPortChannelSummaryReply>("ShowPortChannelSummary",
                                                                            showPortChannels);
  r.verb(kShowPortChannelSummary, "show port-channel summary", "port-channels and their members", Verb::Kind::Show,
         &v1::Management::Stub::ShowPortChannelSummary, none<v1::ShowPortChannelSummaryRequest>, renderPortChannels);
  r.rpc<v1::ShowVpcOrphanPortsRequest, v1::ShowVpcOrphanPortsReply>("ShowVpcOrphanPorts", showOrphans);
  r.verb(kShowVpcOrphanPorts, "show vpc orphan-ports", "ports on vPC VLANs that are not vPC members",
         Verb::Kind::Show, &v1::Management::Stub::ShowVpcOrphanPorts, none<v1::ShowVpcOrphanPortsRequest>,
         renderOrphans);
}

}  // namespace vpc::mgmt
