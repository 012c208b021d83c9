// Frames as hosts send them, for tests of the data plane: Ethernet (optionally 802.1Q-tagged) with
// IPv4/UDP, ARP or ICMP echo inside, and a reader for what the switches send back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "switch/core/frame.h"

namespace vpc::test {

using Bytes = std::vector<std::uint8_t>;

inline std::uint64_t mac(const std::string& text) { return MacAddress::parse(text)->value; }
inline std::uint32_t ip(const std::string& text) { return Ipv4::parse(text)->value; }

namespace detail {
inline void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
inline void put32(Bytes& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}
inline void putMac(Bytes& b, std::uint64_t m) {
  for (int i = 5; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(m >> (8 * i)));
}
inline void ethernet(Bytes& b, std::uint64_t dst, std::uint64_t src, std::uint16_t type, std::optional<std::uint16_t> vid) {
  putMac(b, dst);
  putMac(b, src);
  if (vid) {
    put16(b, frame::kEtherTypeVlan);
    put16(b, *vid);
  }
  put16(b, type);
}
// An IPv4 header (no options) for `payload` bytes of protocol `proto`.
inline void ipv4(Bytes& b, std::uint32_t src, std::uint32_t dst, std::uint8_t proto, std::size_t payload) {
  const std::size_t at = b.size();
  b.push_back(0x45);
  b.push_back(0);
  put16(b, static_cast<std::uint16_t>(20 + payload));
  put32(b, 0);
  b.push_back(64);
  b.push_back(proto);
  put16(b, 0);
  put32(b, src);
  put32(b, dst);
  const auto sum = frame::checksum(frame::View(b).subspan(at, 20));
  b[at + 10] = static_cast<std::uint8_t>(sum >> 8);
  b[at + 11] = static_cast<std::uint8_t>(sum);
}
}  // namespace detail

// A UDP datagram carrying a 4-byte sequence number.
inline Bytes udp(std::uint64_t src_mac, std::uint64_t dst_mac, std::uint32_t src_ip, std::uint32_t dst_ip,
                 std::uint32_t seq = 0, std::uint16_t sport = 40000, std::uint16_t dport = 5001,
                 std::optional<std::uint16_t> vid = std::nullopt) {
  Bytes b;
  detail::ethernet(b, dst_mac, src_mac, frame::kEtherTypeIpv4, vid);
  detail::ipv4(b, src_ip, dst_ip, 17, 12);
  detail::put16(b, sport);
  detail::put16(b, dport);
  detail::put16(b, 12);
  detail::put16(b, 0);
  detail::put32(b, seq);
  b.resize(std::max<std::size_t>(b.size(), 60), 0);
  return b;
}

inline Bytes arpRequest(std::uint64_t src_mac, std::uint32_t src_ip, std::uint32_t target_ip,
                        std::optional<std::uint16_t> vid = std::nullopt) {
  Bytes b;
  detail::ethernet(b, frame::kBroadcast, src_mac, frame::kEtherTypeArp, vid);
  detail::put16(b, 1);
  detail::put16(b, frame::kEtherTypeIpv4);
  b.push_back(6);
  b.push_back(4);
  detail::put16(b, 1);
  detail::putMac(b, src_mac);
  detail::put32(b, src_ip);
  detail::putMac(b, 0);
  detail::put32(b, target_ip);
  b.resize(60, 0);
  return b;
}

inline Bytes echoRequest(std::uint64_t src_mac, std::uint64_t dst_mac, std::uint32_t src_ip, std::uint32_t dst_ip,
                         std::optional<std::uint16_t> vid = std::nullopt, std::uint16_t id = 7, std::uint16_t seq = 1) {
  Bytes b;
  detail::ethernet(b, dst_mac, src_mac, frame::kEtherTypeIpv4, vid);
  detail::ipv4(b, src_ip, dst_ip, 1, 16);
  const std::size_t at = b.size();
  b.push_back(8);
  b.push_back(0);
  detail::put16(b, 0);
  detail::put16(b, id);
  detail::put16(b, seq);
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(i));
  const auto sum = frame::checksum(frame::View(b).subspan(at, 16));
  b[at + 2] = static_cast<std::uint8_t>(sum >> 8);
  b[at + 3] = static_cast<std::uint8_t>(sum);
  b.resize(std::max<std::size_t>(b.size(), 60), 0);
  return b;
}

// The UDP sequence number of a frame built by udp() (tagged or not), or nothing.
inline std::optional<std::uint32_t> udpSeq(const Bytes& b) {
  const auto h = frame::parse(b);
  if (!h || h->ethertype != frame::kEtherTypeIpv4 || b.size() < h->payload + 32 || b[h->payload + 9] != 17)
    return std::nullopt;
  const std::size_t at = h->payload + 28;
  return (static_cast<std::uint32_t>(b[at]) << 24) | (static_cast<std::uint32_t>(b[at + 1]) << 16) |
         (static_cast<std::uint32_t>(b[at + 2]) << 8) | b[at + 3];
}

}  // namespace vpc::test
