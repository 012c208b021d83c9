// What the core asks the shell to do (effects as data), and the events it records. The core never
// performs I/O: it returns these, the shell's executor carries them out.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "peerlink/core/cause.h"
#include "peerlink/core/interface_id.h"
#include "peerlink/core/messages.h"
#include "peerlink/core/time.h"

namespace vpc {

// Identifies one peer-link transport connection. The core allocates ids for the connections it dials
// (ConnectPeer); the shell allocates ids with the top bit set for the ones it accepts.
using ConnId = std::uint64_t;
constexpr ConnId kAcceptedConnBit = 1ULL << 63;

// What an event is about.
enum class SubjectKind : std::uint8_t {
  Switch, PeerLink, PeerStatus, Role, Sticky, Vpc, Interface, Keepalive, Failover, DelayRestore, Sync, Tables, Config,
  Lacp  // a member's LACP view (id: the interface code)
};

struct Subject {
  SubjectKind kind = SubjectKind::Switch;
  std::uint32_t id = 0;  // the vPC id (Vpc), the interface code (Interface)

  static Subject of(SubjectKind k) { return Subject{k, 0}; }
  static Subject vpc(std::uint32_t id) { return Subject{SubjectKind::Vpc, id}; }
  static Subject interface(InterfaceId i) { return Subject{SubjectKind::Interface, i.code()}; }
  // "peer-link", "peer status", "vPC 10", "interface Eth1/5", ... (what events are listed under).
  std::string str() const;
  bool operator==(const Subject&) const = default;
};

// What an event records: a state that changed (from -> to), or a state that stayed while the reason
// for it changed (from -> to are then the old and the new reason).
enum class EventKind : std::uint8_t { StateChanged, ReasonChanged };
std::string_view toString(EventKind k);  // "state" | "reason"

// One state change: subject went from -> to, because of `causes` (most immediate first). from/to are
// the state's words for the record; nothing in the core reads them back.
struct Event {
  std::uint64_t seq = 0;  // assigned by the journal
  TimePoint at{};
  Subject subject;
  std::string from;
  std::string to;
  Causes causes;
  EventKind kind = EventKind::StateChanged;
};

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
};
struct EventRecorded {
  Event event;
};
// A frame leaves by `port`: an Ethernet port (its bound link; an unbound port drops it) or the
// peer-link (InterfaceId::peerLink(), the frame 802.1Q-tagged with its VLAN).
struct SendFrame {
  InterfaceId port;
  std::vector<std::uint8_t> bytes;
};
// An Ethernet port's transmitter on (`lit`) or off: a port shut or suspended (by vPC) takes its link
// down, so the device at the far end sees it down (a static bond fails over). The shell acts on
// bound ports only, and does not report its own darkness back as a carrier loss.
struct SetPortLight {
  InterfaceId port;
  bool lit = true;
};
}  // namespace fx

using Effect = std::variant<fx::SendKeepalive, fx::SendPeer, fx::ConnectPeer, fx::ClosePeer, fx::EventRecorded,
                            fx::SendFrame, fx::SetPortLight>;
using Effects = std::vector<Effect>;

inline void recordEvent(Effects& out, TimePoint at, Subject subject, std::string from, std::string to, Causes causes,
                        EventKind kind = EventKind::StateChanged) {
  out.push_back(fx::EventRecorded{Event{0, at, subject, std::move(from), std::move(to), std::move(causes), kind}});
}

}  // namespace vpc
