#include "switch/cli/commands.h"

#include <stdexcept>

namespace vpc::cli {

namespace {
grammar::Grammar build(bool shell) {
  grammar::Grammar g;
  struct Spec {
    Command id;
    const char* spec;
    const char* help;
  };
  const Spec specs[] = {
      {kShowVpc, "show vpc", "vPC status"},
      {kShowVpcBrief, "show vpc brief", "vPC status (same as show vpc)"},
      {kShowVpcRole, "show vpc role", "vPC role status"},
      {kShowVpcPeerKeepalive, "show vpc peer-keepalive", "peer-keepalive status"},
      {kShowVpcSync, "show vpc sync", "MAC/ARP sync over the peer-link (emulator)"},
      {kShowMac,
       "show mac address-table { vlan <vlan:1-4094> | address <address:mac> | interface <interface:interface> | "
       "dynamic | static | count }*",
       "MAC address table"},
      {kShowIpArp, "show ip arp [ vlan <vlan:1-4094> ]", "ARP table"},
      {kShowVersion, "show version", "emulator version and uptime"},
      {kEvents, "events { --follow | follow | last <last:1-1000000> }*", "state-change events as NDJSON"},
      {kLearnMac,
       "learn mac <mac:mac> [ count <count:1-1000000> ] vlan <vlan:1-4094> interface <interface:interface> [ static ]",
       "learn MACs as if frames arrived on an interface (emulator)"},
      {kLearnArp, "learn arp <ip:ipv4> [ count <count:1-1000000> ] mac <mac:mac> vlan <vlan:1-4094>",
       "learn ARP entries on an SVI (emulator)"},
      {kClearMac, "clear mac address-table dynamic", "remove dynamic MACs this switch learned"},
      {kClearArp, "clear ip arp", "remove ARP entries this switch learned"},
      {kShowVpcConsistency,
       "show vpc consistency-parameters { global | vpc <vpc:1-4096> | vlans | interface <interface:interface> }",
       "vPC consistency parameters, local and peer values"},
      {kShowVpcStatisticsKeepalive, "show vpc statistics peer-keepalive", "peer-keepalive counters"},
      {kShowInterfaceStatus, "show interface status", "interface status (connected, suspndByV, ...)"},
      {kVpcRolePreempt, "vpc role preempt", "re-elect roles from role priorities without flapping"},
      {kShowVpcOrphanPorts, "show vpc orphan-ports", "ports on vPC VLANs that are not vPC members"},
      {kShowPortChannelSummary, "show port-channel summary", "port-channels and their members"},
      {kShowRunningConfig, "show running-config [ vpc ]", "the running configuration (NX-OS syntax)"},
      {kShowVpcHistory, "show vpc history [ last <last:1-4096> ]", "the last state changes and their reasons"},
      {kShowPeerLinkMessages, "show peer-link messages [ last <last:1-256> ]",
       "the last messages on the peer-link (emulator)"},
      {kExplain, "explain { vpc <vpc:1-4096> | interface <interface:interface> | vlan <vlan:1-4094> | peer-link | role }",
       "why something is the way it is: cause chain, rules, events"},
  };
  for (const auto& s : specs) {
    if (auto err = g.add(s.id, s.spec, s.help)) throw std::logic_error("exec grammar: " + *err);
  }
  if (shell) {
    const Spec shell_specs[] = {
        {kConfigureTerminal, "configure [ terminal ]", "enter configuration mode"},
        {kExit, "exit", "leave the shell"},
        {kQuit, "quit", "leave the shell"},
        {kEnd, "end", "stay in exec mode"},
    };
    for (const auto& s : shell_specs) {
      if (auto err = g.add(s.id, s.spec, s.help)) throw std::logic_error("shell grammar: " + *err);
    }
  }
  return g;
}
}  // namespace

const grammar::Grammar& execGrammar() {
  static const grammar::Grammar g = build(false);
  return g;
}

const grammar::Grammar& shellExecGrammar() {
  static const grammar::Grammar g = build(true);
  return g;
}

}  // namespace vpc::cli
