// The vPC manager: one switch's vPC rules as one part of the core (DESIGN.md §6, vpc-behaviour.md
// §1-§5). It owns the role (election from the peer's Hello, the sticky bit, `vpc role preempt`), the
// failover after peer-link loss (the failover FSM, the secondary's suspension), the delay-restore
// timers, what the peer told it (its vPC state and consistency parameters), and the derived status:
// after every input settle() re-derives the status (vpc_status.h) and records every difference as an
// event whose causes explain it.
//
// It does not own the peer-link session (it hears adjacencyFormed/adjacencyLost and the link's
// causes), the tables, or any I/O. Never reads a clock.
//
//   input                                   | what changes
//   ----------------------------------------+------------------------------------------------------------
//   adjacencyFormed(peer Hello)             | roles elected (sticky-aware); delay restore started when this
//                                           |   switch joins a peer that already forwards, or loses the
//                                           |   primary role to a sticky peer; the failover FSM goes idle
//   adjacencyLost(causes)                   | the operational secondary suspends everything (NX-OS
//                                           |   %VPC-2-VPC_SUSP_ALL_VPC) and starts the failover FSM; the
//                                           |   primary changes nothing
//   failover: take over                     | operational primary, sticky set, suspension lifted
//   VpcState / ConsistencyParams from peer  | the consistency check and the vPCs' VLANs
//   RolePreempt (request / ack)             | roles re-elected from priorities, sticky cleared, no flap
//   linkChanged(port, up)                   | a bound port's carrier: a member port failure when lost
//   configChanged                           | timers, consistency parameters; a re-entered role priority
//                                           |   clears the sticky bit
#pragma once

#include <algorithm>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "peerlink/core/effects.h"
#include "peerlink/core/messages.h"
#include "peerlink/core/result.h"
#include "switch/core/config.h"
#include "switch/core/consistency.h"
#include "switch/core/failover_fsm.h"
#include "switch/core/role_election.h"
#include "switch/core/state.h"
#include "switch/core/vpc_status.h"

namespace vpc {

struct RoleInfo {
  RoleState role;
  Causes why;                              // why the role is what it is
  bool sticky = false;
  std::uint32_t operational_priority = 0;  // the priority the current roles were elected with
  std::uint32_t peer_config_priority = 0;
  std::optional<peer::Hello> peer;         // the peer's last Hello (its MAC, priorities)
  bool dual_active_detected = false;       // `Dual Active Detection Status`
  bool peer_dead = false;
};

class VpcManager {
 public:
  VpcManager(std::shared_ptr<const SwitchConfig> config, TimeScale scale);

  void boot(TimePoint now, Effects& out);
  void adjacencyFormed(const peer::Hello& peer, TimePoint now, Effects& out);
  void adjacencyLost(const Causes& why, TimePoint now, Effects& out);
  void keepaliveReceived(TimePoint now, Effects& out);
  // VpcState, ConsistencyParams, RolePreempt from the peer; answers go to `send`.
  void onMessage(const peer::Message& msg, TimePoint now, std::vector<peer::Message>& send, Effects& out);
  // `vpc role preempt` typed by the operator.
  Result<std::string> requestPreempt(bool adjacent, TimePoint now, std::vector<peer::Message>& send, Effects& out);
  // The configuration changed (already validated). Returns what NX-OS would print.
  std::vector<std::string> configChanged(std::shared_ptr<const SwitchConfig> next, bool role_priority_entered,
                                         bool adjacent, TimePoint now, Effects& out);
  void tick(TimePoint now, Effects& out);
  std::optional<TimePoint> nextDeadline() const;

  // What a settle did to forwarding.
  struct ForwardingChange {
    bool changed = false;  // a port's state or a vPC's VLANs changed: the tables' port map is stale
    bool lost = false;     // something stopped forwarding: the tables drop what now leads nowhere
  };
  // Re-derives the status and records what changed.
  ForwardingChange settle(const LinkFacts& link, TimePoint now, Effects& out);
  // What the peer must hear after a settle: this switch's vPC state and consistency parameters, when
  // they changed since last sent on this session.
  void outgoing(bool adjacent, std::vector<peer::Message>& send);

  const SwitchStatus& status() const { return status_; }
  // A settle of several rounds (vPC and LACP settle each other) records its rounds into a scratch
  // list; then the change from the status before them (`before`, taken with `snapshot()`) to the
  // status after is told once: a vPC never reads "up" for no time at all between two rounds.
  struct Snapshot {
    SwitchStatus status;
    bool derived = false;
  };
  Snapshot snapshot() const { return {status_, derived_}; }
  ForwardingChange retell(Snapshot before, const LinkFacts& link, TimePoint now, Effects& out);
  RoleInfo roleInfo() const;
  Role role() const { return role_.operational; }
  bool sticky() const { return sticky_; }
  std::uint32_t operationalPriority() const { return op_role_priority_; }
  FailoverState failoverState() const { return failover_.state(); }
  std::optional<Duration> bootWaitLeft(TimePoint now) const { return failover_.bootWaitLeft(now); }
  const RestoreTimers& restoreTimers() const { return restore_; }
  const peer::ConsistencyParams& localConsistency() const { return local_consistency_; }
  const std::optional<peer::ConsistencyParams>& peerConsistency() const { return peer_consistency_; }
  const std::optional<peer::VpcState>& peerVpcState() const { return peer_vpc_state_; }
  // The consistency check, once the peer's parameters are known on a live peer-link.
  std::optional<ConsistencyResult> consistency(bool adjacent) const;
  const std::optional<Causes>& suspendedAll() const { return suspend_all_; }

  // The carrier of a port bound to a real link; returns whether it changed. Bound ports start without.
  bool linkChanged(InterfaceId port, bool up);
  // The members LACP keeps out (for the vPC view, as down); true when that changed.
  bool setLacpOut(const LacpOut& out) {
    if (out.size() == lacp_out_.size() &&
        std::equal(out.begin(), out.end(), lacp_out_.begin(), [](const auto& a, const auto& b) { return a.first == b.first; }))
      return false;
    lacp_out_ = out;
    return true;
  }
  // Ports that speak LACP: a suspension takes them out of the bundle through LACP, their link stays lit.
  void setLacpSpeakers(std::set<InterfaceId> ports) { lacp_speakers_ = std::move(ports); }
  const NoCarrier& noCarrier() const { return no_carrier_; }

 private:
  void applyTimers();
  void takeOver(const FailoverFacts& facts, TimePoint now, Effects& out);
  void applyPreempt(std::uint32_t peer_priority, const Cause& why, TimePoint now, Effects& out);
  void expireRestoreTimers(TimePoint now, Effects& out);
  ForwardingChange recordChanges(SwitchStatus next, const LinkFacts& link, TimePoint now, Effects& out);
  void recordRole(const RoleState& before, Causes why, TimePoint now, Effects& out, bool first = false);
  peer::VpcState localVpcState() const;

  std::shared_ptr<const SwitchConfig> config_;
  TimeScale scale_;
  FailoverFsm failover_;
  RoleState role_;
  Causes role_why_;
  bool sticky_ = false;
  bool peer_dead_ = false;
  std::uint32_t op_role_priority_ = 0;
  std::uint32_t peer_config_priority_ = 0;
  bool preempt_pending_ = false;
  std::optional<peer::Hello> peer_hello_;
  std::optional<Causes> suspend_all_;
  RestoreTimers restore_;
  std::optional<peer::VpcState> peer_vpc_state_, sent_vpc_state_;
  std::optional<peer::ConsistencyParams> peer_consistency_, sent_consistency_;
  peer::ConsistencyParams local_consistency_;
  NoCarrier no_carrier_;
  LacpOut lacp_out_;
  std::set<InterfaceId> lacp_speakers_;
  SwitchStatus status_;
  bool derived_ = false;  // status_ holds a derivation (the first one records the start-up states)
};

}  // namespace vpc
