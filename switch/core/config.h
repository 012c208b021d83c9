// The configuration of one emulated switch: the subset of NX-OS running-config that matters for vPC,
// plus the `emulator` block (the only non-NX-OS part). Defaults and ranges are NX-OS's
// (vpc-behaviour.md §2, §3). Built by the parser (config_parser.h); a value type the node keeps.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "peerlink/core/interface_id.h"
#include "peerlink/core/values.h"
#include "switch/core/users.h"

namespace vpc {

constexpr std::uint32_t kDefaultRolePriority = 32667;
constexpr std::uint32_t kDefaultSystemPriority = 32667;
constexpr std::uint64_t kVpcSystemMacBase = 0x002304eebe00ULL;  // 00:23:04:ee:be:00 + domain id

struct KeepaliveSettings {
  Ipv4 destination;
  std::optional<Ipv4> source;
  std::string vrf = "management";
  std::uint32_t udp_port = 3200;
  std::uint32_t interval_ms = 1000;   // 400-10000
  std::uint32_t timeout_s = 5;        // 3-20
  std::uint32_t hold_timeout_s = 3;   // 3-10
  std::uint32_t tos = 192;            // precedence 6 (NX-OS default)
  bool operator==(const KeepaliveSettings&) const = default;
};

struct VpcDomainConfig {
  std::uint32_t id = 0;  // 1-1000
  std::uint32_t role_priority = kDefaultRolePriority;
  std::uint32_t system_priority = kDefaultSystemPriority;
  std::optional<MacAddress> system_mac;
  std::optional<KeepaliveSettings> keepalive;
  bool peer_gateway = false;
  bool peer_switch = false;
  bool layer3_peer_router = false;
  bool arp_synchronize = false;
  bool nd_synchronize = false;
  std::uint32_t delay_restore_s = 30;         // 1-3600
  std::uint32_t delay_restore_svi_s = 10;     // 1-3600
  std::uint32_t delay_restore_orphan_s = 0;   // 0-300
  bool auto_recovery = false;                 // off by default on N9K
  std::uint32_t auto_recovery_reload_delay_s = 240;  // 240-3600
  bool graceful_consistency_check = true;
  VlanSet dual_active_exclude_svi;

  // Configured system MAC, or the one NX-OS derives from the domain id.
  MacAddress systemMac() const { return system_mac ? *system_mac : MacAddress{kVpcSystemMacBase + id}; }
};

enum class PortMode { Access, Trunk };
enum class ChannelMode { On, Active, Passive };
std::string_view toString(PortMode m);
std::string_view toString(ChannelMode m);

struct InterfaceConfig {
  InterfaceId id;
  int line = 0;  // where it was declared (for error messages)
  std::string description;
  bool shutdown = false;
  bool switchport = true;
  PortMode mode = PortMode::Access;
  std::uint16_t access_vlan = 1;
  VlanSet trunk_allowed = VlanSet::all();
  std::uint16_t native_vlan = 1;
  std::uint32_t mtu = 1500;
  std::string speed = "auto";
  std::string duplex = "auto";
  std::optional<std::uint32_t> channel_group;   // Ethernet: member of port-channel N
  ChannelMode channel_mode = ChannelMode::On;
  bool vpc_peer_link = false;                   // port-channel
  std::optional<std::uint32_t> vpc_id;          // port-channel: vPC number
  bool orphan_port_suspend = false;             // Ethernet
  bool lacp_rate_fast = false;                  // Ethernet: lacp rate fast (ask the partner for LACPDUs every second)
  bool lacp_suspend_individual = true;          // port-channel: a member without an LACP partner is suspended
  std::uint32_t lacp_max_bundle = 32;           // port-channel: members LACP bundles at most (the rest: H)
  std::string ip_address;                       // SVI / mgmt0
  std::string vrf;
  std::string stp_port_type = "default";        // default | edge | network | normal

  // VLANs the port carries at L2 (access VLAN, or the trunk's allowed list).
  VlanSet carriedVlans() const { return mode == PortMode::Trunk ? trunk_allowed : VlanSet::of({access_vlan}); }
};

// An NX-OS port bound to a Linux network interface (emulator `port Ethernet1/1 link IFNAME`): the
// switch sends and receives its frames there and follows its carrier.
struct PortBinding {
  std::string link;  // the Linux interface's name
  int line = 0;      // where it was configured (errors at start name it)
  bool operator==(const PortBinding& o) const { return link == o.link; }
};

struct EmulatorConfig {
  std::optional<MacAddress> local_mac;
  std::string management = "127.0.0.1:9000";  // management API (gRPC)
  std::string peer_link_listen;               // A.B.C.D:port
  std::string peer_link_peer;                 // A.B.C.D:port
  // The peer-link's liveness: LACP's fast rate (a PDU a second, out after 3 s), what notices a silent
  // fault on a real Nexus; a loss of signal is noticed at once (docs/behaviour.md, "Failure model").
  std::uint32_t heartbeat_ms = 1000;
  std::uint32_t heartbeat_timeout_ms = 3000;
  std::map<InterfaceId, PortBinding> ports;   // bound to real links
  // Mutual TLS on the peer-link and the management API: PEM files of this switch's certificate and
  // key and of the CA that signs every certificate it accepts (docs/RELIABILITY.md).
  struct Tls {
    std::string certificate, key, ca;
    bool operator==(const Tls&) const = default;
  };
  std::optional<Tls> tls;
  // A shared secret: keepalive datagrams carry an HMAC-SHA256 with it, and need one to count.
  std::string keepalive_key;
  // The NX-OS session over SSH, on the management address (served when a `username` exists).
  std::uint16_t ssh_port = 22;
  std::string ssh_host_key;  // its private host key (made there when missing); "": one per hostname in /tmp
  bool operator==(const EmulatorConfig&) const = default;
};

// Spanning-tree settings that vPC checks for consistency (Type-1 global, vpc-behaviour.md §5).
struct StpConfig {
  std::string mode = "rapid-pvst";  // rapid-pvst | mst
  std::string mst_name;
  std::uint32_t mst_revision = 0;
  std::map<std::uint32_t, VlanSet> mst_instances;
  bool bridge_assurance = true;
  bool loopguard_default = false;
  std::string port_type_default = "normal";  // normal | edge | network
  bool bpduguard_default = false;
  bool bpdufilter_default = false;
  VlanSet disabled_vlans;                    // no spanning-tree vlan LIST
  bool operator==(const StpConfig&) const = default;
};

// `mac address-table static MAC vlan V interface IF`: an entry the switch holds as configuration.
struct StaticMac {
  MacAddress mac;
  std::uint16_t vlan = 1;
  InterfaceId iface;
  int line = 0;  // where it was configured (for error messages)
  bool operator==(const StaticMac& o) const { return mac == o.mac && vlan == o.vlan && iface == o.iface; }
};

struct SwitchConfig {
  using StaticMacs = std::map<std::pair<std::uint16_t, MacAddress>, StaticMac>;  // by (vlan, mac)

  std::string hostname = "switch";
  std::set<std::string> features;
  VlanSet vlans = VlanSet::of({1});
  std::map<std::uint16_t, std::string> vlan_names;
  StpConfig stp;
  std::uint32_t mac_aging_s = 1800;
  StaticMacs static_macs;
  std::optional<VpcDomainConfig> vpc_domain;
  std::map<InterfaceId, InterfaceConfig> interfaces;
  std::map<std::string, UserConfig> users;  // by name
  std::uint16_t nxapi_http_port = 80;        // `nxapi http port N` (served with `feature nxapi`)
  EmulatorConfig emulator;

  bool feature(const std::string& name) const { return features.count(name) > 0; }
  const InterfaceConfig* interface(InterfaceId id) const {
    auto it = interfaces.find(id);
    return it == interfaces.end() ? nullptr : &it->second;
  }
  // The switchport settings a port runs with (mode, VLANs, MTU): a port-channel member takes its
  // port-channel's, as on NX-OS; any other port its own. nullptr when the port is not configured.
  const InterfaceConfig* switchportOf(InterfaceId id) const;
  // The port-channel carrying `vpc peer-link`, if any.
  const InterfaceConfig* peerLink() const;
  // The port-channel configured with `vpc <id>`.
  const InterfaceConfig* vpcPort(std::uint32_t vpc_id) const;
  // Member Ethernet ports of port-channel N.
  std::vector<InterfaceId> members(std::uint32_t port_channel) const;
  // Shut down by the configuration: the interface itself, or (a member) its port-channel - a shut
  // port-channel shuts its members, as on NX-OS.
  bool shutDown(InterfaceId id) const {
    const auto* ic = interface(id);
    if (!ic) return false;
    if (ic->shutdown) return true;
    const auto* group = ic->channel_group ? interface(InterfaceId::portChannel(*ic->channel_group)) : nullptr;
    return group && group->shutdown;
  }
};

}  // namespace vpc
