#include "switch/core/config_parser.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <cctype>

#include "peerlink/core/text_check.h"
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

const InterfaceConfig* SwitchConfig::switchportOf(InterfaceId id) const {
  const auto* ic = interface(id);
  if (ic && ic->channel_group)
    if (const auto* pc = interface(InterfaceId::portChannel(*ic->channel_group))) return pc;
  return ic;
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

enum class Mode { Global, VpcDomain, Interface, Vlan, Emulator, Mst };

std::string_view modeName(Mode m) {
  switch (m) {
    case Mode::Global: return "global configuration";
    case Mode::VpcDomain: return "vpc domain";
    case Mode::Interface: return "interface";
    case Mode::Vlan: return "vlan";
    case Mode::Emulator: return "emulator";
    case Mode::Mst: return "mst configuration";
  }
  return "?";
}

enum Cmd : int {
  // global
  kHostname, kFeature, kNoFeature, kVlan, kNoVlan, kStpMode, kVpcDomain, kInterface, kNoInterface, kEmulator,
  kMacAging, kNoMacAging, kStaticMac, kNoStaticMac, kStpMst, kStpBridgeAssurance, kNoStpBridgeAssurance, kStpLoopguard, kNoStpLoopguard,
  kStpPortTypeDefault, kNoStpPortTypeDefault, kStpVlan, kNoStpVlan, kExit, kEnd,
  kUserPassword, kUserRole, kUserSshKey, kNoUser, kNxapiPort, kNoNxapiPort,
  // vlan
  kVlanName,
  // mst configuration
  kMstName, kMstRevision, kMstInstance,
  // vpc domain
  kRolePriority, kNoRolePriority, kSystemPriority, kNoSystemPriority, kSystemMac, kNoSystemMac, kPeerKeepalive,
  kPeerGateway, kNoPeerGateway, kPeerSwitch, kNoPeerSwitch, kL3PeerRouter, kNoL3PeerRouter, kArpSync, kNoArpSync,
  kNdSync, kNoNdSync, kDelayRestore, kNoDelayRestore, kDelayRestoreSvi, kNoDelayRestoreSvi, kDelayRestoreOrphan,
  kNoDelayRestoreOrphan, kAutoRecovery, kNoAutoRecovery, kGracefulCc, kNoGracefulCc, kDualActiveExclude,
  kNoDualActiveExclude,
  // interface
  kDescription, kNoDescription, kShutdown, kNoShutdown, kSwitchport, kNoSwitchport, kSwMode, kAccessVlan,
  kNoAccessVlan, kTrunkAllowed, kTrunkAllowedAdd, kTrunkAllowedRemove, kTrunkNative, kNoTrunkNative, kMtu, kNoMtu,
  kSpeed, kDuplex, kChannelGroup, kNoChannelGroup, kVpcPeerLink, kNoVpcPeerLink, kVpcId, kNoVpcId, kOrphanSuspend,
  kNoOrphanSuspend, kIpAddress, kVrfMember, kStpPortType, kNoStpPortType, kLacpRate, kNoLacpRate,
  kLacpSuspendIndividual, kNoLacpSuspendIndividual, kLacpMaxBundle, kNoLacpMaxBundle,
  // emulator
  kLocalMac, kManagement, kPeerLinkEmu, kPortLink, kTls, kKeepaliveKey, kSshPort, kSshHostKey,
};

struct Grammars {
  grammar::Grammar global, domain, interface, vlan, emulator, mst;

  std::vector<std::string> errors;  // specs that did not compile (a unit test requires none)

  Grammars() {
    auto add = [this](grammar::Grammar& g, int id, const char* spec) {
      if (auto err = g.add(id, spec)) errors.push_back(*err);
    };
    add(global, kHostname, "hostname <name:word>");
    add(global, kFeature, "feature <name:word>");
    add(global, kNoFeature, "no feature <name:word>");
    add(global, kVlan, "vlan <vlans:vlans>");
    add(global, kNoVlan, "no vlan <vlans:vlans>");
    add(global, kStpMode, "spanning-tree mode { rapid-pvst | mst }");
    add(global, kStpMst, "spanning-tree mst configuration");
    add(global, kStpBridgeAssurance, "spanning-tree bridge assurance");
    add(global, kNoStpBridgeAssurance, "no spanning-tree bridge assurance");
    add(global, kStpLoopguard, "spanning-tree loopguard default");
    add(global, kNoStpLoopguard, "no spanning-tree loopguard default");
    add(global, kStpPortTypeDefault, "spanning-tree port type { edge [ bpduguard | bpdufilter ] | network } default");
    add(global, kNoStpPortTypeDefault, "no spanning-tree port type { edge [ bpduguard | bpdufilter ] | network } default");
    add(global, kStpVlan, "spanning-tree vlan <vlans:vlans>");
    add(global, kNoStpVlan, "no spanning-tree vlan <vlans:vlans>");
    add(global, kVpcDomain, "vpc domain <id:1-1000>");
    add(global, kInterface, "interface <if:interface>");
    add(global, kNoInterface, "no interface <if:interface>");
    add(global, kEmulator, "emulator");
    add(global, kMacAging, "mac address-table aging-time <seconds:0-918000>");
    add(global, kNoMacAging, "no mac address-table aging-time");
    add(global, kStaticMac, "mac address-table static <mac:mac> vlan <vlan:1-4094> interface <if:interface>");
    add(global, kNoStaticMac, "no mac address-table static <mac:mac> vlan <vlan:1-4094> [ interface <if:interface> ]");
    // `password SECRET` or `password 0 SECRET` (clear) or `password 5 HASH` (as running-config shows it).
    add(global, kUserPassword,
        "username <name:word> password <secret:word> [ <hashed:word> ] [ role { network-admin | network-operator } ]");
    add(global, kUserRole, "username <name:word> role { network-admin | network-operator }");
    add(global, kUserSshKey, "username <name:word> sshkey <key:line>");
    add(global, kNoUser, "no username <name:word>");
    add(global, kNxapiPort, "nxapi http port <port:1-65535>");
    add(global, kNoNxapiPort, "no nxapi http port [ <port:1-65535> ]");

    add(vlan, kVlanName, "name <name:word>");

    add(mst, kMstName, "name <name:word>");
    add(mst, kMstRevision, "revision <revision:0-65535>");
    add(mst, kMstInstance, "instance <instance:1-4094> vlan <vlans:vlans>");

    add(domain, kRolePriority, "role priority <priority:1-65535>");
    add(domain, kNoRolePriority, "no role priority");
    add(domain, kSystemPriority, "system-priority <priority:1-65535>");
    add(domain, kNoSystemPriority, "no system-priority");
    add(domain, kSystemMac, "system-mac <mac:mac>");
    add(domain, kNoSystemMac, "no system-mac");
    add(domain, kPeerKeepalive,
        "peer-keepalive destination <destination:ipv4> { source <source:ipv4> | vrf <vrf:word> | "
        "udp-port <udp-port:1024-65000> | interval <interval:400-10000> | timeout <timeout:3-20> | "
        "hold-timeout <hold-timeout:3-10> | precedence <precedence:0-7> | tos-byte <tos-byte:0-255> }*");
    add(domain, kPeerGateway, "peer-gateway");
    add(domain, kNoPeerGateway, "no peer-gateway");
    add(domain, kPeerSwitch, "peer-switch");
    add(domain, kNoPeerSwitch, "no peer-switch");
    add(domain, kL3PeerRouter, "layer3 peer-router");
    add(domain, kNoL3PeerRouter, "no layer3 peer-router");
    add(domain, kArpSync, "ip arp synchronize");
    add(domain, kNoArpSync, "no ip arp synchronize");
    add(domain, kNdSync, "ipv6 nd synchronize");
    add(domain, kNoNdSync, "no ipv6 nd synchronize");
    // 0 is an emulator extension (no delay); NX-OS accepts 1-3600.
    add(domain, kDelayRestore, "delay restore <seconds:0-3600>");
    add(domain, kNoDelayRestore, "no delay restore");
    add(domain, kDelayRestoreSvi, "delay restore interface-vlan <seconds:0-3600>");
    add(domain, kNoDelayRestoreSvi, "no delay restore interface-vlan");
    add(domain, kDelayRestoreOrphan, "delay restore orphan-port <seconds:0-300>");
    add(domain, kNoDelayRestoreOrphan, "no delay restore orphan-port");
    add(domain, kAutoRecovery, "auto-recovery [ reload-delay <seconds:240-3600> ]");
    add(domain, kNoAutoRecovery, "no auto-recovery");
    add(domain, kGracefulCc, "graceful consistency-check");
    add(domain, kNoGracefulCc, "no graceful consistency-check");
    add(domain, kDualActiveExclude, "dual-active exclude interface-vlan <vlans:vlans>");
    add(domain, kNoDualActiveExclude, "no dual-active exclude interface-vlan");

    add(interface, kDescription, "description <text:line>");
    add(interface, kNoDescription, "no description");
    add(interface, kShutdown, "shutdown");
    add(interface, kNoShutdown, "no shutdown");
    add(interface, kSwitchport, "switchport");
    add(interface, kNoSwitchport, "no switchport");
    add(interface, kSwMode, "switchport mode { access | trunk }");
    add(interface, kAccessVlan, "switchport access vlan <vlan:1-4094>");
    add(interface, kNoAccessVlan, "no switchport access vlan");
    add(interface, kTrunkAllowed, "switchport trunk allowed vlan <vlans:vlans>");
    add(interface, kTrunkAllowedAdd, "switchport trunk allowed vlan add <vlans:vlans>");
    add(interface, kTrunkAllowedRemove, "switchport trunk allowed vlan remove <vlans:vlans>");
    add(interface, kTrunkNative, "switchport trunk native vlan <vlan:1-4094>");
    add(interface, kNoTrunkNative, "no switchport trunk native vlan");
    add(interface, kMtu, "mtu <mtu:576-9216>");
    add(interface, kNoMtu, "no mtu");
    add(interface, kSpeed, "speed { auto | 100 | 1000 | 10000 | 25000 | 40000 | 100000 }");
    add(interface, kDuplex, "duplex { auto | full | half }");
    add(interface, kChannelGroup, "channel-group <group:1-4096> [ mode { active | passive | on } ]");
    add(interface, kNoChannelGroup, "no channel-group");
    add(interface, kVpcPeerLink, "vpc peer-link");
    add(interface, kNoVpcPeerLink, "no vpc peer-link");
    add(interface, kVpcId, "vpc <vpc:1-4096>");
    add(interface, kNoVpcId, "no vpc [ <vpc:1-4096> ]");
    add(interface, kOrphanSuspend, "vpc orphan-port suspend");
    add(interface, kNoOrphanSuspend, "no vpc orphan-port suspend");
    add(interface, kIpAddress, "ip address <address:word>");
    add(interface, kVrfMember, "vrf member <vrf:word>");
    add(interface, kStpPortType, "spanning-tree port type { edge | network | normal } [ trunk ]");
    add(interface, kNoStpPortType, "no spanning-tree port type");
    add(interface, kLacpRate, "lacp rate { fast | normal }");
    add(interface, kNoLacpRate, "no lacp rate [ fast | normal ]");
    add(interface, kLacpSuspendIndividual, "lacp suspend-individual");
    add(interface, kNoLacpSuspendIndividual, "no lacp suspend-individual");
    add(interface, kLacpMaxBundle, "lacp max-bundle <n:1-32>");
    add(interface, kNoLacpMaxBundle, "no lacp max-bundle [ <n:1-32> ]");

    add(emulator, kLocalMac, "local-mac <mac:mac>");
    add(emulator, kManagement, "management <address:hostport>");
    add(emulator, kPeerLinkEmu,
        "peer-link listen <listen:hostport> peer <peer:hostport> [ heartbeat <heartbeat:10-10000> ] "
        "[ timeout <timeout:30-60000> ]");
    add(emulator, kPortLink, "port <if:interface> link <link:word>");
    add(emulator, kTls, "tls certificate <cert:word> key <key:word> ca <ca:word>");
    add(emulator, kKeepaliveKey, "keepalive-key <key:word>");
    add(emulator, kSshPort, "ssh-port <port:0-65535>");
    add(emulator, kSshHostKey, "ssh-host-key <path:word>");
  }

  const grammar::Grammar& of(Mode m) const {
    switch (m) {
      case Mode::Global: return global;
      case Mode::VpcDomain: return domain;
      case Mode::Interface: return interface;
      case Mode::Vlan: return vlan;
      case Mode::Emulator: return emulator;
      case Mode::Mst: return mst;
    }
    return global;
  }
};

const Grammars& sharedGrammars() {
  static const Grammars g;  // built once; matching is const and thread-safe
  return g;
}

const std::set<std::string> kKnownFeatures = {"vpc",  "lacp", "interface-vlan", "hsrp", "vrrp",
                                               "lldp", "udld", "bfd",            "ospf", "bgp", "nxapi"};

bool validCidr(const std::string& s) {
  const auto slash = s.find('/');
  if (slash == std::string::npos) return false;
  auto len = parseUint(std::string_view(s).substr(slash + 1));
  return Ipv4::parse(std::string_view(s).substr(0, slash)) && len && *len <= 32;
}

class Parser {
 public:
  Parser(std::string_view file, SwitchConfig base, bool terminal)
      : file_(file), cfg_(std::move(base)), terminal_(terminal), saw_emulator_(terminal) {}

  template <class Lines>
  ConfigParseResult run(const Lines& lines) {
    int line_no = 0;
    for (std::string_view raw : lines) {
      ++line_no;
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      if (const auto bad = checkText(raw, kMaxLine)) {
        // Never echo the line itself: it may be huge, or not text at all.
        current_text_ = printable(raw.substr(0, std::min<std::size_t>(raw.size(), 200)));
        fail(line_no, std::min<std::size_t>(bad->offset, 200) + 1, bad->message);
        break;
      }
      if (terminal_) terminalLine(raw, line_no);
      else fileLine(raw, line_no);
      if (error_ || ended_) break;
    }
    if (!error_) finish(last_content_line_ ? last_content_line_ : 1);
    ConfigParseResult r;
    if (error_) r.error = error_;
    else r.config = std::move(cfg_);
    r.role_priority_entered = role_priority_entered_;
    return r;
  }

 private:
  void fail(int line_no, std::size_t column, std::string message) {
    if (error_) return;
    // A long line is shown as a window around the column (an error message stays short).
    constexpr std::size_t kShown = 160;
    std::string text = current_text_;
    if (text.size() > kShown) {
      const std::size_t from = column > kShown / 2 ? std::min(column - kShown / 2, text.size() - kShown) : 0;
      text = (from ? "..." : "") + text.substr(from, kShown) + "...";
      column = column - from + (from ? 3 : 0);
    }
    error_ = ConfigError{std::string(file_), line_no, static_cast<int>(column), std::move(message), std::move(text)};
  }

  // A startup-config line: indentation decides the block.
  void fileLine(std::string_view raw, int line_no) {
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
      failMatch(*err, line_no);
      return;
    }
    apply(std::get<grammar::Match>(result), indent + 1);
  }

  // A `configure terminal` line: the current mode first, then global (which leaves the mode).
  void terminalLine(std::string_view raw, int line_no) {
    std::size_t indent = 0;
    while (indent < raw.size() && (raw[indent] == ' ' || raw[indent] == '\t')) ++indent;
    if (indent == raw.size() || raw[indent] == '!') return;
    last_content_line_ = line_no;
    current_text_ = std::string(raw);
    current_line_ = line_no;
    const std::string lower = toLower(raw.substr(indent));
    if (lower == "configure terminal" || lower == "conf t" || lower == "configure") return;
    auto result = grammars_.of(mode_).match(raw);
    if (std::holds_alternative<grammar::MatchError>(result) && mode_ != Mode::Global) {
      auto global = grammars_.global.match(raw);
      if (std::holds_alternative<grammar::Match>(global)) {
        mode_ = Mode::Global;
        result = std::move(global);
      }
    }
    if (auto* err = std::get_if<grammar::MatchError>(&result)) {
      if (lower == "exit") {
        mode_ = Mode::Global;
        return;
      }
      if (lower == "end") {
        ended_ = true;
        return;
      }
      failMatch(*err, line_no);
      return;
    }
    apply(std::get<grammar::Match>(result), indent + 1);
  }

  void failMatch(const grammar::MatchError& err, int line_no) {
    std::string msg;
    switch (err.kind) {
      case grammar::MatchError::Kind::BadValue: msg = err.message; break;
      case grammar::MatchError::Kind::Ambiguous: msg = "ambiguous command '" + err.token + "'"; break;
      case grammar::MatchError::Kind::Incomplete: msg = "incomplete command"; break;
      default:
        msg = err.token.empty() ? "invalid command"
                                : "invalid or unsupported command at '" + err.token + "' in " +
                                      std::string(modeName(mode_)) + " mode";
    }
    fail(line_no, err.column, msg);
  }

  // Column of the n-th token of the current line (1-based).
  std::size_t col(std::size_t token_index) const {
    auto toks = grammar::tokenize(current_text_);
    return token_index < toks.size() ? toks[token_index].column : 1;
  }

  InterfaceConfig& iface() { return cfg_.interfaces.at(current_if_); }

  // `username NAME ...`: creates the user or changes one thing of it.
  bool user(const grammar::Match& m, int ln) {
    const std::string name = m.text("name");
    if (name.size() > 28 || name.empty() || !(std::isalnum(static_cast<unsigned char>(name[0])) || name[0] == '_') ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != std::string::npos) {
      fail(ln, col(1), "a user name is 1-28 letters, digits, '_', '.' or '-', starting with a letter, digit or '_'");
      return false;
    }
    UserConfig u = cfg_.users.count(name) ? cfg_.users.at(name) : UserConfig{name, {}, UserRole::NetworkOperator, {}, ln};
    if (m.command == kUserPassword) {
      std::string secret = m.text("secret");
      if (m.hasValue("hashed")) {
        if (secret == "5") {
          if (!validHash(m.text("hashed"))) {
            fail(ln, col(4), "a type-5 password is a SHA-256 crypt string ($5$salt$hash)");
            return false;
          }
          u.password_hash = m.text("hashed");
          secret.clear();
        } else if (secret == "0") {
          secret = m.text("hashed");
        } else {
          fail(ln, col(3), "the password type is 0 (clear text) or 5 (encrypted)");
          return false;
        }
      }
      if (!secret.empty()) {
        if (secret.size() > 64) {
          fail(ln, col(3), "a password has at most 64 characters");
          return false;
        }
        u.password_hash = hashPassword(name, secret);
      }
    } else if (m.command == kUserSshKey) {
      const std::string key = m.text("key");
      if (key.rfind("ssh-", 0) != 0 && key.rfind("ecdsa-", 0) != 0) {
        fail(ln, col(3), "an sshkey is an OpenSSH public key line (ssh-rsa, ssh-ed25519 or ecdsa-...)");
        return false;
      }
      u.ssh_keys.push_back(key);
    }
    if (m.has("network-admin")) u.role = UserRole::NetworkAdmin;
    if (m.has("network-operator")) u.role = UserRole::NetworkOperator;
    cfg_.users[name] = std::move(u);
    return true;
  }

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
      case kHostname:
        if (const auto broken = checkHostname(m.text("name"))) {
          fail(ln, col(1), *broken);
          return;
        }
        cfg_.hostname = m.text("name");
        break;
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
      case kNoVlan: {
        const auto gone = m.vlans("vlans");
        if (gone.contains(1)) {
          fail(ln, col(2), "VLAN 1 cannot be deleted");
          return;
        }
        cfg_.vlans = cfg_.vlans.minus(gone);
        for (auto v : gone.ids()) cfg_.vlan_names.erase(v);
        break;
      }
      case kVlanName:
        for (auto v : current_vlans_.ids()) cfg_.vlan_names[v] = m.text("name");
        break;
      case kStpMode: cfg_.stp.mode = m.has("mst") ? "mst" : "rapid-pvst"; break;
      case kStpMst: mode_ = Mode::Mst; break;
      case kMstName: cfg_.stp.mst_name = m.text("name"); break;
      case kMstRevision: cfg_.stp.mst_revision = static_cast<std::uint32_t>(m.number("revision")); break;
      case kMstInstance:
        cfg_.stp.mst_instances[static_cast<std::uint32_t>(m.number("instance"))] = m.vlans("vlans");
        break;
      case kStpBridgeAssurance: cfg_.stp.bridge_assurance = true; break;
      case kNoStpBridgeAssurance: cfg_.stp.bridge_assurance = false; break;
      case kStpLoopguard: cfg_.stp.loopguard_default = true; break;
      case kNoStpLoopguard: cfg_.stp.loopguard_default = false; break;
      case kStpPortTypeDefault:
      case kNoStpPortTypeDefault: {
        const bool on = m.command == kStpPortTypeDefault;
        if (m.has("bpduguard")) cfg_.stp.bpduguard_default = on;
        else if (m.has("bpdufilter")) cfg_.stp.bpdufilter_default = on;
        else cfg_.stp.port_type_default = on ? (m.has("edge") ? "edge" : "network") : "normal";
        break;
      }
      case kStpVlan: cfg_.stp.disabled_vlans = cfg_.stp.disabled_vlans.minus(m.vlans("vlans")); break;
      case kNoStpVlan: cfg_.stp.disabled_vlans = cfg_.stp.disabled_vlans | m.vlans("vlans"); break;
      case kMacAging: {
        const auto s = m.number("seconds");
        if (s != 0 && s < 120) {
          fail(ln, col(3), "aging-time " + std::to_string(s) + " out of range (0, or 120-918000)");
          return;
        }
        cfg_.mac_aging_s = static_cast<std::uint32_t>(s);
        break;
      }
      case kNoMacAging: cfg_.mac_aging_s = 1800; break;
      case kStaticMac: {
        const auto mac = m.mac("mac");
        if (mac.isMulticast() || mac.value == 0) {
          fail(ln, col(3), "MAC " + mac.dotted() + " is not a unicast address");
          return;
        }
        const auto vlan = static_cast<std::uint16_t>(m.number("vlan"));
        cfg_.static_macs[{vlan, mac}] = StaticMac{mac, vlan, m.interface("if"), ln};
        break;
      }
      case kNoStaticMac: {
        const auto key = std::make_pair(static_cast<std::uint16_t>(m.number("vlan")), m.mac("mac"));
        if (!cfg_.static_macs.erase(key)) {
          fail(ln, col(4), "no static MAC " + key.second.dotted() + " in VLAN " + std::to_string(key.first));
          return;
        }
        break;
      }
      case kUserPassword:
      case kUserRole:
      case kUserSshKey:
        if (!user(m, ln)) return;
        break;
      case kNxapiPort: cfg_.nxapi_http_port = static_cast<std::uint16_t>(m.number("port")); break;
      case kNoNxapiPort: cfg_.nxapi_http_port = 80; break;
      case kNoUser:
        if (!cfg_.users.erase(m.text("name"))) {
          fail(ln, col(3), "no user '" + m.text("name") + "'");
          return;
        }
        break;
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
      case kNoInterface: {
        const auto id = m.interface("if");
        if (id.kind() != IfKind::PortChannel && id.kind() != IfKind::Vlan) {
          fail(ln, col(2), "only port-channel and Vlan interfaces can be deleted");
          return;
        }
        if (!cfg_.interfaces.erase(id)) {
          fail(ln, col(2), "interface " + id.longName() + " does not exist");
          return;
        }
        if (id.kind() == IfKind::PortChannel)
          for (auto& [mid, mc] : cfg_.interfaces)
            if (mc.channel_group && *mc.channel_group == id.number()) mc.channel_group.reset();
        std::erase_if(cfg_.static_macs, [&](const auto& kv) { return kv.second.iface == id; });
        break;
      }
      case kEmulator:
        if (terminal_) {
          fail(ln, first_col, "the emulator block can only be set in the startup config");
          return;
        }
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
    const VpcDomainConfig defaults;
    auto u32 = [&](const char* p) { return static_cast<std::uint32_t>(m.number(p)); };
    switch (m.command) {
      case kRolePriority:
        d.role_priority = u32("priority");
        role_priority_entered_ = true;
        break;
      case kNoRolePriority:
        d.role_priority = defaults.role_priority;
        role_priority_entered_ = true;
        break;
      case kSystemPriority: d.system_priority = u32("priority"); break;
      case kNoSystemPriority: d.system_priority = defaults.system_priority; break;
      case kSystemMac: {
        const auto mac = m.mac("mac");
        if (mac.isMulticast() || mac.value == 0) {
          fail(ln, col(1), "system-mac " + mac.colon() + " must be a unicast address");
          return;
        }
        d.system_mac = mac;
        break;
      }
      case kNoSystemMac: d.system_mac.reset(); break;
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
      case kNoL3PeerRouter: d.layer3_peer_router = false; break;
      case kArpSync: d.arp_synchronize = true; break;
      case kNoArpSync: d.arp_synchronize = false; break;
      case kNdSync: d.nd_synchronize = true; break;
      case kNoNdSync: d.nd_synchronize = false; break;
      case kDelayRestore: d.delay_restore_s = u32("seconds"); break;
      case kNoDelayRestore: d.delay_restore_s = defaults.delay_restore_s; break;
      case kDelayRestoreSvi: d.delay_restore_svi_s = u32("seconds"); break;
      case kNoDelayRestoreSvi: d.delay_restore_svi_s = defaults.delay_restore_svi_s; break;
      case kDelayRestoreOrphan: d.delay_restore_orphan_s = u32("seconds"); break;
      case kNoDelayRestoreOrphan: d.delay_restore_orphan_s = defaults.delay_restore_orphan_s; break;
      case kAutoRecovery:
        d.auto_recovery = true;
        if (auto v = m.numberOr("seconds")) d.auto_recovery_reload_delay_s = static_cast<std::uint32_t>(*v);
        break;
      case kNoAutoRecovery: d.auto_recovery = false; break;
      case kGracefulCc: d.graceful_consistency_check = true; break;
      case kNoGracefulCc: d.graceful_consistency_check = false; break;
      case kDualActiveExclude: d.dual_active_exclude_svi = m.vlans("vlans"); break;
      case kNoDualActiveExclude: d.dual_active_exclude_svi = VlanSet{}; break;
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
    const InterfaceConfig defaults;
    switch (m.command) {
      case kDescription:
        if (codePoints(m.text("text")) > kMaxDescription) {
          fail(ln, col(1) + kMaxDescription, "a description is at most " + std::to_string(kMaxDescription) + " characters");
          return;
        }
        ic.description = m.text("text");
        break;
      case kNoDescription: ic.description.clear(); break;
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
      case kNoAccessVlan:
        if (needL2()) ic.access_vlan = 1;
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
      case kNoTrunkNative:
        if (needL2()) ic.native_vlan = 1;
        break;
      case kMtu: ic.mtu = static_cast<std::uint32_t>(m.number("mtu")); break;
      case kNoMtu: ic.mtu = defaults.mtu; break;
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
      case kNoChannelGroup: ic.channel_group.reset(); break;
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
      case kNoVpcPeerLink: ic.vpc_peer_link = false; break;
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
      case kNoVpcId: ic.vpc_id.reset(); break;
      case kOrphanSuspend:
        if (!requireVpc(ln, first_col)) return;
        if (kind != IfKind::Ethernet || ic.channel_group) {
          fail(ln, first_col, "vpc orphan-port suspend is only allowed on Ethernet ports outside port-channels");
          return;
        }
        ic.orphan_port_suspend = true;
        break;
      case kNoOrphanSuspend: ic.orphan_port_suspend = false; break;
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
      case kStpPortType:
        for (const char* t : {"edge", "network", "normal"})
          if (m.has(t)) ic.stp_port_type = t;
        break;
      case kNoStpPortType: ic.stp_port_type = "default"; break;
      case kLacpRate:
      case kNoLacpRate:
        if (!lacpSetting(ln, first_col, kind, IfKind::Ethernet, "lacp rate")) return;
        ic.lacp_rate_fast = m.command == kLacpRate && m.has("fast");
        break;
      case kLacpSuspendIndividual:
      case kNoLacpSuspendIndividual:
        if (!lacpSetting(ln, first_col, kind, IfKind::PortChannel, "lacp suspend-individual")) return;
        ic.lacp_suspend_individual = m.command == kLacpSuspendIndividual;
        break;
      case kLacpMaxBundle:
      case kNoLacpMaxBundle:
        if (!lacpSetting(ln, first_col, kind, IfKind::PortChannel, "lacp max-bundle")) return;
        ic.lacp_max_bundle = m.command == kLacpMaxBundle ? static_cast<std::uint32_t>(m.number("n"))
                                                         : InterfaceConfig{}.lacp_max_bundle;
        break;
      default: break;
    }
  }

  // An LACP setting belongs on one kind of interface (members or port-channels) and needs feature lacp.
  bool lacpSetting(int ln, std::size_t column, IfKind kind, IfKind belongs, const std::string& what) {
    if (kind != belongs) {
      fail(ln, column, what + (belongs == IfKind::Ethernet ? " is set on Ethernet interfaces (the members)"
                                                           : " is set on port-channel interfaces"));
      return false;
    }
    if (!cfg_.feature("lacp")) {
      fail(ln, column, what + " needs 'feature lacp' first");
      return false;
    }
    return true;
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
      case kPortLink: {
        const auto id = m.interface("if");
        const auto link = m.text("link");
        if (id.kind() != IfKind::Ethernet) {
          fail(current_line_, col(1), "only Ethernet ports can be bound to a link, not " + id.longName());
          return;
        }
        if (link.empty() || link.size() > 15 || link.find('/') != std::string::npos) {
          fail(current_line_, col(3), "'" + link + "' is not a Linux interface name (1-15 characters, no '/')");
          return;
        }
        if (e.ports.contains(id)) {
          fail(current_line_, col(1), id.longName() + " is already bound (line " + std::to_string(e.ports.at(id).line) + ")");
          return;
        }
        for (const auto& [other, b] : e.ports)
          if (b.link == link) {
            fail(current_line_, col(3), "link " + link + " is already bound to " + other.longName() + " (line " +
                                            std::to_string(b.line) + ")");
            return;
          }
        e.ports[id] = PortBinding{link, current_line_};
        break;
      }
      case kTls: e.tls = EmulatorConfig::Tls{m.text("cert"), m.text("key"), m.text("ca")}; break;
      case kSshPort: e.ssh_port = static_cast<std::uint16_t>(m.number("port")); break;
      case kSshHostKey: e.ssh_host_key = m.text("path"); break;
      case kKeepaliveKey:
        if (m.text("key").size() < 16) {
          fail(current_line_, col(1), "a keepalive-key has at least 16 characters");
          return;
        }
        e.keepalive_key = m.text("key");
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
    for (const auto& [id, b] : cfg_.emulator.ports)
      if (!cfg_.interface(id)) return fail(b.line, 1, "port " + id.longName() + " link " + b.link + ": interface " +
                                                        id.longName() + " is not configured");
    for (const auto& [key, s] : cfg_.static_macs) {
      const auto* ic = cfg_.interface(s.iface);
      const std::string what = "static MAC " + s.mac.dotted() + ": ";
      if (!ic) return fail(s.line, 1, what + "interface " + s.iface.longName() + " does not exist");
      if ((s.iface.kind() != IfKind::Ethernet && s.iface.kind() != IfKind::PortChannel) || !ic->switchport)
        return fail(s.line, 1, what + s.iface.longName() + " is not a switchport");
      if (ic->channel_group)
        return fail(s.line, 1, what + s.iface.longName() + " is a member of port-channel" +
                                   std::to_string(*ic->channel_group) + ": configure it on the port-channel");
      if (ic->vpc_peer_link) return fail(s.line, 1, what + "not on the vPC peer-link " + s.iface.longName());
      if (!cfg_.vlans.contains(s.vlan)) return fail(s.line, 1, what + "VLAN " + std::to_string(s.vlan) + " does not exist");
    }
  }

  std::string_view file_;
  const Grammars& grammars_ = sharedGrammars();
  SwitchConfig cfg_;
  bool terminal_;
  Mode mode_ = Mode::Global;
  InterfaceId current_if_;
  VlanSet current_vlans_;
  std::string current_text_;
  int current_line_ = 0;
  int last_content_line_ = 0;
  bool saw_emulator_;
  bool ended_ = false;
  bool role_priority_entered_ = false;
  int emulator_line_ = 0;
  std::optional<ConfigError> error_;
};

std::vector<std::string_view> splitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    if (nl == text.size()) break;
    pos = nl + 1;
  }
  return lines;
}

}  // namespace

std::vector<std::string> configGrammarErrors() { return sharedGrammars().errors; }

namespace {
Mode internal(ConfigMode m) {
  switch (m) {
    case ConfigMode::Global: return Mode::Global;
    case ConfigMode::VpcDomain: return Mode::VpcDomain;
    case ConfigMode::Interface: return Mode::Interface;
    case ConfigMode::Vlan: return Mode::Vlan;
    case ConfigMode::Mst: return Mode::Mst;
  }
  return Mode::Global;
}
}  // namespace

std::variant<TerminalLine, grammar::MatchError> classifyTerminalLine(ConfigMode mode, std::string_view line) {
  const auto& g = sharedGrammars();
  auto result = g.of(internal(mode)).match(line);
  ConfigMode after = mode;
  if (std::holds_alternative<grammar::MatchError>(result) && mode != ConfigMode::Global) {
    auto global = g.global.match(line);
    if (std::holds_alternative<grammar::Match>(global)) {
      result = std::move(global);
      after = ConfigMode::Global;
    }
  }
  if (auto* err = std::get_if<grammar::MatchError>(&result)) return *err;
  TerminalLine t{after, false};
  switch (std::get<grammar::Match>(result).command) {
    case kVpcDomain: t = {ConfigMode::VpcDomain, true}; break;
    case kInterface: t = {ConfigMode::Interface, true}; break;
    case kVlan: t = {ConfigMode::Vlan, true}; break;
    case kStpMst: t = {ConfigMode::Mst, true}; break;
    case kEmulator: {
      grammar::MatchError e;
      e.kind = grammar::MatchError::Kind::BadValue;
      e.column = grammar::tokenize(line).front().column;
      e.message = "the emulator block can only be set in the startup config";
      return e;
    }
    default: break;
  }
  return t;
}

namespace {

// `?` in config mode speaks NX-OS's words: a keyword's help, looked up as "previous word|word" first (a
// word means different things after different words), then as the word alone; a parameter's help by
// its name. Emulator-only words say so.
const std::map<std::string, std::string, std::less<>>& keywordHelp() {
  static const std::map<std::string, std::string, std::less<>> h = {
      // global
      {"feature", "Command to enable/disable features"},
      {"no", "Negate a command or set its defaults"},
      {"vlan", "Vlan commands"},
      {"spanning-tree", "Spanning Tree Subsystem"},
      {"vpc", "Virtual Port Channel configuration"},
      {"domain", "Configure vPC domain"},
      {"interface", "Configure interfaces"},
      {"emulator", "vpclab emulator settings (not NX-OS) - addresses, links, timers"},
      {"mac", "MAC configuration commands"},
      {"address-table", "MAC forwarding table configuration"},
      {"aging-time", "Set the aging time for dynamic MAC addresses"},
      {"static", "Configure a static MAC address"},
      {"username", "Configure user information."},
      {"password", "Password for the user"},
      {"username|role", "Role which the user is to be assigned to"},
      {"sshkey", "SSH public key of the user"},
      {"network-admin", "Predefined network admin role, access to all commands on the switch"},
      {"network-operator", "Predefined network operator role, access to all read commands on the switch"},
      {"nxapi", "Configure nxapi"},
      {"http", "Http configuration"},
      {"http|port", "Http port"},
      {"hostname", "Configure system's host name"},
      {"spanning-tree|mode", "Spanning tree operating mode"},
      {"rapid-pvst", "Per-VLAN rapid spanning tree mode"},
      {"mode|mst", "Multiple spanning tree mode"},
      {"spanning-tree|mst", "Multiple spanning tree configuration"},
      {"configuration", "Enter MST configuration submode"},
      {"bridge", "Bridge options"},
      {"assurance", "Enable bridge assurance"},
      {"loopguard", "Spanning tree loopguard options"},
      {"loopguard|default", "Enable loopguard by default on all ports"},
      {"spanning-tree|port", "Spanning tree port options"},
      {"type", "Spanning tree port type"},
      {"edge", "Consider the interface as edge port (enable portfast)"},
      {"network", "Consider the interface as inter-switch link"},
      {"normal", "Consider the interface as normal spanning tree port"},
      {"bpduguard", "Enable BPDU guard by default on edge ports"},
      {"bpdufilter", "Enable BPDU filtering by default on edge ports"},
      {"default", "Set the default port type"},
      {"spanning-tree|vlan", "VLAN Switch Spanning Tree"},
      {"static|vlan", "VLAN of the static MAC address"},
      {"vlan|interface", "Interface the static MAC address points at"},
      // vlan and mst
      {"name", "Ascii name of the VLAN"},
      {"mst-name", "Configure region name"},
      {"revision", "Configure revision number"},
      {"instance", "Map vlans to an MST instance"},
      {"instance|vlan", "Range of vlans to add to the instance mapping"},
      // vpc domain
      {"role", "Configure VPC role"},
      {"role|priority", "Configure VPC role priority"},
      {"system-priority", "System priority"},
      {"system-mac", "System mac address"},
      {"peer-keepalive", "Keepalive/Hello with the vPC peer over the management or a dedicated link"},
      {"destination", "Destination IP address of the peer switch"},
      {"source", "Source IP address of this switch"},
      {"vrf", "Configure VRF parameters"},
      {"peer-keepalive|vrf", "VRF the keepalive is sent in"},
      {"udp-port", "UDP port number used for the keepalives"},
      {"interval", "Interval between keepalives, in milliseconds"},
      {"timeout", "Time without keepalives before the peer is declared dead, in seconds"},
      {"hold-timeout", "Time after a peer-link loss during which keepalives are ignored, in seconds"},
      {"precedence", "Precedence value of keepalive packets"},
      {"tos-byte", "ToS byte of keepalive packets"},
      {"peer-gateway", "Enable L3 forwarding for packets destined to peer's gateway mac-address"},
      {"peer-switch", "Enable peer switch on vPC pair switches"},
      {"layer3", "Layer 3 configuration"},
      {"peer-router", "Enable layer3 peer-router"},
      {"ip", "Configure IP features"},
      {"arp", "ARP"},
      {"synchronize", "Synchronize the table with the vPC peer over the peer-link"},
      {"ipv6", "Configure IPv6 features"},
      {"nd", "IPv6 neighbor discovery"},
      {"delay", "Delay"},
      {"restore", "Delay the vPC bringup after the peer adjacency forms (restore)"},
      {"interface-vlan", "Delay of the interface-vlan (SVI) bringup"},
      {"orphan-port", "Orphan port"},
      {"restore|orphan-port", "Delay of the orphan port bringup"},
      {"auto-recovery", "Enable auto recovery if peer is presumed non-functional"},
      {"reload-delay", "Time to wait after a reload before assuming the peer dead and restoring vPCs"},
      {"graceful", "Graceful"},
      {"consistency-check", "Enable graceful type-1 consistency check"},
      {"dual-active", "Dual-active related configuration"},
      {"exclude", "Exclude from suspension on the secondary when the peer-link goes down"},
      {"exclude|interface-vlan", "VLAN interfaces kept up on the secondary when the peer-link goes down"},
      // interface
      {"description", "Enter description of maximum 254 characters"},
      {"shutdown", "Enable/disable an interface"},
      {"switchport", "Configure switchport parameters"},
      {"switchport|mode", "Enter the port mode"},
      {"mode|access", "Port mode access"},
      {"mode|trunk", "Port mode trunk"},
      {"switchport|access", "Set access mode characteristics of the interface"},
      {"access|vlan", "Set VLAN when interface is in access mode"},
      {"switchport|trunk", "Configure trunking parameters on an interface"},
      {"allowed", "Set allowed VLAN characteristics when interface is in trunking mode"},
      {"allowed|vlan", "Set allowed VLANs when interface is in trunking mode"},
      {"add", "Add VLANs to the current list"},
      {"remove", "Remove VLANs from the current list"},
      {"native", "Set trunking native characteristics when interface is in trunking mode"},
      {"native|vlan", "Set native VLAN when interface is in trunking mode"},
      {"mtu", "Configure mtu for the port"},
      {"speed", "Enter the port speed"},
      {"speed|auto", "Auto negotiate speed"},
      {"speed|100", "100Mb/s"},
      {"speed|1000", "1Gb/s"},
      {"speed|10000", "10Gb/s"},
      {"speed|25000", "25Gb/s"},
      {"speed|40000", "40Gb/s"},
      {"speed|100000", "100Gb/s"},
      {"duplex", "Enter the port duplex mode"},
      {"duplex|auto", "Auto negotiate duplex"},
      {"full", "Force full duplex operation"},
      {"half", "Force half-duplex operation"},
      {"channel-group", "Configure port channel parameters"},
      {"mode", "Port channel mode of the interface"},
      {"active", "Set channeling mode to ACTIVE (LACP, sends LACPDUs)"},
      {"passive", "Set channeling mode to PASSIVE (LACP, answers LACPDUs)"},
      {"on", "Set channeling mode to ON (no LACP)"},
      {"peer-link", "Configure this port-channel to be a peer link"},
      {"orphan-port|suspend", "Suspend the orphan port on the secondary when the peer-link goes down"},
      {"address", "Configure IP address on interface"},
      {"member", "Add interface to a VRF"},
      {"port|type", "Spanning tree port type"},
      {"trunk", "Spanning tree port type applies to trunk ports too"},
      {"lacp", "Configure LACP parameters"},
      {"rate", "Configure the rate at which the partner sends LACP PDUs"},
      {"fast", "LACP PDUs every second (timeout 3 s)"},
      {"rate|normal", "LACP PDUs every 30 seconds (timeout 90 s)"},
      {"suspend-individual", "Suspend a member that receives no LACP PDUs (default)"},
      {"max-bundle", "Configure the port-channel max-bundle"},
      // emulator (not NX-OS)
      {"local-mac", "This switch's own MAC address (emulator)"},
      {"management", "Address of the management API (emulator)"},
      {"emulator|peer-link", "Peer-link transport: where to listen and where the peer is (emulator)"},
      {"listen", "Address the peer-link listens on (emulator)"},
      {"peer", "Address of the peer's peer-link (emulator)"},
      {"heartbeat", "Peer-link heartbeat interval in milliseconds (emulator)"},
      {"port", "Bind an Ethernet port to a link (emulator)"},
      {"link", "Name of the link the port is plugged into (emulator)"},
      {"tls", "Mutual TLS on the peer-link and the management API (emulator)"},
      {"certificate", "Certificate file (PEM)"},
      {"key", "Private key file (PEM)"},
      {"ca", "CA certificate file (PEM) that signs the peer's certificate"},
      {"keepalive-key", "HMAC key for keepalive datagrams (emulator)"},
      {"ssh-port", "TCP port of the SSH server (emulator)"},
      {"ssh-host-key", "File keeping the SSH host key (emulator)"},
  };
  return h;
}

const std::map<std::string, std::string, std::less<>>& paramHelp() {
  static const std::map<std::string, std::string, std::less<>> h = {
      {"name", "Name (up to 32 characters)"},
      {"vlans", "VLAN ID(s), a list and ranges such as 10,20-30"},
      {"vlan", "VLAN ID"},
      {"id", "Virtual port channel domain id"},
      {"if", "Interface name, such as ethernet1/5 or port-channel10"},
      {"seconds", "Time in seconds"},
      {"mac", "MAC address (EEEE.EEEE.EEEE)"},
      {"secret", "Password (clear text, or 5 and the hash as running-config shows it)"},
      {"hashed", "The hash, after 5"},
      {"key", "The key"},
      {"port", "Port number"},
      {"revision", "Revision number"},
      {"instance", "MST instance number"},
      {"priority", "Specify priority value"},
      {"destination", "IPv4 address of the peer"},
      {"source", "IPv4 address of this switch"},
      {"vrf", "VRF name"},
      {"udp-port", "UDP port number"},
      {"interval", "Milliseconds"},
      {"timeout", "Seconds"},
      {"hold-timeout", "Seconds"},
      {"precedence", "Precedence value"},
      {"tos-byte", "ToS byte value"},
      {"text", "Up to 254 characters describing this interface"},
      {"mtu", "Enter MTU"},
      {"group", "Channel group number"},
      {"vpc", "vPC number"},
      {"address", "IP address and prefix length, such as 10.0.10.2/24"},
      {"n", "Number of members"},
      {"listen", "host:port"},
      {"peer", "host:port"},
      {"heartbeat", "Milliseconds"},
      {"link", "Link name"},
      {"cert", "File"},
      {"ca", "File"},
      {"path", "File"},
  };
  return h;
}

std::string helpFor(std::string_view prev, const grammar::Candidate& c) {
  if (c.word == "<cr>") return c.help;
  if (!c.is_keyword) {
    const auto& p = paramHelp();
    auto it = p.find(c.help);  // a parameter's help is its name
    return it == p.end() ? std::string() : it->second;
  }
  const auto& k = keywordHelp();
  if (!prev.empty()) {
    std::string both(prev);
    both += '|';
    both += c.word;
    if (auto it = k.find(both); it != k.end()) return it->second;
  }
  auto it = k.find(c.word);
  return it == k.end() ? std::string() : it->second;
}

}  // namespace

std::vector<grammar::Candidate> completeTerminalLine(ConfigMode mode, std::string_view line) {
  auto found = sharedGrammars().of(internal(mode)).complete(line);
  const auto toks = grammar::tokenize(line);
  const bool new_word = line.empty() || std::isspace(static_cast<unsigned char>(line.back()));
  const std::size_t done = new_word ? toks.size() : (toks.empty() ? 0 : toks.size() - 1);
  std::string prev = done ? toks[done - 1].text : std::string();
  std::transform(prev.begin(), prev.end(), prev.begin(), [](unsigned char ch) { return std::tolower(ch); });
  for (auto& c : found) c.help = helpFor(prev, c);
  if (mode == ConfigMode::Mst)
    for (auto& c : found)
      if (c.word == "name") c.help = keywordHelp().at("mst-name");
  return found;
}

ConfigParseResult parseConfig(std::string_view text, std::string_view file_name) {
  Parser p(file_name, SwitchConfig{}, false);
  return p.run(splitLines(text));
}

ConfigParseResult applyConfigLines(const SwitchConfig& base, const std::vector<std::string>& lines) {
  Parser p("configure", base, true);
  return p.run(lines);
}

}  // namespace vpc
