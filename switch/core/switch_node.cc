#include "switch/core/switch_node.h"

#include <algorithm>
#include <cmath>

#include "switch/core/config_parser.h"

namespace vpc {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

constexpr Duration kMinScaledHeartbeat = Millis(10);
constexpr Duration kMinScaledHeartbeatTimeout = Millis(50);
constexpr Duration kArpTimeout = Seconds(1500);  // NX-OS default ARP timeout

// `count` consecutive MACs from `first` must all be unicast: the range may not reach the multicast bit
// (00ff.ffff.ffff + 1 = 0100.0000.0000 is multicast).
std::optional<Error> checkMacRange(MacAddress first, std::uint32_t count) {
  if (first.isMulticast() || first.value == 0)
    return invalidArgument("MAC " + first.dotted() + " is not a unicast address");
  if (count == 0) return invalidArgument("count must be at least 1");
  const MacAddress last{first.value + (count - 1)};
  if (last.value > MacAddress::kMask || last.isMulticast())
    return invalidArgument("MACs " + first.dotted() + " to " + last.dotted() + " cross into multicast addresses");
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Construction and timers

SwitchNode::SwitchNode(SwitchConfig config, NodeOptions options)
    : config_(std::move(config)), options_(options), keepalive_(KeepaliveConfig{}), session_(SessionConfig{}),
      sender_(options.sync_limits) {
  SessionConfig sc;
  // The peer-link heartbeat scales like every timer, but not below what a loaded machine's scheduler
  // can keep (10 ms / 50 ms): below that, time-scaled drills would see peer-link losses nobody caused.
  sc.heartbeat_interval = std::max<Duration>(scaled(Millis(config_.emulator.heartbeat_ms)), kMinScaledHeartbeat);
  sc.heartbeat_timeout =
      std::max<Duration>(scaled(Millis(config_.emulator.heartbeat_timeout_ms)), kMinScaledHeartbeatTimeout);
  sc.hello_timeout = std::max(scaled(Millis(2000)), sc.heartbeat_timeout);
  sc.retry_min = scaled(Millis(100));
  sc.retry_max = scaled(Millis(2000));
  session_ = SessionFsm(sc);
  applyTimersFromConfig();
  indexPorts();
  op_role_priority_ = config_.vpc_domain ? config_.vpc_domain->role_priority : kDefaultRolePriority;
  local_consistency_ = localConsistency(config_);
}

void SwitchNode::applyTimersFromConfig() {
  FailoverConfig fc;
  if (config_.vpc_domain) {
    const auto& d = *config_.vpc_domain;
    if (d.keepalive) {
      const auto& k = *d.keepalive;
      const KeepaliveConfig kc{scaled(Millis(k.interval_ms)), scaled(Seconds(k.timeout_s)),
                               scaled(Seconds(k.hold_timeout_s))};
      keepalive_.reconfigure(kc);
      fc.keepalive_interval = kc.interval;
      fc.timeout = kc.timeout;
      fc.hold_timeout = kc.hold_timeout;
    } else {
      fc.keepalive_interval = scaled(Seconds(1));
      fc.timeout = scaled(Seconds(5));
      fc.hold_timeout = scaled(Seconds(3));
    }
    fc.auto_recovery = d.auto_recovery;
    fc.reload_delay = scaled(Seconds(d.auto_recovery_reload_delay_s));
  }
  failover_.reconfigure(fc);
}

std::string SwitchNode::scaleText() const {
  std::string t = std::to_string(options_.time_scale);  // "0.100000" -> "0.1"
  while (t.size() > 1 && t.back() == '0') t.pop_back();
  if (!t.empty() && t.back() == '.') t.pop_back();
  return t;
}

Duration SwitchNode::scaled(Duration d) const {
  if (d <= Duration::zero()) return Duration::zero();
  const auto ns = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
  const auto scaled_ns = static_cast<std::int64_t>(std::llround(ns * options_.time_scale));
  return std::max<Duration>(std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(scaled_ns)), Millis(1));
}

bool SwitchNode::peerLinkUsable() const {
  const auto* pl = config_.peerLink();
  return config_.vpc_domain && pl && !config_.emulator.peer_link_peer.empty() && portChannelUp(*pl);
}

Effects SwitchNode::start(TimePoint now) {
  Effects out;
  if (started_) return out;
  started_ = true;
  recordEvent(out, now, "switch", "", "up",
              {"vpcd started" + (options_.time_scale != 1.0 ? " (time scale " + scaleText() + ")" : std::string())});
  if (config_.vpc_domain && config_.vpc_domain->keepalive) keepalive_.enable(localKeepalive(), now, out);
  session_.setLocalHello(localHello());
  if (peerLinkUsable()) session_.enable(now, out);
  else if (const auto* pl = config_.peerLink())
    (void)session_.disable("vPC peer-link " + pl->id.longName() + " is down", now, out);
  if (config_.vpc_domain) failover_.boot(now, out);
  applyStaticMacs({}, now);
  next_age_ = now + Seconds(1);
  settle(now, out, 0);
  return out;
}

std::optional<TimePoint> SwitchNode::nextDeadline() const {
  if (shut_down_) return std::nullopt;
  std::optional<TimePoint> d = keepalive_.nextDeadline();
  foldDeadline(d, session_.nextDeadline());
  foldDeadline(d, failover_.nextDeadline());
  foldDeadline(d, next_age_);
  foldDeadline(d, restore_at_);
  foldDeadline(d, svi_restore_at_);
  foldDeadline(d, orphan_restore_at_);
  return d;
}

Effects SwitchNode::tick(TimePoint now) {
  Effects out;
  if (shut_down_) return out;
  keepalive_.tick(now, out);
  onSessionFacts(session_.tick(now, out), now, out);
  onFailoverFacts(failover_.tick(now, out), now, out);
  expireRestoreTimers(now, out);
  if (next_age_ && now >= *next_age_) ageTables(now);
  settle(now, out, 0);
  return out;
}

void SwitchNode::expireRestoreTimers(TimePoint now, Effects& out) {
  auto expire = [&](std::optional<TimePoint>& at, const char* what, std::uint32_t configured_s) {
    if (!at || now < *at) return;
    at.reset();
    recordEvent(out, now, "delay restore", "timer on", "timer off",
                {std::string(what) + " delay restore (" + std::to_string(configured_s) + " s) over"});
  };
  if (!config_.vpc_domain) return;
  expire(restore_at_, "vPC", config_.vpc_domain->delay_restore_s);
  expire(svi_restore_at_, "SVI", config_.vpc_domain->delay_restore_svi_s);
  expire(orphan_restore_at_, "orphan-port", config_.vpc_domain->delay_restore_orphan_s);
}

Effects SwitchNode::handle(const Input& input, TimePoint now) {
  Effects out;
  if (shut_down_) return out;
  bool status_inputs = true;  // whether this input may change the derived status
  std::visit(
      Overloaded{
          [&](const in::KeepaliveReceived& k) {
            const bool rebooted = keepalive_.datagramReceived(k.msg, now, out);
            if (config_.vpc_domain && k.msg.domain_id == config_.vpc_domain->id) {
              session_.peerAlive(k.msg.local_mac, now, out);
              if (rebooted) onSessionFacts(session_.peerRestarted(now, out), now, out);
              onFailoverFacts(failover_.keepaliveReceived(now, out), now, out);
            }
          },
          [&](const in::KeepaliveMalformed&) { keepalive_.datagramMalformed(); },
          [&](const in::KeepaliveSendResult& r) { keepalive_.sendResult(r.ok, now, out); },
          [&](const in::PeerTransportUp& u) { onSessionFacts(session_.transportUp(u.conn, now, out), now, out); },
          [&](const in::PeerTransportDown& d) {
            onSessionFacts(session_.transportDown(d.conn, d.reason, now, out), now, out);
          },
          [&](const in::PeerMessageReceived& m) {
            const auto state_before = session_.state();
            const auto facts = session_.onMessage(m.conn, m.msg, now, out);
            onSessionFacts(facts, now, out);
            if (facts.route) route(m.msg, now, out);
            // Sync data (batches, acks) changes tables, never what the switch's status is derived from.
            const bool sync_data = std::holds_alternative<peer::MacBatch>(m.msg) ||
                                   std::holds_alternative<peer::ArpBatch>(m.msg) ||
                                   std::holds_alternative<peer::Ack>(m.msg);
            if (sync_data && !facts.up && !facts.down && session_.state() == state_before) status_inputs = false;
          },
          [&](const in::PeerMessageMalformed& m) {
            if (m.conn != session_.conn() || !session_.adjacent()) return;
            if (receiver_.onMalformed(m.error, now) == SyncReceiver::Verdict::Resync)
              requestResync("malformed peer message: " + m.error, now, out);
          },
          [&](const in::ShutdownRequested& s) {
            session_.shutdown(s.reason, now, out);
            keepalive_.disable(now, out);
            sender_.stop();
            receiver_.stop();
            recordEvent(out, now, "switch", "up", "down", {s.reason});
            shut_down_ = true;
          },
      },
      input);
  settle(now, out, 0, status_inputs);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Session, failover and sync

void SwitchNode::onSessionFacts(const SessionFacts& facts, TimePoint now, Effects& out) {
  if (facts.down) onSessionDown(facts.down->reason, now, out);
  if (facts.up) onSessionUp(*facts.up, now, out);
}

void SwitchNode::onSessionUp(const SessionFacts::Up& up, TimePoint now, Effects& out) {
  peer_hello_ = up.peer;
  peer_config_priority_ = up.peer.role_priority;
  recordEvent(out, now, "peer-link", "checks passed", "role decided", {up.election.reason});
  const bool was_forwarding = !status_.vpc_active.empty();
  const Role before = role_;
  const std::string before_display = roleDisplay(config_role_, role_);
  role_ = up.election.operational;
  config_role_ = up.election.configured;
  op_role_priority_ = config_.vpc_domain->role_priority;
  const bool demoted = before == Role::Primary && role_ == Role::Secondary;
  suspend_all_.reset();
  peer_dead_ = false;
  failover_.peerLinkUp(now, out);

  restore_at_.reset();
  svi_restore_at_.reset();
  orphan_restore_at_.reset();
  if ((!was_forwarding || demoted) && up.peer.vpcs_forwarding) {
    const auto& d = *config_.vpc_domain;
    if (d.delay_restore_s) restore_at_ = now + scaled(Seconds(d.delay_restore_s));
    if (d.delay_restore_svi_s) svi_restore_at_ = now + scaled(Seconds(d.delay_restore_svi_s));
    if (d.delay_restore_orphan_s) orphan_restore_at_ = now + scaled(Seconds(d.delay_restore_orphan_s));
    restore_why_ = {demoted ? "this switch lost the primary role to the sticky peer: its vPCs flap"
                            : "this switch joins a peer that already forwards"};
    if (restore_at_ || svi_restore_at_ || orphan_restore_at_)
      recordEvent(out, now, "delay restore", "timer off", "timer on",
                  {"vPC legs in " + std::to_string(d.delay_restore_s) + " s, SVIs in " +
                       std::to_string(d.delay_restore_svi_s) + " s, orphan ports in " +
                       std::to_string(d.delay_restore_orphan_s) + " s",
                   restore_why_.front()});
  }
  const std::string after = roleDisplay(config_role_, role_);
  if (after != before_display) {
    std::vector<std::string> why{up.election.reason, "peer adjacency formed"};
    if (demoted) why.insert(why.begin(), "dual-active recovery: the peer keeps the primary role (sticky)");
    recordEvent(out, now, "role", before_display, after, why);
  }
  status_.role = after;  // recorded here, with its reason
  sent_vpc_state_.reset();
  sent_consistency_.reset();
  peer_vpc_state_.reset();
  peer_consistency_.reset();
  sender_.start(arpSyncActive(), *this, now);
  receiver_.start();
}

void SwitchNode::onSessionDown(const std::string& reason, TimePoint now, Effects& out) {
  sender_.stop();
  receiver_.stop();
  peer_vpc_state_.reset();
  sent_vpc_state_.reset();
  peer_consistency_.reset();
  sent_consistency_.reset();
  preempt_pending_ = false;
  restore_at_.reset();
  svi_restore_at_.reset();
  orphan_restore_at_.reset();
  if (role_ == Role::Secondary) {
    // NX-OS %VPC-2-VPC_SUSP_ALL_VPC: the secondary suspends everything at once, then finds out whether
    // the primary is alive.
    suspend_all_ = std::vector<std::string>{"secondary suspends all vPCs when the peer-link goes down",
                                            "peer-link down: " + reason};
    failover_.peerLinkLost(reason, now, out);
  }
  macs_.touchPeer(now);  // the peer's entries that stay start ageing here
  flush_needed_ = true;
  recordEvent(out, now, "sync", "in sync", "stopped", {"peer-link down: " + reason});
}

void SwitchNode::onFailoverFacts(const FailoverFacts& facts, TimePoint now, Effects& out) {
  if (!facts.take_over) return;
  const std::string before = roleDisplay(config_role_, role_);
  role_ = Role::Primary;
  peer_dead_ = true;
  suspend_all_.reset();
  restore_at_.reset();
  svi_restore_at_.reset();
  orphan_restore_at_.reset();
  const std::string after = roleDisplay(config_role_, role_);
  if (after != before) recordEvent(out, now, "role", before, after, facts.reasons);
  if (!sticky_) recordEvent(out, now, "sticky", "false", "true", {"became operational primary by staying up"});
  sticky_ = true;
  status_.role = after;
}

void SwitchNode::route(const peer::Message& msg, TimePoint now, Effects& out) {
  std::visit(
      Overloaded{
          [&](const peer::VpcState& s) {
            if (!peer_vpc_state_)
              recordEvent(out, now, "peer-link", "role decided", "consistency exchanged",
                          {"vPC state received from the peer (" + std::to_string(s.vpcs.size()) + " vPCs)"});
            peer_vpc_state_ = s;
          },
          [&](const peer::ConsistencyParams& c) {
            peer_consistency_ = c;
            peer_config_priority_ = c.role_priority;
          },
          [&](const peer::SyncBegin& b) {
            receiver_.onBegin(b, now);
            ++rx_gen_;
            // Room for the whole snapshot at once (the counts come from the peer: capped, a hint only).
            constexpr std::uint64_t kReserveCap = 1ULL << 24;
            macs_.reserve(macs_.localCount() + std::min<std::uint64_t>(b.mac_count, kReserveCap));
            if (arpSyncActive()) arps_.reserve(arps_.localCount() + std::min<std::uint64_t>(b.arp_count, kReserveCap));
            recordEvent(out, now, "sync", "", "receiving snapshot",
                        {"peer sends a bulk snapshot: " + std::to_string(b.mac_count) + " MACs, " +
                         std::to_string(b.arp_count) + " ARP entries (epoch " + std::to_string(b.epoch) + ")"});
          },
          [&](const peer::SyncEnd& e) {
            if (!receiver_.onEnd(e, now)) return;
            const auto swept = macs_.sweepPeer(rx_gen_) + arps_.sweepPeer(rx_gen_);
            const auto& st = receiver_.status();
            recordEvent(out, now, "sync", "receiving snapshot", "snapshot applied",
                        {std::to_string(st.bulk_records) + " records in " +
                             std::to_string(static_cast<long long>(toMillis(st.last_bulk_duration.value_or(Duration{})))) +
                             " ms; " + std::to_string(swept) + " stale peer entries removed"});
          },
          [&](const peer::MacBatch& b) {
            const auto v = receiver_.onBatch(b.seq, b.records.size(), now);
            if (v == SyncReceiver::Verdict::Resync) {
              requestResync("sequence gap: expected batch after " + std::to_string(receiver_.status().last_seq) +
                                ", got " + std::to_string(b.seq),
                            now, out);
              return;
            }
            if (v != SyncReceiver::Verdict::Apply) return;
            for (const auto& r : b.records) {
              if (r.flags & peer::kRecordDelete) macs_.retractPeer(r.key);
              else macs_.assertPeer(r.key, MacValue{r.port, (r.flags & peer::kRecordStatic) != 0}, rx_gen_, now);
            }
            session_.send(peer::Ack{b.seq}, out);
          },
          [&](const peer::ArpBatch& b) {
            const auto v = receiver_.onBatch(b.seq, b.records.size(), now);
            if (v == SyncReceiver::Verdict::Resync) {
              requestResync("sequence gap: expected batch after " + std::to_string(receiver_.status().last_seq) +
                                ", got " + std::to_string(b.seq),
                            now, out);
              return;
            }
            if (v != SyncReceiver::Verdict::Apply) return;
            if (arpSyncActive()) {
              for (const auto& r : b.records) {
                if (r.flags & peer::kRecordDelete) arps_.retractPeer(r.ip);
                else arps_.assertPeer(r.ip, ArpValue{r.mac, r.vlan}, rx_gen_, now);
              }
            }
            session_.send(peer::Ack{b.seq}, out);
          },
          [&](const peer::Ack& a) { sender_.onAck(a.seq, now); },
          [&](const peer::ResyncRequest& r) {
            sender_.resync(r.reason, *this, now);
            recordEvent(out, now, "sync", "in sync", "resending snapshot", {"the peer asked for a resync: " + r.reason});
          },
          [&](const peer::RolePreempt& r) {
            if (!r.ack) {
              applyPreempt(r.role_priority, "vpc role preempt requested by the peer", now, out);
              session_.send(peer::RolePreempt{true, config_.vpc_domain->role_priority}, out);
            } else if (preempt_pending_) {
              preempt_pending_ = false;
              applyPreempt(r.role_priority, "vpc role preempt", now, out);
            }
          },
          [&](const auto&) {},  // Hello, Heartbeat, Goodbye: the session's
      },
      msg);
}

void SwitchNode::applyPreempt(std::uint32_t peer_priority, const std::string& why, TimePoint now, Effects& out) {
  if (!peer_hello_) return;
  const RoleCandidate self{config_.vpc_domain->role_priority, *config_.emulator.local_mac, false, role_};
  const RoleCandidate other{peer_priority, peer_hello_->local_mac, false, Role::None};
  const auto e = electRole(self, other);
  const std::string before = roleDisplay(config_role_, role_);
  if (sticky_) recordEvent(out, now, "sticky", "true", "false", {why});
  sticky_ = false;
  op_role_priority_ = config_.vpc_domain->role_priority;
  peer_config_priority_ = peer_priority;
  peer_hello_->role_priority = peer_priority;
  role_ = e.operational;
  config_role_ = e.configured;
  const std::string after = roleDisplay(config_role_, role_);
  if (after != before) recordEvent(out, now, "role", before, after, {why + ": " + e.reason, "no vPC flaps (hitless)"});
  status_.role = after;
}

void SwitchNode::requestResync(const std::string& reason, TimePoint now, Effects& out) {
  receiver_.noteResync(reason, now);
  session_.send(peer::ResyncRequest{reason}, out);
  recordEvent(out, now, "sync", "in sync", "resync requested", {reason});
}

bool SwitchNode::arpSyncActive() const {
  return config_.vpc_domain && config_.vpc_domain->arp_synchronize && peer_hello_ &&
         (peer_hello_->capabilities & kCapabilityArpSync);
}

void SwitchNode::settle(TimePoint now, Effects& out, std::size_t first_effect, bool status_inputs) {
  // Deriving the status (and what the peer and the keepalive are told) walks every vPC and VLAN set:
  // skipped for pure sync traffic, which is most of the messages during a bulk snapshot.
  if (status_inputs) settleStatus(now, out);
  if (session_.adjacent()) {
    std::vector<peer::Message> msgs;
    sender_.produce(*this, now, msgs);
    for (auto& m : msgs) session_.send(std::move(m), out);
    if (session_.state() == SessionState::Syncing && sender_.bulkAcked() && receiver_.bulkDone()) {
      session_.markEstablished(now, out);
      settleStatus(now, out);
    }
  }
  for (std::size_t i = first_effect; i < out.size(); ++i)
    if (auto* ev = std::get_if<fx::EventRecorded>(&out[i])) journal_.append(ev->event);
}

void SwitchNode::settleStatus(TimePoint now, Effects& out) {
  recordStatusChanges(deriveStatus(now), now, out);
  if (flush_needed_) {
    flush_needed_ = false;
    flushDeadEntries(now, out);
  }
  if (session_.adjacent()) {
    auto vs = localVpcState();
    if (!sent_vpc_state_ || !(*sent_vpc_state_ == vs)) {
      session_.send(vs, out);
      sent_vpc_state_ = std::move(vs);
    }
    if (!sent_consistency_ || !(*sent_consistency_ == local_consistency_)) {
      session_.send(local_consistency_, out);
      sent_consistency_ = local_consistency_;
    }
  }
  keepalive_.setLocal(localKeepalive());
  session_.setLocalHello(localHello());
}

// Drops what leads nowhere: MACs learned on ports that no longer forward (the host is gone from there),
// and - while the peer-link is down - every entry that points at it; ARP entries of SVIs that are down.
void SwitchNode::flushDeadEntries(TimePoint now, Effects& out) {
  const bool adjacent = session_.adjacent();
  // The verdict depends on the port alone (except for vPC ports while the peer-link is down): decided
  // once per port, not once per entry - a table holds a million entries on a few dozen ports.
  enum Verdict : std::uint8_t { Keep, Drop, ByInstalledPort };
  absl::flat_hash_map<std::uint32_t, Verdict> verdicts;
  auto verdictFor = [&](std::uint32_t code) {
    const auto [it, fresh] = verdicts.try_emplace(code, Keep);
    if (!fresh) return it->second;
    const auto port = InterfaceId::fromTrustedCode(code);
    const auto* ic = config_.interface(port);
    if (!ic) return it->second = Drop;  // the interface was deleted
    if (ic->vpc_id) return it->second = adjacent ? Keep : ByInstalledPort;
    auto st = status_.ports.find(port);
    return it->second = (st == status_.ports.end() || st->second.status != "connected") ? Drop : Keep;
  };
  std::vector<std::uint64_t> gone;
  macs_.retractLocalIf(
      [&](std::uint64_t key, const MacTable::Entry& e) {
        if (e.local.is_static) return false;  // configuration: no port state removes it
        switch (verdictFor(e.local.port)) {
          case Keep: return false;
          case Drop: return true;
          case ByInstalledPort: return installedPort(key, e).first == InterfaceId::peerLink();
        }
        return false;
      },
      gone);
  for (auto key : gone) sender_.noteMac(key);
  std::size_t peer_gone = 0;
  if (!adjacent)
    peer_gone = macs_.retractPeerIf(
        [&](std::uint64_t key, const MacTable::Entry& e) { return peerPort(key, e) == InterfaceId::peerLink(); });
  VlanSet dead_svis;
  for (const auto& [id, ps] : status_.ports)
    if (id.kind() == IfKind::Vlan && ps.status != "connected") dead_svis.insert(static_cast<std::uint16_t>(id.number()));
  std::vector<std::uint32_t> arp_gone;
  arps_.retractLocalIf([&](std::uint32_t, const ArpTable::Entry& e) { return dead_svis.contains(e.local.vlan); },
                       arp_gone);
  for (auto ip : arp_gone) sender_.noteArp(ip);
  const auto arp_peer_gone =
      arps_.retractPeerIf([&](std::uint32_t, const ArpTable::Entry& e) { return dead_svis.contains(e.peer.vlan); });
  if (gone.empty() && peer_gone == 0 && arp_gone.empty() && arp_peer_gone == 0) return;
  recordEvent(out, now, "tables", "", "flushed",
              {std::to_string(gone.size()) + " local and " + std::to_string(peer_gone) + " peer MAC entries, " +
                   std::to_string(arp_gone.size() + arp_peer_gone) + " ARP entries that led nowhere",
               adjacent ? "interfaces went down" : "peer-link down: " + session_.downReason()});
}


// ---------------------------------------------------------------------------------------------------
// SyncSource

std::uint32_t SwitchNode::wirePort(InterfaceId local) const {
  const auto it = vpc_wire_port_.find(local.code());
  return it == vpc_wire_port_.end() ? local.code() : it->second;
}

void SwitchNode::indexPorts() {
  vpc_wire_port_.clear();
  for (const auto& [id, ic] : config_.interfaces)
    if (id.kind() == IfKind::PortChannel && ic.vpc_id) vpc_wire_port_[id.code()] = InterfaceId::vpc(*ic.vpc_id).code();
}

void SwitchNode::localMacs(std::vector<peer::MacRecord>& out) const {
  out.reserve(out.size() + macs_.localCount());
  for (const auto& [key, e] : macs_.entries())
    if (e.has_local)
      out.push_back(peer::MacRecord{key, wirePort(InterfaceId::fromTrustedCode(e.local.port)),
                                    static_cast<std::uint8_t>(e.local.is_static ? peer::kRecordStatic : 0)});
}

std::optional<peer::MacRecord> SwitchNode::localMac(std::uint64_t key) const {
  const auto* e = macs_.find(key);
  if (!e || !e->has_local) return std::nullopt;
  return peer::MacRecord{key, wirePort(InterfaceId::fromTrustedCode(e->local.port)),
                         static_cast<std::uint8_t>(e->local.is_static ? peer::kRecordStatic : 0)};
}

void SwitchNode::localArps(std::vector<peer::ArpRecord>& out) const {
  out.reserve(out.size() + arps_.localCount());
  for (const auto& [ip, e] : arps_.entries())
    if (e.has_local) out.push_back(peer::ArpRecord{ip, e.local.mac, e.local.vlan, 0});
}

std::optional<peer::ArpRecord> SwitchNode::localArp(std::uint32_t ip) const {
  const auto* e = arps_.find(ip);
  if (!e || !e->has_local) return std::nullopt;
  return peer::ArpRecord{ip, e->local.mac, e->local.vlan, 0};
}

// ---------------------------------------------------------------------------------------------------
// Management commands

Result<LearnResult> SwitchNode::learnMac(const LearnMacCmd& cmd, TimePoint now, Effects& out) {
  const std::size_t first = out.size();  // journal everything this command records
  if (auto bad = checkMacRange(cmd.mac, cmd.count)) return *bad;
  if (!config_.vlans.contains(cmd.vlan))
    return failedPrecondition("VLAN " + std::to_string(cmd.vlan) + " does not exist (configure 'vlan " +
                              std::to_string(cmd.vlan) + "')");
  InterfaceId port = cmd.iface;
  const InterfaceConfig* ic = config_.interface(port);
  if (!ic) return notFound("interface " + port.longName() + " does not exist");
  if (port.kind() != IfKind::Ethernet && port.kind() != IfKind::PortChannel)
    return invalidArgument("MACs are learned on Ethernet or port-channel interfaces, not " + port.longName());
  if (ic->channel_group) {  // a member port learns on behalf of its port-channel
    port = InterfaceId::portChannel(*ic->channel_group);
    ic = config_.interface(port);
  }
  if (ic->vpc_peer_link)
    return failedPrecondition("no MAC learning on the vPC peer-link " + port.longName() +
                              ": the peer syncs what it learns instead");
  if (!ic->switchport) return failedPrecondition(port.longName() + " is not a switchport");
  if (!ic->carriedVlans().contains(cmd.vlan))
    return failedPrecondition(port.longName() + " does not carry VLAN " + std::to_string(cmd.vlan));
  // Only a forwarding port learns: a suspended vPC or orphan port sees no frames.
  if (ic->vpc_id) {
    auto it = status_.vpc_active.find(*ic->vpc_id);
    if (it == status_.vpc_active.end() || !it->second.contains(cmd.vlan)) {
      std::string why = "not forwarding";
      for (const auto& row : status_.vpcs)
        if (row.id == *ic->vpc_id && !row.reason_chain.empty()) why = row.reason_chain.front();
      if (it != status_.vpc_active.end()) why = "VLAN " + std::to_string(cmd.vlan) + " is suspended on it";
      return failedPrecondition(port.longName() + " (vPC " + std::to_string(*ic->vpc_id) + ") is down: " + why);
    }
  } else {
    auto it = status_.ports.find(port);
    if (it == status_.ports.end() || it->second.status != "connected")
      return failedPrecondition(port.longName() + " is " +
                                (it == status_.ports.end() ? std::string("down") : it->second.status) +
                                (it != status_.ports.end() && !it->second.why.empty() ? ": " + it->second.why.front()
                                                                                      : std::string()));
  }

  LearnResult r;
  const MacValue value{port.code(), cmd.is_static};
  for (std::uint32_t i = 0; i < cmd.count; ++i) {
    const auto key = macKey(cmd.vlan, cmd.mac.value + i);
    if (!cmd.is_static) {
      if (const auto* e = macs_.find(key); e && e->has_local && e->local.is_static) {
        ++r.unchanged;  // a dynamic learn never overrides a static entry
        continue;
      }
    }
    if (macs_.assertLocal(key, value, now) != Change::None) {
      sender_.noteMac(key);
      ++r.changed;
    } else {
      ++r.unchanged;
    }
  }
  settle(now, out, first, /*status_inputs=*/false);  // tables only: the status is what it was
  return r;
}

Result<LearnResult> SwitchNode::learnArp(const LearnArpCmd& cmd, TimePoint now, Effects& out) {
  const std::size_t first = out.size();  // journal everything this command records
  if (cmd.count == 0) return invalidArgument("count must be at least 1");
  if (cmd.ip.value == 0 || static_cast<std::uint64_t>(cmd.ip.value) + (cmd.count - 1) >= 0xffffffffULL)
    return invalidArgument("addresses from " + cmd.ip.str() + " count " + std::to_string(cmd.count) +
                           " are not host addresses");
  if (auto bad = checkMacRange(cmd.mac, cmd.count)) return *bad;
  if (!config_.vlans.contains(cmd.vlan))
    return failedPrecondition("VLAN " + std::to_string(cmd.vlan) + " does not exist");
  const auto svi = InterfaceId::vlan(cmd.vlan);
  const auto* ic = config_.interface(svi);
  if (!ic) return failedPrecondition("interface " + svi.longName() + " does not exist (ARP lives on the SVI)");
  if (auto it = status_.ports.find(svi); it == status_.ports.end() || it->second.status != "connected")
    return failedPrecondition("interface " + svi.longName() + " is down" +
                              (it != status_.ports.end() && !it->second.why.empty() ? ": " + it->second.why.front()
                                                                                    : std::string()));

  LearnResult r;
  for (std::uint32_t i = 0; i < cmd.count; ++i) {
    const std::uint32_t ip = cmd.ip.value + i;
    if (arps_.assertLocal(ip, ArpValue{cmd.mac.value + i, cmd.vlan}, now) != Change::None) {
      sender_.noteArp(ip);
      ++r.changed;
    } else {
      ++r.unchanged;
    }
  }
  settle(now, out, first, /*status_inputs=*/false);  // tables only: the status is what it was
  return r;
}

std::uint64_t SwitchNode::clearMacDynamic(TimePoint now, Effects& out) {
  const std::size_t first = out.size();  // journal everything this command records
  std::vector<std::uint64_t> removed;
  macs_.retractLocalIf([](std::uint64_t, const MacTable::Entry& e) { return !e.local.is_static; }, removed);
  for (auto key : removed) sender_.noteMac(key);
  settle(now, out, first, /*status_inputs=*/false);  // tables only: the status is what it was
  return removed.size();
}

std::uint64_t SwitchNode::clearArp(TimePoint now, Effects& out) {
  const std::size_t first = out.size();  // journal everything this command records
  std::vector<std::uint32_t> removed;
  arps_.retractLocalIf([](std::uint32_t, const ArpTable::Entry&) { return true; }, removed);
  for (auto ip : removed) sender_.noteArp(ip);
  settle(now, out, first, /*status_inputs=*/false);  // tables only: the status is what it was
  return removed.size();
}

Result<ConfigureResult> SwitchNode::configure(const std::vector<std::string>& lines, TimePoint now, Effects& out) {
  const std::size_t first = out.size();  // journal everything this command records
  auto parsed = applyConfigLines(config_, lines);
  if (!parsed.config) return invalidArgument(parsed.error->format());
  SwitchConfig next = std::move(*parsed.config);
  if (!config_.vpc_domain && next.vpc_domain)
    return failedPrecondition("a vPC domain can only be added in the startup config");
  const SwitchConfig old = config_;
  ConfigureResult res;
  for (const auto& l : lines)
    if (l.find_first_not_of(" \t") != std::string::npos) ++res.applied;
  config_ = std::move(next);
  indexPorts();
  const auto& od = *old.vpc_domain;
  const auto& nd = *config_.vpc_domain;

  std::vector<std::string> typed;
  for (const auto& l : lines)
    if (l.find_first_not_of(" \t") != std::string::npos) typed.push_back(l.substr(l.find_first_not_of(" \t")));
  recordEvent(out, now, "config", "", "changed", typed);

  if (parsed.role_priority_entered) {
    if (nd.role_priority == od.role_priority) {
      if (sticky_) recordEvent(out, now, "sticky", "true", "false", {"role priority re-entered (" +
                                                                       std::to_string(nd.role_priority) + ")"});
      sticky_ = false;
    } else if (session_.adjacent()) {
      res.messages.push_back("Warning: !!:: vPCs will be flapped on current primary vPC switch while attempting role change ::!!");
      res.messages.push_back("Note: --------:: Change will take effect after user has re-initd the vPC peer-link ::--------");
    }
  }
  // Keepalive and failover timers.
  if (od.keepalive != nd.keepalive) {
    if (!nd.keepalive) keepalive_.disable(now, out);
    applyTimersFromConfig();
    if (nd.keepalive && !od.keepalive) keepalive_.enable(localKeepalive(), now, out);
    if (od.keepalive && nd.keepalive &&
        (od.keepalive->destination != nd.keepalive->destination || od.keepalive->source != nd.keepalive->source ||
         od.keepalive->udp_port != nd.keepalive->udp_port))
      res.keepalive_endpoints_changed = true;
    if (!od.keepalive && nd.keepalive) res.keepalive_endpoints_changed = true;
  } else {
    applyTimersFromConfig();
  }
  // The domain's identity changed under a live peer-link: re-initialise it (the Hello checks decide).
  if (session_.adjacent() && (od.system_priority != nd.system_priority || od.systemMac() != nd.systemMac()))
    onSessionFacts(session_.reset("vPC system parameters changed; re-initialising the peer-link", now, out), now, out);
  // The peer-link port-channel itself.
  const bool usable = peerLinkUsable();
  if (!usable && session_.state() != SessionState::Disabled) {
    std::string why = "peer-link not configured";
    if (const auto* pl = config_.peerLink())
      why = "vPC peer-link " + pl->id.longName() + (pl->shutdown ? " is shut down" : " has no member up");
    onSessionFacts(session_.disable(why, now, out), now, out);
  } else if (usable && session_.state() == SessionState::Disabled) {
    session_.setLocalHello(localHello());
    session_.enable(now, out);
  }
  local_consistency_ = localConsistency(config_);
  applyStaticMacs(old.static_macs, now);
  flush_needed_ = true;
  settle(now, out, first);
  return res;
}

Result<std::string> SwitchNode::rolePreempt(TimePoint now, Effects& out) {
  const std::size_t first = out.size();  // journal everything this command records
  if (!config_.vpc_domain) return failedPrecondition("vPC domain not configured");
  if (!session_.adjacent()) return failedPrecondition("vPC peer-link is down: role preempt needs the peer adjacency");
  preempt_pending_ = true;
  session_.send(peer::RolePreempt{false, config_.vpc_domain->role_priority}, out);
  recordEvent(out, now, "role", roleDisplay(config_role_, role_), "preempt requested",
              {"vpc role preempt: re-electing from role priorities (local " +
               std::to_string(config_.vpc_domain->role_priority) + ")"});
  settle(now, out, first);
  return std::string("vPC role preempt requested: roles are re-elected from the configured role priorities");
}

// `mac address-table static`: configuration, asserted whatever the port's state and never flushed.
void SwitchNode::applyStaticMacs(const std::map<std::pair<std::uint16_t, MacAddress>, StaticMac>& before,
                                 TimePoint now) {
  for (const auto& [k, s] : before) {
    if (auto it = config_.static_macs.find(k); it != config_.static_macs.end() && it->second == s) continue;
    const auto key = macKey(s.vlan, s.mac.value);
    if (const auto* e = macs_.find(key); e && e->has_local && e->local.is_static && e->local.port == s.iface.code())
      if (macs_.retractLocal(key) != Change::None) sender_.noteMac(key);
  }
  for (const auto& [k, s] : config_.static_macs) {
    if (auto it = before.find(k); it != before.end() && it->second == s) continue;
    const auto key = macKey(s.vlan, s.mac.value);
    if (macs_.assertLocal(key, MacValue{s.iface.code(), true}, now) != Change::None) sender_.noteMac(key);
  }
}

void SwitchNode::ageTables(TimePoint now) {
  next_age_ = now + std::clamp<Duration>(Seconds(config_.mac_aging_s) / 30, Seconds(1), Seconds(60));
  if (config_.mac_aging_s != 0) {
    const Duration max_age = Seconds(config_.mac_aging_s);
    std::vector<std::uint64_t> aged;
    macs_.retractLocalIf(
        [&](std::uint64_t, const MacTable::Entry& e) { return !e.local.is_static && now - e.local_seen >= max_age; },
        aged);
    for (auto key : aged) sender_.noteMac(key);
    if (!session_.adjacent())
      macs_.retractPeerIf([&](std::uint64_t, const MacTable::Entry& e) { return now - e.peer_seen >= max_age; });
  }
  std::vector<std::uint32_t> aged_arps;
  arps_.retractLocalIf([&](std::uint32_t, const ArpTable::Entry& e) { return now - e.local_seen >= kArpTimeout; },
                       aged_arps);
  for (auto ip : aged_arps) sender_.noteArp(ip);
  if (!session_.adjacent())
    arps_.retractPeerIf([&](std::uint32_t, const ArpTable::Entry& e) { return now - e.peer_seen >= kArpTimeout; });
}

}  // namespace vpc
