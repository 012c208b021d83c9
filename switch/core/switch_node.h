// One emulated switch, as a pure deterministic object: `handle(input, now)` and `tick(now)` return
// effects (send this keepalive, send this peer message, dial the peer, record this event), and views
// give the values that `show` commands render. It composes the keepalive FSM, the peer-link session,
// the failover FSM, the sync engine and the MAC/ARP tables, and derives every operator-visible status
// from them. It owns no socket, no timer and no clock: the shell calls tick() at nextDeadline().
//
// How state changes are recorded: after every call the node re-derives the status (role, peer status,
// each vPC, each interface) and records every difference as an event whose reason chain explains it
// ("vPC 10: up -> down <- Peer-link is down <- secondary suspends its vPCs <- no heartbeat for 300 ms").
//
// vPC rules (DESIGN.md §6, vpc-behaviour.md §1-§5):
//  - Peer-link lost on the operational secondary: every vPC, every `vpc orphan-port suspend` port and
//    every SVI of a vPC VLAN (but `dual-active exclude`) is suspended at once; the failover FSM then
//    decides peer alive (stay suspended) or peer dead (become operational primary, sticky, restore).
//    The primary changes nothing.
//  - A vPC forwards when its port-channel is up, the switch holds a role, nothing suspends it, no delay
//    restore is pending, and - with the peer adjacent - it is configured on both switches and passes the
//    Type-1 checks (with graceful consistency-check only the secondary suspends on a mismatch). With the
//    peer-link down only an operational primary forwards.
//  - Delay restore: when this switch's vPCs come up while the peer already forwards (a rejoin, a
//    peer-link restore, the loser of a dual-active recovery), vPC legs wait `delay restore`, SVIs
//    `delay restore interface-vlan`, orphan ports `delay restore orphan-port`.
//
// Sync (DESIGN.md §5): each switch streams its own assertions; the receiver installs an entry the peer
// learned on vPC X on its own port-channel of vPC X while that forwards the VLAN (flag *), and anything
// else on the vPC Peer-Link (flag +). A local assertion on a vPC whose leg is down also points at the
// peer-link. While the peer-link is down, entries that point at it are flushed; the peer's entries on
// forwarding vPCs stay and age here until its next snapshot replaces them.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "peerlink/core/effects.h"
#include "peerlink/core/journal.h"
#include "peerlink/core/keepalive_fsm.h"
#include "peerlink/core/result.h"
#include "peerlink/core/session_fsm.h"
#include "peerlink/core/sync_engine.h"
#include "switch/core/config.h"
#include "switch/core/consistency.h"
#include "switch/core/dual_table.h"
#include "switch/core/failover_fsm.h"

namespace vpc {

// ---------------------------------------------------------------------------------------------------
// Inputs: facts from the shell.
namespace in {
struct KeepaliveReceived {
  KeepaliveMsg msg;
};
struct KeepaliveMalformed {
  std::string error;
};
struct KeepaliveSendResult {
  bool ok = true;
};
struct PeerTransportUp {  // the shell accepted a connection
  ConnId conn = 0;
};
struct PeerTransportDown {
  ConnId conn = 0;
  std::string reason;
};
struct PeerMessageReceived {
  ConnId conn = 0;
  peer::Message msg;
};
struct PeerMessageMalformed {
  ConnId conn = 0;
  std::string error;
};
struct ShutdownRequested {
  std::string reason;
};
}  // namespace in

using Input = std::variant<in::KeepaliveReceived, in::KeepaliveMalformed, in::KeepaliveSendResult, in::PeerTransportUp,
                           in::PeerTransportDown, in::PeerMessageReceived, in::PeerMessageMalformed,
                           in::ShutdownRequested>;

// ---------------------------------------------------------------------------------------------------
// Management commands.
struct LearnMacCmd {
  MacAddress mac;
  std::uint32_t count = 1;  // consecutive MACs from `mac`
  std::uint16_t vlan = 1;
  InterfaceId iface;
  bool is_static = false;
};
struct LearnArpCmd {
  Ipv4 ip;
  std::uint32_t count = 1;  // consecutive IPs from `ip`, with consecutive MACs from `mac`
  MacAddress mac;
  std::uint16_t vlan = 1;
};
struct LearnResult {
  std::uint64_t changed = 0;
  std::uint64_t unchanged = 0;
};
struct ConfigureResult {
  std::size_t applied = 0;
  std::vector<std::string> messages;  // what NX-OS would print (warnings, notes)
  bool keepalive_endpoints_changed = false;  // the shell must move the keepalive socket
};

// ---------------------------------------------------------------------------------------------------
// Views (values for show commands).
struct VpcRow {
  std::uint32_t id = 0;
  std::string port;
  std::string status;       // up | down | down*
  std::string consistency;  // success | failed | Not Applicable
  std::string reason;
  std::string active_vlans;
  std::vector<std::string> reason_chain;
  std::string peer_leg;     // up | down | not configured | unknown
  bool peer_link_traffic_allowed = false;
  VlanSet active;           // the VLANs it forwards (the set behind active_vlans)
  bool operator==(const VpcRow&) const = default;
};

struct PeerLinkRow {
  std::uint32_t id = 1;
  std::string port;
  std::string status;
  std::string active_vlans;
  std::string reason;
};

struct InterfaceRow {
  InterfaceId id;
  std::string description;
  std::string status;  // connected | disabled | suspndByV | noOperMem | down
  std::string vlan;    // access VLAN, "trunk", "routed"
  std::string duplex;
  std::string speed;
  std::vector<std::string> reason_chain;
};

struct VpcView {
  std::string hostname;
  bool domain_configured = false;
  std::uint32_t domain_id = 0;
  std::string role;
  std::string peer_status;
  std::string peer_status_reason;
  std::string keepalive_status;
  std::string consistency_status;
  std::string consistency_reason;
  std::string per_vlan_consistency_status;
  std::string type2_consistency_status;
  std::string type2_reason;
  std::optional<PeerLinkRow> peer_link;
  std::vector<VpcRow> vpcs;
  bool peer_gateway = false;
  std::string dual_active_excluded_vlans;
  std::string graceful_consistency_check;  // Enabled | Disabled | Disabled (due to peer configuration)
  std::string auto_recovery_status;
  std::string delay_restore_status;
  std::string delay_restore_svi_status;
  std::string delay_restore_orphan_status;
  bool layer3_peer_router = false;
  double time_scale = 1.0;
  // show vpc role
  std::uint32_t dual_active_detection_status = 0;
  MacAddress system_mac;
  std::uint32_t system_priority = 0;
  MacAddress local_mac;
  std::uint32_t local_role_priority = 0;
  std::uint32_t local_config_role_priority = 0;
  std::optional<MacAddress> peer_mac;
  std::uint32_t peer_role_priority = 0;
  std::uint32_t peer_config_role_priority = 0;
  bool sticky = false;
};

struct ConsistencyRowView {
  std::string name;
  std::string type;  // "1" | "2" | "-"
  std::string local;
  std::string peer;
};
struct ConsistencyView {
  std::string status;  // success | failed | not performed
  std::string reason;
  std::vector<ConsistencyRowView> rows;
};

struct OrphanVlanView {
  std::uint16_t vlan = 0;
  std::vector<InterfaceId> ports;
};

struct PortChannelView {
  std::uint32_t group = 0;
  InterfaceId id;
  std::string flags;     // SU | SD
  std::string protocol;  // LACP | NONE
  std::vector<std::pair<InterfaceId, char>> members;  // P (up in port-channel) | s (suspended) | D (down)
};

struct ExplainQuery {
  enum class Kind { Vpc, Interface, PeerLink, Role, Vlan };
  Kind kind = Kind::Vpc;
  std::uint32_t vpc = 0;
  std::uint16_t vlan = 0;
  InterfaceId iface;
};

struct Explanation {
  std::string subject;
  std::string status;
  std::string reason;
  std::vector<std::string> chain;
  std::vector<std::string> rules;
  std::vector<Event> events;  // oldest first
};

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

struct ArpRow {
  Ipv4 ip;
  MacAddress mac;
  std::uint16_t vlan = 0;
  Duration age{};
  bool synced = false;  // installed from the peer (NX-OS flag +)
};

struct SyncView {
  std::string session_state;
  SyncTxStatus tx;
  SyncRxStatus rx;
  std::uint64_t local_macs = 0, peer_macs = 0, local_arps = 0, peer_arps = 0;
  std::uint64_t logical_macs = 0, logical_arps = 0;
  std::uint64_t logical_mac_digest = 0, logical_arp_digest = 0;
  std::optional<Duration> rtt;
  std::uint64_t session_flaps = 0;
  bool arp_sync = false;
  std::vector<std::string> recent_messages;  // oldest first
};

struct KeepaliveView {
  KeepaliveState state = KeepaliveState::Disabled;
  std::string status;
  std::optional<KeepaliveSettings> settings;
  KeepaliveCounters counters;
  std::optional<Duration> alive_for;
  std::optional<Duration> since_last_rx;
  std::optional<TimePoint> last_tx, last_rx;
  std::optional<Duration> average_rx_interval;
};

struct NodeOptions {
  std::uint64_t boot_id = 1;
  double time_scale = 1.0;  // multiplies every protocol timer (DESIGN.md §8)
  SyncLimits sync_limits;
};

class SwitchNode : private SyncSource {
 public:
  SwitchNode(SwitchConfig config, NodeOptions options);

  [[nodiscard]] Effects start(TimePoint now);
  [[nodiscard]] Effects handle(const Input& input, TimePoint now);
  [[nodiscard]] Effects tick(TimePoint now);
  [[nodiscard]] std::optional<TimePoint> nextDeadline() const;

  Result<LearnResult> learnMac(const LearnMacCmd& cmd, TimePoint now, Effects& out);
  Result<LearnResult> learnArp(const LearnArpCmd& cmd, TimePoint now, Effects& out);
  std::uint64_t clearMacDynamic(TimePoint now, Effects& out);
  std::uint64_t clearArp(TimePoint now, Effects& out);
  // Lines as typed in `configure terminal`: validated as a whole, then applied all or nothing.
  Result<ConfigureResult> configure(const std::vector<std::string>& lines, TimePoint now, Effects& out);
  // `vpc role preempt`: re-elect from role priorities without flapping the peer-link.
  Result<std::string> rolePreempt(TimePoint now, Effects& out);

  VpcView vpcView(TimePoint now) const;
  ConsistencyView consistencyView(const std::string& scope, std::uint32_t vpc) const;
  std::vector<InterfaceRow> interfaceRows() const;
  std::vector<OrphanVlanView> orphanPorts() const;
  std::vector<PortChannelView> portChannels() const;
  Result<Explanation> explain(const ExplainQuery& query) const;
  std::vector<MacRow> macRows(const MacFilter& filter, TimePoint now) const;  // sorted by (vlan, mac)
  std::size_t macCount(const MacFilter& filter) const;
  std::vector<ArpRow> arpRows(std::uint16_t vlan, TimePoint now) const;  // sorted by IP
  SyncView syncView() const;  // recent_messages stays empty: the transport keeps the wire log
  KeepaliveView keepaliveView(TimePoint now) const;
  const Journal& journal() const { return journal_; }
  const SwitchConfig& config() const { return config_; }
  Role role() const { return role_; }
  bool sticky() const { return sticky_; }
  SessionState sessionState() const { return session_.state(); }
  FailoverState failoverState() const { return failover_.state(); }
  const MacTable& macTable() const { return macs_; }
  const ArpTable& arpTable() const { return arps_; }
  Duration scaled(Duration d) const;
  std::string scaleText() const;  // "0.05"

 private:
  // SyncSource
  void localMacs(std::vector<peer::MacRecord>& out) const override;
  std::optional<peer::MacRecord> localMac(std::uint64_t key) const override;
  void localArps(std::vector<peer::ArpRecord>& out) const override;
  std::optional<peer::ArpRecord> localArp(std::uint32_t ip) const override;

  // The operator-visible status, re-derived after every call and diffed to record events.
  struct PortStatus {
    std::string status;
    std::vector<std::string> why;
    bool operator==(const PortStatus&) const = default;
  };
  struct Status {
    std::string role;
    std::string peer_status;
    std::vector<VpcRow> vpcs;
    std::map<InterfaceId, PortStatus> ports;
    std::map<std::uint32_t, VlanSet> vpc_active;  // forwarding vPCs -> VLANs they forward
  };

  void applyTimersFromConfig();
  void onSessionFacts(const SessionFacts& facts, TimePoint now, Effects& out);
  void onSessionUp(const SessionFacts::Up& up, TimePoint now, Effects& out);
  void onSessionDown(const std::string& reason, TimePoint now, Effects& out);
  void onFailoverFacts(const FailoverFacts& facts, TimePoint now, Effects& out);
  void route(const peer::Message& msg, TimePoint now, Effects& out);
  void applyPreempt(std::uint32_t peer_priority, const std::string& why, TimePoint now, Effects& out);
  void requestResync(const std::string& reason, TimePoint now, Effects& out);
  void ageTables(TimePoint now);
  void applyStaticMacs(const std::map<std::pair<std::uint16_t, MacAddress>, StaticMac>& before, TimePoint now);
  void expireRestoreTimers(TimePoint now, Effects& out);
  bool peerLinkUsable() const;  // configured, admin up, a member up
  // After every call: send state, pump sync, derive status, journal events.
  // After every input: status, what the peer must hear, sync output, the journal. `status_inputs` is
  // false when the input cannot have changed the status (sync data).
  void settle(TimePoint now, Effects& out, std::size_t first_effect, bool status_inputs = true);
  void settleStatus(TimePoint now, Effects& out);
  void flushDeadEntries(TimePoint now, Effects& out);

  Status deriveStatus(TimePoint now) const;
  VpcRow deriveVpc(const InterfaceConfig& pc, TimePoint now) const;
  void recordStatusChanges(Status next, TimePoint now, Effects& out);
  peer::Hello localHello() const;
  KeepaliveMsg localKeepalive() const;
  peer::VpcState localVpcState() const;
  bool portChannelUp(const InterfaceConfig& pc) const;
  VlanSet vpcVlans() const;  // VLANs the peer-link carries
  std::optional<ConsistencyResult> consistency() const;
  bool restorePending(const std::optional<TimePoint>& at, TimePoint now) const { return at && now < *at; }
  // The interface this switch installs a MAC entry on, from the entry's assertions.
  std::pair<InterfaceId, char> installedPort(std::uint64_t key, const MacTable::Entry& e) const;
  InterfaceId peerPort(std::uint64_t key, const MacTable::Entry& e) const;
  bool arpSyncActive() const;
  std::uint32_t wirePort(InterfaceId local) const;  // vPC port-channels go out as IfKind::Vpc
  void indexPorts();                                 // after every config change: vpc_wire_port_
  std::string countdown(const std::optional<TimePoint>& at, std::uint32_t configured_s, TimePoint now) const;

  SwitchConfig config_;
  absl::flat_hash_map<std::uint32_t, std::uint32_t> vpc_wire_port_;  // vPC port-channel code -> its vPC code
  NodeOptions options_;
  KeepaliveFsm keepalive_;
  SessionFsm session_;
  FailoverFsm failover_;
  SyncSender sender_;
  SyncReceiver receiver_;
  MacTable macs_;
  ArpTable arps_;
  Journal journal_;

  Role role_ = Role::None;
  Role config_role_ = Role::None;
  bool sticky_ = false;
  bool peer_dead_ = false;  // took over after the peer was declared dead (or auto-recovered)
  std::uint32_t op_role_priority_ = 0;
  std::uint32_t peer_config_priority_ = 0;
  bool preempt_pending_ = false;
  std::optional<std::vector<std::string>> suspend_all_;  // why every vPC is suspended (secondary, peer-link down)
  std::optional<TimePoint> restore_at_, svi_restore_at_, orphan_restore_at_;
  std::vector<std::string> restore_why_;
  std::optional<peer::Hello> peer_hello_;
  std::optional<peer::VpcState> peer_vpc_state_;
  std::optional<peer::VpcState> sent_vpc_state_;
  std::optional<peer::ConsistencyParams> peer_consistency_;
  std::optional<peer::ConsistencyParams> sent_consistency_;
  peer::ConsistencyParams local_consistency_;
  std::uint32_t rx_gen_ = 0;  // sync generation of peer assertions (mark and sweep)
  std::optional<TimePoint> next_age_;
  Status status_;
  bool flush_needed_ = false;
  bool started_ = false;
  bool shut_down_ = false;
};

}  // namespace vpc
