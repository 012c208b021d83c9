// One emulated switch, as a pure deterministic object: `handle(input, now)` and `tick(now)` return
// effects (send this keepalive, send this peer message, dial the peer, record this event), and views
// give the values that `show` commands render. It composes the keepalive FSM, the peer-link session,
// the sync engine and the MAC/ARP tables, and derives vPC status from them. It owns no socket, no timer
// and no clock: the shell calls tick() at nextDeadline().
//
// How state changes are recorded: after every call the node re-derives the operator-visible status
// (role, peer status, each vPC's status and reason) and records every difference as an event whose
// reason chain explains it ("vPC 10: up -> down <- Peer-link is down <- no heartbeat for 300 ms").
//
// Sync (DESIGN.md §5): each switch streams its own assertions; the receiver installs an entry the peer
// learned on vPC X on its own port-channel of vPC X (flag *), and one the peer learned elsewhere on the
// vPC Peer-Link (flag +). A local assertion takes precedence for the installed port. When the peer-link
// goes down, peer entries that point at the peer-link are flushed; peer entries on vPCs stay and age
// here until the peer returns and its bulk snapshot replaces them.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
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
#include "switch/core/dual_table.h"

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

// ---------------------------------------------------------------------------------------------------
// Views (values for show commands).
struct VpcRow {
  std::uint32_t id = 0;
  std::string port;
  std::string status;       // up | down | down*
  std::string consistency;  // success | failed | not-applicable
  std::string reason;
  std::string active_vlans;
  std::vector<std::string> reason_chain;
};

struct PeerLinkRow {
  std::uint32_t id = 1;
  std::string port;
  std::string status;
  std::string active_vlans;
  std::string reason;
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
  std::optional<PeerLinkRow> peer_link;
  std::vector<VpcRow> vpcs;
  bool peer_gateway = false;
  std::string dual_active_excluded_vlans;
  bool graceful_consistency_check = true;
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

  VpcView vpcView() const;
  std::vector<MacRow> macRows(const MacFilter& filter, TimePoint now) const;  // sorted by (vlan, mac)
  std::size_t macCount(const MacFilter& filter) const;
  std::vector<ArpRow> arpRows(std::uint16_t vlan, TimePoint now) const;  // sorted by IP
  SyncView syncView() const;
  KeepaliveView keepaliveView(TimePoint now) const;
  const Journal& journal() const { return journal_; }
  const SwitchConfig& config() const { return config_; }
  Role role() const { return role_; }
  SessionState sessionState() const { return session_.state(); }
  const MacTable& macTable() const { return macs_; }
  const ArpTable& arpTable() const { return arps_; }
  Duration scaled(Duration d) const;

 private:
  // SyncSource
  void localMacKeys(std::vector<std::uint64_t>& out) const override;
  std::optional<peer::MacRecord> localMac(std::uint64_t key) const override;
  void localArpKeys(std::vector<std::uint32_t>& out) const override;
  std::optional<peer::ArpRecord> localArp(std::uint32_t ip) const override;

  struct Status {  // what the operator sees; diffed after every call to record events
    std::string role;
    std::string peer_status;
    std::vector<VpcRow> vpcs;
  };

  void onSessionFacts(const SessionFacts& facts, TimePoint now, Effects& out);
  void onSessionUp(const SessionFacts::Up& up, TimePoint now, Effects& out);
  void onSessionDown(const std::string& reason, TimePoint now, Effects& out);
  void route(const peer::Message& msg, TimePoint now, Effects& out);
  void requestResync(const std::string& reason, TimePoint now, Effects& out);
  void ageTables(TimePoint now);
  // After every call: pump sync, send state, check establishment, derive status, journal events.
  void settle(TimePoint now, Effects& out, std::size_t first_effect);

  Status deriveStatus() const;
  void recordStatusChanges(const Status& next, TimePoint now, Effects& out);
  peer::Hello localHello() const;
  KeepaliveMsg localKeepalive() const;
  peer::VpcState localVpcState() const;
  bool vpcPortUp(const InterfaceConfig& pc) const;
  // The interface this switch installs a MAC entry on, from the entry's assertions.
  std::pair<InterfaceId, char> installedPort(const MacTable::Entry& e) const;
  // Where the peer's assertion of an entry lands here: our port-channel of the same vPC if it is up,
  // else the vPC Peer-Link.
  InterfaceId peerPort(const MacTable::Entry& e) const;
  bool arpSyncActive() const;
  std::uint32_t wirePort(InterfaceId local) const;  // vPC port-channels go out as IfKind::Vpc
  void noteMessage(bool tx, const peer::Message& msg, TimePoint now);

  SwitchConfig config_;
  NodeOptions options_;
  KeepaliveFsm keepalive_;
  SessionFsm session_;
  SyncSender sender_;
  SyncReceiver receiver_;
  MacTable macs_;
  ArpTable arps_;
  Journal journal_;

  Role role_ = Role::None;
  Role config_role_ = Role::None;
  bool sticky_ = false;
  std::uint32_t op_role_priority_ = 0;
  std::optional<peer::Hello> peer_hello_;
  std::optional<peer::VpcState> peer_vpc_state_;
  std::optional<peer::VpcState> sent_vpc_state_;
  std::uint32_t rx_gen_ = 0;  // sync generation of peer assertions (mark and sweep)
  std::optional<TimePoint> next_age_;
  Status status_;
  bool started_ = false;
  bool shut_down_ = false;

  struct MessageNote {
    TimePoint at;
    bool tx;
    std::string text;
  };
  std::deque<MessageNote> messages_;
};

}  // namespace vpc
