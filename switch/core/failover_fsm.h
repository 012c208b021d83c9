// What the operational secondary does after losing the peer-link, and auto-recovery at boot
// (vpc-behaviour.md §3 "combined state machine", §4). It decides only "is the peer alive?" and "take
// over now"; the node suspends and restores ports.
//
//   state      | input / deadline                                       | next      | fact
//   -----------+--------------------------------------------------------+-----------+------------------------
//   Idle       | peer-link lost while operational secondary             | Hold      | (node suspends its vPCs)
//   Hold       | keepalive                                              | Hold      | ignored, counted: a peer
//              |                                                        |           |   rebooting right now must
//              |                                                        |           |   not look alive
//   Hold       | hold-timeout elapsed                                   | Watch     |
//   Watch      | keepalive                                              | PeerAlive | peer alive: stay suspended
//              |                                                        |           |   (Dual Active Detection 1)
//   Watch      | timeout elapsed without a keepalive                    | PeerDead  | take over (sticky)
//   PeerAlive  | keepalive                                              | PeerAlive |
//   PeerAlive  | 3 keepalive intervals without one, auto-recovery on    | PeerDead  | take over (sticky)
//   PeerAlive  | same, auto-recovery off                                | PeerAlive | nothing: both sides dark
//   BootWait   | reload-delay elapsed, peer never seen, no peer-link    | PeerDead  | take over (auto-recovery)
//   BootWait   | keepalive, or peer-link up                             | Idle      | the timer stops
//   any        | peer-link up                                           | Idle      |
//
// The watch window follows the hold-timeout (detection = hold-timeout + timeout: 3 s + 5 s by default).
// Never reads a clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "peerlink/core/cause.h"
#include "peerlink/core/effects.h"
#include "peerlink/core/time.h"

namespace vpc {

enum class FailoverState { Idle, BootWait, Hold, Watch, PeerAlive, PeerDead };
std::string_view toString(FailoverState s);

struct FailoverConfig {
  Duration hold_timeout = Seconds(3);
  Duration timeout = Seconds(5);
  Duration keepalive_interval = Seconds(1);
  bool auto_recovery = false;
  Duration reload_delay = Seconds(240);
  double time_scale = 1.0;  // reason chains say NX-OS time (duration / scale)
};

struct FailoverFacts {
  bool take_over = false;
  bool auto_recovery_at_boot = false;  // take over without a peer ever seen: skip the consistency check
  Causes why;                          // most immediate first
};

class FailoverFsm {
 public:
  explicit FailoverFsm(FailoverConfig config = {}) : config_(config) {}
  void reconfigure(const FailoverConfig& config) { config_ = config; }

  void boot(TimePoint now, Effects& out);
  void peerLinkLost(const Causes& why, TimePoint now, Effects& out);
  void peerLinkUp(TimePoint now, Effects& out);
  FailoverFacts keepaliveReceived(TimePoint now, Effects& out);
  FailoverFacts tick(TimePoint now, Effects& out);
  std::optional<TimePoint> nextDeadline() const;

  FailoverState state() const { return state_; }
  bool dualActiveDetected() const { return state_ == FailoverState::PeerAlive; }
  // Remaining reload-delay while waiting at boot.
  std::optional<Duration> bootWaitLeft(TimePoint now) const;
  std::uint64_t ignoredKeepalives() const { return ignored_; }

 private:
  void transitionTo(FailoverState next, Causes why, TimePoint now, Effects& out);
  FailoverFacts takeOver(Causes why, TimePoint now, Effects& out);

  FailoverConfig config_;
  FailoverState state_ = FailoverState::Idle;
  std::optional<TimePoint> deadline_;
  std::optional<TimePoint> last_keepalive_;
  Causes lost_why_;  // why the peer-link went down
  std::uint64_t ignored_ = 0;
};

}  // namespace vpc
