#include "switch/core/frame.h"

namespace vpc::frame {

namespace {

std::uint16_t be16(View b, std::size_t at) { return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]); }
std::uint32_t be32(View b, std::size_t at) {
  return (static_cast<std::uint32_t>(b[at]) << 24) | (static_cast<std::uint32_t>(b[at + 1]) << 16) |
         (static_cast<std::uint32_t>(b[at + 2]) << 8) | b[at + 3];
}
std::uint64_t mac48(View b, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 6; ++i) v = (v << 8) | b[at + i];
  return v;
}
void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put32(Bytes& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}
void putMac(Bytes& b, MacAddress m) {
  for (int i = 5; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(m.value >> (8 * i)));
}

constexpr std::size_t kIpv4Min = 20;
constexpr std::uint8_t kProtoIcmp = 1, kProtoTcp = 6, kProtoUdp = 17;

}  // namespace

std::optional<Header> parse(View bytes) {
  if (bytes.size() < kMinHeader) return std::nullopt;
  Header h;
  h.dst = MacAddress{mac48(bytes, 0)};
  h.src = MacAddress{mac48(bytes, 6)};
  h.ethertype = be16(bytes, 12);
  h.payload = 14;
  if (h.ethertype == kEtherTypeVlan) {
    if (bytes.size() < 18) return std::nullopt;
    h.vid = static_cast<std::uint16_t>(be16(bytes, 14) & 0x0fff);
    h.ethertype = be16(bytes, 16);
    h.payload = 18;
  }
  return h;
}

void egress(View bytes, const Header& h, std::optional<std::uint16_t> vid, Bytes& out) {
  out.clear();
  out.reserve(bytes.size() + 4);
  out.insert(out.end(), bytes.begin(), bytes.begin() + 12);  // destination and source
  if (vid) {
    put16(out, kEtherTypeVlan);
    put16(out, *vid & 0x0fff);
  }
  put16(out, h.ethertype);
  out.insert(out.end(), bytes.begin() + static_cast<std::ptrdiff_t>(h.payload), bytes.end());
}

std::uint32_t flowHash(View bytes, const Header& h) {
  std::uint64_t x = h.src.value * 0x9e3779b97f4a7c15ULL ^ h.dst.value;
  if (h.ethertype == kEtherTypeIpv4 && bytes.size() >= h.payload + kIpv4Min) {
    const std::size_t ip = h.payload;
    x ^= (static_cast<std::uint64_t>(be32(bytes, ip + 12)) << 32) ^ be32(bytes, ip + 16);
    const std::size_t ihl = static_cast<std::size_t>(bytes[ip] & 0x0f) * 4;
    const std::uint8_t proto = bytes[ip + 9];
    if ((proto == kProtoUdp || proto == kProtoTcp) && bytes.size() >= ip + ihl + 4)
      x ^= static_cast<std::uint64_t>(be32(bytes, ip + ihl)) * 0xbf58476d1ce4e5b9ULL;
  }
  x ^= x >> 29;
  x *= 0x94d049bb133111ebULL;
  return static_cast<std::uint32_t>(x >> 32);
}

std::optional<Arp> parseArp(View bytes, const Header& h) {
  const std::size_t a = h.payload;
  if (h.ethertype != kEtherTypeArp || bytes.size() < a + 28) return std::nullopt;
  if (be16(bytes, a) != 1 || be16(bytes, a + 2) != kEtherTypeIpv4 || bytes[a + 4] != 6 || bytes[a + 5] != 4)
    return std::nullopt;
  Arp r;
  r.op = be16(bytes, a + 6);
  r.sender_mac = MacAddress{mac48(bytes, a + 8)};
  r.sender_ip = Ipv4{be32(bytes, a + 14)};
  r.target_mac = MacAddress{mac48(bytes, a + 18)};
  r.target_ip = Ipv4{be32(bytes, a + 24)};
  return r;
}

Bytes arpReply(MacAddress mac, Ipv4 ip, const Arp& request) {
  Bytes b;
  b.reserve(60);
  putMac(b, request.sender_mac);
  putMac(b, mac);
  put16(b, kEtherTypeArp);
  put16(b, 1);               // Ethernet
  put16(b, kEtherTypeIpv4);  // IPv4
  b.push_back(6);
  b.push_back(4);
  put16(b, 2);  // reply
  putMac(b, mac);
  put32(b, ip.value);
  putMac(b, request.sender_mac);
  put32(b, request.sender_ip.value);
  b.resize(60, 0);  // the Ethernet minimum (without the FCS)
  return b;
}

std::uint16_t checksum(View data) {
  std::uint32_t sum = 0;
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += be16(data, i);
  if (i < data.size()) sum += static_cast<std::uint32_t>(data[i]) << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

std::optional<Bytes> echoReply(View bytes, const Header& h, MacAddress mac, Ipv4 ip) {
  const std::size_t at = h.payload;
  if (h.ethertype != kEtherTypeIpv4 || bytes.size() < at + kIpv4Min) return std::nullopt;
  const std::size_t ihl = static_cast<std::size_t>(bytes[at] & 0x0f) * 4;
  if ((bytes[at] >> 4) != 4 || ihl < kIpv4Min || bytes[at + 9] != kProtoIcmp) return std::nullopt;
  if (be32(bytes, at + 16) != ip.value) return std::nullopt;
  const std::size_t total = be16(bytes, at + 2);
  if (total < ihl + 8 || bytes.size() < at + total) return std::nullopt;
  const std::size_t icmp = at + ihl;
  if (bytes[icmp] != 8 || bytes[icmp + 1] != 0) return std::nullopt;  // echo request

  Bytes b;
  b.reserve(14 + total);
  putMac(b, h.src);
  putMac(b, mac);
  put16(b, kEtherTypeIpv4);
  b.insert(b.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at),
           bytes.begin() + static_cast<std::ptrdiff_t>(at + total));
  const std::size_t ip0 = 14, ic = 14 + ihl;
  // Swap the addresses, a fresh TTL, the header checksum again.
  for (std::size_t k = 0; k < 4; ++k) std::swap(b[ip0 + 12 + k], b[ip0 + 16 + k]);
  b[ip0 + 8] = 64;
  b[ip0 + 10] = b[ip0 + 11] = 0;
  const auto hsum = checksum(View(b).subspan(ip0, ihl));
  b[ip0 + 10] = static_cast<std::uint8_t>(hsum >> 8);
  b[ip0 + 11] = static_cast<std::uint8_t>(hsum);
  // Echo reply: type 0, the ICMP checksum again.
  b[ic] = 0;
  b[ic + 2] = b[ic + 3] = 0;
  const auto csum = checksum(View(b).subspan(ic, total - ihl));
  b[ic + 2] = static_cast<std::uint8_t>(csum >> 8);
  b[ic + 3] = static_cast<std::uint8_t>(csum);
  if (b.size() < 60) b.resize(60, 0);
  return b;
}

}  // namespace vpc::frame
