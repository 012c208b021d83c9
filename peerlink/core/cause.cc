#include "peerlink/core/cause.h"

#include <algorithm>
#include <cmath>

namespace vpc {

namespace {

struct Words {
  std::string_view name;
  std::string_view text;  // {0}, {1}, ... are the cause's arguments
};

Words words(CauseKind k) {
  using K = CauseKind;
  switch (k) {
    case K::PeerLinkNotConfigured: return {"peer-link-not-configured", "peer-link not configured"};
    case K::PeerLinkShut: return {"peer-link-shut", "vPC peer-link {0} is shut down"};
    case K::PeerLinkNoMember: return {"peer-link-no-member", "vPC peer-link {0} has no member up"};
    case K::PeerLinkEnabled: return {"peer-link-enabled", "peer-link enabled"};
    case K::PeerNeverAlive: return {"peer-never-alive", "peer-keepalive not operational, peer never alive"};
    case K::BringupFailedNeverAlive:
      return {"bringup-failed-never-alive",
              "vPC peer-link bringup failed (peer-keepalive not operational, peer never alive)"};
    case K::PeerSeenDialing: return {"peer-seen-dialing", "peer seen on peer-keepalive; the lower local MAC dials"};
    case K::PeerSeenWaiting:
      return {"peer-seen-waiting", "peer seen on peer-keepalive; waiting for the peer (lower local MAC) to dial"};
    case K::PeerLinkConnecting: return {"peer-link-connecting", "peer-link connecting"};
    case K::HeartbeatTimeout: return {"heartbeat-timeout", "no heartbeat for {0} ms"};
    case K::HandshakeSilence: return {"handshake-silence", "no message from the peer within {0} ms after its Hello"};
    case K::HelloTimeout: return {"hello-timeout", "no Hello from the peer within {0} ms"};
    case K::TransportClosed: return {"transport-closed", "{0}"};
    case K::PeerGoodbye: return {"peer-goodbye", "peer closed the peer-link: {0}"};
    case K::PeerRefusedHello: return {"peer-refused-hello", "the peer refused the Hello"};
    case K::PeerReason: return {"peer-reason", "{0}"};
    case K::HelloMismatch: return {"hello-mismatch", "vPC domain/system id /system priority mismatch"};
    case K::HelloMismatchDetail: return {"hello-mismatch-detail", "{0}"};
    case K::ProtocolVersionMismatch:
      return {"protocol-version-mismatch", "peer-link protocol version {0} not supported (ours is {1})"};
    case K::SameLocalMac: return {"same-local-mac", "peer uses the same local system MAC"};
    case K::PeerRestarted: return {"peer-restarted", "peer restarted (new boot id on the peer-keepalive)"};
    case K::Superseded: return {"superseded", "superseded by a new connection from the peer"};
    case K::SystemParamsChanged:
      return {"system-params-changed", "vPC system parameters changed; re-initialising the peer-link"};
    case K::HelloFrom: return {"hello-from", "Hello from {0} ({1})"};
    case K::HelloChecksMatch:
      return {"hello-checks-match",
              "domain {0}, system-mac {1}, system-priority {2} and protocol version {3} match"};
    case K::BulkSyncComplete: return {"bulk-sync-complete", "bulk sync complete both ways"};
    case K::NextDial: return {"next-dial", "next dial in {0} ms"};
    case K::WaitingForDial: return {"waiting-for-dial", "waiting for the peer to dial"};
    case K::HandshakeTimeout: return {"handshake-timeout", "handshake timeout {0} ms"};
    case K::HandshakeGrown:
      return {"handshake-grown", "handshake timeout {0} -> {1} ms (the peer answers, but slower than that)"};
    case K::PeerLinkDown: return {"peer-link-down", "peer-link down"};
    case K::PeerLinkUp: return {"peer-link-up", "peer-link up"};
    case K::KeepaliveConfigured: return {"keepalive-configured", "peer-keepalive configured"};
    case K::KeepaliveRemoved: return {"keepalive-removed", "peer-keepalive removed"};
    case K::KeepaliveDomainMismatch: return {"keepalive-domain-mismatch", "keepalive from domain {0}, ours is {1}"};
    case K::KeepaliveReceived: return {"keepalive-received", "keepalive received from {0}"};
    case K::KeepaliveSendFailed:
      return {"keepalive-send-failed", "keepalive send failed: destination not reachable"};
    case K::KeepaliveSendOk: return {"keepalive-send-ok", "keepalive send succeeded"};
    case K::KeepaliveTimeout: return {"keepalive-timeout", "no keepalive for {0} ms"};
    case K::AutoRecoveryWaiting:
      return {"auto-recovery-waiting", "auto-recovery: waiting reload-delay {0} ms for the peer"};
    case K::HoldTimeoutStarted: return {"hold-timeout-started", "keepalives ignored for hold-timeout {0} ms"};
    case K::HoldTimeoutOver: return {"hold-timeout-over", "hold-timeout over; watching for a keepalive for {0} ms"};
    case K::AutoRecoveryStopped:
      return {"auto-recovery-stopped", "auto-recovery timer stopped: the peer-keepalive works"};
    case K::PeerAliveAfterHold:
      return {"peer-alive-after-hold",
              "keepalive received after the hold-timeout: the peer is alive (dual-active avoided, vPCs stay "
              "suspended)"};
    case K::PeerDeclaredDead:
      return {"peer-declared-dead", "peer declared dead: no keepalive within {0} ms after the hold-timeout"};
    case K::AutoRecoveryMissed:
      return {"auto-recovery-missed", "auto-recovery: 3 keepalives missed after the peer was found alive"};
    case K::AutoRecoveryAlone:
      return {"auto-recovery-alone", "auto-recovery: no peer-keepalive and no peer-link within reload-delay {0} ms"};
    case K::RolePriority: return {"role-priority", "role priority {0} {1} {2} (peer)"};
    case K::RoleMacTieBreak: return {"role-mac-tie-break", "equal role priority {0}, {1} system MAC {2} vs {3}"};
    case K::StickyKeeps:
      return {"sticky-keeps", "{0} stayed up as operational primary (sticky), priorities not considered"};
    case K::AdjacencyFormed: return {"adjacency-formed", "peer adjacency formed"};
    case K::HelloChecksPassed: return {"hello-checks-passed", "Hello checks passed, roles decided"};
    case K::DualActiveRecovery:
      return {"dual-active-recovery", "dual-active recovery: the peer keeps the primary role (sticky)"};
    case K::StayedUp: return {"stayed-up", "became operational primary by staying up"};
    case K::PriorityReentered: return {"priority-reentered", "role priority re-entered ({0})"};
    case K::PreemptRequested:
      return {"preempt-requested", "vpc role preempt: re-electing from role priorities (local {0})"};
    case K::PreemptByPeer: return {"preempt-by-peer", "vpc role preempt requested by the peer"};
    case K::Preempt: return {"preempt", "vpc role preempt"};
    case K::Hitless: return {"hitless", "no vPC flaps (hitless)"};
    case K::VpcStateReceived: return {"vpc-state-received", "vPC state received from the peer ({0} vPCs)"};
    case K::NoPeerLinkConfigured: return {"no-peer-link", "vPC peer-link does not exist"};
    case K::LocalLegDown: return {"local-leg-down", "local {0} is down (no member port up)"};
    case K::LocalLegShut: return {"local-leg-shut", "local {0} is down (shutdown)"};
    case K::TrafficViaPeerLeg: return {"traffic-via-peer-leg", "traffic for it crosses the peer-link to the peer's leg"};
    case K::PeerLegDownToo: return {"peer-leg-down-too", "the peer's leg is {0} too"};
    case K::PeerLinkIsDown: return {"peer-link-is-down", "Peer-link is down"};
    case K::SecondarySuspendsAll:
      return {"secondary-suspends-all", "secondary suspends all vPCs when the peer-link goes down"};
    case K::PrimaryKeeps: return {"primary-keeps", "the primary keeps its vPCs up while the peer-link is down"};
    case K::TookOver: return {"took-over", "the peer is gone: this switch took over as operational primary"};
    case K::NoRoleYet: return {"no-role-yet", "no vPC role yet"};
    case K::DelayRestoreRunning: return {"delay-restore-running", "delay restore {0} s is running"};
    case K::JoinsForwardingPeer: return {"joins-forwarding-peer", "this switch joins a peer that already forwards"};
    case K::LostPrimaryToSticky:
      return {"lost-primary-to-sticky", "this switch lost the primary role to the sticky peer: its vPCs flap"};
    case K::CheckNotPerformed: return {"check-not-performed", "Consistency Check Not Performed"};
    case K::WaitingForPeerState: return {"waiting-for-peer-state", "waiting for the peer's vPC state"};
    case K::NotConfiguredOnPeer: return {"not-configured-on-peer", "vPC {0} is not configured on the peer"};
    case K::AdjacencyOk: return {"adjacency-ok", "peer adjacency formed ok"};
    case K::ConfiguredOnBoth: return {"configured-on-both", "vPC {0} configured on both switches"};
    case K::Inconsistent: return {"inconsistent", "vPC type-{0} configuration incompatible - {1} inconsistent"};
    case K::ParameterValues: return {"parameter-values", "{0}: local {1}, peer {2}"};
    case K::GracefulSecondarySuspends:
      return {"graceful-secondary-suspends", "graceful consistency-check: the secondary suspends"};
    case K::GracefulPrimaryKeeps:
      return {"graceful-primary-keeps", "graceful consistency-check: the primary keeps forwarding"};
    case K::GracefulOffBothSuspend:
      return {"graceful-off-both-suspend", "graceful consistency-check is off: both switches suspend"};
    case K::VlansSuspended:
      return {"vlans-suspended", "VLANs {0} suspended (not allowed or inconsistent on the peer)"};
    case K::AdminShutdown: return {"admin-shutdown", "shutdown"};
    case K::NoMemberUp: return {"no-member-up", "no member port up"};
    case K::OrphanSuspended: return {"orphan-suspended", "vpc orphan-port suspend: suspended with the vPCs"};
    case K::DelayRestoreOrphanRunning:
      return {"delay-restore-orphan-running", "delay restore orphan-port {0} s is running"};
    case K::SviWaitsForAdjacency:
      return {"svi-waits-for-adjacency", "SVI of vPC VLAN {0} waits for the peer adjacency"};
    case K::SviShutOnSecondary: return {"svi-shut-on-secondary", "SVI of vPC VLAN {0} shut on the secondary"};
    case K::DelayRestoreSviRunning:
      return {"delay-restore-svi-running", "delay restore interface-vlan {0} s is running"};
    case K::VlanMissing: return {"vlan-missing", "VLAN {0} does not exist"};
    case K::PeerLinkMemberDown: return {"peer-link-member-down", "member of the vPC peer-link, which is down"};
    case K::LinkNotConnected: return {"link-not-connected", "Link not connected ({0} has no carrier)"};
    case K::LacpMember: return {"lacp", "LACP: {0}"};
    case K::PeerLinkPortDown: return {"peer-link-port-down", "the vPC peer-link is down: no member is up in it"};
    case K::InterfaceUp: return {"interface-up", "up"};
    case K::DelayRestoreStarted:
      return {"delay-restore-started", "vPC legs in {0} s, SVIs in {1} s, orphan ports in {2} s"};
    case K::DelayRestoreOver: return {"delay-restore-over", "{0} delay restore ({1} s) over"};
    case K::VpcDownForVlan: return {"vpc-down-for-vlan", "vPC {0} ({1}) is {2}: {3}"};
    case K::VlanStpMismatch:
      return {"vlan-stp-mismatch",
              "VLAN {0} suspended on {1}: STP is enabled for it on one switch only (per-VLAN consistency)"};
    case K::VlanNotOnPeer:
      return {"vlan-not-on-peer", "VLAN {0} suspended on {1} (not allowed or inconsistent on the peer's vPC {2})"};
    case K::VlanNotOnPeerLink:
      return {"vlan-not-on-peer-link", "VLAN {0} is not allowed on the peer-link, so it is no vPC VLAN"};
    case K::WaitingForPeerParameters: return {"waiting-for-peer-parameters", "waiting for the peer's parameters"};
    case K::StpVlansSuspended:
      return {"stp-vlans-suspended", "VLANs {0} suspended: STP enabled on one switch only"};
    case K::BulkReceiving:
      return {"bulk-receiving", "peer sends a bulk snapshot: {0} MACs, {1} ARP entries (epoch {2})"};
    case K::BulkApplied: return {"bulk-applied", "{0} records in {1} ms; {2} stale peer entries removed"};
    case K::ResyncAsked: return {"resync-asked", "the peer asked for a resync: {0}"};
    case K::SequenceGap: return {"sequence-gap", "sequence gap: expected batch after {0}, got {1}"};
    case K::MalformedPeerMessage: return {"malformed-peer-message", "malformed peer message: {0}"};
    case K::TablesFlushed:
      return {"tables-flushed", "{0} local and {1} peer MAC entries, {2} ARP entries that led nowhere"};
    case K::InterfacesWentDown: return {"interfaces-went-down", "interfaces went down"};
    case K::ConfigLine: return {"config-line", "{0}"};
    case K::SwitchStarted: return {"switch-started", "vpcd started{0}"};
    case K::SwitchStopped: return {"switch-stopped", "{0}"};
  }
  return {"unknown", "?"};
}

}  // namespace

std::string arg(long long n) { return std::to_string(n); }
std::string msArg(double ms) { return std::to_string(static_cast<long long>(std::llround(ms))); }

std::string_view name(CauseKind kind) { return words(kind).name; }

std::string describe(const Cause& c) {
  const std::string_view text = words(c.kind).text;
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 2 < text.size() && text[i + 2] == '}' && text[i + 1] >= '0' && text[i + 1] <= '9') {
      const auto n = static_cast<std::size_t>(text[i + 1] - '0');
      if (n < c.args.size()) out += c.args[n];
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

std::vector<std::string> describe(const Causes& chain) {
  std::vector<std::string> out;
  out.reserve(chain.size());
  for (const auto& c : chain) out.push_back(describe(c));
  return out;
}

bool has(const Causes& chain, CauseKind kind) {
  return std::any_of(chain.begin(), chain.end(), [&](const Cause& c) { return c.kind == kind; });
}

Causes concat(Causes a, const Causes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace vpc
