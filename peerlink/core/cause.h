// Why something is the way it is, as a value: a kind from one catalog plus the arguments that make it
// specific ("no heartbeat for {300} ms"). Decisions look at kinds only; words are made from a cause
// only where output is rendered (describe()), so rewording a message never changes behaviour, and
// `explain` finds the rule behind a cause by its kind (switch/core/explain.h).
//
// A cause chain (Causes) lists the most immediate cause first: "vPC 10 down <- Peer-link is down <-
// secondary suspends all vPCs <- peer-link down <- no heartbeat for 300 ms".
//
// The catalog is shared by both halves of the core (the peer-link session and keepalive here, the vPC
// rules in switch/core): one vocabulary for the whole switch. Pure.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace vpc {

enum class CauseKind : std::uint16_t {
  // The peer-link session (peerlink/core/session_fsm.h).
  PeerLinkNotConfigured,
  PeerLinkShut,            // {port}
  PeerLinkNoMember,        // {port}
  PeerLinkEnabled,
  PeerNeverAlive,
  BringupFailedNeverAlive,
  PeerSeenDialing,
  PeerSeenWaiting,
  PeerLinkConnecting,
  HeartbeatTimeout,        // {ms}
  HandshakeSilence,        // {ms}
  HelloTimeout,            // {ms}
  TransportClosed,         // {the transport's words}
  PeerGoodbye,             // {the peer's reason}
  PeerRefusedHello,
  PeerReason,              // {the peer's reason, as it gave it}
  HelloMismatch,           // NX-OS: "vPC domain/system id /system priority mismatch"
  HelloMismatchDetail,     // {what differs}
  ProtocolVersionMismatch, // {theirs} {ours}
  SameLocalMac,
  PeerRestarted,
  Superseded,
  SystemParamsChanged,
  HelloFrom,               // {hostname} {mac}
  HelloChecksMatch,        // {domain} {system mac} {system priority} {version}
  BulkSyncComplete,
  NextDial,                // {ms}
  WaitingForDial,
  HandshakeTimeout,        // {ms}
  HandshakeGrown,          // {from ms} {to ms}
  PeerLinkDown,            // a link in chains: what follows is why the peer-link went down
  PeerLinkUp,
  // The peer-keepalive (peerlink/core/keepalive_fsm.h).
  KeepaliveConfigured,
  KeepaliveRemoved,
  KeepaliveDomainMismatch, // {theirs} {ours}
  KeepaliveReceived,       // {peer mac}
  KeepaliveSendFailed,
  KeepaliveSendOk,
  KeepaliveTimeout,        // {ms}
  // Failover after peer-link loss, auto-recovery (switch/core/failover_fsm.h).
  AutoRecoveryWaiting,     // {ms}
  HoldTimeoutStarted,      // {ms}
  HoldTimeoutOver,         // {ms}
  AutoRecoveryStopped,
  PeerAliveAfterHold,
  PeerDeclaredDead,        // {ms}
  AutoRecoveryMissed,
  AutoRecoveryAlone,       // {ms}
  // Roles (switch/core/role_election.h, vpc_manager.h).
  RolePriority,            // {ours} {"<"|">"} {theirs}
  RoleMacTieBreak,         // {priority} {"lower"|"higher"} {our mac} {their mac}
  StickyKeeps,             // {"this switch"|"peer"}
  AdjacencyFormed,
  HelloChecksPassed,
  DualActiveRecovery,
  StayedUp,
  PriorityReentered,       // {priority}
  PreemptRequested,        // {priority}
  PreemptByPeer,
  Preempt,
  Hitless,
  VpcStateReceived,        // {count}
  // vPC and interface status (switch/core/vpc_status.h).
  NoPeerLinkConfigured,
  LocalLegDown,            // {port}: no member port up
  LocalLegShut,            // {port}: shutdown
  TrafficViaPeerLeg,
  PeerLegDownToo,          // {peer leg}
  PeerLinkIsDown,          // NX-OS: "Peer-link is down"
  SecondarySuspendsAll,
  PrimaryKeeps,
  TookOver,
  NoRoleYet,
  DelayRestoreRunning,     // {s}
  JoinsForwardingPeer,
  LostPrimaryToSticky,
  CheckNotPerformed,       // NX-OS: "Consistency Check Not Performed"
  WaitingForPeerState,
  NotConfiguredOnPeer,     // {vpc}
  AdjacencyOk,             // NX-OS: "peer adjacency formed ok"
  ConfiguredOnBoth,        // {vpc}
  Inconsistent,            // {type} {parameter}   NX-OS: "vPC type-1 configuration incompatible - MTU inconsistent"
  ParameterValues,         // {parameter} {local} {peer}
  GracefulSecondarySuspends,
  GracefulPrimaryKeeps,
  GracefulOffBothSuspend,
  VlansSuspended,          // {vlans}
  AdminShutdown,
  NoMemberUp,
  OrphanSuspended,
  DelayRestoreOrphanRunning,  // {s}
  SviWaitsForAdjacency,    // {vlan}
  SviShutOnSecondary,      // {vlan}
  DelayRestoreSviRunning,  // {s}
  VlanMissing,             // {vlan}
  PeerLinkMemberDown,
  LinkNotConnected,        // {port}: its real link has no carrier
  LacpMember,              // {why}: what LACP says of a member (switch/core/lacp.h)
  PeerLinkPortDown,
  InterfaceUp,
  DelayRestoreStarted,     // {vpc s} {svi s} {orphan s}
  DelayRestoreOver,        // {"vPC"|"SVI"|"orphan-port"} {s}
  // Explain's own findings (switch/core/explain.h).
  VpcDownForVlan,          // {vpc} {port} {status} {reason}
  VlanStpMismatch,         // {vlan} {port}
  VlanNotOnPeer,           // {vlan} {port} {vpc}
  VlanNotOnPeerLink,       // {vlan}
  WaitingForPeerParameters,
  StpVlansSuspended,       // {vlans}
  // Table sync (switch/core/table_sync.h).
  BulkReceiving,           // {macs} {arps} {epoch}
  BulkApplied,             // {records} {ms} {stale}
  ResyncAsked,             // {reason}
  SequenceGap,             // {expected after} {got}
  MalformedPeerMessage,    // {error}
  TablesFlushed,           // {local macs} {peer macs} {arps}
  InterfacesWentDown,
  // The switch itself.
  ConfigLine,              // {the line as typed}
  SwitchStarted,           // {" (time scale F)" or ""}
  SwitchStopped,           // {why}
};

struct Cause {
  CauseKind kind{};
  std::vector<std::string> args;
  bool operator==(const Cause&) const = default;
};
using Causes = std::vector<Cause>;

inline Cause cause(CauseKind kind, std::initializer_list<std::string> args = {}) { return Cause{kind, args}; }
// Numbers as arguments: "300", not "300.000000".
std::string arg(long long n);
std::string msArg(double ms);  // whole milliseconds

// A stable name for the kind ("heartbeat-timeout"): JSON and tests, never shown to an operator as prose.
std::string_view name(CauseKind kind);
// The cause in words (NX-OS's words where NX-OS has them).
std::string describe(const Cause& c);
std::vector<std::string> describe(const Causes& chain);
// Does the chain hold a cause of this kind?
bool has(const Causes& chain, CauseKind kind);
Causes concat(Causes a, const Causes& b);

}  // namespace vpc
