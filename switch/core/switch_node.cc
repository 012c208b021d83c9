#include "switch/core/switch_node.h"

#include <algorithm>
#include <cmath>

namespace vpc {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

constexpr std::size_t kMessageRing = 64;
constexpr Duration kArpTimeout = Seconds(1500);  // NX-OS default ARP timeout

std::string secondsText(std::uint32_t s) { return std::to_string(s) + "s"; }

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Construction and timers

SwitchNode::SwitchNode(SwitchConfig config, NodeOptions options)
    : config_(std::move(config)), options_(options), keepalive_(KeepaliveConfig{}), session_(SessionConfig{}),
      sender_(options.sync_limits) {
  if (config_.vpc_domain && config_.vpc_domain->keepalive) {
    const auto& k = *config_.vpc_domain->keepalive;
    keepalive_ = KeepaliveFsm(KeepaliveConfig{scaled(Millis(k.interval_ms)), scaled(Seconds(k.timeout_s)),
                                              scaled(Seconds(k.hold_timeout_s))});
  }
  SessionConfig sc;
  sc.heartbeat_interval = scaled(Millis(config_.emulator.heartbeat_ms));
  sc.heartbeat_timeout = scaled(Millis(config_.emulator.heartbeat_timeout_ms));
  sc.hello_timeout = std::max(scaled(Millis(2000)), sc.heartbeat_timeout);
  sc.retry_min = scaled(Millis(100));
  sc.retry_max = scaled(Millis(2000));
  session_ = SessionFsm(sc);
  op_role_priority_ = config_.vpc_domain ? config_.vpc_domain->role_priority : kDefaultRolePriority;
}

Duration SwitchNode::scaled(Duration d) const {
  const auto ns = static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(d).count());
  const auto scaled_ns = static_cast<std::int64_t>(std::llround(ns * options_.time_scale));
  return std::max<Duration>(std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(scaled_ns)), Millis(1));
}

Effects SwitchNode::start(TimePoint now) {
  Effects out;
  if (started_) return out;
  started_ = true;
  recordEvent(out, now, "switch", "", "up",
              {"vpcd started" + std::string(options_.time_scale != 1.0 ? " (time scale " +
                                                                             std::to_string(options_.time_scale) + ")"
                                                                       : "")});
  if (config_.vpc_domain && config_.vpc_domain->keepalive) keepalive_.enable(localKeepalive(), now, out);
  session_.setLocalHello(localHello());
  if (config_.vpc_domain && config_.peerLink() && !config_.emulator.peer_link_peer.empty())
    session_.enable(now, out);
  next_age_ = now + Seconds(1);
  settle(now, out, 0);
  return out;
}

std::optional<TimePoint> SwitchNode::nextDeadline() const {
  if (shut_down_) return std::nullopt;
  std::optional<TimePoint> d = keepalive_.nextDeadline();
  foldDeadline(d, session_.nextDeadline());
  foldDeadline(d, next_age_);
  return d;
}

Effects SwitchNode::tick(TimePoint now) {
  Effects out;
  if (shut_down_) return out;
  keepalive_.tick(now, out);
  onSessionFacts(session_.tick(now, out), now, out);
  if (next_age_ && now >= *next_age_) ageTables(now);
  settle(now, out, 0);
  return out;
}

Effects SwitchNode::handle(const Input& input, TimePoint now) {
  Effects out;
  if (shut_down_) return out;
  std::visit(
      Overloaded{
          [&](const in::KeepaliveReceived& k) {
            const bool rebooted = keepalive_.datagramReceived(k.msg, now, out);
            if (config_.vpc_domain && k.msg.domain_id == config_.vpc_domain->id) {
              session_.peerAlive(k.msg.local_mac, now, out);
              if (rebooted) onSessionFacts(session_.peerRestarted(now, out), now, out);
            }
          },
          [&](const in::KeepaliveMalformed&) { keepalive_.datagramMalformed(); },
          [&](const in::KeepaliveSendResult& r) { keepalive_.sendResult(r.ok, now, out); },
          [&](const in::PeerTransportUp& u) { onSessionFacts(session_.transportUp(u.conn, now, out), now, out); },
          [&](const in::PeerTransportDown& d) {
            onSessionFacts(session_.transportDown(d.conn, d.reason, now, out), now, out);
          },
          [&](const in::PeerMessageReceived& m) {
            if (m.conn == session_.conn()) noteMessage(false, m.msg, now);
            const auto facts = session_.onMessage(m.conn, m.msg, now, out);
            onSessionFacts(facts, now, out);
            if (facts.route) route(m.msg, now, out);
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
  settle(now, out, 0);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Session and sync

void SwitchNode::onSessionFacts(const SessionFacts& facts, TimePoint now, Effects& out) {
  if (facts.down) onSessionDown(facts.down->reason, now, out);
  if (facts.up) onSessionUp(*facts.up, now, out);
}

void SwitchNode::onSessionUp(const SessionFacts::Up& up, TimePoint now, Effects& out) {
  peer_hello_ = up.peer;
  recordEvent(out, now, "peer-link", "checks passed", "role decided", {up.election.reason});
  const std::string before = roleDisplay(config_role_, role_);
  role_ = up.election.operational;
  config_role_ = up.election.configured;
  op_role_priority_ = config_.vpc_domain->role_priority;
  const std::string after = roleDisplay(config_role_, role_);
  if (after != before) recordEvent(out, now, "role", before, after, {up.election.reason, "peer adjacency formed"});
  status_.role = after;  // recorded here, with its reason
  sent_vpc_state_.reset();
  sender_.start(arpSyncActive(), *this, now);
  receiver_.start();
}

void SwitchNode::onSessionDown(const std::string& reason, TimePoint now, Effects& out) {
  sender_.stop();
  receiver_.stop();
  peer_vpc_state_.reset();
  sent_vpc_state_.reset();
  // Entries that point at the peer-link lead nowhere now (DESIGN.md §5). Entries the peer has on a vPC
  // stay (our own leg of that vPC still reaches the host) and age here from now on.
  const std::size_t flushed = macs_.retractPeerIf(
      [this](std::uint64_t, const MacTable::Entry& e) { return peerPort(e) == InterfaceId::peerLink(); });
  macs_.touchPeer(now);
  recordEvent(out, now, "sync", "in sync", "stopped",
              {std::to_string(flushed) + " MAC entries that pointed at the vPC Peer-Link flushed",
               "peer-link down: " + reason});
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
          [&](const peer::ConsistencyParams&) {},
          [&](const peer::SyncBegin& b) {
            receiver_.onBegin(b, now);
            ++rx_gen_;
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
          [&](const auto&) {},  // Hello, Heartbeat, Goodbye: the session's
      },
      msg);
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

void SwitchNode::settle(TimePoint now, Effects& out, std::size_t first_effect) {
  if (session_.adjacent()) {
    auto vs = localVpcState();
    if (!sent_vpc_state_ || !(*sent_vpc_state_ == vs)) {
      session_.send(vs, out);
      sent_vpc_state_ = std::move(vs);
    }
    std::vector<peer::Message> msgs;
    sender_.produce(*this, now, msgs);
    for (auto& m : msgs) session_.send(std::move(m), out);
    if (session_.state() == SessionState::Syncing && sender_.bulkAcked() && receiver_.bulkDone()) {
      session_.markEstablished(now, out);
    }
  }
  keepalive_.setLocal(localKeepalive());
  session_.setLocalHello(localHello());
  recordStatusChanges(deriveStatus(), now, out);
  for (std::size_t i = first_effect; i < out.size(); ++i) {
    if (auto* ev = std::get_if<fx::EventRecorded>(&out[i])) journal_.append(ev->event);
    else if (auto* sp = std::get_if<fx::SendPeer>(&out[i])) noteMessage(true, sp->msg, now);
  }
}

void SwitchNode::noteMessage(bool tx, const peer::Message& msg, TimePoint now) {
  messages_.push_back(MessageNote{now, tx, peer::describe(msg)});
  if (messages_.size() > kMessageRing) messages_.pop_front();
}

// ---------------------------------------------------------------------------------------------------
// SyncSource

std::uint32_t SwitchNode::wirePort(InterfaceId local) const {
  if (local.kind() == IfKind::PortChannel) {
    if (const auto* ic = config_.interface(local); ic && ic->vpc_id) return InterfaceId::vpc(*ic->vpc_id).code();
  }
  return local.code();
}

void SwitchNode::localMacKeys(std::vector<std::uint64_t>& out) const {
  out.reserve(macs_.localCount());
  for (const auto& [key, e] : macs_.entries())
    if (e.has_local) out.push_back(key);
}

std::optional<peer::MacRecord> SwitchNode::localMac(std::uint64_t key) const {
  const auto* e = macs_.find(key);
  if (!e || !e->has_local) return std::nullopt;
  return peer::MacRecord{key, wirePort(InterfaceId::fromTrustedCode(e->local.port)),
                         static_cast<std::uint8_t>(e->local.is_static ? peer::kRecordStatic : 0)};
}

void SwitchNode::localArpKeys(std::vector<std::uint32_t>& out) const {
  out.reserve(arps_.localCount());
  for (const auto& [ip, e] : arps_.entries())
    if (e.has_local) out.push_back(ip);
}

std::optional<peer::ArpRecord> SwitchNode::localArp(std::uint32_t ip) const {
  const auto* e = arps_.find(ip);
  if (!e || !e->has_local) return std::nullopt;
  return peer::ArpRecord{ip, e->local.mac, e->local.vlan, 0};
}

// ---------------------------------------------------------------------------------------------------
// Management commands

namespace {
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

Result<LearnResult> SwitchNode::learnMac(const LearnMacCmd& cmd, TimePoint now, Effects& out) {
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
  const bool up = port.kind() == IfKind::PortChannel ? vpcPortUp(*ic) : !ic->shutdown;
  if (!up) return failedPrecondition(port.longName() + " is down");
  if (!ic->carriedVlans().contains(cmd.vlan))
    return failedPrecondition(port.longName() + " does not carry VLAN " + std::to_string(cmd.vlan));

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
  settle(now, out, out.size());
  return r;
}

Result<LearnResult> SwitchNode::learnArp(const LearnArpCmd& cmd, TimePoint now, Effects& out) {
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
  if (ic->shutdown) return failedPrecondition("interface " + svi.longName() + " is shut down");

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
  settle(now, out, out.size());
  return r;
}

std::uint64_t SwitchNode::clearMacDynamic(TimePoint now, Effects& out) {
  std::vector<std::uint64_t> removed;
  macs_.retractLocalIf([](std::uint64_t, const MacTable::Entry& e) { return !e.local.is_static; }, removed);
  for (auto key : removed) sender_.noteMac(key);
  settle(now, out, out.size());
  return removed.size();
}

std::uint64_t SwitchNode::clearArp(TimePoint now, Effects& out) {
  std::vector<std::uint32_t> removed;
  arps_.retractLocalIf([](std::uint32_t, const ArpTable::Entry&) { return true; }, removed);
  for (auto ip : removed) sender_.noteArp(ip);
  settle(now, out, out.size());
  return removed.size();
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

// ---------------------------------------------------------------------------------------------------
// Derived status

bool SwitchNode::vpcPortUp(const InterfaceConfig& pc) const {
  if (pc.shutdown) return false;
  for (const auto& m : config_.members(pc.id.number())) {
    if (const auto* mc = config_.interface(m); mc && !mc->shutdown) return true;
  }
  return false;
}

InterfaceId SwitchNode::peerPort(const MacTable::Entry& e) const {
  const auto peer_port = InterfaceId::fromTrustedCode(e.peer.port);  // validated by the codec
  if (peer_port.kind() == IfKind::Vpc) {
    if (const auto* pc = config_.vpcPort(peer_port.number()); pc && vpcPortUp(*pc)) return pc->id;
  }
  return InterfaceId::peerLink();
}

std::pair<InterfaceId, char> SwitchNode::installedPort(const MacTable::Entry& e) const {
  if (e.has_local) return {InterfaceId::fromTrustedCode(e.local.port), '*'};
  const auto port = peerPort(e);
  return {port, port == InterfaceId::peerLink() ? '+' : '*'};
}

peer::Hello SwitchNode::localHello() const {
  peer::Hello h;
  h.hostname = config_.hostname;
  h.local_mac = *config_.emulator.local_mac;
  h.boot_id = options_.boot_id;
  h.sticky = sticky_;
  h.operational_role = role_;
  h.operational_role_priority = op_role_priority_;
  if (config_.vpc_domain) {
    const auto& d = *config_.vpc_domain;
    h.domain_id = d.id;
    h.system_mac = d.systemMac();
    h.system_priority = d.system_priority;
    h.role_priority = d.role_priority;
    if (d.arp_synchronize) h.capabilities |= kCapabilityArpSync;
  }
  return h;
}

KeepaliveMsg SwitchNode::localKeepalive() const {
  KeepaliveMsg k;
  k.local_mac = *config_.emulator.local_mac;
  k.role = role_;
  k.peer_link_up = session_.adjacent();
  k.boot_id = options_.boot_id;
  if (config_.vpc_domain) {
    k.domain_id = config_.vpc_domain->id;
    k.system_mac = config_.vpc_domain->systemMac();
  }
  return k;
}

peer::VpcState SwitchNode::localVpcState() const {
  peer::VpcState s;
  s.vlans = config_.vlans;
  if (const auto* pl = config_.peerLink()) s.peer_link_allowed_vlans = pl->carriedVlans() & config_.vlans;
  for (const auto& [id, ic] : config_.interfaces) {
    if (!ic.vpc_id) continue;
    s.vpcs.push_back(peer::VpcInfo{*ic.vpc_id, id.shortName(), vpcPortUp(ic), false, ic.carriedVlans() & config_.vlans});
  }
  std::sort(s.vpcs.begin(), s.vpcs.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return s;
}

SwitchNode::Status SwitchNode::deriveStatus() const {
  Status s;
  s.role = roleDisplay(config_role_, role_);
  if (!config_.vpc_domain || !config_.peerLink()) s.peer_status = "peer link not configured";
  else s.peer_status = session_.adjacent() ? "peer adjacency formed ok" : "peer link is down";

  std::vector<const InterfaceConfig*> ports;
  for (const auto& [id, ic] : config_.interfaces)
    if (ic.vpc_id) ports.push_back(&ic);
  std::sort(ports.begin(), ports.end(), [](auto* a, auto* b) { return *a->vpc_id < *b->vpc_id; });

  for (const auto* ic : ports) {
    VpcRow row;
    row.id = *ic->vpc_id;
    row.port = ic->id.shortName();
    row.status = "down";
    row.active_vlans = "-";
    const std::string name = "vPC " + std::to_string(row.id);
    if (!config_.peerLink()) {
      row.consistency = "failed";
      row.reason = "vPC peer-link does not exist";
      row.reason_chain = {row.reason};
    } else if (!session_.adjacent()) {
      row.consistency = "failed";
      row.reason = "Peer-link is down";
      row.reason_chain = {"Peer-link is down", session_.downReason()};
    } else if (!vpcPortUp(*ic)) {
      row.status = "down*";
      row.consistency = "Not Applicable";
      row.reason = "Consistency Check Not Performed";
      row.reason_chain = {"local " + ic->id.longName() + " is down (" +
                          (ic->shutdown ? std::string("shutdown") : std::string("no member port up")) + ")"};
    } else if (!peer_vpc_state_) {
      row.consistency = "Not Applicable";
      row.reason = "Consistency Check Not Performed";
      row.reason_chain = {row.reason, "waiting for the peer's vPC state"};
    } else {
      const auto it = std::find_if(peer_vpc_state_->vpcs.begin(), peer_vpc_state_->vpcs.end(),
                                   [&](const peer::VpcInfo& v) { return v.id == row.id; });
      if (it == peer_vpc_state_->vpcs.end()) {
        row.consistency = "Not Applicable";
        row.reason = "Consistency Check Not Performed";
        row.reason_chain = {row.reason, name + " is not configured on the peer"};
      } else {
        row.status = "up";
        row.consistency = "success";
        row.reason = "success";
        row.active_vlans = (ic->carriedVlans() & config_.vlans & it->allowed_vlans & peer_vpc_state_->vlans).str();
        row.reason_chain = {"peer adjacency formed ok", name + " configured on both switches"};
      }
    }
    s.vpcs.push_back(std::move(row));
  }
  return s;
}

void SwitchNode::recordStatusChanges(const Status& next, TimePoint now, Effects& out) {
  if (next.role != status_.role) {
    const std::string why = session_.adjacent()                 ? std::string("peer adjacency formed")
                            : !session_.downReason().empty()    ? session_.downReason()
                                                                : next.peer_status;
    recordEvent(out, now, "role", status_.role, next.role, {why});
  }
  if (next.peer_status != status_.peer_status) {
    std::vector<std::string> why;
    if (next.peer_status == "peer adjacency formed ok") why = {"Hello checks passed, roles decided"};
    else if (!session_.downReason().empty()) why = {session_.downReason()};
    else why = {next.peer_status};
    recordEvent(out, now, "peer status", status_.peer_status, next.peer_status, why);
  }
  for (const auto& row : next.vpcs) {
    const auto it = std::find_if(status_.vpcs.begin(), status_.vpcs.end(), [&](const VpcRow& r) { return r.id == row.id; });
    const std::string subject = "vPC " + std::to_string(row.id);
    if (it == status_.vpcs.end()) {
      recordEvent(out, now, subject, "", row.status, row.reason_chain);
    } else if (it->status != row.status || it->reason != row.reason) {
      recordEvent(out, now, subject, it->status, row.status, row.reason_chain);
    } else if (it->active_vlans != row.active_vlans) {
      recordEvent(out, now, subject, "active vlans " + it->active_vlans, "active vlans " + row.active_vlans,
                  row.reason_chain);
    }
  }
  status_ = next;
}

// ---------------------------------------------------------------------------------------------------
// Views

VpcView SwitchNode::vpcView() const {
  VpcView v;
  v.hostname = config_.hostname;
  v.time_scale = options_.time_scale;
  v.role = status_.role;
  v.peer_status = status_.peer_status;
  v.vpcs = status_.vpcs;
  v.local_mac = *config_.emulator.local_mac;
  v.sticky = sticky_;
  v.keepalive_status = std::string(keepaliveStatusText(keepalive_.state()));
  if (!session_.adjacent() && config_.peerLink()) v.peer_status_reason = session_.downReason();
  if (const auto* pl = config_.peerLink()) {
    PeerLinkRow row;
    row.port = pl->id.shortName();
    row.status = session_.adjacent() ? "up" : "down";
    row.active_vlans = session_.adjacent() ? (pl->carriedVlans() & config_.vlans).str() : "-";
    if (!session_.adjacent()) row.reason = session_.downReason();
    v.peer_link = row;
  }
  const bool checked = session_.adjacent() && peer_vpc_state_.has_value();
  v.consistency_status = checked ? "success" : "failed";
  if (!config_.peerLink()) v.consistency_reason = "vPC peer-link does not exist";
  else if (!checked) v.consistency_reason = "Consistency Check Not Performed";
  v.per_vlan_consistency_status = "success";
  v.type2_consistency_status = checked ? "success" : "failed";
  if (config_.vpc_domain) {
    const auto& d = *config_.vpc_domain;
    v.domain_configured = true;
    v.domain_id = d.id;
    v.peer_gateway = d.peer_gateway;
    v.dual_active_excluded_vlans = d.dual_active_exclude_svi.str("-");
    v.graceful_consistency_check = d.graceful_consistency_check;
    v.layer3_peer_router = d.layer3_peer_router;
    v.auto_recovery_status =
        d.auto_recovery ? "Enabled, timer is off.(timeout = " + secondsText(d.auto_recovery_reload_delay_s) + ")"
                        : "Disabled";
    v.delay_restore_status = "Timer is off.(timeout = " + secondsText(d.delay_restore_s) + ")";
    v.delay_restore_svi_status = "Timer is off.(timeout = " + secondsText(d.delay_restore_svi_s) + ")";
    v.delay_restore_orphan_status = "Timer is off.(timeout = " + secondsText(d.delay_restore_orphan_s) + ")";
    v.system_mac = d.systemMac();
    v.system_priority = d.system_priority;
    v.local_config_role_priority = d.role_priority;
    v.local_role_priority = op_role_priority_;
  }
  if (peer_hello_) {
    v.peer_mac = peer_hello_->local_mac;
    v.peer_role_priority = session_.adjacent() ? peer_hello_->role_priority : peer_hello_->operational_role_priority;
    v.peer_config_role_priority = peer_hello_->role_priority;
  }
  return v;
}

namespace {
bool macMatches(const MacFilter& f, std::uint64_t key, bool is_static, InterfaceId port) {
  if (f.vlan && keyVlan(key) != f.vlan) return false;
  if (f.mac && keyMac(key) != f.mac->value) return false;
  if (f.iface && *f.iface != port) return false;
  if (f.is_static && *f.is_static != is_static) return false;
  return true;
}
}  // namespace

std::vector<MacRow> SwitchNode::macRows(const MacFilter& filter, TimePoint now) const {
  std::vector<MacRow> rows;
  for (const auto& [key, e] : macs_.entries()) {
    const auto [port, flag] = installedPort(e);
    const bool is_static = e.has_local ? e.local.is_static : e.peer.is_static;
    if (!macMatches(filter, key, is_static, port)) continue;
    const TimePoint seen = e.has_local ? e.local_seen : e.peer_seen;
    const auto age = static_cast<std::uint32_t>(std::max<std::int64_t>(
        0, std::chrono::duration_cast<Seconds>(now - seen).count()));
    rows.push_back(MacRow{keyVlan(key), MacAddress{keyMac(key)}, is_static, is_static ? 0 : age, port, flag});
  }
  std::sort(rows.begin(), rows.end(), [](const MacRow& a, const MacRow& b) {
    return a.vlan != b.vlan ? a.vlan < b.vlan : a.mac < b.mac;
  });
  return rows;
}

std::size_t SwitchNode::macCount(const MacFilter& filter) const {
  std::size_t n = 0;
  for (const auto& [key, e] : macs_.entries()) {
    const auto port = installedPort(e).first;
    const bool is_static = e.has_local ? e.local.is_static : e.peer.is_static;
    if (macMatches(filter, key, is_static, port)) ++n;
  }
  return n;
}

std::vector<ArpRow> SwitchNode::arpRows(std::uint16_t vlan, TimePoint now) const {
  std::vector<ArpRow> rows;
  for (const auto& [ip, e] : arps_.entries()) {
    const ArpValue& v = e.has_local ? e.local : e.peer;
    if (vlan && v.vlan != vlan) continue;
    rows.push_back(ArpRow{Ipv4{ip}, MacAddress{v.mac}, v.vlan, now - (e.has_local ? e.local_seen : e.peer_seen),
                          !e.has_local});
  }
  std::sort(rows.begin(), rows.end(), [](const ArpRow& a, const ArpRow& b) { return a.ip < b.ip; });
  return rows;
}

SyncView SwitchNode::syncView() const {
  SyncView v;
  v.session_state = std::string(toString(session_.state()));
  v.tx = sender_.status();
  v.rx = receiver_.status();
  v.local_macs = macs_.localCount();
  v.peer_macs = macs_.peerCount();
  v.local_arps = arps_.localCount();
  v.peer_arps = arps_.peerCount();
  v.rtt = session_.rtt();
  v.session_flaps = session_.counters().downs;
  v.arp_sync = arpSyncActive();

  // Logical views (DESIGN.md §5): each assertion mapped to a location both switches name the same way:
  // a vPC by its id, any other port by (owning switch's local MAC, interface).
  const std::uint64_t self = config_.emulator.local_mac->value;
  const std::uint64_t other = peer_hello_ ? peer_hello_->local_mac.value : 0;
  for (const auto& [key, e] : macs_.entries()) {
    std::uint64_t locs[2];
    int n = 0;
    if (e.has_local) {
      const auto wire = InterfaceId::fromTrustedCode(wirePort(InterfaceId::fromTrustedCode(e.local.port)));
      locs[n++] = mix((wire.kind() == IfKind::Vpc ? 0 : self) ^ mix(wire.code()) ^ (e.local.is_static ? 1 : 0));
    }
    if (e.has_peer) {
      const auto port = InterfaceId::fromTrustedCode(e.peer.port);
      const std::uint64_t loc = mix((port.kind() == IfKind::Vpc ? 0 : other) ^ mix(port.code()) ^ (e.peer.is_static ? 1 : 0));
      if (n == 0 || locs[0] != loc) locs[n++] = loc;
    }
    for (int i = 0; i < n; ++i) v.logical_mac_digest += mix(key ^ locs[i]);
    v.logical_macs += static_cast<std::uint64_t>(n);
  }
  for (const auto& [ip, e] : arps_.entries()) {
    std::uint64_t locs[2];
    int n = 0;
    if (e.has_local) locs[n++] = mix(e.local.mac ^ (static_cast<std::uint64_t>(e.local.vlan) << 48));
    if (e.has_peer) {
      const std::uint64_t loc = mix(e.peer.mac ^ (static_cast<std::uint64_t>(e.peer.vlan) << 48));
      if (n == 0 || locs[0] != loc) locs[n++] = loc;
    }
    for (int i = 0; i < n; ++i) v.logical_arp_digest += mix(ip ^ locs[i]);
    v.logical_arps += static_cast<std::uint64_t>(n);
  }
  for (const auto& m : messages_) v.recent_messages.push_back(std::string(m.tx ? "tx " : "rx ") + m.text);
  return v;
}

KeepaliveView SwitchNode::keepaliveView(TimePoint now) const {
  KeepaliveView v;
  v.state = keepalive_.state();
  v.status = std::string(keepaliveStatusText(v.state));
  if (config_.vpc_domain) v.settings = config_.vpc_domain->keepalive;
  v.counters = keepalive_.counters();
  if (auto since = keepalive_.aliveSince(); since && keepalive_.peerAlive()) v.alive_for = now - *since;
  if (auto rx = keepalive_.lastRx()) v.since_last_rx = now - *rx;
  v.last_tx = keepalive_.lastTx();
  v.last_rx = keepalive_.lastRx();
  return v;
}

}  // namespace vpc
