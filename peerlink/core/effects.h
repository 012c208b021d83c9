// What the core asks the shell to do (effects as data), and the events it records. The core never
// performs I/O: it returns these, the shell's executor carries them out.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "peerlink/core/messages.h"
#include "peerlink/core/time.h"

namespace vpc {

// Identifies one peer-link transport connection. The core allocates ids for the connections it dials
// (ConnectPeer); the shell allocates ids with the top bit set for the ones it accepts.
using ConnId = std::uint64_t;
constexpr ConnId kAcceptedConnBit = 1ULL << 63;

// What an event records: a state that changed (from -> to), or a state that stayed while the reason
// for it changed (from -> to are then the old and the new reason).
enum class EventKind : std::uint8_t { StateChanged, ReasonChanged };
std::string_view toString(EventKind k);  // "state" | "reason"

// One state change: subject went from -> to, because of reasons (most immediate cause first).
struct Event {
  std::uint64_t seq = 0;  // assigned by the journal
  TimePoint at{};
  std::string subject;    // "peer-link", "role", "vpc 10", "keepalive", "sync", ...
  std::string from;
  std::string to;
  std::vector<std::string> reasons;
  EventKind kind = EventKind::StateChanged;
};

std::string joinReasons(const std::vector<std::string>& reasons);  // "a <- b <- c"

namespace fx {
struct SendKeepalive {
  KeepaliveMsg msg;
};
struct SendPeer {
  ConnId conn = 0;
  peer::Message msg;
};
// Dial the configured peer; report PeerTransportDown{conn} if it fails. Messages for `conn` sent
// before the stream is up are buffered by the shell.
struct ConnectPeer {
  ConnId conn = 0;
  // How long the connection (TCP and the transport's own handshake) may take before the attempt
  // counts as failed: the session's current handshake timeout, which grows on a slow path.
  Duration timeout = Millis(2000);
};
struct ClosePeer {
  ConnId conn = 0;
  std::string reason;
};
struct EventRecorded {
  Event event;
};
}  // namespace fx

using Effect = std::variant<fx::SendKeepalive, fx::SendPeer, fx::ConnectPeer, fx::ClosePeer, fx::EventRecorded>;
using Effects = std::vector<Effect>;

inline void recordEvent(Effects& out, TimePoint at, std::string subject, std::string from, std::string to,
                        std::vector<std::string> reasons, EventKind kind = EventKind::StateChanged) {
  out.push_back(fx::EventRecorded{
      Event{0, at, std::move(subject), std::move(from), std::move(to), std::move(reasons), kind}});
}

}  // namespace vpc
