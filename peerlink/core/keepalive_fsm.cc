#include "peerlink/core/keepalive_fsm.h"

namespace vpc {

std::string_view toString(KeepaliveState s) {
  switch (s) {
    case KeepaliveState::Disabled: return "disabled";
    case KeepaliveState::NeverAlive: return "never-alive";
    case KeepaliveState::Alive: return "alive";
    case KeepaliveState::NotReachable: return "not-reachable";
    case KeepaliveState::DomainMismatch: return "domain-mismatch";
    case KeepaliveState::SendFailed: return "send-failed";
  }
  return "?";
}

std::string_view keepaliveStatusText(KeepaliveState s) {
  switch (s) {
    case KeepaliveState::Disabled: return "Disabled";
    case KeepaliveState::NeverAlive:
    case KeepaliveState::NotReachable: return "peer is not reachable through peer-keepalive";
    case KeepaliveState::Alive: return "peer is alive";
    case KeepaliveState::DomainMismatch: return "peer is alive, but domain IDs do not match";
    case KeepaliveState::SendFailed: return "Suspended (Destination IP not reachable)";
  }
  return "?";
}

void KeepaliveFsm::enable(const KeepaliveMsg& local, TimePoint now, Effects& out) {
  local_ = local;
  if (state_ != KeepaliveState::Disabled) return;
  transitionTo(KeepaliveState::NeverAlive, cause(CauseKind::KeepaliveConfigured), now, out);
  send(now, out);
}

void KeepaliveFsm::disable(TimePoint now, Effects& out) {
  if (state_ == KeepaliveState::Disabled) return;
  next_tx_.reset();
  transitionTo(KeepaliveState::Disabled, cause(CauseKind::KeepaliveRemoved), now, out);
}

void KeepaliveFsm::send(TimePoint now, Effects& out) {
  KeepaliveMsg msg = local_;
  msg.seq = ++seq_;
  msg.tx_time_ns = toNanos(now);
  out.push_back(fx::SendKeepalive{msg});
  ++counters_.tx;
  last_tx_ = now;
  next_tx_ = now + config_.interval;
}

bool KeepaliveFsm::datagramReceived(const KeepaliveMsg& msg, TimePoint now, Effects& out) {
  if (state_ == KeepaliveState::Disabled) return false;  // the socket is closed then
  if (msg.domain_id != local_.domain_id && state_ == KeepaliveState::Alive) {
    // The peer is alive and agrees: a datagram of another domain from its address is a stray or a
    // spoof. Counted; it changes nothing (a real mismatch shows once the matching datagrams stop).
    ++counters_.domain_mismatches;
    return false;
  }
  ++counters_.rx;
  if (last_rx_) {
    rx_interval_sum_ += now - *last_rx_;
    ++rx_intervals_;
  }
  last_rx_ = now;
  last_rx_msg_ = msg;
  if (msg.domain_id != local_.domain_id) {
    ++counters_.domain_mismatches;
    if (state_ != KeepaliveState::DomainMismatch)
      transitionTo(KeepaliveState::DomainMismatch,
                   cause(CauseKind::KeepaliveDomainMismatch, {arg(msg.domain_id), arg(local_.domain_id)}), now, out);
    return false;
  }
  const bool rebooted = peer_boot_id_ != 0 && msg.boot_id != peer_boot_id_;
  peer_boot_id_ = msg.boot_id;
  if (state_ == KeepaliveState::Alive) {
    if (rebooted) send(now, out);
    return rebooted;
  }
  const bool answer_now =
      rebooted || state_ == KeepaliveState::NeverAlive || state_ == KeepaliveState::NotReachable;
  ever_alive_ = true;
  alive_since_ = now;
  transitionTo(KeepaliveState::Alive, cause(CauseKind::KeepaliveReceived, {msg.local_mac.colon()}), now, out);
  if (answer_now) send(now, out);
  return rebooted;
}

void KeepaliveFsm::sendResult(bool ok, TimePoint now, Effects& out) {
  if (state_ == KeepaliveState::Disabled) return;
  if (!ok) {
    ++counters_.send_failures;
    if (state_ != KeepaliveState::SendFailed)
      transitionTo(KeepaliveState::SendFailed, cause(CauseKind::KeepaliveSendFailed), now, out);
    return;
  }
  if (state_ == KeepaliveState::SendFailed) {
    const bool recent = last_rx_ && now - *last_rx_ < config_.timeout;
    transitionTo(recent ? KeepaliveState::Alive : (ever_alive_ ? KeepaliveState::NotReachable : KeepaliveState::NeverAlive),
                 cause(CauseKind::KeepaliveSendOk), now, out);
  }
}

void KeepaliveFsm::tick(TimePoint now, Effects& out) {
  if (state_ == KeepaliveState::Disabled) return;
  if ((state_ == KeepaliveState::Alive || state_ == KeepaliveState::DomainMismatch) && last_rx_ &&
      now - *last_rx_ >= config_.timeout) {
    alive_since_.reset();
    transitionTo(KeepaliveState::NotReachable, cause(CauseKind::KeepaliveTimeout, {msArg(toMillis(config_.timeout) / config_.time_scale)}),
                 now, out);
  }
  if (next_tx_ && now >= *next_tx_) send(now, out);
}

std::optional<TimePoint> KeepaliveFsm::nextDeadline() const {
  if (state_ == KeepaliveState::Disabled) return std::nullopt;
  std::optional<TimePoint> d = next_tx_;
  if ((state_ == KeepaliveState::Alive || state_ == KeepaliveState::DomainMismatch) && last_rx_)
    foldDeadline(d, *last_rx_ + config_.timeout);
  return d;
}

void KeepaliveFsm::transitionTo(KeepaliveState next, Cause why, TimePoint now, Effects& out) {
  if (next == state_) return;
  recordEvent(out, now, Subject::of(SubjectKind::Keepalive), std::string(keepaliveStatusText(state_)),
              std::string(keepaliveStatusText(next)), {std::move(why)});
  state_ = next;
  ++counters_.transitions;
}

}  // namespace vpc
