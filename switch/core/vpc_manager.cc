#include "switch/core/vpc_manager.h"

#include <algorithm>

#include "peerlink/core/overloaded.h"

namespace vpc {

namespace {

bool sameReason(const VpcRow& a, const VpcRow& b) {
  if (a.reason != b.reason) return false;
  if (a.reason != VpcReason::Inconsistent) return true;
  return a.mismatch.has_value() == b.mismatch.has_value() &&
         (!a.mismatch || (a.mismatch->type == b.mismatch->type && a.mismatch->parameter == b.mismatch->parameter));
}

}  // namespace

VpcManager::VpcManager(std::shared_ptr<const SwitchConfig> config, TimeScale scale)
    : config_(std::move(config)), scale_(scale) {
  applyTimers();
  op_role_priority_ = config_->vpc_domain ? config_->vpc_domain->role_priority : kDefaultRolePriority;
  local_consistency_ = vpc::localConsistency(*config_);
  for (const auto& [id, binding] : config_->emulator.ports) no_carrier_.insert(id);
}

bool VpcManager::linkChanged(InterfaceId port, bool up) {
  if (!config_->emulator.ports.contains(port)) return false;  // only a bound port has a carrier
  return up ? no_carrier_.erase(port) > 0 : no_carrier_.insert(port).second;
}

void VpcManager::applyTimers() {
  FailoverConfig fc;
  if (config_->vpc_domain) {
    const auto& d = *config_->vpc_domain;
    if (d.keepalive) {
      fc.keepalive_interval = scale_(Millis(d.keepalive->interval_ms));
      fc.timeout = scale_(Seconds(d.keepalive->timeout_s));
      fc.hold_timeout = scale_(Seconds(d.keepalive->hold_timeout_s));
    } else {
      fc.keepalive_interval = scale_(Seconds(1));
      fc.timeout = scale_(Seconds(5));
      fc.hold_timeout = scale_(Seconds(3));
    }
    fc.auto_recovery = d.auto_recovery;
    fc.reload_delay = scale_(Seconds(d.auto_recovery_reload_delay_s));
  }
  fc.time_scale = scale_.factor;
  failover_.reconfigure(fc);
}

void VpcManager::boot(TimePoint now, Effects& out) {
  if (config_->vpc_domain) failover_.boot(now, out);
}

RoleInfo VpcManager::roleInfo() const {
  RoleInfo r;
  r.role = role_;
  r.why = role_why_;
  r.sticky = sticky_;
  r.operational_priority = op_role_priority_;
  r.peer_config_priority = peer_config_priority_;
  r.peer = peer_hello_;
  r.dual_active_detected = failover_.dualActiveDetected();
  r.peer_dead = peer_dead_;
  return r;
}

// ---------------------------------------------------------------------------------------------------
// The peer-link comes and goes

void VpcManager::adjacencyFormed(const peer::Hello& peer, TimePoint now, Effects& out) {
  const auto& d = *config_->vpc_domain;
  peer_hello_ = peer;
  peer_config_priority_ = peer.role_priority;
  const RoleCandidate self{d.role_priority, *config_->emulator.local_mac, sticky_, role_.operational};
  const RoleCandidate other{peer.role_priority, peer.local_mac, peer.sticky, peer.operational_role};
  const Election e = electRole(self, other);
  recordEvent(out, now, Subject::of(SubjectKind::PeerLink), "checks passed", "role decided", {e.why});

  const bool was_forwarding = !status_.vpc_active.empty();
  const RoleState before = role_;
  role_ = {e.configured, e.operational};
  op_role_priority_ = d.role_priority;
  const bool demoted = before.operational == Role::Primary && role_.operational == Role::Secondary;
  suspend_all_.reset();
  peer_dead_ = false;
  failover_.peerLinkUp(now, out);

  restore_ = {};
  if ((!was_forwarding || demoted) && peer.vpcs_forwarding) {
    if (d.delay_restore_s) restore_.vpc = now + scale_(Seconds(d.delay_restore_s));
    if (d.delay_restore_svi_s) restore_.svi = now + scale_(Seconds(d.delay_restore_svi_s));
    if (d.delay_restore_orphan_s) restore_.orphan = now + scale_(Seconds(d.delay_restore_orphan_s));
    restore_.why = {cause(demoted ? CauseKind::LostPrimaryToSticky : CauseKind::JoinsForwardingPeer)};
    if (restore_.vpc || restore_.svi || restore_.orphan)
      recordEvent(out, now, Subject::of(SubjectKind::DelayRestore), "timer off", "timer on",
                  {cause(CauseKind::DelayRestoreStarted,
                         {arg(d.delay_restore_s), arg(d.delay_restore_svi_s), arg(d.delay_restore_orphan_s)}),
                   restore_.why.front()});
  }
  Causes why{e.why, cause(CauseKind::AdjacencyFormed)};
  if (demoted) why.insert(why.begin(), cause(CauseKind::DualActiveRecovery));
  recordRole(before, std::move(why), now, out);
  status_.role = role_;  // recorded here, with its reason
  sent_vpc_state_.reset();
  sent_consistency_.reset();
  peer_vpc_state_.reset();
  peer_consistency_.reset();
}

void VpcManager::adjacencyLost(const Causes& why, TimePoint now, Effects& out) {
  peer_vpc_state_.reset();
  sent_vpc_state_.reset();
  peer_consistency_.reset();
  sent_consistency_.reset();
  preempt_pending_ = false;
  restore_ = {};
  if (role_.operational == Role::Secondary) {
    // NX-OS %VPC-2-VPC_SUSP_ALL_VPC: the secondary suspends everything at once, then finds out whether
    // the primary is alive.
    suspend_all_ = concat({cause(CauseKind::SecondarySuspendsAll), cause(CauseKind::PeerLinkDown)}, why);
    failover_.peerLinkLost(why, now, out);
  }
}

void VpcManager::keepaliveReceived(TimePoint now, Effects& out) { (void)failover_.keepaliveReceived(now, out); }

void VpcManager::takeOver(const FailoverFacts& facts, TimePoint now, Effects& out) {
  if (!facts.take_over) return;
  const RoleState before = role_;
  role_.operational = Role::Primary;
  peer_dead_ = true;
  suspend_all_.reset();
  restore_ = {};
  recordRole(before, facts.why, now, out);
  if (!sticky_) recordEvent(out, now, Subject::of(SubjectKind::Sticky), "false", "true", {cause(CauseKind::StayedUp)});
  sticky_ = true;
  status_.role = role_;
}

// The role event, when the role reads differently now; the causes stay for `explain role`.
void VpcManager::recordRole(const RoleState& before, Causes why, TimePoint now, Effects& out, bool first) {
  if (!first && sameRole(role_, before)) return;
  role_why_ = why;
  recordEvent(out, now, Subject::of(SubjectKind::Role), first ? "" : toString(before), toString(role_), std::move(why));
}

// ---------------------------------------------------------------------------------------------------
// What the peer says

void VpcManager::onMessage(const peer::Message& msg, TimePoint now, std::vector<peer::Message>& send, Effects& out) {
  std::visit(Overloaded{
                 [&](const peer::VpcState& s) {
                   if (!peer_vpc_state_)
                     recordEvent(out, now, Subject::of(SubjectKind::PeerLink), "role decided", "consistency exchanged",
                                 {cause(CauseKind::VpcStateReceived, {arg(static_cast<long long>(s.vpcs.size()))})});
                   peer_vpc_state_ = s;
                 },
                 [&](const peer::ConsistencyParams& c) {
                   peer_consistency_ = c;
                   peer_config_priority_ = c.role_priority;
                 },
                 [&](const peer::RolePreempt& r) {
                   if (!r.ack) {
                     applyPreempt(r.role_priority, cause(CauseKind::PreemptByPeer), now, out);
                     send.push_back(peer::RolePreempt{true, config_->vpc_domain->role_priority});
                   } else if (preempt_pending_) {
                     preempt_pending_ = false;
                     applyPreempt(r.role_priority, cause(CauseKind::Preempt), now, out);
                   }
                 },
                 [&](const auto&) {},  // not the vPC manager's
             },
             msg);
}

void VpcManager::applyPreempt(std::uint32_t peer_priority, const Cause& why, TimePoint now, Effects& out) {
  if (!peer_hello_) return;
  const auto prio = config_->vpc_domain->role_priority;
  const RoleCandidate self{prio, *config_->emulator.local_mac, false, role_.operational};
  const RoleCandidate other{peer_priority, peer_hello_->local_mac, false, Role::None};
  const Election e = electRole(self, other);
  const RoleState before = role_;
  if (sticky_) recordEvent(out, now, Subject::of(SubjectKind::Sticky), "true", "false", {why});
  sticky_ = false;
  op_role_priority_ = prio;
  peer_config_priority_ = peer_priority;
  peer_hello_->role_priority = peer_priority;
  role_ = {e.configured, e.operational};
  recordRole(before, {why, e.why, cause(CauseKind::Hitless)}, now, out);
  status_.role = role_;
}

Result<std::string> VpcManager::requestPreempt(bool adjacent, TimePoint now, std::vector<peer::Message>& send,
                                               Effects& out) {
  if (!config_->vpc_domain) return failedPrecondition("vPC domain not configured");
  if (!adjacent) return failedPrecondition("vPC peer-link is down: role preempt needs the peer adjacency");
  preempt_pending_ = true;
  const auto prio = config_->vpc_domain->role_priority;
  send.push_back(peer::RolePreempt{false, prio});
  recordEvent(out, now, Subject::of(SubjectKind::Role), toString(role_), "preempt requested",
              {cause(CauseKind::PreemptRequested, {arg(prio)})});
  return std::string("vPC role preempt requested: roles are re-elected from the configured role priorities");
}

std::vector<std::string> VpcManager::configChanged(std::shared_ptr<const SwitchConfig> next, bool role_priority_entered,
                                                   bool adjacent, TimePoint now, Effects& out) {
  std::vector<std::string> messages;
  const auto old = config_;
  config_ = std::move(next);
  if (role_priority_entered && config_->vpc_domain && old->vpc_domain) {
    const auto prio = config_->vpc_domain->role_priority;
    if (prio == old->vpc_domain->role_priority) {
      // NX-OS: re-entering the same value clears the sticky bit.
      if (sticky_)
        recordEvent(out, now, Subject::of(SubjectKind::Sticky), "true", "false",
                    {cause(CauseKind::PriorityReentered, {arg(prio)})});
      sticky_ = false;
    } else if (adjacent) {
      messages.push_back("Warning: !!:: vPCs will be flapped on current primary vPC switch while attempting role change ::!!");
      messages.push_back("Note: --------:: Change will take effect after user has re-initd the vPC peer-link ::--------");
    }
  }
  applyTimers();
  local_consistency_ = vpc::localConsistency(*config_);
  return messages;
}

// ---------------------------------------------------------------------------------------------------
// Timers

void VpcManager::expireRestoreTimers(TimePoint now, Effects& out) {
  if (!config_->vpc_domain) return;
  const auto& d = *config_->vpc_domain;
  auto expire = [&](std::optional<TimePoint>& at, const char* what, std::uint32_t configured_s) {
    if (!at || now < *at) return;
    at.reset();
    recordEvent(out, now, Subject::of(SubjectKind::DelayRestore), "timer on", "timer off",
                {cause(CauseKind::DelayRestoreOver, {what, arg(configured_s)})});
  };
  expire(restore_.vpc, "vPC", d.delay_restore_s);
  expire(restore_.svi, "SVI", d.delay_restore_svi_s);
  expire(restore_.orphan, "orphan-port", d.delay_restore_orphan_s);
}

void VpcManager::tick(TimePoint now, Effects& out) {
  takeOver(failover_.tick(now, out), now, out);
  expireRestoreTimers(now, out);
}

std::optional<TimePoint> VpcManager::nextDeadline() const {
  std::optional<TimePoint> d = failover_.nextDeadline();
  foldDeadline(d, restore_.vpc);
  foldDeadline(d, restore_.svi);
  foldDeadline(d, restore_.orphan);
  return d;
}

// ---------------------------------------------------------------------------------------------------
// The derived status

std::optional<ConsistencyResult> VpcManager::consistency(bool adjacent) const {
  if (!adjacent || !peer_consistency_) return std::nullopt;
  return checkConsistency(local_consistency_, *peer_consistency_);
}

VpcManager::ForwardingChange VpcManager::settle(const LinkFacts& link, TimePoint now, Effects& out) {
  const auto cc = consistency(link.adjacent);
  const DeriveInputs in{*config_, no_carrier_,     role_, peer_dead_, link, suspend_all_, restore_,
                        peer_vpc_state_, cc, status_, now,        &lacp_out_};
  return recordChanges(deriveStatus(in), link, now, out);
}

VpcManager::ForwardingChange VpcManager::retell(Snapshot before, const LinkFacts& link, TimePoint now, Effects& out) {
  SwitchStatus after = std::move(status_);
  status_ = std::move(before.status);
  derived_ = before.derived;
  return recordChanges(std::move(after), link, now, out);
}

VpcManager::ForwardingChange VpcManager::recordChanges(SwitchStatus next, const LinkFacts& link, TimePoint now,
                                                       Effects& out) {
  ForwardingChange fwd;
  const bool first = !derived_;
  if (first || !sameRole(next.role, status_.role)) {
    Causes why = link.adjacent ? Causes{cause(CauseKind::AdjacencyFormed)} : link.down;
    if (why.empty()) why = {cause(CauseKind::PeerLinkIsDown)};
    recordRole(status_.role, std::move(why), now, out, first);
  }
  if (first || next.peer != status_.peer) {
    Causes why;
    if (next.peer == PeerStatus::AdjacencyFormed) why = {cause(CauseKind::HelloChecksPassed)};
    else if (!link.down.empty()) why = link.down;
    else why = {cause(CauseKind::PeerLinkNotConfigured)};
    recordEvent(out, now, Subject::of(SubjectKind::PeerStatus), first ? "" : std::string(toString(status_.peer)),
                std::string(toString(next.peer)), std::move(why));
  }
  for (const auto& row : next.vpcs) {
    const auto subject = Subject::vpc(row.id);
    const auto* prev = status_.vpc(row.id);
    if (!prev) {
      recordEvent(out, now, subject, "", std::string(toString(row.status)), row.chain);
    } else if (prev->status != row.status) {
      recordEvent(out, now, subject, std::string(toString(prev->status)), std::string(toString(row.status)), row.chain);
    } else if (!sameReason(*prev, row)) {
      recordEvent(out, now, subject, reasonText(*prev), reasonText(row), row.chain, EventKind::ReasonChanged);
    } else if (!(prev->active == row.active)) {
      recordEvent(out, now, subject, "active vlans " + prev->active.str(), "active vlans " + row.active.str(),
                  row.chain);
    }
  }
  // Shut and suspended ports are dark (see docs/behaviour.md, "Suspended ports take their link down");
  // an LACP member is dark only when shut: suspended, it leaves the bundle through LACP, link lit.
  auto lit = [this](InterfaceId id, PortState s) {
    if (lacp_speakers_.contains(id)) return s != PortState::Disabled;
    return s != PortState::Disabled && s != PortState::SuspendedByVpc && s != PortState::Suspended;
  };
  for (const auto& [id, ps] : next.ports) {
    const auto* before = status_.port(id);
    if (before && before->state == ps.state) continue;
    if (id.kind() == IfKind::Ethernet && lit(id, before ? before->state : PortState::Connected) != lit(id, ps.state))
      out.push_back(fx::SetPortLight{id, lit(id, ps.state)});
    if (before || ps.state != PortState::Connected)
      recordEvent(out, now, Subject::interface(id), before ? std::string(toString(before->state)) : std::string(),
                  std::string(toString(ps.state)), ps.chain.empty() ? Causes{cause(CauseKind::InterfaceUp)} : ps.chain);
    fwd.changed = true;
    if (before && before->state == PortState::Connected) fwd.lost = true;
  }
  for (const auto& [id, ps] : status_.ports)
    if (ps.state == PortState::Connected && !next.port(id)) fwd.changed = fwd.lost = true;  // removed
  if (next.vpc_active != status_.vpc_active) {
    fwd.changed = true;
    for (const auto& [id, vlans] : status_.vpc_active) {  // a VLAN a vPC no longer forwards
      const auto it = next.vpc_active.find(id);
      if (it == next.vpc_active.end() || !((vlans & it->second) == vlans)) fwd.lost = true;
    }
  }
  status_ = std::move(next);
  derived_ = true;
  return fwd;
}

// ---------------------------------------------------------------------------------------------------
// What this switch tells the peer

peer::VpcState VpcManager::localVpcState() const {
  peer::VpcState s;
  s.vlans = config_->vlans;
  s.peer_link_allowed_vlans = vpcVlans(*config_);
  for (const auto& [id, ic] : config_->interfaces) {
    if (!ic.vpc_id) continue;
    const bool forwarding = status_.vpc_active.count(*ic.vpc_id) > 0;
    const bool up = portChannelUp(*config_, no_carrier_, ic, &lacp_out_);
    // "suspended": the leg is up but not forwarding (peer-link loss, delay restore, a Type-1 mismatch).
    s.vpcs.push_back(
        peer::VpcInfo{*ic.vpc_id, id.shortName(), up, up && !forwarding, ic.carriedVlans() & config_->vlans});
  }
  std::sort(s.vpcs.begin(), s.vpcs.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return s;
}

void VpcManager::outgoing(bool adjacent, std::vector<peer::Message>& send) {
  if (!adjacent) return;
  auto vs = localVpcState();
  if (!sent_vpc_state_ || !(*sent_vpc_state_ == vs)) {
    send.push_back(vs);
    sent_vpc_state_ = std::move(vs);
  }
  if (!sent_consistency_ || !(*sent_consistency_ == local_consistency_)) {
    send.push_back(local_consistency_);
    sent_consistency_ = local_consistency_;
  }
}

}  // namespace vpc
