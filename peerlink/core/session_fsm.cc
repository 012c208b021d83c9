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

std::optional<std::string> checkHello(const peer::Hello& local, const peer::Hello& peer) {
  if (peer.protocol_version != local.protocol_version)
    return "peer-link protocol version " + std::to_string(peer.protocol_version) + " not supported (ours is " +
           std::to_string(local.protocol_version) + ")";
  if (peer.domain_id != local.domain_id || peer.system_mac != local.system_mac ||
      peer.system_priority != local.system_priority)
    return std::string("vPC domain/system id /system priority mismatch");
  if (peer.local_mac == local.local_mac) return std::string("peer uses the same local system MAC");
  return std::nullopt;
}

namespace {
std::string msText(Duration d) { return std::to_string(static_cast<long long>(toMillis(d))) + " ms"; }

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

const char kNeverAlive[] = "peer-keepalive not operational, peer never alive";
}  // namespace

SessionState SessionFsm::idleState() const {
  if (state_ == SessionState::Rejected) return SessionState::Rejected;
  return peer_seen_ ? SessionState::Connecting : SessionState::WaitingForPeer;
}

void SessionFsm::enable(TimePoint now, Effects& out) {
  if (state_ != SessionState::Disabled) return;
  retry_delay_ = config_.retry_min;
  handshake_timeout_ = std::max(config_.hello_timeout, config_.heartbeat_timeout);
  down_reason_ = peer_seen_ ? std::string("peer-link connecting") : std::string(kNeverAlive);
  transitionTo(peer_seen_ ? SessionState::Connecting : SessionState::WaitingForPeer, "peer-link enabled", now, out);
  if (peer_seen_ && dialer_) dial(now, out);
}

void SessionFsm::peerAlive(MacAddress peer_local_mac, TimePoint now, Effects& out) {
  dialer_ = local_.local_mac < peer_local_mac;
  const bool first = !peer_seen_;
  peer_seen_ = true;
  if (!first || state_ != SessionState::WaitingForPeer) return;
  transitionTo(SessionState::Connecting,
               dialer_ ? "peer seen on peer-keepalive; the lower local MAC dials"
                       : "peer seen on peer-keepalive; waiting for the peer (lower local MAC) to dial",
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

void SessionFsm::attemptFailed(const std::string& reason, bool slow_path, TimePoint now, Effects& out) {
  ++counters_.failed_attempts;
  const Duration used = handshake_timeout_;
  if (slow_path)
    handshake_timeout_ = std::min(handshake_timeout_ * 2,
                                  std::max(config_.hello_timeout, config_.heartbeat_timeout) *
                                      static_cast<int>(std::max(1u, config_.handshake_growth)));
  std::string next = dialer_ ? "next dial in " + msText(retry_delay_) : std::string("waiting for the peer to dial");
  next += used == handshake_timeout_ ? ", handshake timeout " + msText(used)
                                     : ", handshake timeout " + msText(used) + " -> " + msText(handshake_timeout_) +
                                           " (the peer answers, but slower than that)";
  recordEvent(out, now, "peer-link", std::string(toString(state_)), "attempt failed", {reason, next});
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
  if (adjacent()) facts = dropConnection("peer restarted (new boot id on the peer-keepalive)", idleState(), now, out);
  retry_delay_ = config_.retry_min;
  if (dialer_ && conn_ == 0) dial(now, out);
  return facts;
}

SessionFacts SessionFsm::transportUp(ConnId conn, TimePoint now, Effects& out) {
  SessionFacts facts;
  ++counters_.accepts;
  if (state_ == SessionState::Disabled) {
    // Tell the dialer why before closing, so its peer-link shows the reason.
    out.push_back(fx::SendPeer{conn, peer::Goodbye{disabled_reason_}});
    out.push_back(fx::ClosePeer{conn, disabled_reason_});
    return facts;
  }
  if (conn_ != 0) {
    // The peer dialed again: it considers the old connection dead (it restarted, or the path was cut).
    facts = dropConnection("superseded by a new connection from the peer", idleState(), now, out);
  }
  conn_ = conn;
  retry_at_.reset();
  hello_deadline_ = now + handshake_timeout_;
  send(local_, out);
  return facts;
}

SessionFacts SessionFsm::dropConnection(const std::string& reason, SessionState next, TimePoint now, Effects& out) {
  SessionFacts facts;
  const bool was_up = adjacent();
  if (conn_ != 0) out.push_back(fx::ClosePeer{conn_, reason});
  conn_ = 0;
  hello_deadline_.reset();
  next_heartbeat_.reset();
  last_rx_.reset();
  echo_rx_at_.reset();
  echo_tx_ns_ = 0;
  if (was_up || next != SessionState::Rejected) down_reason_ = reason;
  if (was_up) {
    ++counters_.downs;
    facts.down = SessionFacts::Down{reason};
  }
  transitionTo(next, reason, now, out);
  return facts;
}

void SessionFsm::reject(const std::string& reason, std::vector<std::string> why, TimePoint now, Effects& out) {
  ++counters_.rejections;
  const bool repeat = state_ == SessionState::Rejected && down_reason_ == reason;
  const std::string before = down_reason_;
  down_reason_ = reason;
  dropConnection(reason, SessionState::Rejected, now, out);
  if (!repeat && why.size() > 1)
    recordEvent(out, now, "peer-link", before, reason, std::move(why), EventKind::ReasonChanged);
  scheduleRetry(now, retry_delay_);
  retry_delay_ = std::min(retry_delay_ * 2, config_.retry_max);
}

SessionFacts SessionFsm::transportDown(ConnId conn, const std::string& reason, TimePoint now, Effects& out) {
  if (conn != conn_ || conn_ == 0) return {};  // an old connection finishing: nothing to do
  conn_ = 0;                                    // already gone: no ClosePeer
  const bool was_up = adjacent();
  const bool handshaking = was_up && awaiting_peer_traffic_;
  auto facts = dropConnection(reason, idleState(), now, out);
  if (was_up && !handshaking) {
    scheduleRetry(now, retry_delay_);
    retry_delay_ = std::min(retry_delay_ * 2, config_.retry_max);
  } else {
    // Before the Hello, or between the Hellos and the peer's first message after them: the handshake
    // failed. In the second case both sides saw each other's Hello: the path is alive and slow.
    attemptFailed(reason, handshaking, now, out);
  }
  return facts;
}

SessionFacts SessionFsm::reset(const std::string& reason, TimePoint now, Effects& out) {
  if (conn_ == 0) return {};
  send(peer::Goodbye{reason}, out);
  auto facts = dropConnection(reason, idleState(), now, out);
  scheduleRetry(now, config_.retry_min);
  return facts;
}

SessionFacts SessionFsm::onMessage(ConnId conn, const peer::Message& msg, TimePoint now, Effects& out) {
  SessionFacts facts;
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
      send(peer::Goodbye{kNeverAlive}, out);
      ++counters_.rejections;
      dropConnection(kNeverAlive, SessionState::WaitingForPeer, now, out);
      recordEvent(out, now, "peer-link", "", kNeverAlive,
                  {std::string("vPC peer-link bringup failed (") + kNeverAlive + ")"}, EventKind::ReasonChanged);
      return facts;
    }
    if (auto bad = checkHello(local_, *hello)) {
      send(peer::Goodbye{*bad}, out);
      std::vector<std::string> why{*bad};
      if (auto detail = mismatchDetail(local_, *hello); !detail.empty()) why.push_back(detail);
      reject(*bad, std::move(why), now, out);
      return facts;
    }
    const std::string from = std::string(toString(state_));
    recordEvent(out, now, "peer-link", from, "hello exchanged",
                {"Hello from " + hello->hostname + " (" + hello->local_mac.colon() + ")"});
    recordEvent(out, now, "peer-link", "hello exchanged", "checks passed",
                {"domain " + std::to_string(local_.domain_id) + ", system-mac " + local_.system_mac.colon() +
                 ", system-priority " + std::to_string(local_.system_priority) + " and protocol version " +
                 std::to_string(local_.protocol_version) + " match"});
    const RoleCandidate self{local_.role_priority, local_.local_mac, local_.sticky, local_.operational_role};
    const RoleCandidate other{hello->role_priority, hello->local_mac, hello->sticky, hello->operational_role};
    facts.up = SessionFacts::Up{*hello, electRole(self, other)};
    ++counters_.ups;
    retry_delay_ = config_.retry_min;
    // Until the peer's first message after its Hello, allow the handshake's time: on a slow path that
    // message is a round trip away, longer than the heartbeat timeout.
    awaiting_peer_traffic_ = true;
    handshake_timeout_ = std::max(handshake_timeout_ / 2, std::max(config_.hello_timeout, config_.heartbeat_timeout));
    down_reason_.clear();
    state_ = SessionState::Syncing;  // recorded by the node as "role decided" with the election
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
      reject(bye->reason, {bye->reason, "the peer refused the Hello"}, now, out);
      return facts;
    }
    facts = dropConnection("peer closed the peer-link: " + bye->reason, idleState(), now, out);
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
  if (adjacent() && last_rx_ && now - *last_rx_ >= liveness()) {
    ++counters_.heartbeat_timeouts;
    const bool handshaking = awaiting_peer_traffic_;
    const std::string why = handshaking ? "no message from the peer within " + msText(liveness()) + " after its Hello"
                                        : "no heartbeat for " + msText(liveness());
    facts = dropConnection(why, idleState(), now, out);
    if (handshaking) attemptFailed(why, true, now, out);
    else scheduleRetry(now, config_.retry_min);
    return facts;
  }
  if (hello_deadline_ && now >= *hello_deadline_ && conn_ != 0 && !adjacent()) {
    const std::string why = "no Hello from the peer within " + msText(handshake_timeout_);
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
  return d;
}

void SessionFsm::markEstablished(TimePoint now, Effects& out) {
  if (state_ != SessionState::Syncing) return;
  transitionTo(SessionState::Established, "bulk sync complete both ways", now, out);
}

SessionFacts SessionFsm::disable(const std::string& reason, TimePoint now, Effects& out) {
  disabled_reason_ = reason;
  if (state_ == SessionState::Disabled) return {};
  if (conn_ != 0) send(peer::Goodbye{reason}, out);
  auto facts = dropConnection(reason, SessionState::Disabled, now, out);
  down_reason_ = reason;
  retry_at_.reset();
  return facts;
}

void SessionFsm::shutdown(const std::string& reason, TimePoint now, Effects& out) {
  if (conn_ != 0) send(peer::Goodbye{reason}, out);
  dropConnection(reason, SessionState::Disabled, now, out);
  retry_at_.reset();
}

void SessionFsm::transitionTo(SessionState next, std::string reason, TimePoint now, Effects& out) {
  if (next == state_) return;
  recordEvent(out, now, "peer-link", std::string(toString(state_)), std::string(toString(next)), {std::move(reason)});
  state_ = next;
}

}  // namespace vpc
