#include "switch/core/failover_fsm.h"

namespace vpc {

namespace {
std::string ms(Duration d, double scale) { return msArg(toMillis(d) / scale); }
}  // namespace

std::string_view toString(FailoverState s) {
  switch (s) {
    case FailoverState::Idle: return "idle";
    case FailoverState::BootWait: return "auto-recovery wait";
    case FailoverState::Hold: return "hold-timeout";
    case FailoverState::Watch: return "watching keepalive";
    case FailoverState::PeerAlive: return "peer alive";
    case FailoverState::PeerDead: return "peer dead";
  }
  return "?";
}

void FailoverFsm::boot(TimePoint now, Effects& out) {
  if (!config_.auto_recovery) return;
  deadline_ = now + config_.reload_delay;
  transitionTo(FailoverState::BootWait, {cause(CauseKind::AutoRecoveryWaiting, {ms(config_.reload_delay, config_.time_scale)})}, now, out);
}

void FailoverFsm::peerLinkLost(const Causes& why, TimePoint now, Effects& out) {
  lost_why_ = concat({cause(CauseKind::PeerLinkDown)}, why);
  deadline_ = now + config_.hold_timeout;
  transitionTo(FailoverState::Hold,
               concat({cause(CauseKind::HoldTimeoutStarted, {ms(config_.hold_timeout, config_.time_scale)})}, lost_why_), now, out);
}

void FailoverFsm::peerLinkUp(TimePoint now, Effects& out) {
  deadline_.reset();
  transitionTo(FailoverState::Idle, {cause(CauseKind::PeerLinkUp)}, now, out);
}

FailoverFacts FailoverFsm::keepaliveReceived(TimePoint now, Effects& out) {
  last_keepalive_ = now;
  switch (state_) {
    case FailoverState::BootWait:
      deadline_.reset();
      transitionTo(FailoverState::Idle, {cause(CauseKind::AutoRecoveryStopped)}, now, out);
      break;
    case FailoverState::Hold:
      ++ignored_;  // by design: a keepalive inside the hold-timeout proves nothing yet
      break;
    case FailoverState::Watch:
      deadline_.reset();
      transitionTo(FailoverState::PeerAlive, {cause(CauseKind::PeerAliveAfterHold)}, now, out);
      break;
    default: break;
  }
  return {};
}

FailoverFacts FailoverFsm::takeOver(Causes why, TimePoint now, Effects& out) {
  deadline_.reset();
  transitionTo(FailoverState::PeerDead, {why.front()}, now, out);
  FailoverFacts f;
  f.take_over = true;
  f.why = std::move(why);
  return f;
}

FailoverFacts FailoverFsm::tick(TimePoint now, Effects& out) {
  if (state_ == FailoverState::PeerAlive && config_.auto_recovery && last_keepalive_ &&
      now - *last_keepalive_ >= 3 * config_.keepalive_interval) {
    return takeOver(concat({cause(CauseKind::AutoRecoveryMissed)}, lost_why_), now, out);
  }
  if (!deadline_ || now < *deadline_) return {};
  switch (state_) {
    case FailoverState::Hold:
      deadline_ = now + config_.timeout;
      transitionTo(FailoverState::Watch, {cause(CauseKind::HoldTimeoutOver, {ms(config_.timeout, config_.time_scale)})}, now, out);
      return {};
    case FailoverState::Watch:
      return takeOver(concat({cause(CauseKind::PeerDeclaredDead, {ms(config_.timeout, config_.time_scale)})}, lost_why_), now, out);
    case FailoverState::BootWait: {
      auto f = takeOver({cause(CauseKind::AutoRecoveryAlone, {ms(config_.reload_delay, config_.time_scale)})}, now, out);
      f.auto_recovery_at_boot = true;
      return f;
    }
    default: deadline_.reset(); return {};
  }
}

std::optional<TimePoint> FailoverFsm::nextDeadline() const {
  std::optional<TimePoint> d = deadline_;
  if (state_ == FailoverState::PeerAlive && config_.auto_recovery && last_keepalive_)
    foldDeadline(d, *last_keepalive_ + 3 * config_.keepalive_interval);
  return d;
}

std::optional<Duration> FailoverFsm::bootWaitLeft(TimePoint now) const {
  if (state_ != FailoverState::BootWait || !deadline_) return std::nullopt;
  return *deadline_ - now;
}

void FailoverFsm::transitionTo(FailoverState next, Causes why, TimePoint now, Effects& out) {
  if (next == state_) return;
  recordEvent(out, now, Subject::of(SubjectKind::Failover), std::string(toString(state_)), std::string(toString(next)),
              std::move(why));
  state_ = next;
}

}  // namespace vpc
