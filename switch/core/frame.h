// Ethernet frames as the data plane sees them: the header fields forwarding decides on, read from the
// bytes without copying them, and the few frames a switch builds itself (ARP replies, ICMP echo
// replies). Pure byte work, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "peerlink/core/values.h"

namespace vpc::frame {

constexpr std::uint16_t kEtherTypeVlan = 0x8100;
constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeArp = 0x0806;
constexpr std::uint64_t kBroadcast = 0xffffffffffffULL;
constexpr std::size_t kMinHeader = 14;

using Bytes = std::vector<std::uint8_t>;
using View = std::span<const std::uint8_t>;

struct Header {
  MacAddress dst, src;
  std::optional<std::uint16_t> vid;  // the 802.1Q VLAN id, when tagged (0: a priority tag)
  std::uint16_t ethertype = 0;       // after the tag
  std::size_t payload = 0;           // offset of what follows the ethertype
};

// The header, or nothing when the bytes are too short to be an Ethernet frame.
std::optional<Header> parse(View bytes);

// The frame as it leaves a port: without a tag (access ports, a trunk's native VLAN) or tagged with
// `vid` (trunks, the peer-link). `h` is the frame's parsed header.
void egress(View bytes, const Header& h, std::optional<std::uint16_t> vid, Bytes& out);

// A flow's hash, for choosing a port-channel member: source and destination MACs, and for IPv4 the
// addresses and (UDP/TCP) ports, so one flow always takes one member.
std::uint32_t flowHash(View bytes, const Header& h);

// ARP (Ethernet/IPv4) as a switch's SVI reads it.
struct Arp {
  std::uint16_t op = 0;  // 1 request, 2 reply
  MacAddress sender_mac;
  Ipv4 sender_ip;
  MacAddress target_mac;
  Ipv4 target_ip;
};
std::optional<Arp> parseArp(View bytes, const Header& h);
// An untagged ARP reply from `mac`/`ip` to the asker.
Bytes arpReply(MacAddress mac, Ipv4 ip, const Arp& request);

// An ICMP echo request to `ip`: the untagged echo reply from `mac` (same id, sequence and data), or
// nothing when the frame is not an echo request to `ip`.
std::optional<Bytes> echoReply(View bytes, const Header& h, MacAddress mac, Ipv4 ip);

// The Internet checksum (RFC 1071) of `data`.
std::uint16_t checksum(View data);

}  // namespace vpc::frame
