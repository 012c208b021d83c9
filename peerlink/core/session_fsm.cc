#include "peerlink/core/session_fsm.h"

#include <algorithm>

namespace vpc {

std::string_view toString(SessionState s) {
  switch (s) {
    case SessionState::Disabled: return "disabled";
    case SessionState::WaitingForPeer: return "waiting for peer-keepalive";
    case SessionState::Connecting: return "connecting";
    case SessionState::Rejected: return "rejected";
    case SessionState::Syncing: return "bulk sync";
    case SessionState::Established: return "established";
  }
  return "?";
}

namespace {
std::string ms(Duration d, double scale) { return msArg(toMillis(d) / scale); }

// The detail behind a failed check, for the event log (the NX-OS reason alone does not say which).
std::string mismatchDetail(const peer::Hello& local, const peer::Hello& peer) {
  std::string d;
  auto add = [&](const std::string& s) { d += (d.empty() ? "" : ", ") + s; };
  if (peer.domain_id != local.domain_id)
    add("domain " + std::to_string(local.domain_id) + " vs peer " + std::to_string(peer.domain_id));
  if (peer.system_mac != local.system_mac)
    add("system-mac " + local.system_mac.colon() + " vs peer " + peer.system_mac.colon());
  if (peer.system_priority != local.system_priority)
    add("system-priority " + std::to_string(local.system_priority) + " vs peer " +
        std::to_string(peer.system_priority));
  return d;
}
}  // namespace

std::optional<Causes> checkHello(const peer::Hello& local, const peer::Hello& peer) {
  if (peer.protocol_version != local.protocol_version)
    return Causes{cause(CauseKind::ProtocolVersionMismatch,
                        {arg(peer.protocol_version), arg(local.protocol_version)})};
  if (peer.domain_id != local.domain_id || peer.system_mac != local.system_mac ||
      peer.system_priority != local.system_priority)
    return Causes{cause(CauseKind::HelloMismatch), cause(CauseKind::HelloMismatchDetail, {mismatchDetail(local, peer)})};
  if (peer.local_mac == local.local_mac) return Causes{cause(CauseKind::SameLocalMac)};
  return std::nullopt;
}

SessionState SessionFsm::idleState() const {
  if (state_ == SessionState::Rejected) return SessionState::Rejected;
  return peer_seen_ ? SessionState::Connecting : SessionState::WaitingForPeer;
}

void SessionFsm::enable(TimePoint now, Effects& out) {
  if (state_ != SessionState::Disabled) return;
  retry_delay_ = config_.retry_min;
  handshake_timeout_ = std::max(config_.hello_timeout, config_.heartbeat_timeout);
  down_causes_ = {cause(peer_seen_ ? CauseKind::PeerLinkConnecting : CauseKind::PeerNeverAlive)};
  transitionTo(peer_seen_ ? SessionState::Connecting : SessionState::WaitingForPeer,
               {cause(CauseKind::PeerLinkEnabled)}, now, out);
  if (peer_seen_ && dialer_) dial(now, out);
}

void SessionFsm::peerAlive(MacAddress peer_local_mac, TimePoint now, Effects& out) {
  dialer_ = local_.local_mac < peer_local_mac;
  const bool first = !peer_seen_;
  peer_seen_ = true;
  if (!first || state_ != SessionState::WaitingForPeer) return;
  transitionTo(SessionState::Connecting, {cause(dialer_ ? CauseKind::PeerSeenDialing : CauseKind::PeerSeenWaiting)},
               now, out);
  if (dialer_) dial(now, out);
}

void SessionFsm::dial(TimePoint now, Effects& out) {
  conn_ = next_dial_id_++;
  ++counters_.dials;
  retry_at_.reset();
  hello_deadline_ = now + handshake_timeout_;
  out.push_back(fx::ConnectPeer{conn_, handshake_timeout_});
  send(local_, out);
}

void SessionFsm::attemptFailed(const Causes& why, bool slow_path, TimePoint now, Effects& out) {
  ++counters_.failed_attempts;
  const Duration used = handshake_timeout_;
  if (slow_path)
    handshake_timeout_ = std::min(handshake_timeout_ * 2,
                                  std::max(config_.hello_timeout, config_.heartbeat_timeout) *
                                      static_cast<int>(std::max(1u, config_.handshake_growth)));
  Causes chain = why;
  chain.push_back(dialer_ ? cause(CauseKind::NextDial, {ms(retry_delay_, config_.time_scale)}) : cause(CauseKind::WaitingForDial));
  chain.push_back(used == handshake_timeout_ ? cause(CauseKind::HandshakeTimeout, {ms(used, config_.time_scale)})
                                             : cause(CauseKind::HandshakeGrown, {ms(used, config_.time_scale), ms(handshake_timeout_, config_.time_scale)}));
  recordEvent(out, now, Subject::of(SubjectKind::PeerLink), std::string(toString(state_)), "attempt failed",
              std::move(chain));
  scheduleRetry(now, retry_delay_);
  retry_delay_ = std::min(retry_delay_ * 2, config_.retry_max);
}

Duration SessionFsm::liveness() const {
  return awaiting_peer_traffic_ ? std::max(config_.heartbeat_timeout, handshake_timeout_) : config_.heartbeat_timeout;
}

bool SessionFsm::send(peer::Message msg, Effects& out) {
  if (conn_ == 0) return false;
  out.push_back(fx::SendPeer{conn_, std::move(msg)});
  ++counters_.tx_messages;
  return true;
}

void SessionFsm::scheduleRetry(TimePoint now, Duration delay) {
  if (!dialer_ || state_ == SessionState::Disabled) return;
  retry_at_ = now + delay;
}

SessionFacts SessionFsm::peerRestarted(TimePoint now, Effects& out) {
  SessionFacts facts;
  if (state_ == SessionState::Disabled || !peer_seen_) return facts;
  // A keepalive datagram is easily spoofed: a new boot id alone never ends a live session. If the peer
  // really restarted, its old connection is gone (or goes silent) and it dials again.
  if (adjacent()) ++counters_.restart_hints;
  retry_delay_ = config_.retry_min;
  if (dialer_ && conn_ == 0) dial(now, out);
  return facts;
}

SessionFacts SessionFsm::transportUp(ConnId conn, TimePoint now, Effects& out) {
  SessionFacts facts;
  ++counters_.accepts;
  if (state_ == SessionState::Disabled) {
    // Tell the dialer why before closing, so its peer-link shows the reason.
    out.push_back(fx::SendPeer{conn, peer::Goodbye{describe(disabled_why_)}});
    out.push_back(fx::ClosePeer{conn});
    return facts;
  }
  if (adjacent()) {
    // Maybe the peer dialed again (it restarted, or it found the path cut), maybe anyone else did: the
    // connection replaces the session only once its Hello passed the checks.
    if (candidate_) refuseCandidate("superseded by a newer connection", counters_.refused_silent, out);
    candidate_ = Candidate{conn, now + handshake_timeout_};
    out.push_back(fx::SendPeer{conn, local_});
    ++counters_.tx_messages;
    return facts;
  }
  if (conn_ != 0) {
    // Not adjacent yet: the newer attempt wins (the peer gave up on the older one).
    facts = dropConnection({cause(CauseKind::Superseded)}, idleState(), now, out);
  }
  conn_ = conn;
  retry_at_.reset();
  hello_deadline_ = now + handshake_timeout_;
  send(local_, out);
  return facts;
}

void SessionFsm::refuseCandidate(const std::string& why, std::uint64_t& counter, Effects& out) {
  ++counters_.refused_candidates;
  ++counter;
  out.push_back(fx::SendPeer{candidate_->conn, peer::Goodbye{why}});
  out.push_back(fx::ClosePeer{candidate_->conn});
  candidate_.reset();
}

bool SessionFsm::malformed(ConnId conn, Effects& out) {
  if (!candidate_ || candidate_->conn != conn) return false;
  refuseCandidate("undecodable message before the Hello", counters_.refused_early, out);
  return true;
}

SessionFacts SessionFsm::onCandidateMessage(const peer::Message& msg, TimePoint now, Effects& out) {
  const auto* hello = std::get_if<peer::Hello>(&msg);
  if (!hello) {
    if (std::holds_alternative<peer::Goodbye>(msg)) {
      out.push_back(fx::ClosePeer{candidate_->conn});
      candidate_.reset();
      return {};
    }
    refuseCandidate(std::string(peer::messageName(msg)) + " before the Hello", counters_.refused_early, out);
    return {};
  }
  if (auto bad = checkHello(local_, *hello)) {
    refuseCandidate(describe(bad->front()), counters_.refused_bad_hello, out);
    return {};
  }
  // A peer that passes every check: the new connection is the session now (the old one is dead to the
  // peer, or it would not have dialed).
  const ConnId conn = candidate_->conn;
  candidate_.reset();
  ++counters_.superseded;
  auto facts = dropConnection({cause(CauseKind::Superseded)}, idleState(), now, out);
  conn_ = conn;
  retry_at_.reset();
  auto up = onMessage(conn, msg, now, out);
  facts.up = up.up;
  return facts;
}

SessionFacts SessionFsm::dropConnection(const Causes& why, SessionState next, TimePoint now, Effects& out) {
  SessionFacts facts;
  const bool was_up = adjacent();
  if (conn_ != 0) out.push_back(fx::ClosePeer{conn_});
  conn_ = 0;
  hello_deadline_.reset();
  next_heartbeat_.reset();
  last_rx_.reset();
  echo_rx_at_.reset();
  echo_tx_ns_ = 0;
  awaiting_peer_traffic_ = false;
  if (was_up || next != SessionState::Rejected) down_causes_ = why;
  if (was_up) {
    ++counters_.downs;
    facts.down = SessionFacts::Down{why};
  }
  transitionTo(next, why, now, out);
  if (candidate_) {
    // The session is gone: a connection waiting to replace it is simply the next attempt.
    if (next == SessionState::Disabled) {
      out.push_back(fx::ClosePeer{candidate_->conn});
    } else {
      conn_ = candidate_->conn;
      hello_deadline_ = candidate_->deadline;
      retry_at_.reset();
    }
    candidate_.reset();
  }
  return facts;
}

void SessionFsm::reject(const Causes& why, TimePoint now, Effects& out) {
  ++counters_.rejections;
  const bool repeat = state_ == SessionState::Rejected && down_causes_ == why;
  const std::string before = down_causes_.empty() ? std::string() : describe(down_causes_.front());
  down_causes_ = why;
  dropConnection(why, SessionState::Rejected, now, out);
  if (!repeat && why.size() > 1)
    recordEvent(out, now, Subject::of(SubjectKind::PeerLink), before, describe(why.front()), why,
                EventKind::ReasonChanged);
  scheduleRetry(now, retry_delay_);
  retry_delay_ = std::min(retry_delay_ * 2, config_.retry_max);
}

SessionFacts SessionFsm::transportDown(ConnId conn, const std::string& reason, TimePoint now, Effects& out) {
  if (candidate_ && candidate_->conn == conn) {
    ++counters_.failed_attempts;
    candidate_.reset();
    return {};
  }
  if (conn != conn_ || conn_ == 0) return {};  // an old connection finishing: nothing to do
  conn_ = 0;                                    // already gone: no ClosePeer
  const bool was_up = adjacent();
  const bool handshaking = was_up && awaiting_peer_traffic_;
  const Causes why{cause(CauseKind::TransportClosed, {reason})};
  auto facts = dropConnection(why, idleState(), now, out);
  if (was_up && !handshaking) {
    scheduleRetry(now, retry_delay_);
    retry_delay_ = std::min(retry_delay_ * 2, config_.retry_max);
  } else {
    // Before the Hello, or between the Hellos and the peer's first message after them: the handshake
    // failed. In the second case both sides saw each other's Hello: the path is alive and slow.
    attemptFailed(why, handshaking, now, out);
  }
  return facts;
}

SessionFacts SessionFsm::reset(const Cause& why, TimePoint now, Effects& out) {
  if (conn_ == 0) return {};
  send(peer::Goodbye{describe(why)}, out);
  auto facts = dropConnection({why}, idleState(), now, out);
  scheduleRetry(now, config_.retry_min);
  return facts;
}

SessionFacts SessionFsm::onMessage(ConnId conn, const peer::Message& msg, TimePoint now, Effects& out) {
  SessionFacts facts;
  if (candidate_ && candidate_->conn == conn) return onCandidateMessage(msg, now, out);
  if (conn != conn_ || conn_ == 0) {
    ++counters_.stale_messages;
    return facts;
  }
  ++counters_.rx_messages;
  last_rx_ = now;
  if (!std::holds_alternative<peer::Hello>(msg)) awaiting_peer_traffic_ = false;

  if (const auto* hello = std::get_if<peer::Hello>(&msg)) {
    if (adjacent()) {
      ++counters_.unexpected_messages;  // a second Hello on a live session: the peer is confused
      return facts;
    }
    hello_deadline_.reset();
    peer_hello_ = *hello;
    if (!peer_seen_) {
      const Cause never = cause(CauseKind::PeerNeverAlive);
      send(peer::Goodbye{describe(never)}, out);
      ++counters_.rejections;
      dropConnection({never}, SessionState::WaitingForPeer, now, out);
      recordEvent(out, now, Subject::of(SubjectKind::PeerLink), "", describe(never),
                  {cause(CauseKind::BringupFailedNeverAlive)}, EventKind::ReasonChanged);
      return facts;
    }
    if (auto bad = checkHello(local_, *hello)) {
      send(peer::Goodbye{describe(bad->front())}, out);
      reject(*bad, now, out);
      return facts;
    }
    const std::string from = std::string(toString(state_));
    recordEvent(out, now, Subject::of(SubjectKind::PeerLink), from, "hello exchanged",
                {cause(CauseKind::HelloFrom, {hello->hostname, hello->local_mac.colon()})});
    recordEvent(out, now, Subject::of(SubjectKind::PeerLink), "hello exchanged", "checks passed",
                {cause(CauseKind::HelloChecksMatch, {arg(local_.domain_id), local_.system_mac.colon(),
                                                    arg(local_.system_priority), arg(local_.protocol_version)})});
    facts.up = SessionFacts::Up{*hello};
    ++counters_.ups;
    retry_delay_ = config_.retry_min;
    // Until the peer's first message after its Hello, allow the handshake's time: on a slow path that
    // message is a round trip away, longer than the heartbeat timeout.
    awaiting_peer_traffic_ = true;
    handshake_timeout_ = std::max(handshake_timeout_ / 2, std::max(config_.hello_timeout, config_.heartbeat_timeout));
    down_causes_.clear();
    state_ = SessionState::Syncing;  // recorded by the vPC manager as "role decided" with the election
    sendHeartbeat(now, out);
    return facts;
  }
  if (const auto* hb = std::get_if<peer::Heartbeat>(&msg)) {
    echo_tx_ns_ = hb->tx_time_ns;
    echo_rx_at_ = now;
    if (hb->echo_tx_time_ns != 0) {
      const auto rtt = (now - fromNanos(hb->echo_tx_time_ns)) - std::chrono::nanoseconds(hb->echo_hold_ns);
      if (rtt >= Duration::zero()) rtt_ = std::chrono::duration_cast<Duration>(rtt);
    }
    return facts;
  }
  if (const auto* bye = std::get_if<peer::Goodbye>(&msg)) {
    if (!adjacent()) {
      // The peer refused our Hello; its reason is the NX-OS one (both sides run the same checks).
      reject({cause(CauseKind::PeerReason, {bye->reason}), cause(CauseKind::PeerRefusedHello)}, now, out);
      return facts;
    }
    facts = dropConnection({cause(CauseKind::PeerGoodbye, {bye->reason})}, idleState(), now, out);
    scheduleRetry(now, config_.retry_min);
    return facts;
  }
  if (!adjacent()) {
    ++counters_.unexpected_messages;  // sync or state before the handshake finished
    return facts;
  }
  facts.route = true;
  return facts;
}

void SessionFsm::sendHeartbeat(TimePoint now, Effects& out) {
  peer::Heartbeat hb;
  hb.seq = ++heartbeat_seq_;
  hb.tx_time_ns = toNanos(now);
  if (echo_rx_at_) {
    hb.echo_tx_time_ns = echo_tx_ns_;
    hb.echo_hold_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now - *echo_rx_at_).count();
  }
  send(hb, out);
  next_heartbeat_ = now + config_.heartbeat_interval;
}

SessionFacts SessionFsm::tick(TimePoint now, Effects& out) {
  SessionFacts facts;
  if (candidate_ && now >= candidate_->deadline)
    refuseCandidate("no Hello within " + ms(handshake_timeout_, config_.time_scale), counters_.refused_silent, out);
  if (adjacent() && last_rx_ && now - *last_rx_ >= liveness()) {
    ++counters_.heartbeat_timeouts;
    const bool handshaking = awaiting_peer_traffic_;
    const Causes why{cause(handshaking ? CauseKind::HandshakeSilence : CauseKind::HeartbeatTimeout, {ms(liveness(), config_.time_scale)})};
    facts = dropConnection(why, idleState(), now, out);
    if (handshaking) attemptFailed(why, true, now, out);
    else scheduleRetry(now, config_.retry_min);
    return facts;
  }
  if (hello_deadline_ && now >= *hello_deadline_ && conn_ != 0 && !adjacent()) {
    const Causes why{cause(CauseKind::HelloTimeout, {ms(handshake_timeout_, config_.time_scale)})};
    dropConnection(why, idleState(), now, out);
    attemptFailed(why, false, now, out);
    return facts;
  }
  if (retry_at_ && now >= *retry_at_ && conn_ == 0 && peer_seen_ && state_ != SessionState::Disabled) {
    retry_at_.reset();
    dial(now, out);
  }
  if (adjacent() && next_heartbeat_ && now >= *next_heartbeat_) sendHeartbeat(now, out);
  return facts;
}

std::optional<TimePoint> SessionFsm::nextDeadline() const {
  std::optional<TimePoint> d;
  if (adjacent()) {
    foldDeadline(d, next_heartbeat_);
    if (last_rx_) foldDeadline(d, *last_rx_ + liveness());
  }
  if (conn_ != 0 && !adjacent()) foldDeadline(d, hello_deadline_);
  if (conn_ == 0 && peer_seen_) foldDeadline(d, retry_at_);
  if (candidate_) foldDeadline(d, candidate_->deadline);
  return d;
}

void SessionFsm::markEstablished(TimePoint now, Effects& out) {
  if (state_ != SessionState::Syncing) return;
  transitionTo(SessionState::Established, {cause(CauseKind::BulkSyncComplete)}, now, out);
}

SessionFacts SessionFsm::disable(const Cause& why, TimePoint now, Effects& out) {
  disabled_why_ = why;
  if (state_ == SessionState::Disabled) {
    down_causes_ = {why};
    return {};
  }
  if (conn_ != 0) send(peer::Goodbye{describe(why)}, out);
  auto facts = dropConnection({why}, SessionState::Disabled, now, out);
  down_causes_ = {why};
  retry_at_.reset();
  return facts;
}

void SessionFsm::shutdown(const std::string& reason, TimePoint now, Effects& out) {
  if (conn_ != 0) send(peer::Goodbye{reason}, out);
  dropConnection({cause(CauseKind::SwitchStopped, {reason})}, SessionState::Disabled, now, out);
  retry_at_.reset();
}

void SessionFsm::transitionTo(SessionState next, Causes why, TimePoint now, Effects& out) {
  if (next == state_) return;
  recordEvent(out, now, Subject::of(SubjectKind::PeerLink), std::string(toString(state_)), std::string(toString(next)),
              std::move(why));
  state_ = next;
}

}  // namespace vpc
