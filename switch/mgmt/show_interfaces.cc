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

void showInterfaces(Backend& sw, const v1::ShowInterfaceStatusRequest&, v1::ShowInterfaceStatusReply* out,
                    const Done& done) {
  for (const auto& row : interfaceRows(sw.snapshot())) {
    auto* p = out->add_interfaces();
    p->set_port(row.id.shortName());
    p->set_name(row.description.empty() ? "--" : row.description);
    p->set_status(std::string(toString(row.state)));
    p->set_vlan(row.routed ? "routed" : (row.access_vlan ? std::to_string(*row.access_vlan) : "trunk"));
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
