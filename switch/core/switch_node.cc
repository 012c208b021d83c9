#include "switch/core/switch_node.h"

#include <algorithm>

#include "peerlink/core/overloaded.h"
#include "switch/core/config_parser.h"
#include "switch/core/vpc_status.h"

namespace vpc {

namespace {

constexpr Duration kMinScaledHeartbeat = Millis(10);
constexpr Duration kMinScaledHeartbeatTimeout = Millis(50);

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

SessionConfig sessionConfig(const SwitchConfig& c, const TimeScale& scale) {
  SessionConfig sc;
  // The peer-link heartbeat scales like every timer, but not below what a loaded machine's scheduler
  // can keep (10 ms / 50 ms): below that, time-scaled drills would see peer-link losses nobody caused.
  sc.heartbeat_interval = std::max<Duration>(scale(Millis(c.emulator.heartbeat_ms)), kMinScaledHeartbeat);
  sc.heartbeat_timeout = std::max<Duration>(scale(Millis(c.emulator.heartbeat_timeout_ms)), kMinScaledHeartbeatTimeout);
  sc.hello_timeout = std::max(scale(Millis(2000)), sc.heartbeat_timeout);
  sc.retry_min = scale(Millis(100));
  sc.retry_max = scale(Millis(2000));
  sc.time_scale = scale.factor;
  return sc;
}

std::string firstWords(const Causes& chain) { return chain.empty() ? std::string() : describe(chain.front()); }

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Construction and timers

SwitchNode::SwitchNode(SwitchConfig config, NodeOptions options)
    : config_(std::make_shared<const SwitchConfig>(std::move(config))),
      options_(options),
      scale_{options.time_scale},
      keepalive_(KeepaliveConfig{}),
      session_(sessionConfig(*config_, scale_)),
      vpc_(config_, scale_),
      tables_(options.sync_limits, options.page_hint) {
  applyKeepaliveTimers();
}

void SwitchNode::applyKeepaliveTimers() {
  if (!config_->vpc_domain || !config_->vpc_domain->keepalive) return;
  const auto& k = *config_->vpc_domain->keepalive;
  keepalive_.reconfigure(
      KeepaliveConfig{scale_(Millis(k.interval_ms)), scale_(Seconds(k.timeout_s)), scale_(Seconds(k.hold_timeout_s)),
                      scale_.factor});
}

bool SwitchNode::peerLinkUsable() const {
  const auto* pl = config_->peerLink();
  return config_->vpc_domain && pl && !config_->emulator.peer_link_peer.empty() &&
         portChannelUp(*config_, vpc_.noCarrier(), *pl);
}

Cause SwitchNode::peerLinkDownCause() const {
  const auto* pl = config_->peerLink();
  if (!pl || !config_->vpc_domain) return cause(CauseKind::PeerLinkNotConfigured);
  return cause(pl->shutdown ? CauseKind::PeerLinkShut : CauseKind::PeerLinkNoMember, {pl->id.longName()});
}

void SwitchNode::followPeerLinkPort(TimePoint now, Effects& out) {
  const bool usable = peerLinkUsable();
  if (!usable && session_.state() != SessionState::Disabled) {
    onSession(session_.disable(peerLinkDownCause(), now, out), now, out);
  } else if (usable && session_.state() == SessionState::Disabled) {
    session_.setLocalHello(localHello());
    session_.enable(now, out);
  }
}

bool SwitchNode::arpSync(const peer::Hello& peer) const {
  return config_->vpc_domain && config_->vpc_domain->arp_synchronize && (peer.capabilities & kCapabilityArpSync);
}

Effects SwitchNode::start(TimePoint now) {
  Effects out;
  if (started_) return out;
  started_ = true;
  recordEvent(out, now, Subject::of(SubjectKind::Switch), "", "up",
              {cause(CauseKind::SwitchStarted,
                     {scale_.factor != 1.0 ? " (time scale " + scale_.text() + ")" : std::string()})});
  if (config_->vpc_domain && config_->vpc_domain->keepalive) keepalive_.enable(localKeepalive(), now, out);
  session_.setLocalHello(localHello());
  if (peerLinkUsable()) session_.enable(now, out);
  else (void)session_.disable(peerLinkDownCause(), now, out);
  vpc_.boot(now, out);
  configureLacp(now);
  tables_.applyStaticMacs({}, config_->static_macs, now);
  tables_.start(now);
  settle(now, out, 0);
  return out;
}

std::optional<TimePoint> SwitchNode::nextDeadline() const {
  if (shut_down_) return std::nullopt;
  std::optional<TimePoint> d = keepalive_.nextDeadline();
  foldDeadline(d, session_.nextDeadline());
  foldDeadline(d, vpc_.nextDeadline());
  foldDeadline(d, tables_.nextDeadline());
  foldDeadline(d, lacp_.nextDeadline());
  return d;
}

Effects SwitchNode::tick(TimePoint now) {
  Effects out;
  if (shut_down_) return out;
  keepalive_.tick(now, out);
  onSession(session_.tick(now, out), now, out);
  vpc_.tick(now, out);
  lacp_.tick(now);
  tables_.tick(now, config_->mac_aging_s, session_.adjacent());
  settle(now, out, 0);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Inputs: each goes to the part that owns it

Effects SwitchNode::handle(const Input& input, TimePoint now) {
  Effects out;
  if (shut_down_) return out;
  bool status_inputs = true;  // whether this input may change the derived status
  std::visit(
      Overloaded{
          [&](const in::KeepaliveReceived& k) {
            const bool rebooted = keepalive_.datagramReceived(k.msg, now, out);
            if (config_->vpc_domain && k.msg.domain_id == config_->vpc_domain->id) {
              session_.peerAlive(k.msg.local_mac, now, out);
              if (rebooted) onSession(session_.peerRestarted(now, out), now, out);
              vpc_.keepaliveReceived(now, out);
            }
          },
          [&](const in::KeepaliveMalformed&) { keepalive_.datagramMalformed(); },
          [&](const in::KeepaliveForeign&) { keepalive_.datagramForeign(); },
          [&](const in::KeepaliveSendResult& r) { keepalive_.sendResult(r.ok, now, out); },
          [&](const in::PeerTransportUp& u) { onSession(session_.transportUp(u.conn, now, out), now, out); },
          [&](const in::PeerTransportDown& d) {
            onSession(session_.transportDown(d.conn, d.reason, now, out), now, out);
          },
          [&](const in::PeerMessageReceived& m) {
            const auto state_before = session_.state();
            const auto facts = session_.onMessage(m.conn, m.msg, now, out);
            onSession(facts, now, out);
            if (facts.route) route(m.msg, now, out);
            // Table data changes tables, never what the switch's status is derived from.
            if (peer::isTableData(m.msg) && !facts.up && !facts.down && session_.state() == state_before)
              status_inputs = false;
          },
          [&](const in::PeerMessageMalformed& m) {
            if (session_.malformed(m.conn, out)) return;  // a connection that wanted to replace the session
            if (m.conn != session_.conn() || !session_.adjacent()) return;
            std::vector<peer::Message> msgs;
            tables_.onMalformed(m.error, now, msgs, out);
            send(msgs, out);
          },
          [&](const in::FrameReceived& f) {
            // Slow Protocols (LACP) belong to the port they came in on: never forwarded.
            if (lacp::isSlowProtocols(f.bytes.data(), f.bytes.size())) {
              if (f.port != InterfaceId::peerLink()) lacp_.frame(f.port, f.bytes.data(), f.bytes.size(), now);
              return;
            }
            status_inputs = false;  // frames change tables, never the status
            const auto& peer = vpc_.roleInfo().peer;
            const ForwardingView view{*config_, vpc_.status(), session_.adjacent(), config_->emulator.local_mac->value,
                                      peer ? peer->local_mac.value : 0};
            forwarding_.receive(view, tables_, f.port, f.bytes, now, out);
          },
          [&](const in::LinkChanged& l) {
            lacp_.link(l.port, l.up, now);
            if (!vpc_.linkChanged(l.port, l.up)) return;
            ports_dirty_ = true;
            followPeerLinkPort(now, out);
          },
          [&](const in::ShutdownRequested& s) {
            session_.shutdown(s.reason, now, out);
            keepalive_.disable(now, out);
            tables_.sessionDown(now);
            recordEvent(out, now, Subject::of(SubjectKind::Switch), "up", "down",
                        {cause(CauseKind::SwitchStopped, {s.reason})});
            shut_down_ = true;
          },
      },
      input);
  settle(now, out, 0, status_inputs);
  return out;
}

void SwitchNode::onSession(const SessionFacts& facts, TimePoint now, Effects& out) {
  if (facts.down) {
    tables_.sessionDown(now);
    vpc_.adjacencyLost(facts.down->why, now, out);
    flush_needed_ = true;
    recordEvent(out, now, Subject::of(SubjectKind::Sync), "in sync", "stopped",
                concat({cause(CauseKind::PeerLinkDown)}, facts.down->why));
  }
  if (facts.up) {
    vpc_.adjacencyFormed(facts.up->peer, now, out);
    configureLacp(now);  // the port-number offset needs the peer's MAC
    ports_dirty_ = true;  // the peer's identity names its locations in the digests
    tables_.setPorts(PortMap::build(*config_, vpc_.status(), facts.up->peer.local_mac.value));
    tables_.sessionUp(arpSync(facts.up->peer), now);
  }
}

void SwitchNode::route(const peer::Message& msg, TimePoint now, Effects& out) {
  std::vector<peer::Message> msgs;
  std::visit(Overloaded{
                 [&](const peer::VpcState&) { vpc_.onMessage(msg, now, msgs, out); },
                 [&](const peer::ConsistencyParams&) { vpc_.onMessage(msg, now, msgs, out); },
                 [&](const peer::RolePreempt&) { vpc_.onMessage(msg, now, msgs, out); },
                 [&](const auto&) { tables_.onMessage(msg, now, msgs, out); },  // sync (the session keeps its own)
             },
             msg);
  send(msgs, out);
}

void SwitchNode::send(std::vector<peer::Message>& msgs, Effects& out) {
  for (auto& m : msgs) session_.send(std::move(m), out);
  msgs.clear();
}

// ---------------------------------------------------------------------------------------------------
// Settling

void SwitchNode::settle(TimePoint now, Effects& out, std::size_t first_effect, bool status_inputs) {
  // Deriving the status (and what the peer and the keepalive are told) walks every vPC and VLAN set:
  // skipped for pure sync traffic, which is most of the messages during a bulk snapshot.
  if (status_inputs) settleStatus(now, out);
  if (session_.adjacent()) {
    std::vector<peer::Message> msgs;
    tables_.produce(now, msgs);
    send(msgs, out);
    if (session_.state() == SessionState::Syncing && tables_.bulkDone()) {
      session_.markEstablished(now, out);
      settleStatus(now, out);
    }
  }
  for (std::size_t i = first_effect; i < out.size(); ++i)
    if (auto* ev = std::get_if<fx::EventRecorded>(&out[i])) journal_.append(ev->event);
}

void SwitchNode::configureLacp(TimePoint now) {
  const auto& peer = vpc_.roleInfo().peer;
  std::optional<LacpManager::Rank> rank;
  if (peer) rank = LacpManager::Rank{peer->role_priority, peer->local_mac.value};
  lacp_.configure(*config_, vpc_.noCarrier(), rank, scale_, now);
  std::set<InterfaceId> speakers;
  for (const auto& m : lacp_.members()) speakers.insert(m.port);
  vpc_.setLacpSpeakers(std::move(speakers));
}

// vPC's decisions reach LACP (a suspended vPC's members leave the bundle), LACP's reach the vPC view
// (a member it has not bundled is down): settled together, each round on what the other decided.
VpcManager::ForwardingChange SwitchNode::settleVpcAndLacp(const LinkFacts& link, TimePoint now, Effects& out) {
  // The rounds' own vPC events and port lights go to a scratch list; the net change is told once
  // after them (retell), so a state that changes and changes back within one settle is not reported.
  auto before = vpc_.snapshot();
  Effects rounds;
  for (int round = 0; round < 3; ++round) {
    (void)vpc_.settle(link, now, rounds);
    // Held out only for vPC's own reasons: a vPC that is down because its local leg is (LACP has not
    // bundled a member yet, among others) must not hold that leg out, or the two would feed each other.
    for (const auto& row : vpc_.status().vpcs) {
      const bool leg_down = !row.chain.empty() && (row.chain.front().kind == CauseKind::LocalLegDown ||
                                                   row.chain.front().kind == CauseKind::LocalLegShut);
      lacp_.holdOut(row.port, row.status == VpcStatus::Down && !leg_down ? std::optional<Causes>(row.chain)
                                                                         : std::nullopt);
    }
    (void)lacp_.settle(now, config_->emulator.local_mac.value_or(MacAddress{}), out);
    if (!vpc_.setLacpOut(lacp_.out())) break;
  }
  return vpc_.retell(std::move(before), link, now, out);
}

void SwitchNode::settleStatus(TimePoint now, Effects& out) {
  const LinkFacts link{session_.adjacent(), session_.downCauses()};
  const auto forwarding = settleVpcAndLacp(link, now, out);
  if (forwarding.changed || ports_dirty_) {
    const auto& peer = vpc_.roleInfo().peer;
    tables_.setPorts(PortMap::build(*config_, vpc_.status(), peer ? peer->local_mac.value : 0));
    ports_dirty_ = false;
  }
  // A flush walks the whole table: only when something stopped forwarding (or the peer-link went, or
  // the configuration changed) can an entry have come to lead nowhere.
  if (forwarding.lost || flush_needed_) {
    flush_needed_ = false;
    tables_.flush(link.adjacent, link.down, now, out);
  }
  std::vector<peer::Message> msgs;
  vpc_.outgoing(link.adjacent, msgs);
  send(msgs, out);
  keepalive_.setLocal(localKeepalive());
  session_.setLocalHello(localHello());
}

// ---------------------------------------------------------------------------------------------------
// What this switch tells the peer

peer::Hello SwitchNode::localHello() const {
  peer::Hello h;
  h.hostname = config_->hostname;
  h.local_mac = *config_->emulator.local_mac;
  h.boot_id = options_.boot_id;
  h.sticky = vpc_.sticky();
  h.operational_role = vpc_.role();
  h.operational_role_priority = vpc_.operationalPriority();
  h.vpcs_forwarding = !vpc_.status().vpc_active.empty();
  if (config_->vpc_domain) {
    const auto& d = *config_->vpc_domain;
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
  k.local_mac = *config_->emulator.local_mac;
  k.role = vpc_.role();
  k.peer_link_up = session_.adjacent();
  k.boot_id = options_.boot_id;
  if (config_->vpc_domain) {
    k.domain_id = config_->vpc_domain->id;
    k.system_mac = config_->vpc_domain->systemMac();
  }
  return k;
}

// ---------------------------------------------------------------------------------------------------
// Management commands

Result<LearnResult> SwitchNode::learnMac(const LearnMacCmd& cmd, TimePoint now, Effects& out) {
  const std::size_t first = out.size();  // journal everything this command records
  if (auto bad = checkMacRange(cmd.mac, cmd.count)) return *bad;
  const auto& cfg = *config_;
  if (!cfg.vlans.contains(cmd.vlan))
    return failedPrecondition("VLAN " + std::to_string(cmd.vlan) + " does not exist (configure 'vlan " +
                              std::to_string(cmd.vlan) + "')");
  InterfaceId port = cmd.iface;
  const InterfaceConfig* ic = cfg.interface(port);
  if (!ic) return notFound("interface " + port.longName() + " does not exist");
  if (port.kind() != IfKind::Ethernet && port.kind() != IfKind::PortChannel)
    return invalidArgument("MACs are learned on Ethernet or port-channel interfaces, not " + port.longName());
  if (ic->channel_group) {  // a member port learns on behalf of its port-channel
    port = InterfaceId::portChannel(*ic->channel_group);
    ic = cfg.interface(port);
  }
  if (ic->vpc_peer_link)
    return failedPrecondition("no MAC learning on the vPC peer-link " + port.longName() +
                              ": the peer syncs what it learns instead");
  if (!ic->switchport) return failedPrecondition(port.longName() + " is not a switchport");
  if (!ic->carriedVlans().contains(cmd.vlan))
    return failedPrecondition(port.longName() + " does not carry VLAN " + std::to_string(cmd.vlan));
  // Only a forwarding port learns: a suspended vPC or orphan port sees no frames.
  const auto& st = vpc_.status();
  if (ic->vpc_id) {
    auto it = st.vpc_active.find(*ic->vpc_id);
    if (it == st.vpc_active.end() || !it->second.contains(cmd.vlan)) {
      std::string why = "not forwarding";
      if (const auto* row = st.vpc(*ic->vpc_id); row && !row->chain.empty()) why = describe(row->chain.front());
      if (it != st.vpc_active.end()) why = "VLAN " + std::to_string(cmd.vlan) + " is suspended on it";
      return failedPrecondition(port.longName() + " (vPC " + std::to_string(*ic->vpc_id) + ") is down: " + why);
    }
  } else if (const auto* ps = st.port(port); !ps || ps->state != PortState::Connected) {
    return failedPrecondition(port.longName() + " is " + (ps ? std::string(toString(ps->state)) : std::string("down")) +
                              (ps && !ps->chain.empty() ? ": " + firstWords(ps->chain) : std::string()));
  }
  const auto r = tables_.learnMacs(cmd.vlan, cmd.mac.value, cmd.count, port, cmd.is_static, now);
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
  if (!config_->vlans.contains(cmd.vlan))
    return failedPrecondition("VLAN " + std::to_string(cmd.vlan) + " does not exist");
  const auto svi = InterfaceId::vlan(cmd.vlan);
  if (!config_->interface(svi))
    return failedPrecondition("interface " + svi.longName() + " does not exist (ARP lives on the SVI)");
  if (const auto* ps = vpc_.status().port(svi); !ps || ps->state != PortState::Connected)
    return failedPrecondition("interface " + svi.longName() + " is down" +
                              (ps && !ps->chain.empty() ? ": " + firstWords(ps->chain) : std::string()));
  const auto r = tables_.learnArps(cmd.ip.value, cmd.count, cmd.mac.value, cmd.vlan, now);
  settle(now, out, first, /*status_inputs=*/false);
  return r;
}

std::uint64_t SwitchNode::clearMacDynamic(TimePoint now, Effects& out) {
  const std::size_t first = out.size();
  const auto n = tables_.clearMacDynamic();
  settle(now, out, first, /*status_inputs=*/false);
  return n;
}

std::uint64_t SwitchNode::clearArp(TimePoint now, Effects& out) {
  const std::size_t first = out.size();
  const auto n = tables_.clearArp();
  settle(now, out, first, /*status_inputs=*/false);
  return n;
}

Result<ConfigureResult> SwitchNode::configure(const std::vector<std::string>& lines, TimePoint now, Effects& out) {
  const std::size_t first = out.size();  // journal everything this command records
  auto parsed = applyConfigLines(*config_, lines);
  if (!parsed.config) return invalidArgument(parsed.error->format());
  if (!config_->vpc_domain && parsed.config->vpc_domain)
    return failedPrecondition("a vPC domain can only be added in the startup config");
  const auto old = config_;
  config_ = std::make_shared<const SwitchConfig>(std::move(*parsed.config));
  ConfigureResult res;
  Causes typed;
  for (const auto& l : lines) {
    const auto at = l.find_first_not_of(" \t");
    if (at == std::string::npos) continue;
    ++res.applied;
    typed.push_back(cause(CauseKind::ConfigLine, {l.substr(at)}));
  }
  recordEvent(out, now, Subject::of(SubjectKind::Config), "", "changed", std::move(typed));
  const auto& od = *old->vpc_domain;
  const auto& nd = *config_->vpc_domain;

  res.messages = vpc_.configChanged(config_, parsed.role_priority_entered, session_.adjacent(), now, out);
  // Keepalive timers and endpoints.
  if (od.keepalive != nd.keepalive) {
    if (!nd.keepalive) keepalive_.disable(now, out);
    applyKeepaliveTimers();
    if (nd.keepalive && !od.keepalive) keepalive_.enable(localKeepalive(), now, out);
    if (od.keepalive && nd.keepalive &&
        (od.keepalive->destination != nd.keepalive->destination || od.keepalive->source != nd.keepalive->source ||
         od.keepalive->udp_port != nd.keepalive->udp_port))
      res.keepalive_endpoints_changed = true;
    if (!od.keepalive && nd.keepalive) res.keepalive_endpoints_changed = true;
  }
  // The domain's identity changed under a live peer-link: re-initialise it (the Hello checks decide).
  if (session_.adjacent() && (od.system_priority != nd.system_priority || od.systemMac() != nd.systemMac()))
    onSession(session_.reset(cause(CauseKind::SystemParamsChanged), now, out), now, out);
  followPeerLinkPort(now, out);
  configureLacp(now);
  tables_.applyStaticMacs(old->static_macs, config_->static_macs, now);
  ports_dirty_ = true;
  flush_needed_ = true;
  settle(now, out, first);
  return res;
}

Result<std::string> SwitchNode::rolePreempt(TimePoint now, Effects& out) {
  const std::size_t first = out.size();
  std::vector<peer::Message> msgs;
  auto r = vpc_.requestPreempt(session_.adjacent(), now, msgs, out);
  if (!r) return r;
  send(msgs, out);
  settle(now, out, first);
  return r;
}

// ---------------------------------------------------------------------------------------------------
// The snapshot

NodeSnapshot SwitchNode::snapshot(TimePoint now) const {
  NodeSnapshot s;
  s.now = now;
  s.scale = scale_;
  s.config = config_;
  s.status = vpc_.status();
  s.role = vpc_.roleInfo();
  s.session = SessionSnapshot{session_.state(), session_.downCauses(), session_.rtt(), session_.counters(),
                              session_.handshakeTimeout()};
  s.keepalive.state = keepalive_.state();
  s.keepalive.counters = keepalive_.counters();
  if (config_->vpc_domain) s.keepalive.settings = config_->vpc_domain->keepalive;
  if (keepalive_.peerAlive()) s.keepalive.alive_since = keepalive_.aliveSince();
  s.keepalive.last_rx = keepalive_.lastRx();
  s.keepalive.last_tx = keepalive_.lastTx();
  s.keepalive.average_rx_interval = keepalive_.averageRxInterval();
  s.failover = vpc_.failoverState();
  s.boot_wait_left = vpc_.bootWaitLeft(now);
  s.restore = vpc_.restoreTimers();
  s.local_consistency = vpc_.localConsistency();
  s.peer_consistency = vpc_.peerConsistency();
  s.peer_vpc_state = vpc_.peerVpcState();
  s.consistency = vpc_.consistency(session_.adjacent());
  s.tables = tables_.totals();
  s.frames = forwarding_.counters();
  return s;
}

}  // namespace vpc
