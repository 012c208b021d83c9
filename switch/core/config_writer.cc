#include "switch/core/config_writer.h"

#include <sstream>

namespace vpc {

namespace {

void writeDomain(std::ostringstream& o, const VpcDomainConfig& d) {
  const VpcDomainConfig def;
  o << "vpc domain " << d.id << "\n";
  if (d.role_priority != def.role_priority) o << "  role priority " << d.role_priority << "\n";
  if (d.system_priority != def.system_priority) o << "  system-priority " << d.system_priority << "\n";
  if (d.system_mac) o << "  system-mac " << d.system_mac->colon() << "\n";
  if (d.keepalive) {
    const auto& k = *d.keepalive;
    o << "  peer-keepalive destination " << k.destination.str();
    if (k.source) o << " source " << k.source->str();
    if (k.vrf != "management") o << " vrf " << k.vrf;
    if (k.udp_port != 3200) o << " udp-port " << k.udp_port;
    if (k.interval_ms != 1000) o << " interval " << k.interval_ms;
    if (k.timeout_s != 5) o << " timeout " << k.timeout_s;
    if (k.hold_timeout_s != 3) o << " hold-timeout " << k.hold_timeout_s;
    if (k.tos != 192) o << " tos-byte " << k.tos;
    o << "\n";
  }
  if (d.peer_switch) o << "  peer-switch\n";
  if (d.peer_gateway) o << "  peer-gateway\n";
  if (d.layer3_peer_router) o << "  layer3 peer-router\n";
  if (d.arp_synchronize) o << "  ip arp synchronize\n";
  if (d.nd_synchronize) o << "  ipv6 nd synchronize\n";
  if (d.delay_restore_s != def.delay_restore_s) o << "  delay restore " << d.delay_restore_s << "\n";
  if (d.delay_restore_svi_s != def.delay_restore_svi_s)
    o << "  delay restore interface-vlan " << d.delay_restore_svi_s << "\n";
  if (d.delay_restore_orphan_s != def.delay_restore_orphan_s)
    o << "  delay restore orphan-port " << d.delay_restore_orphan_s << "\n";
  if (d.auto_recovery) {
    o << "  auto-recovery";
    if (d.auto_recovery_reload_delay_s != def.auto_recovery_reload_delay_s)
      o << " reload-delay " << d.auto_recovery_reload_delay_s;
    o << "\n";
  }
  if (!d.graceful_consistency_check) o << "  no graceful consistency-check\n";
  if (!d.dual_active_exclude_svi.empty())
    o << "  dual-active exclude interface-vlan " << d.dual_active_exclude_svi.str() << "\n";
}

void writeInterface(std::ostringstream& o, const InterfaceConfig& ic, ConfigSection section) {
  const InterfaceConfig def;
  const IfKind kind = ic.id.kind();
  const bool l2 = kind == IfKind::Ethernet || kind == IfKind::PortChannel;
  o << "\ninterface " << ic.id.longName() << "\n";
  if (section == ConfigSection::Vpc) {
    if (ic.vpc_peer_link) o << "  vpc peer-link\n";
    if (ic.vpc_id) o << "  vpc " << *ic.vpc_id << "\n";
    if (ic.orphan_port_suspend) o << "  vpc orphan-port suspend\n";
    return;
  }
  if (!ic.description.empty()) o << "  description " << ic.description << "\n";
  if (l2) {
    if (!ic.switchport) o << "  no switchport\n";
    if (ic.mode == PortMode::Trunk) o << "  switchport mode trunk\n";
    if (ic.mode == PortMode::Access && ic.access_vlan != 1) o << "  switchport access vlan " << ic.access_vlan << "\n";
    if (ic.native_vlan != 1) o << "  switchport trunk native vlan " << ic.native_vlan << "\n";
    if (!(ic.trunk_allowed == VlanSet::all())) o << "  switchport trunk allowed vlan " << ic.trunk_allowed.str("none") << "\n";
    if (ic.speed != "auto") o << "  speed " << ic.speed << "\n";
    if (ic.duplex != "auto") o << "  duplex " << ic.duplex << "\n";
  }
  if (ic.stp_port_type != "default") o << "  spanning-tree port type " << ic.stp_port_type << "\n";
  if (ic.mtu != def.mtu) o << "  mtu " << ic.mtu << "\n";
  if (ic.channel_group) {
    o << "  channel-group " << *ic.channel_group;
    if (ic.channel_mode != ChannelMode::On) o << " mode " << toString(ic.channel_mode);
    o << "\n";
  }
  if (ic.lacp_rate_fast) o << "  lacp rate fast\n";
  if (!ic.lacp_suspend_individual) o << "  no lacp suspend-individual\n";
  if (ic.lacp_max_bundle != InterfaceConfig{}.lacp_max_bundle) o << "  lacp max-bundle " << ic.lacp_max_bundle << "\n";
  if (ic.vpc_peer_link) o << "  vpc peer-link\n";
  if (ic.vpc_id) o << "  vpc " << *ic.vpc_id << "\n";
  if (ic.orphan_port_suspend) o << "  vpc orphan-port suspend\n";
  if (!ic.vrf.empty()) o << "  vrf member " << ic.vrf << "\n";
  if (!ic.ip_address.empty()) o << "  ip address " << ic.ip_address << "\n";
  const bool default_shut = kind == IfKind::Vlan;
  if (ic.shutdown && !default_shut) o << "  shutdown\n";
  if (!ic.shutdown && default_shut) o << "  no shutdown\n";
}

}  // namespace

std::string writeConfig(const SwitchConfig& c, ConfigSection section) {
  std::ostringstream o;
  o << "!Command: show running-config" << (section == ConfigSection::Vpc ? " vpc" : "") << "\n";
  o << "!Running configuration of " << c.hostname << " (vpclab)\n\n";
  if (section == ConfigSection::All) o << "hostname " << c.hostname << "\n";
  for (const auto& f : c.features) {
    if (section == ConfigSection::Vpc && f != "vpc") continue;
    o << "feature " << f << "\n";
  }
  if (section == ConfigSection::All) {
    if (c.nxapi_http_port != 80) o << "nxapi http port " << c.nxapi_http_port << "\n";
    for (const auto& [name, u] : c.users) {
      o << "username " << name;
      if (!u.password_hash.empty()) o << " password 5 " << u.password_hash;
      o << " role " << roleName(u.role) << "\n";
      for (const auto& k : u.ssh_keys) o << "username " << name << " sshkey " << k << "\n";
    }
    o << "\nvlan " << c.vlans.str() << "\n";
    for (const auto& [id, name] : c.vlan_names) o << "vlan " << id << "\n  name " << name << "\n";
    const auto& s = c.stp;
    const StpConfig def;
    o << "spanning-tree mode " << s.mode << "\n";
    if (!s.bridge_assurance) o << "no spanning-tree bridge assurance\n";
    if (s.loopguard_default) o << "spanning-tree loopguard default\n";
    if (s.port_type_default != "normal") o << "spanning-tree port type " << s.port_type_default << " default\n";
    if (s.bpduguard_default) o << "spanning-tree port type edge bpduguard default\n";
    if (s.bpdufilter_default) o << "spanning-tree port type edge bpdufilter default\n";
    if (!s.disabled_vlans.empty()) o << "no spanning-tree vlan " << s.disabled_vlans.str() << "\n";
    if (!s.mst_name.empty() || s.mst_revision != 0 || !s.mst_instances.empty()) {
      o << "spanning-tree mst configuration\n";
      if (!s.mst_name.empty()) o << "  name " << s.mst_name << "\n";
      if (s.mst_revision != 0) o << "  revision " << s.mst_revision << "\n";
      for (const auto& [inst, vlans] : s.mst_instances) o << "  instance " << inst << " vlan " << vlans.str() << "\n";
    }
    if (c.mac_aging_s != 1800) o << "mac address-table aging-time " << c.mac_aging_s << "\n";
    for (const auto& [key, m] : c.static_macs)
      o << "mac address-table static " << m.mac.dotted() << " vlan " << m.vlan << " interface " << m.iface.longName()
        << "\n";
  }
  if (c.vpc_domain) {
    o << "\n";
    writeDomain(o, *c.vpc_domain);
  }
  // NX-OS lists SVIs first, then port-channels, then Ethernet ports, then mgmt0.
  for (const IfKind kind : {IfKind::Vlan, IfKind::PortChannel, IfKind::Ethernet, IfKind::Mgmt}) {
    for (const auto& [id, ic] : c.interfaces) {
      if (id.kind() != kind) continue;
      if (section == ConfigSection::Vpc && !ic.vpc_peer_link && !ic.vpc_id && !ic.orphan_port_suspend) continue;
      writeInterface(o, ic, section);
    }
  }
  if (section == ConfigSection::All) {
    const auto& e = c.emulator;
    o << "\nemulator\n";
    if (e.local_mac) o << "  local-mac " << e.local_mac->colon() << "\n";
    o << "  management " << e.management << "\n";
    if (!e.peer_link_listen.empty()) {
      // The liveness timers only where they differ from the defaults, as NX-OS shows its own settings.
      const EmulatorConfig defaults;
      o << "  peer-link listen " << e.peer_link_listen << " peer " << e.peer_link_peer;
      if (e.heartbeat_ms != defaults.heartbeat_ms || e.heartbeat_timeout_ms != defaults.heartbeat_timeout_ms)
        o << " heartbeat " << e.heartbeat_ms << " timeout " << e.heartbeat_timeout_ms;
      o << "\n";
    }
    for (const auto& [id, b] : e.ports) o << "  port " << id.longName() << " link " << b.link << "\n";
    if (e.tls) o << "  tls certificate " << e.tls->certificate << " key " << e.tls->key << " ca " << e.tls->ca << "\n";
    if (!e.keepalive_key.empty()) o << "  keepalive-key " << e.keepalive_key << "\n";
    if (e.ssh_port != 22) o << "  ssh-port " << e.ssh_port << "\n";
    if (!e.ssh_host_key.empty()) o << "  ssh-host-key " << e.ssh_host_key << "\n";
  }
  return o.str();
}

std::string writeInterfaceConfig(const SwitchConfig& c, InterfaceId id) {
  std::ostringstream o;
  o << "!Command: show running-config interface " << id.longName() << "\n";
  o << "!Running configuration of " << c.hostname << " (vpclab)\n\n";
  if (const auto* ic = c.interface(id)) writeInterface(o, *ic, ConfigSection::All);
  else o << "interface " << id.longName() << "\n";
  return o.str();
}

}  // namespace vpc
