// LACPDUs (IEEE 802.1AX, version 1) as bytes: the actor and partner information a port sends and
// hears, built and parsed without I/O. A frame that is not a sound LACPDU is refused with the reason,
// for a counter; parsing never reads past the bytes it is given.
//
//   dst 01:80:c2:00:00:02 (Slow_Protocols_Multicast), ethertype 0x8809, subtype 1 (LACP), version 1,
//   TLV 1 actor (20 bytes), TLV 2 partner (20), TLV 3 collector (16), TLV 0 terminator, padded to
//   110 bytes after the ethertype (124 on the wire without the FCS).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "peerlink/core/values.h"

namespace vpc::lacp {

constexpr std::uint64_t kSlowProtocolsMac = 0x0180c2000002ULL;
constexpr std::uint16_t kEtherTypeSlow = 0x8809;
constexpr std::uint8_t kSubtypeLacp = 1;
constexpr std::size_t kPduLength = 110;  // after the ethertype

// The state octet's bits (802.1AX 6.4.2.3).
enum StateBit : std::uint8_t {
  kActivity = 0x01,        // active LACP (else passive)
  kTimeout = 0x02,         // short timeout: the sender wants LACPDUs every second (fast rate)
  kAggregation = 0x04,     // the link may be aggregated (else it is Individual)
  kSynchronization = 0x08, // in sync: attached to the right aggregator
  kCollecting = 0x10,
  kDistributing = 0x20,
  kDefaulted = 0x40,       // using defaulted partner information (heard nothing)
  kExpired = 0x80,         // the receive machine is in EXPIRED
};
std::string stateText(std::uint8_t state);  // "Activity, Timeout, Aggregation, ..." (NX-OS spells them so)

// One side's information: system (priority, MAC), key, port (priority, number) and state.
struct Info {
  std::uint16_t system_priority = 0;
  MacAddress system;
  std::uint16_t key = 0;
  std::uint16_t port_priority = 0;
  std::uint16_t port = 0;
  std::uint8_t state = 0;
  bool operator==(const Info&) const = default;
  // Same system, key and port: the same partner port (the state aside).
  bool samePort(const Info& o) const {
    return system_priority == o.system_priority && system == o.system && key == o.key &&
           port_priority == o.port_priority && port == o.port;
  }
};

struct Pdu {
  Info actor;
  Info partner;
  std::uint16_t collector_max_delay = 0;
  bool operator==(const Pdu&) const = default;
};

// The whole untagged frame from `src`.
std::vector<std::uint8_t> build(const Pdu& pdu, MacAddress src);

// Whether the frame is a Slow Protocols frame (any subtype): the switch keeps those for itself.
bool isSlowProtocols(const std::uint8_t* bytes, std::size_t size);

// The LACPDU in a frame (the Ethernet header included), or why it is not one.
std::variant<Pdu, std::string> parse(const std::uint8_t* bytes, std::size_t size);

}  // namespace vpc::lacp
