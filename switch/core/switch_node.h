// One emulated switch, as a pure deterministic object: `handle(input, now)` and `tick(now)` return
// effects (send this keepalive, send this peer message, dial the peer, record this event), and
// snapshot() gives the value every show reads. It owns no socket, no timer and no clock: the shell calls
// tick() at nextDeadline().
//
// The node is a router between the parts, each of which owns its own state:
//   KeepaliveFsm  - the peer-keepalive (peerlink/core/keepalive_fsm.h)
//   SessionFsm    - the peer-link session: Hello checks, liveness (peerlink/core/session_fsm.h)
//   VpcManager    - roles, failover, suspension, delay restore, the derived status (vpc_manager.h)
//   TableSync     - the MAC and ARP tables and their sync over the peer-link (table_sync.h)
//   Forwarding    - the data plane: frames in, frames out, what they teach the tables (forwarding.h)
//   Journal       - the bounded history of events (peerlink/core/journal.h)
// It passes each input to the part that owns it and cross-part facts on as inputs (the session's "Hello
// checks passed" becomes the vPC manager's adjacencyFormed and the tables' sessionUp), then settles:
// the vPC manager re-derives the status, the tables get the ports' new state (and drop what leads
// nowhere), what the peer must hear is sent, and every event lands in the journal.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "peerlink/core/effects.h"
#include "peerlink/core/journal.h"
#include "peerlink/core/keepalive_fsm.h"
#include "peerlink/core/result.h"
#include "peerlink/core/session_fsm.h"
#include "switch/core/config.h"
#include "switch/core/forwarding.h"
#include "switch/core/lacp_manager.h"
#include "switch/core/snapshot.h"
#include "switch/core/table_sync.h"
#include "switch/core/vpc_manager.h"

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
struct KeepaliveForeign {  // a datagram from an address that is not the peer's (dropped)
  std::string from;
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
// The carrier of a port bound to a real link (emulator `port IF link NAME`) came or went.
struct LinkChanged {
  InterfaceId port;
  bool up = false;
};
// A frame arrived on a bound port, or over the peer-link (port = InterfaceId::peerLink()).
struct FrameReceived {
  InterfaceId port;
  std::vector<std::uint8_t> bytes;
};
}  // namespace in

using Input = std::variant<in::KeepaliveReceived, in::KeepaliveMalformed, in::KeepaliveForeign, in::KeepaliveSendResult,
                           in::PeerTransportUp,
                           in::PeerTransportDown, in::PeerMessageReceived, in::PeerMessageMalformed,
                           in::ShutdownRequested, in::LinkChanged, in::FrameReceived>;

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
struct ConfigureResult {
  std::size_t applied = 0;
  std::vector<std::string> messages;  // what NX-OS would print (warnings, notes)
  bool keepalive_endpoints_changed = false;  // the shell must move the keepalive socket
};

struct NodeOptions {
  std::uint64_t boot_id = 1;
  double time_scale = 1.0;  // multiplies every protocol timer (DESIGN.md §8)
  SyncLimits sync_limits;
  PageHint page_hint = nullptr;  // for the tables' big arrays (dual_table.h); the daemon's
};

class SwitchNode {
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

  // Everything a show reads but the tables' entries (read those through tables()).
  NodeSnapshot snapshot(TimePoint now) const;
  const Journal& journal() const { return journal_; }
  const SwitchConfig& config() const { return *config_; }
  const SwitchStatus& status() const { return vpc_.status(); }
  const TableSync& tables() const { return tables_; }
  const ForwardingCounters& frames() const { return forwarding_.counters(); }
  const LacpManager& lacp() const { return lacp_; }
  TableSync& tables() { return tables_; }  // slice-wise reads (DualTable::ScanCursor)
  Role role() const { return vpc_.role(); }
  bool sticky() const { return vpc_.sticky(); }
  SessionState sessionState() const { return session_.state(); }
  FailoverState failoverState() const { return vpc_.failoverState(); }
  const TimeScale& scale() const { return scale_; }

 private:
  void onSession(const SessionFacts& facts, TimePoint now, Effects& out);
  void route(const peer::Message& msg, TimePoint now, Effects& out);
  void send(std::vector<peer::Message>& msgs, Effects& out);
  void applyKeepaliveTimers();
  bool peerLinkUsable() const;  // configured, admin up, a member up
  Cause peerLinkDownCause() const;
  // The session follows the peer-link port-channel: closed while it cannot carry (shut, no member up),
  // enabled again when it can.
  void followPeerLinkPort(TimePoint now, Effects& out);
  void configureLacp(TimePoint now);
  VpcManager::ForwardingChange settleVpcAndLacp(const LinkFacts& link, TimePoint now, Effects& out);
  bool arpSync(const peer::Hello& peer) const;
  // After every input: status, what the peer must hear, sync output, the journal. `status_inputs` is
  // false when the input cannot have changed the status (sync data).
  void settle(TimePoint now, Effects& out, std::size_t first_effect, bool status_inputs = true);
  void settleStatus(TimePoint now, Effects& out);
  peer::Hello localHello() const;
  KeepaliveMsg localKeepalive() const;

  std::shared_ptr<const SwitchConfig> config_;
  NodeOptions options_;
  TimeScale scale_;
  KeepaliveFsm keepalive_;
  SessionFsm session_;
  VpcManager vpc_;
  TableSync tables_;
  Forwarding forwarding_;
  LacpManager lacp_;
  Journal journal_;
  bool ports_dirty_ = true;   // the tables' PortMap must be rebuilt
  bool flush_needed_ = false;
  bool started_ = false;
  bool shut_down_ = false;
};

}  // namespace vpc
