// The peer-link session: one transport connection at a time, the Hello handshake and its checks, and
// liveness by heartbeat. It decides when the peer-link is up and why it is down. It does not elect
// roles (the vPC manager does, from the peer's Hello that this session reports), it does not sync
// tables (SyncSender/SyncReceiver do), and it knows nothing of vPCs; the node composes them and tells
// the session when the bulk sync is complete.
//
// Phases, each recorded as an event (DESIGN.md §3): connecting -> hello exchanged -> checks passed ->
// (role decided, consistency exchanged, bulk sync: the node) -> established.
//
//   state          | input / deadline                          | next           | effects
//   ---------------+-------------------------------------------+----------------+------------------------------
//   Disabled       | enable()                                  | WaitingForPeer |
//   WaitingForPeer | peer seen on keepalive (lower MAC dials)  | Connecting     | ConnectPeer, SendPeer Hello
//   WaitingForPeer | Hello                                     | (same)         | Goodbye "peer never alive",
//                  |                                           |                |   ClosePeer (NX-OS: the peer-link
//                  |                                           |                |   needs the keepalive first)
//   Connecting     | inbound transport up                      | (same)         | SendPeer Hello
//   Connecting     | retry deadline (dialer, backoff)          | (same)         | ConnectPeer, SendPeer Hello
//   Connecting     | transport down / no Hello within the      | (same)         | event "attempt failed" with the
//                  |   handshake timeout                       |                |   cause
//   Connecting     | Hello passes checks                       | Syncing        | fact Up(peer's Hello)
//   Connecting     | Hello fails checks / Goodbye from peer    | Rejected       | Goodbye(reason), ClosePeer
//   Rejected       | retry deadline (dialer, backoff)          | (same)         | ConnectPeer, SendPeer Hello
//   Rejected       | Hello passes checks                       | Syncing        | fact Up(peer's Hello)
//   Syncing        | markEstablished() (node: bulk both ways)  | Established    |
//   any connected  | transport down / Goodbye / no message for | Connecting     | ClosePeer, fact Down(causes)
//                  |   heartbeat_timeout (the handshake timeout|                |
//                  |   until the peer's first message after    |                |
//                  |   its Hello: a slow path's round trip)    |                |
//   any connected  | heartbeat interval                        | (same)         | SendPeer Heartbeat
//   not adjacent   | inbound transport up while connected      | Connecting     | ClosePeer(old)
//   adjacent       | inbound transport up                      | (same)         | SendPeer Hello on it: a candidate
//   adjacent       | the candidate's Hello passes the checks   | Syncing        | ClosePeer(old), fact Down
//                  |                                           |                |   (superseded), fact Up
//   adjacent       | the candidate fails the checks, sends     | (same)         | Goodbye(reason) on it, ClosePeer
//                  |   anything before its Hello, undecodable  |                |   on it, counted; the session
//                  |   bytes, or no Hello within the handshake |                |   never notices
//                  |   timeout
//   any            | peer restarted (new boot id on keepalive) | (same)         | dial now if not connected; an
//                  |                                           |                |   adjacent session stays (only
//                  |                                           |                |   the peer-link says it is dead)
//   any            | disable() (peer-link port-channel shut)   | Disabled       | Goodbye, ClosePeer, [fact Down];
//                  |                                           |                |   connections are refused with
//                  |                                           |                |   Goodbye(reason) until enable()
//   any            | shutdown()                                | Disabled       | Goodbye, ClosePeer
//
// Messages on a connection that is not the current one are counted and ignored. Never reads a clock.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "peerlink/core/cause.h"
#include "peerlink/core/effects.h"
#include "peerlink/core/messages.h"
#include "peerlink/core/time.h"

namespace vpc {

enum class SessionState { Disabled, WaitingForPeer, Connecting, Rejected, Syncing, Established };
std::string_view toString(SessionState s);

struct SessionConfig {
  Duration heartbeat_interval = Millis(1000);
  Duration heartbeat_timeout = Millis(3000);
  // Dial (or accept) to the peer's Hello, and from the Hellos to the peer's next message. A handshake
  // that got both Hellos through but not the next message in time doubles it for the next attempt, up
  // to handshake_growth times (a slow path forms, slowly); each adjacency halves it again.
  Duration hello_timeout = Millis(2000);
  unsigned handshake_growth = 16;
  Duration retry_min = Millis(100);
  Duration retry_max = Millis(2000);
  // The time scale the durations above were scaled by: reason chains say NX-OS time (duration / scale),
  // the timer that actually ran, in the units of the drill that set it.
  double time_scale = 1.0;
};

struct SessionCounters {
  std::uint64_t dials = 0;
  std::uint64_t accepts = 0;
  std::uint64_t ups = 0;
  std::uint64_t downs = 0;
  std::uint64_t rejections = 0;
  std::uint64_t rx_messages = 0;
  std::uint64_t tx_messages = 0;
  std::uint64_t stale_messages = 0;       // on a connection that is not the current one
  std::uint64_t unexpected_messages = 0;  // e.g. sync before Hello
  std::uint64_t heartbeat_timeouts = 0;
  std::uint64_t failed_attempts = 0;      // dials or accepts that ended before the handshake completed
  std::uint64_t superseded = 0;           // sessions replaced by a new connection whose Hello passed
  std::uint64_t refused_candidates = 0;   // new connections refused while a session was up (all reasons)
  std::uint64_t refused_bad_hello = 0;    //   their Hello failed the checks
  std::uint64_t refused_early = 0;        //   something else (or undecodable bytes) before their Hello
  std::uint64_t refused_silent = 0;       //   no Hello within the handshake timeout
  std::uint64_t restart_hints = 0;        // keepalives from a new boot id while the session was up (ignored)
};

// What a session call tells the node.
struct SessionFacts {
  struct Up {
    peer::Hello peer;  // passed the checks: the vPC manager elects the roles from it
  };
  struct Down {
    Causes why;
  };
  std::optional<Up> up;
  std::optional<Down> down;  // the session was up (Syncing/Established) and no longer is
  bool route = false;        // onMessage: the node owns this message (VpcState, sync, Ack, ...)
};

// Checks a peer's Hello against ours. Returns the NX-OS reason (and the detail) when they cannot form a
// peer-link.
std::optional<Causes> checkHello(const peer::Hello& local, const peer::Hello& peer);

class SessionFsm {
 public:
  explicit SessionFsm(SessionConfig config)
      : config_(config), handshake_timeout_(std::max(config.hello_timeout, config.heartbeat_timeout)) {}

  void setLocalHello(const peer::Hello& hello) { local_ = hello; }
  const peer::Hello& localHello() const { return local_; }

  void enable(TimePoint now, Effects& out);
  // The peer-link is administratively down (its port-channel shut): Goodbye, close, refuse connections
  // until enable().
  SessionFacts disable(const Cause& why, TimePoint now, Effects& out);
  // The keepalive has heard the peer (ever). Learns its local MAC, which decides who dials.
  void peerAlive(MacAddress peer_local_mac, TimePoint now, Effects& out);
  // The keepalive shows a new incarnation of the peer: any session with the old one is dead, and the
  // dialer need not wait for its backoff.
  SessionFacts peerRestarted(TimePoint now, Effects& out);
  SessionFacts transportUp(ConnId conn, TimePoint now, Effects& out);  // an accepted connection
  SessionFacts transportDown(ConnId conn, const std::string& reason, TimePoint now, Effects& out);
  SessionFacts onMessage(ConnId conn, const peer::Message& msg, TimePoint now, Effects& out);
  // Bytes on `conn` that did not decode. True when the session dealt with it (a candidate connection,
  // refused); false when the node decides (the current connection).
  bool malformed(ConnId conn, Effects& out);
  SessionFacts tick(TimePoint now, Effects& out);
  std::optional<TimePoint> nextDeadline() const;
  void markEstablished(TimePoint now, Effects& out);
  // Tears the current session down on our side (e.g. the peer asked for nothing we can honour).
  SessionFacts reset(const Cause& why, TimePoint now, Effects& out);
  void shutdown(const std::string& reason, TimePoint now, Effects& out);

  // Sends on the current connection; false (and nothing sent) when there is none.
  bool send(peer::Message msg, Effects& out);

  SessionState state() const { return state_; }
  bool adjacent() const { return state_ == SessionState::Syncing || state_ == SessionState::Established; }
  ConnId conn() const { return conn_; }
  bool dialer() const { return dialer_; }
  // Why the peer-link is not up (most immediate first); empty while it is.
  const Causes& downCauses() const { return down_causes_; }
  const std::optional<peer::Hello>& peerHello() const { return peer_hello_; }
  std::optional<Duration> rtt() const { return rtt_; }
  const SessionCounters& counters() const { return counters_; }
  const SessionConfig& config() const { return config_; }
  Duration handshakeTimeout() const { return handshake_timeout_; }

 private:
  // Where a dropped connection leaves us: a rejection stands until a Hello passes.
  SessionState idleState() const;
  void reject(const Causes& why, TimePoint now, Effects& out);
  void dial(TimePoint now, Effects& out);
  void sendHeartbeat(TimePoint now, Effects& out);
  // Drops the current connection; returns Down if the session was up.
  SessionFacts dropConnection(const Causes& why, SessionState next, TimePoint now, Effects& out);
  void scheduleRetry(TimePoint now, Duration delay);
  // An attempt (dial or accept) ended before the handshake completed: record why, retry after the
  // backoff. `slow_path`: the peer's Hello came, its next message did not in time - lengthen the
  // handshake timeout. (A timeout with no answer at all proves nothing: a cut path looks the same, and
  // a long attempt on it only delays the recovery once the path is back.)
  void attemptFailed(const Causes& why, bool slow_path, TimePoint now, Effects& out);
  Duration liveness() const;  // silence that ends an adjacent session
  void transitionTo(SessionState next, Causes why, TimePoint now, Effects& out);

  SessionConfig config_;
  peer::Hello local_;
  SessionState state_ = SessionState::Disabled;
  ConnId conn_ = 0;
  ConnId next_dial_id_ = 1;
  bool dialer_ = false;
  bool peer_seen_ = false;
  Causes down_causes_{cause(CauseKind::PeerLinkNotConfigured)};
  Cause disabled_why_ = cause(CauseKind::PeerLinkNotConfigured);
  std::optional<peer::Hello> peer_hello_;
  std::optional<TimePoint> retry_at_;
  std::optional<TimePoint> hello_deadline_;
  std::optional<TimePoint> next_heartbeat_;
  std::optional<TimePoint> last_rx_;
  Duration retry_delay_{};
  Duration handshake_timeout_{};
  bool awaiting_peer_traffic_ = false;  // adjacent, nothing received since the Hello yet
  std::uint64_t heartbeat_seq_ = 0;
  std::int64_t echo_tx_ns_ = 0;
  std::optional<TimePoint> echo_rx_at_;
  std::optional<Duration> rtt_;
  SessionCounters counters_;
  // A new connection while the session is up: it replaces the session only once its Hello passed.
  struct Candidate {
    ConnId conn = 0;
    TimePoint deadline{};
  };
  std::optional<Candidate> candidate_;
  void refuseCandidate(const std::string& why, std::uint64_t& counter, Effects& out);
  SessionFacts onCandidateMessage(const peer::Message& msg, TimePoint now, Effects& out);
};

}  // namespace vpc
