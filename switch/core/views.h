// Typed views over a node snapshot, for the show commands whose rows take more than copying fields:
// the consistency checks, interfaces, orphan ports, port-channels, MAC and ARP rows. Pure functions;
// the management views (switch/mgmt/) turn them into the API's messages with NX-OS words, tests assert
// on them directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switch/core/snapshot.h"

namespace vpc {

// `show vpc`: configuration consistency (global Type-1), per-VLAN and Type-2 status.
enum class CheckStatus : std::uint8_t { Success, Failed, NotPerformed };
std::string_view toString(CheckStatus s);  // "success" | "failed" | "not performed"

struct GlobalConsistency {
  CheckStatus type1 = CheckStatus::NotPerformed;
  std::optional<Cause> type1_reason;  // why it failed (a mismatch, "not performed", no peer-link)
  CheckStatus per_vlan = CheckStatus::Success;
  CheckStatus type2 = CheckStatus::Success;
  std::optional<Cause> type2_reason;
};
GlobalConsistency globalConsistency(const NodeSnapshot& s);

enum class Graceful : std::uint8_t { Enabled, Disabled, DisabledByPeer };
std::string_view toString(Graceful g);  // "Enabled" | "Disabled" | "Disabled (due to peer configuration)"
Graceful graceful(const NodeSnapshot& s);

// `show vpc consistency-parameters {global | vpc N | vlans}`.
enum class ConsistencyScope : std::uint8_t { Global, Vpc, Vlans };
struct ConsistencyRow {
  std::string name;
  std::uint32_t type = 1;  // 1, 2, or 0 (informational, "-")
  std::string local;
  std::optional<std::string> peer;  // unset: no peer values
};
struct ConsistencyView {
  CheckStatus status = CheckStatus::NotPerformed;
  std::optional<Cause> reason;
  std::vector<ConsistencyRow> rows;
};
Result<ConsistencyView> consistencyView(const NodeSnapshot& s, ConsistencyScope scope, std::uint32_t vpc);

// `show interface status`.
struct InterfaceRow {
  InterfaceId id;
  std::string description;
  PortState state = PortState::Connected;
  Causes chain;
  std::optional<std::uint16_t> access_vlan;  // unset: a trunk, or routed
  bool routed = false;
  std::string duplex;  // "full" | "half" | "auto"
  std::string speed;
};
std::vector<InterfaceRow> interfaceRows(const NodeSnapshot& s);

// `show vpc orphan-ports`: ports on vPC VLANs that are neither vPC members nor the peer-link.
struct OrphanVlan {
  std::uint16_t vlan = 0;
  std::vector<InterfaceId> ports;
};
std::vector<OrphanVlan> orphanPorts(const SwitchConfig& config);

// `show port-channel summary`.
struct PortChannelRow {
  std::uint32_t group = 0;
  InterfaceId id;
  bool switched = true;
  bool up = false;
  bool lacp = false;
  std::vector<std::pair<InterfaceId, PortState>> members;
};
std::vector<PortChannelRow> portChannels(const NodeSnapshot& s);
char memberFlag(PortState s);  // P (up in port-channel) | s (suspended) | D (down)

// `show mac address-table` rows.
struct MacFilter {
  std::uint16_t vlan = 0;  // 0: any
  std::optional<MacAddress> mac;
  std::optional<InterfaceId> iface;
  std::optional<bool> is_static;
};
struct MacRow {
  std::uint16_t vlan = 0;
  MacAddress mac;
  bool is_static = false;
  std::uint32_t age_s = 0;
  InterfaceId port;  // a local interface, or InterfaceId::peerLink()
  char flag = '*';
};
// The row of one entry as this switch shows it, if it matches the filter.
std::optional<MacRow> macRow(const TableSync& tables, std::uint64_t key, const MacTable::Entry& e,
                             const MacFilter& filter, TimePoint now);
// Every matching row, sorted by (VLAN, MAC). The whole table in one go: for tests and small tables;
// the daemon reads big ones in slices.
std::vector<MacRow> macRows(const TableSync& tables, const MacFilter& filter, TimePoint now);

struct ArpRow {
  Ipv4 ip;
  MacAddress mac;
  std::uint16_t vlan = 0;
  Duration age{};
  bool synced = false;  // installed from the peer (NX-OS flag +)
};
std::optional<ArpRow> arpRow(std::uint32_t ip, const ArpTable::Entry& e, std::uint16_t vlan, TimePoint now);
std::vector<ArpRow> arpRows(const TableSync& tables, std::uint16_t vlan, TimePoint now);  // sorted by IP

}  // namespace vpc
