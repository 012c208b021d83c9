#include "switch/core/config_parser.h"

#include <algorithm>
#include <cctype>
#include <functional>

#include "switch/core/grammar.h"

namespace vpc {

std::string_view toString(PortMode m) { return m == PortMode::Trunk ? "trunk" : "access"; }
std::string_view toString(ChannelMode m) {
  switch (m) {
    case ChannelMode::On: return "on";
    case ChannelMode::Active: return "active";
    case ChannelMode::Passive: return "passive";
  }
  return "?";
}

const InterfaceConfig* SwitchConfig::peerLink() const {
  for (const auto& [id, ic] : interfaces)
    if (ic.vpc_peer_link) return &ic;
  return nullptr;
}

const InterfaceConfig* SwitchConfig::vpcPort(std::uint32_t vpc_id) const {
  for (const auto& [id, ic] : interfaces)
    if (ic.vpc_id && *ic.vpc_id == vpc_id) return &ic;
  return nullptr;
}

std::vector<InterfaceId> SwitchConfig::members(std::uint32_t port_channel) const {
  std::vector<InterfaceId> out;
  for (const auto& [id, ic] : interfaces)
    if (ic.channel_group && *ic.channel_group == port_channel) out.push_back(id);
  return out;
}

std::string ConfigError::format() const {
  std::string out = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": error: " + message;
  if (!text.empty()) {
    out += "\n  " + text + "\n  " + std::string(column > 0 ? static_cast<std::size_t>(column - 1) : 0, ' ') + "^";
  }
  return out;
}

namespace {

enum class Mode { Global, VpcDomain, Interface, Vlan, Emulator };

std::string_view modeName(Mode m) {
  switch (m) {
    case Mode::Global: return "global configuration";
    case Mode::VpcDomain: return "vpc domain";
    case Mode::Interface: return "interface";
    case Mode::Vlan: return "vlan";
    case Mode::Emulator: return "emulator";
  }
  return "?";
}

enum Cmd : int {
  // global
  kHostname, kFeature, kNoFeature, kVlan, kStpMode, kVpcDomain, kInterface, kEmulator, kMacAging,
  // vlan
  kVlanName,
  // vpc domain
  kRolePriority, kSystemPriority, kSystemMac, kPeerKeepalive, kPeerGateway, kNoPeerGateway, kPeerSwitch,
  kNoPeerSwitch, kL3PeerRouter, kArpSync, kNoArpSync, kNdSync, kDelayRestore, kDelayRestoreSvi,
  kDelayRestoreOrphan, kAutoRecovery, kNoAutoRecovery, kGracefulCc, kNoGracefulCc, kDualActiveExclude,
  // interface
  kDescription, kShutdown, kNoShutdown, kSwitchport, kNoSwitchport, kSwMode, kAccessVlan, kTrunkAllowed,
  kTrunkAllowedAdd, kTrunkAllowedRemove, kTrunkNative, kMtu, kSpeed, kDuplex, kChannelGroup, kVpcPeerLink,
  kVpcId, kOrphanSuspend, kIpAddress, kVrfMember, kStpPortType,
  // emulator
  kLocalMac, kManagement, kPeerLinkEmu,
};

struct Grammars {
  grammar::Grammar global, domain, interface, vlan, emulator;

  Grammars() {
    auto add = [](grammar::Grammar& g, int id, const char* spec) {
      auto err = g.add(id, spec);
      (void)err;  // the specs below are covered by the parser tests, which fail on a bad spec
    };
    add(global, kHostname, "hostname <name:word>");
    add(global, kFeature, "feature <name:word>");
    add(global, kNoFeature, "no feature <name:word>");
    add(global, kVlan, "vlan <vlans:vlans>");
    add(global, kStpMode, "spanning-tree mode { rapid-pvst | mst }");
    add(global, kVpcDomain, "vpc domain <id:1-1000>");
    add(global, kInterface, "interface <if:interface>");
    add(global, kEmulator, "emulator");
    add(global, kMacAging, "mac address-table aging-time <seconds:0-918000>");

    add(vlan, kVlanName, "name <name:word>");

    add(domain, kRolePriority, "role priority <priority:1-65535>");
    add(domain, kSystemPriority, "system-priority <priority:1-65535>");
    add(domain, kSystemMac, "system-mac <mac:mac>");
    add(domain, kPeerKeepalive,
        "peer-keepalive destination <destination:ipv4> { source <source:ipv4> | vrf <vrf:word> | "
        "udp-port <udp-port:1024-65000> | interval <interval:400-10000> | timeout <timeout:3-20> | "
        "hold-timeout <hold-timeout:3-10> | precedence <precedence:0-7> | tos-byte <tos-byte:0-255> }*");
    add(domain, kPeerGateway, "peer-gateway");
    add(domain, kNoPeerGateway, "no peer-gateway");
    add(domain, kPeerSwitch, "peer-switch");
    add(domain, kNoPeerSwitch, "no peer-switch");
    add(domain, kL3PeerRouter, "layer3 peer-router");
    add(domain, kArpSync, "ip arp synchronize");
    add(domain, kNoArpSync, "no ip arp synchronize");
    add(domain, kNdSync, "ipv6 nd synchronize");
    add(domain, kDelayRestore, "delay restore <seconds:1-3600>");
    add(domain, kDelayRestoreSvi, "delay restore interface-vlan <seconds:1-3600>");
    add(domain, kDelayRestoreOrphan, "delay restore orphan-port <seconds:0-300>");
    add(domain, kAutoRecovery, "auto-recovery [ reload-delay <seconds:240-3600> ]");
    add(domain, kNoAutoRecovery, "no auto-recovery");
    add(domain, kGracefulCc, "graceful consistency-check");
    add(domain, kNoGracefulCc, "no graceful consistency-check");
    add(domain, kDualActiveExclude, "dual-active exclude interface-vlan <vlans:vlans>");

    add(interface, kDescription, "description <text:line>");
    add(interface, kShutdown, "shutdown");
    add(interface, kNoShutdown, "no shutdown");
    add(interface, kSwitchport, "switchport");
    add(interface, kNoSwitchport, "no switchport");
    add(interface, kSwMode, "switchport mode { access | trunk }");
    add(interface, kAccessVlan, "switchport access vlan <vlan:1-4094>");
    add(interface, kTrunkAllowed, "switchport trunk allowed vlan <vlans:vlans>");
    add(interface, kTrunkAllowedAdd, "switchport trunk allowed vlan add <vlans:vlans>");
    add(interface, kTrunkAllowedRemove, "switchport trunk allowed vlan remove <vlans:vlans>");
    add(interface, kTrunkNative, "switchport trunk native vlan <vlan:1-4094>");
    add(interface, kMtu, "mtu <mtu:576-9216>");
    add(interface, kSpeed, "speed { auto | 100 | 1000 | 10000 | 25000 | 40000 | 100000 }");
    add(interface, kDuplex, "duplex { auto | full | half }");
    add(interface, kChannelGroup, "channel-group <group:1-4096> [ mode { active | passive | on } ]");
    add(interface, kVpcPeerLink, "vpc peer-link");
    add(interface, kVpcId, "vpc <vpc:1-4096>");
    add(interface, kOrphanSuspend, "vpc orphan-port suspend");
    add(interface, kIpAddress, "ip address <address:word>");
    add(interface, kVrfMember, "vrf member <vrf:word>");
    add(interface, kStpPortType, "spanning-tree port type { edge | network | normal } [ trunk ]");

    add(emulator, kLocalMac, "local-mac <mac:mac>");
    add(emulator, kManagement, "management <address:hostport>");
    add(emulator, kPeerLinkEmu,
        "peer-link listen <listen:hostport> peer <peer:hostport> [ heartbeat <heartbeat:10-10000> ] "
        "[ timeout <timeout:30-60000> ]");
  }

  const grammar::Grammar& of(Mode m) const {
    switch (m) {
      case Mode::Global: return global;
      case Mode::VpcDomain: return domain;
      case Mode::Interface: return interface;
      case Mode::Vlan: return vlan;
      case Mode::Emulator: return emulator;
    }
    return global;
  }
};

const std::set<std::string> kKnownFeatures = {"vpc",  "lacp", "interface-vlan", "hsrp", "vrrp",
                                               "lldp", "udld", "bfd",            "ospf", "bgp"};

bool validCidr(const std::string& s) {
  const auto slash = s.find('/');
  if (slash == std::string::npos) return false;
  auto len = parseUint(std::string_view(s).substr(slash + 1));
  return Ipv4::parse(std::string_view(s).substr(0, slash)) && len && *len <= 32;
}

class Parser {
 public:
  Parser(std::string_view file) : file_(file) {}

  ConfigParseResult run(std::string_view text) {
    std::size_t pos = 0;
    int line_no = 0;
    while (pos <= text.size() && !error_) {
      std::size_t nl = text.find('\n', pos);
      if (nl == std::string_view::npos) nl = text.size();
      std::string_view raw = text.substr(pos, nl - pos);
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      ++line_no;
      line(raw, line_no);
      if (nl == text.size()) break;
      pos = nl + 1;
    }
    if (!error_) finish(last_content_line_ ? last_content_line_ : 1);
    ConfigParseResult r;
    if (error_) r.error = error_;
    else r.config = std::move(cfg_);
    return r;
  }

 private:
  void fail(int line_no, std::size_t column, std::string message) {
    if (error_) return;
    error_ = ConfigError{std::string(file_), line_no, static_cast<int>(column), std::move(message), current_text_};
  }

  void line(std::string_view raw, int line_no) {
    std::size_t indent = 0;
    while (indent < raw.size() && (raw[indent] == ' ' || raw[indent] == '\t')) ++indent;
    if (indent == raw.size() || raw[indent] == '!') return;  // blank or comment
    last_content_line_ = line_no;
    current_text_ = std::string(raw);
    current_line_ = line_no;
    if (indent == 0) {
      mode_ = Mode::Global;
    } else if (mode_ == Mode::Global) {
      fail(line_no, indent + 1, "indented line outside any block");
      return;
    }
    auto result = grammars_.of(mode_).match(raw);
    if (auto* err = std::get_if<grammar::MatchError>(&result)) {
      std::string msg;
      switch (err->kind) {
        case grammar::MatchError::Kind::BadValue: msg = err->message; break;
        case grammar::MatchError::Kind::Ambiguous: msg = "ambiguous command '" + err->token + "'"; break;
        case grammar::MatchError::Kind::Incomplete: msg = "incomplete command"; break;
        default:
          msg = err->token.empty() ? "invalid command"
                                   : "invalid or unsupported command at '" + err->token + "' in " +
                                         std::string(modeName(mode_)) + " mode";
      }
      fail(line_no, err->column, msg);
      return;
    }
    apply(std::get<grammar::Match>(result), indent + 1);
  }

  // Column of the n-th token of the current line (1-based).
  std::size_t col(std::size_t token_index) const {
    auto toks = grammar::tokenize(current_text_);
    return token_index < toks.size() ? toks[token_index].column : 1;
  }

  InterfaceConfig& iface() { return cfg_.interfaces.at(current_if_); }

  void ensurePortChannel(std::uint32_t n) {
    const auto id = InterfaceId::portChannel(n);
    if (!cfg_.interfaces.count(id)) {
      InterfaceConfig pc;
      pc.id = id;
      pc.line = current_line_;
      cfg_.interfaces.emplace(id, pc);
    }
  }

  void apply(const grammar::Match& m, std::size_t first_col) {
    const int ln = current_line_;
    switch (m.command) {
      case kHostname: cfg_.hostname = m.text("name"); break;
      case kFeature:
        if (!kKnownFeatures.count(toLower(m.text("name")))) {
          fail(ln, col(1), "unknown feature '" + m.text("name") + "'");
          return;
        }
        cfg_.features.insert(toLower(m.text("name")));
        break;
      case kNoFeature: cfg_.features.erase(toLower(m.text("name"))); break;
      case kVlan:
        cfg_.vlans = cfg_.vlans | m.vlans("vlans");
        current_vlans_ = m.vlans("vlans");
        mode_ = Mode::Vlan;
        break;
      case kVlanName:
        for (auto v : current_vlans_.ids()) cfg_.vlan_names[v] = m.text("name");
        break;
      case kStpMode: cfg_.stp_mode = m.has("mst") ? "mst" : "rapid-pvst"; break;
      case kMacAging: {
        const auto s = m.number("seconds");
        if (s != 0 && s < 120) {
          fail(ln, col(3), "aging-time " + std::to_string(s) + " out of range (0, or 120-918000)");
          return;
        }
        cfg_.mac_aging_s = static_cast<std::uint32_t>(s);
        break;
      }
      case kVpcDomain: {
        if (!cfg_.feature("vpc")) {
          fail(ln, first_col, "vpc domain needs 'feature vpc' first");
          return;
        }
        const auto id = static_cast<std::uint32_t>(m.number("id"));
        if (cfg_.vpc_domain && cfg_.vpc_domain->id != id) {
          fail(ln, col(2), "only one vPC domain is allowed (domain " + std::to_string(cfg_.vpc_domain->id) +
                               " is already configured)");
          return;
        }
        if (!cfg_.vpc_domain) cfg_.vpc_domain.emplace().id = id;
        mode_ = Mode::VpcDomain;
        break;
      }
      case kInterface: {
        const auto id = m.interface("if");
        if (id.kind() == IfKind::Vlan && !cfg_.feature("interface-vlan")) {
          fail(ln, col(1), "interface " + id.longName() + " needs 'feature interface-vlan' first");
          return;
        }
        auto [it, inserted] = cfg_.interfaces.try_emplace(id);
        if (inserted) {
          it->second.id = id;
          it->second.line = ln;
          if (id.kind() == IfKind::Vlan || id.kind() == IfKind::Mgmt) it->second.switchport = false;
          if (id.kind() == IfKind::Vlan) it->second.shutdown = true;  // SVIs start shut on NX-OS
        }
        current_if_ = id;
        mode_ = Mode::Interface;
        break;
      }
      case kEmulator:
        mode_ = Mode::Emulator;
        saw_emulator_ = true;
        emulator_line_ = ln;
        break;
      default:
        if (mode_ == Mode::VpcDomain) applyDomain(m, ln);
        else if (mode_ == Mode::Interface) applyInterface(m, ln, first_col);
        else if (mode_ == Mode::Emulator) applyEmulator(m);
    }
  }

  void applyDomain(const grammar::Match& m, int ln) {
    auto& d = *cfg_.vpc_domain;
    auto u32 = [&](const char* p) { return static_cast<std::uint32_t>(m.number(p)); };
    switch (m.command) {
      case kRolePriority: d.role_priority = u32("priority"); break;
      case kSystemPriority: d.system_priority = u32("priority"); break;
      case kSystemMac: {
        const auto mac = m.mac("mac");
        if (mac.isMulticast() || mac.value == 0) {
          fail(ln, col(1), "system-mac " + mac.colon() + " must be a unicast address");
          return;
        }
        d.system_mac = mac;
        break;
      }
      case kPeerKeepalive: {
        KeepaliveSettings k;
        k.destination = m.ipv4("destination");
        if (m.has("source")) k.source = m.ipv4("source");
        if (m.has("vrf")) k.vrf = m.text("vrf");
        if (auto v = m.numberOr("udp-port")) k.udp_port = static_cast<std::uint32_t>(*v);
        if (auto v = m.numberOr("interval")) k.interval_ms = static_cast<std::uint32_t>(*v);
        if (auto v = m.numberOr("timeout")) k.timeout_s = static_cast<std::uint32_t>(*v);
        if (auto v = m.numberOr("hold-timeout")) k.hold_timeout_s = static_cast<std::uint32_t>(*v);
        if (auto v = m.numberOr("precedence")) k.tos = static_cast<std::uint32_t>(*v) << 5;
        if (auto v = m.numberOr("tos-byte")) k.tos = static_cast<std::uint32_t>(*v);
        if (k.source && *k.source == k.destination) {
          fail(ln, col(2), "peer-keepalive destination and source are the same address");
          return;
        }
        d.keepalive = k;
        break;
      }
      case kPeerGateway: d.peer_gateway = true; break;
      case kNoPeerGateway: d.peer_gateway = false; break;
      case kPeerSwitch: d.peer_switch = true; break;
      case kNoPeerSwitch: d.peer_switch = false; break;
      case kL3PeerRouter: d.layer3_peer_router = true; break;
      case kArpSync: d.arp_synchronize = true; break;
      case kNoArpSync: d.arp_synchronize = false; break;
      case kNdSync: d.nd_synchronize = true; break;
      case kDelayRestore: d.delay_restore_s = u32("seconds"); break;
      case kDelayRestoreSvi: d.delay_restore_svi_s = u32("seconds"); break;
      case kDelayRestoreOrphan: d.delay_restore_orphan_s = u32("seconds"); break;
      case kAutoRecovery:
        d.auto_recovery = true;
        if (auto v = m.numberOr("seconds")) d.auto_recovery_reload_delay_s = static_cast<std::uint32_t>(*v);
        break;
      case kNoAutoRecovery: d.auto_recovery = false; break;
      case kGracefulCc: d.graceful_consistency_check = true; break;
      case kNoGracefulCc: d.graceful_consistency_check = false; break;
      case kDualActiveExclude: d.dual_active_exclude_svi = m.vlans("vlans"); break;
      default: break;
    }
  }

  void applyInterface(const grammar::Match& m, int ln, std::size_t first_col) {
    auto& ic = iface();
    const IfKind kind = ic.id.kind();
    const bool l2_port = kind == IfKind::Ethernet || kind == IfKind::PortChannel;
    auto needL2 = [&]() {
      if (l2_port) return true;
      fail(ln, first_col, "not supported on " + ic.id.longName() + " (only on Ethernet and port-channel interfaces)");
      return false;
    };
    switch (m.command) {
      case kDescription: ic.description = m.text("text"); break;
      case kShutdown: ic.shutdown = true; break;
      case kNoShutdown: ic.shutdown = false; break;
      case kSwitchport:
        if (needL2()) ic.switchport = true;
        break;
      case kNoSwitchport:
        if (needL2()) ic.switchport = false;
        break;
      case kSwMode:
        if (needL2()) ic.mode = m.has("trunk") ? PortMode::Trunk : PortMode::Access;
        break;
      case kAccessVlan:
        if (needL2()) ic.access_vlan = static_cast<std::uint16_t>(m.number("vlan"));
        break;
      case kTrunkAllowed:
        if (needL2()) ic.trunk_allowed = m.vlans("vlans");
        break;
      case kTrunkAllowedAdd:
        if (needL2()) ic.trunk_allowed = ic.trunk_allowed | m.vlans("vlans");
        break;
      case kTrunkAllowedRemove:
        if (needL2()) ic.trunk_allowed = ic.trunk_allowed.minus(m.vlans("vlans"));
        break;
      case kTrunkNative:
        if (needL2()) ic.native_vlan = static_cast<std::uint16_t>(m.number("vlan"));
        break;
      case kMtu: ic.mtu = static_cast<std::uint32_t>(m.number("mtu")); break;
      case kSpeed:
        if (needL2()) {
          for (const char* v : {"auto", "100", "1000", "10000", "25000", "40000", "100000"})
            if (m.has(v)) ic.speed = v;
        }
        break;
      case kDuplex:
        if (needL2()) {
          for (const char* d : {"auto", "full", "half"})
            if (m.has(d)) ic.duplex = d;
        }
        break;
      case kChannelGroup: {
        if (kind != IfKind::Ethernet) {
          fail(ln, first_col, "channel-group is only allowed on Ethernet interfaces");
          return;
        }
        const ChannelMode mode = m.has("active") ? ChannelMode::Active
                                 : m.has("passive") ? ChannelMode::Passive
                                                    : ChannelMode::On;
        if (mode != ChannelMode::On && !cfg_.feature("lacp")) {
          fail(ln, first_col, "channel-group mode " + std::string(toString(mode)) + " needs 'feature lacp' first");
          return;
        }
        if (ic.orphan_port_suspend) {
          fail(ln, first_col, "a port-channel member cannot be a 'vpc orphan-port suspend' port");
          return;
        }
        const auto group = static_cast<std::uint32_t>(m.number("group"));
        ic.channel_group = group;
        ic.channel_mode = mode;
        ensurePortChannel(group);
        break;
      }
      case kVpcPeerLink:
        if (!requireVpc(ln, first_col)) return;
        if (kind != IfKind::PortChannel) {
          fail(ln, first_col, "vpc peer-link is only allowed on a port-channel");
          return;
        }
        if (ic.vpc_id) {
          fail(ln, first_col, ic.id.longName() + " is already vPC " + std::to_string(*ic.vpc_id));
          return;
        }
        if (auto* other = cfg_.peerLink(); other && other->id != ic.id) {
          fail(ln, first_col, "the vPC peer-link is already " + other->id.longName());
          return;
        }
        ic.vpc_peer_link = true;
        break;
      case kVpcId: {
        if (!requireVpc(ln, first_col)) return;
        if (kind != IfKind::PortChannel) {
          fail(ln, first_col, "vpc <number> is only allowed on a port-channel");
          return;
        }
        if (ic.vpc_peer_link) {
          fail(ln, first_col, ic.id.longName() + " is the vPC peer-link");
          return;
        }
        const auto id = static_cast<std::uint32_t>(m.number("vpc"));
        if (auto* other = cfg_.vpcPort(id); other && other->id != ic.id) {
          fail(ln, col(1), "vPC " + std::to_string(id) + " is already configured on " + other->id.longName());
          return;
        }
        ic.vpc_id = id;
        break;
      }
      case kOrphanSuspend:
        if (!requireVpc(ln, first_col)) return;
        if (kind != IfKind::Ethernet || ic.channel_group) {
          fail(ln, first_col, "vpc orphan-port suspend is only allowed on Ethernet ports outside port-channels");
          return;
        }
        ic.orphan_port_suspend = true;
        break;
      case kIpAddress:
        if (l2_port && ic.switchport) {
          fail(ln, first_col, "ip address needs 'no switchport' on " + ic.id.longName());
          return;
        }
        if (!validCidr(m.text("address"))) {
          fail(ln, col(2), "invalid address '" + m.text("address") + "' (expected A.B.C.D/len)");
          return;
        }
        ic.ip_address = m.text("address");
        break;
      case kVrfMember: ic.vrf = m.text("vrf"); break;
      case kStpPortType: break;  // accepted; carried into consistency parameters later
      default: break;
    }
  }

  bool requireVpc(int ln, std::size_t column) {
    if (cfg_.feature("vpc")) return true;
    fail(ln, column, "needs 'feature vpc' first");
    return false;
  }

  void applyEmulator(const grammar::Match& m) {
    auto& e = cfg_.emulator;
    switch (m.command) {
      case kLocalMac: {
        const auto mac = m.mac("mac");
        if (mac.isMulticast() || mac.value == 0) {
          fail(current_line_, col(1), "local-mac " + mac.colon() + " must be a unicast address");
          return;
        }
        e.local_mac = mac;
        break;
      }
      case kManagement: e.management = m.text("address"); break;
      case kPeerLinkEmu:
        e.peer_link_listen = m.text("listen");
        e.peer_link_peer = m.text("peer");
        if (auto v = m.numberOr("heartbeat")) e.heartbeat_ms = static_cast<std::uint32_t>(*v);
        if (auto v = m.numberOr("timeout")) e.heartbeat_timeout_ms = static_cast<std::uint32_t>(*v);
        if (e.heartbeat_timeout_ms < 2 * e.heartbeat_ms) {
          fail(current_line_, col(0), "peer-link timeout " + std::to_string(e.heartbeat_timeout_ms) +
                                          " ms must be at least twice the heartbeat (" +
                                          std::to_string(e.heartbeat_ms) + " ms)");
          return;
        }
        break;
      default: break;
    }
  }

  // Whole-config checks, after the last line.
  void finish(int last_line) {
    current_text_.clear();
    if (!saw_emulator_) {
      fail(last_line, 1, "missing 'emulator' block (local-mac, management, peer-link)");
      return;
    }
    if (!cfg_.emulator.local_mac) {
      fail(emulator_line_, 1, "the emulator block needs 'local-mac <mac>'");
      return;
    }
    if (cfg_.vpc_domain && cfg_.peerLink() && cfg_.emulator.peer_link_listen.empty()) {
      fail(emulator_line_, 1, "the emulator block needs 'peer-link listen <addr:port> peer <addr:port>'");
      return;
    }
    for (const auto& [id, ic] : cfg_.interfaces) {
      if (ic.channel_group) {
        const auto* pc = cfg_.interface(InterfaceId::portChannel(*ic.channel_group));
        if (pc && pc->vpc_id && ic.orphan_port_suspend) {
          fail(ic.line, 1, ic.id.longName() + " is a vPC member and cannot be an orphan port");
          return;
        }
      }
    }
  }

  std::string_view file_;
  Grammars grammars_;
  SwitchConfig cfg_;
  Mode mode_ = Mode::Global;
  InterfaceId current_if_;
  VlanSet current_vlans_;
  std::string current_text_;
  int current_line_ = 0;
  int last_content_line_ = 0;
  bool saw_emulator_ = false;
  int emulator_line_ = 0;
  std::optional<ConfigError> error_;
};

}  // namespace

ConfigParseResult parseConfig(std::string_view text, std::string_view file_name) {
  Parser p(file_name);
  return p.run(text);
}

}  // namespace vpc
