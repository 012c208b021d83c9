// Peer-keepalive liveness: the UDP heartbeat between the two switches' management addresses
// (NX-OS `peer-keepalive`; defaults interval 1 s, timeout 5 s, hold-timeout 3 s, UDP port 3200).
// It decides whether the peer is alive as seen over the keepalive path, and it sends the datagrams.
// It does not decide anything about the peer-link; the node combines both (vpc-behaviour.md §3).
//
//   state          | input / deadline                   | next           | effects
//   ---------------+------------------------------------+----------------+---------------------------------
//   Disabled       | enable()                           | NeverAlive     | SendKeepalive
//   NeverAlive     | datagram, same domain              | Alive          | SendKeepalive at once (a peer that
//                  |                                    |                |   just started learns of us now)
//   Alive          | datagram from a new boot id        | Alive          | SendKeepalive at once (same reason)
//   any but Alive  | datagram, other domain             | DomainMismatch |
//   Alive          | datagram, other domain             | Alive          |   (counted only: a stray or spoof)
//   any enabled    | datagram from another address      | (same)         |   (counted only)
//   Alive          | no datagram for `timeout`          | NotReachable   |
//   NotReachable   | datagram, same domain              | Alive          | SendKeepalive at once
//   DomainMismatch | datagram, same domain              | Alive          |
//   DomainMismatch | no datagram for `timeout`          | NotReachable   |
//   any enabled    | send failed (no route)             | SendFailed     |   (status "Suspended (Destination
//                  |                                    |                |    IP not reachable)")
//   SendFailed     | datagram / send ok                 | re-derived     |
//   any enabled    | tx deadline (every `interval`)     | (same)         | SendKeepalive
//
// Status words are NX-OS's (`show vpc` "vPC keep-alive status"). Never reads a clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "peerlink/core/effects.h"
#include "peerlink/core/messages.h"
#include "peerlink/core/time.h"

namespace vpc {

enum class KeepaliveState { Disabled, NeverAlive, Alive, NotReachable, DomainMismatch, SendFailed };
std::string_view toString(KeepaliveState s);
// NX-OS status text for `show vpc`.
std::string_view keepaliveStatusText(KeepaliveState s);

struct KeepaliveConfig {
  Duration interval = Millis(1000);
  Duration timeout = Seconds(5);
  Duration hold_timeout = Seconds(3);
  // The time scale the durations above were scaled by: reason chains say NX-OS time (duration / scale).
  double time_scale = 1.0;
};

struct KeepaliveCounters {
  std::uint64_t tx = 0;
  std::uint64_t rx = 0;
  std::uint64_t transitions = 0;
  std::uint64_t domain_mismatches = 0;
  std::uint64_t send_failures = 0;
  std::uint64_t malformed = 0;
  std::uint64_t foreign = 0;            // from an address that is not the peer's
};

class KeepaliveFsm {
 public:
  explicit KeepaliveFsm(KeepaliveConfig config) : config_(config) {}
  // New timers take effect from the next deadline; the state is kept.
  void reconfigure(const KeepaliveConfig& config) { config_ = config; }

  // `local` is the template of every datagram sent (role and peer-link flag kept current by the node).
  void enable(const KeepaliveMsg& local, TimePoint now, Effects& out);
  void disable(TimePoint now, Effects& out);
  void setLocal(const KeepaliveMsg& local) { local_ = local; }

  // Returns true when the datagram comes from a new incarnation of the peer (its boot id changed): the
  // peer restarted, whatever the keepalive state says.
  bool datagramReceived(const KeepaliveMsg& msg, TimePoint now, Effects& out);
  void datagramMalformed() { ++counters_.malformed; }
  void datagramForeign() { ++counters_.foreign; }
  void sendResult(bool ok, TimePoint now, Effects& out);
  void tick(TimePoint now, Effects& out);
  std::optional<TimePoint> nextDeadline() const;

  KeepaliveState state() const { return state_; }
  bool peerEverAlive() const { return ever_alive_; }
  bool peerAlive() const { return state_ == KeepaliveState::Alive; }
  const std::optional<KeepaliveMsg>& lastFromPeer() const { return last_rx_msg_; }
  std::optional<TimePoint> lastRx() const { return last_rx_; }
  std::optional<TimePoint> lastTx() const { return last_tx_; }
  std::optional<TimePoint> aliveSince() const { return alive_since_; }
  const KeepaliveCounters& counters() const { return counters_; }
  const KeepaliveConfig& config() const { return config_; }
  // Mean time between datagrams from the peer (NX-OS "average interval for peer rx").
  std::optional<Duration> averageRxInterval() const {
    if (rx_intervals_ == 0) return std::nullopt;
    return rx_interval_sum_ / static_cast<long>(rx_intervals_);
  }

 private:
  void send(TimePoint now, Effects& out);
  void transitionTo(KeepaliveState next, Cause why, TimePoint now, Effects& out);

  KeepaliveConfig config_;
  KeepaliveMsg local_;
  KeepaliveState state_ = KeepaliveState::Disabled;
  bool ever_alive_ = false;
  std::optional<TimePoint> next_tx_;
  std::optional<TimePoint> last_rx_;
  std::optional<TimePoint> last_tx_;
  std::optional<TimePoint> alive_since_;
  std::optional<KeepaliveMsg> last_rx_msg_;
  std::uint64_t seq_ = 0;
  std::uint64_t peer_boot_id_ = 0;
  Duration rx_interval_sum_{};
  std::uint64_t rx_intervals_ = 0;
  KeepaliveCounters counters_;
};

}  // namespace vpc
