// The data plane's decisions, as one part of the switch core: a per-VLAN learning bridge with the vPC
// forwarding rules, and the SVIs' answers (ARP, ICMP echo). A frame comes in on a port or over the
// peer-link; what leaves is SendFrame effects; what it learns goes into the tables like `learn mac`
// and `learn arp` (so the peer hears of it through table sync).
//
//   ingress                                     | decision
//   --------------------------------------------+-----------------------------------------------------
//   port not forwarding, VLAN not carried,      | dropped (counted by reason)
//     a tagged frame on an access port          |
//   source MAC                                  | learned on the port (a member: its port-channel); not
//                                               |   from the peer-link (the peer syncs what it learns)
//   to this switch's MAC, SVI up                | ARP request for the SVI's address: reply, learn the
//                                               |   asker; ICMP echo to it: reply
//   broadcast                                   | flooded in the VLAN, and an ARP request for the SVI
//                                               |   answered
//   multicast, unknown unicast                  | flooded in the VLAN
//   known unicast                               | to the port the table installs it on: a local entry's
//                                               |   port, a peer entry on vPC X by this switch's own leg
//                                               |   of X, anything else over the peer-link
//
//   egress                                      | rule
//   --------------------------------------------+-----------------------------------------------------
//   the port it came in on                      | never
//   the peer-link                               | never for a frame that came over it; only while the
//                                               |   peer is adjacent; tagged with the VLAN
//   a vPC's port-channel                        | while it forwards the VLAN; for a frame from the
//                                               |   peer-link only when the peer's leg of that vPC is down
//                                               |   (loop avoidance)
//   a port-channel                              | one member, chosen by the flow's hash among those up
//   access port / trunk                         | untagged / tagged unless the VLAN is the native one
//
// Pure: it reads the configuration and the derived status handed to it, never a clock or a socket.
#pragma once

#include <cstdint>
#include <map>

#include "peerlink/core/effects.h"
#include "switch/core/config.h"
#include "switch/core/frame.h"
#include "switch/core/state.h"
#include "switch/core/table_sync.h"

namespace vpc {

// Frames and bytes through one port (an Ethernet port, or the peer-link).
struct FrameCount {
  std::uint64_t rx_frames = 0, rx_bytes = 0, tx_frames = 0, tx_bytes = 0;
};

struct ForwardingCounters {
  std::map<InterfaceId, FrameCount> ports;  // Ethernet ports and InterfaceId::peerLink()
  std::uint64_t flooded = 0;                // frames flooded in their VLAN
  std::uint64_t to_svi = 0;                 // frames for this switch (ARP, ICMP)
  std::uint64_t svi_replies = 0;            // ARP and echo replies sent
  std::uint64_t dropped_malformed = 0;      // too short to be a frame
  std::uint64_t dropped_ingress = 0;        // port not forwarding, VLAN not carried or suspended, bad tag
  std::uint64_t dropped_loop_avoidance = 0;  // from the peer-link to a vPC whose legs are both up
  std::uint64_t dropped_no_egress = 0;      // nowhere to go (known port down, the port it came in on)
};

// What forwarding reads of the rest of the switch.
struct ForwardingView {
  const SwitchConfig& config;
  const SwitchStatus& status;
  bool adjacent = false;        // the peer-link carries frames
  std::uint64_t self_mac = 0;   // this switch's MAC (its SVIs answer to it)
  std::uint64_t peer_mac = 0;   // the peer's (0: not known)
};

class Forwarding {
 public:
  // A frame arrived on `port`: an Ethernet port, or InterfaceId::peerLink() for one the peer sent.
  void receive(const ForwardingView& v, TableSync& tables, InterfaceId port, frame::View bytes, TimePoint now,
               Effects& out);

  const ForwardingCounters& counters() const { return counters_; }

 private:
  struct Ingress {
    InterfaceId logical;  // the port-channel for a member, the peer-link, or the port itself
    std::uint16_t vlan = 0;
  };
  std::optional<Ingress> classify(const ForwardingView& v, InterfaceId port, const frame::Header& h);
  // Whether `logical` forwards `vlan` towards its link (for the loop-avoidance rule: `from_peer`).
  bool forwards(const ForwardingView& v, InterfaceId logical, std::uint16_t vlan, bool from_peer);
  void sendTo(const ForwardingView& v, InterfaceId logical, std::uint16_t vlan, frame::View bytes,
              const frame::Header& h, Effects& out);
  void flood(const ForwardingView& v, std::optional<InterfaceId> ingress, std::uint16_t vlan, frame::View bytes,
             const frame::Header& h, Effects& out);
  // To the MAC table's port for the destination, or flooded when unknown.
  void forward(const ForwardingView& v, TableSync& tables, std::optional<InterfaceId> ingress, std::uint16_t vlan,
               frame::View bytes, const frame::Header& h, Effects& out);
  // The SVI of `vlan` handles a frame for this switch: true when it was one (answered or not).
  bool toSvi(const ForwardingView& v, TableSync& tables, std::uint16_t vlan, frame::View bytes, const frame::Header& h,
             TimePoint now, Effects& out);
  // A frame the switch itself sends into `vlan` (an SVI's reply).
  void originate(const ForwardingView& v, TableSync& tables, std::uint16_t vlan, frame::Bytes bytes, Effects& out);
  void emit(InterfaceId port, frame::Bytes bytes, Effects& out);

  ForwardingCounters counters_;
  frame::Bytes scratch_;
};

}  // namespace vpc
