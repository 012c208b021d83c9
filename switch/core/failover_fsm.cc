#include "switch/core/failover_fsm.h"

namespace vpc {

namespace {
std::string ms(Duration d) { return std::to_string(static_cast<long long>(toMillis(d))) + " ms"; }
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
  transitionTo(FailoverState::BootWait,
               "auto-recovery: waiting reload-delay " + ms(config_.reload_delay) + " for the peer", now, out);
}

void FailoverFsm::peerLinkLost(const std::string& why, TimePoint now, Effects& out) {
  lost_why_ = why;
  deadline_ = now + config_.hold_timeout;
  transitionTo(FailoverState::Hold, "peer-link down: " + why + "; keepalives ignored for hold-timeout " +
                                        ms(config_.hold_timeout),
               now, out);
}

void FailoverFsm::peerLinkUp(TimePoint now, Effects& out) {
  deadline_.reset();
  transitionTo(FailoverState::Idle, "peer-link up", now, out);
}

FailoverFacts FailoverFsm::keepaliveReceived(TimePoint now, Effects& out) {
  last_keepalive_ = now;
  switch (state_) {
    case FailoverState::BootWait:
      deadline_.reset();
      transitionTo(FailoverState::Idle, "auto-recovery timer stopped: the peer-keepalive works", now, out);
      break;
    case FailoverState::Hold:
      ++ignored_;  // by design: a keepalive inside the hold-timeout proves nothing yet
      break;
    case FailoverState::Watch:
      deadline_.reset();
      transitionTo(FailoverState::PeerAlive,
                   "keepalive received after the hold-timeout: the peer is alive (dual-active avoided, "
                   "vPCs stay suspended)",
                   now, out);
      break;
    default: break;
  }
  return {};
}

FailoverFacts FailoverFsm::takeOver(std::vector<std::string> reasons, TimePoint now, Effects& out) {
  deadline_.reset();
  transitionTo(FailoverState::PeerDead, reasons.front(), now, out);
  FailoverFacts f;
  f.take_over = true;
  f.reasons = std::move(reasons);
  return f;
}

FailoverFacts FailoverFsm::tick(TimePoint now, Effects& out) {
  if (state_ == FailoverState::PeerAlive && config_.auto_recovery && last_keepalive_ &&
      now - *last_keepalive_ >= 3 * config_.keepalive_interval) {
    return takeOver({"auto-recovery: 3 keepalives missed after the peer was found alive",
                     "peer-link down: " + lost_why_},
                    now, out);
  }
  if (!deadline_ || now < *deadline_) return {};
  switch (state_) {
    case FailoverState::Hold:
      deadline_ = now + config_.timeout;
      transitionTo(FailoverState::Watch, "hold-timeout over; watching for a keepalive for " + ms(config_.timeout),
                   now, out);
      return {};
    case FailoverState::Watch:
      return takeOver({"peer declared dead: no keepalive within " + ms(config_.timeout) + " after the hold-timeout",
                       "peer-link down: " + lost_why_},
                      now, out);
    case FailoverState::BootWait: {
      auto f = takeOver({"auto-recovery: no peer-keepalive and no peer-link within reload-delay " +
                         ms(config_.reload_delay)},
                        now, out);
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

void FailoverFsm::transitionTo(FailoverState next, std::string reason, TimePoint now, Effects& out) {
  if (next == state_) return;
  recordEvent(out, now, "failover", std::string(toString(state_)), std::string(toString(next)), {std::move(reason)});
  state_ = next;
}

}  // namespace vpc
