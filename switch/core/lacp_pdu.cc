#include "switch/core/lacp_pdu.h"

#include <cstdio>

namespace vpc::lacp {

namespace {

constexpr std::uint8_t kTlvActor = 1, kTlvPartner = 2, kTlvCollector = 3, kTlvTerminator = 0;
constexpr std::uint8_t kInfoLength = 20, kCollectorLength = 16;

void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void putMac(std::vector<std::uint8_t>& b, std::uint64_t v) {
  for (int i = 5; i >= 0; --i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
std::string n(unsigned v) { return std::to_string(v); }
std::string hex16(unsigned v) {
  char b[8];
  std::snprintf(b, sizeof b, "%#06x", v);
  return b;
}
std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint64_t getMac(const std::uint8_t* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 6; ++i) v = v << 8 | p[i];
  return v;
}

void putInfo(std::vector<std::uint8_t>& b, std::uint8_t type, const Info& i) {
  b.push_back(type);
  b.push_back(kInfoLength);
  put16(b, i.system_priority);
  putMac(b, i.system.value);
  put16(b, i.key);
  put16(b, i.port_priority);
  put16(b, i.port);
  b.push_back(i.state);
  b.insert(b.end(), 3, 0);  // reserved
}

Info getInfo(const std::uint8_t* p) {  // p: after type and length
  Info i;
  i.system_priority = get16(p);
  i.system = MacAddress{getMac(p + 2)};
  i.key = get16(p + 8);
  i.port_priority = get16(p + 10);
  i.port = get16(p + 12);
  i.state = p[14];
  return i;
}

}  // namespace

std::string stateText(std::uint8_t s) {
  static const char* kNames[] = {"Activity", "Timeout",    "Aggregation", "Synchronization",
                                 "Collecting", "Distributing", "Defaulted", "Expired"};
  std::string out;
  for (int bit = 0; bit < 8; ++bit)
    if (s & (1u << bit)) out += (out.empty() ? "" : ", ") + std::string(kNames[bit]);
  return out.empty() ? "-" : out;
}

std::vector<std::uint8_t> build(const Pdu& pdu, MacAddress src) {
  std::vector<std::uint8_t> b;
  b.reserve(14 + kPduLength);
  putMac(b, kSlowProtocolsMac);
  putMac(b, src.value);
  put16(b, kEtherTypeSlow);
  b.push_back(kSubtypeLacp);
  b.push_back(1);  // version
  putInfo(b, kTlvActor, pdu.actor);
  putInfo(b, kTlvPartner, pdu.partner);
  b.push_back(kTlvCollector);
  b.push_back(kCollectorLength);
  put16(b, pdu.collector_max_delay);
  b.insert(b.end(), 12, 0);
  b.push_back(kTlvTerminator);
  b.push_back(0);
  b.resize(14 + kPduLength, 0);  // the rest is reserved, zero
  return b;
}

bool isSlowProtocols(const std::uint8_t* bytes, std::size_t size) {
  return size >= 15 && get16(bytes + 12) == kEtherTypeSlow;
}

std::variant<Pdu, std::string> parse(const std::uint8_t* bytes, std::size_t size) {
  if (size < 14) return std::string("shorter than an Ethernet header");
  if (get16(bytes + 12) != kEtherTypeSlow) return "ethertype " + hex16(get16(bytes + 12)) + ", not Slow Protocols";
  // 802.1AX: the actor, partner, collector and terminator TLVs come first, in that order, with
  // these lengths; a receiver takes what follows the terminator as padding. A frame may come
  // without the padding (some senders trim it): the TLVs must be whole.
  const std::size_t need = 14 + 2 + kInfoLength * 2 + kCollectorLength + 2;  // subtype, version, TLVs
  if (size < 16) return std::string("no subtype and version");
  if (bytes[14] != kSubtypeLacp) return "Slow Protocols subtype " + n(bytes[14]) + ", not LACP";
  if (bytes[15] < 1) return std::string("LACP version 0");
  if (size < need) return n(static_cast<unsigned>(size)) + " bytes: an LACPDU needs " + n(static_cast<unsigned>(need));
  const std::uint8_t* p = bytes + 16;
  if (p[0] != kTlvActor || p[1] != kInfoLength)
    return "actor TLV: type " + n(p[0]) + " length " + n(p[1]) + " (want 1 and 20)";
  Pdu pdu;
  pdu.actor = getInfo(p + 2);
  p += kInfoLength;
  if (p[0] != kTlvPartner || p[1] != kInfoLength)
    return "partner TLV: type " + n(p[0]) + " length " + n(p[1]) + " (want 2 and 20)";
  pdu.partner = getInfo(p + 2);
  p += kInfoLength;
  if (p[0] != kTlvCollector || p[1] != kCollectorLength)
    return "collector TLV: type " + n(p[0]) + " length " + n(p[1]) + " (want 3 and 16)";
  pdu.collector_max_delay = get16(p + 2);
  p += kCollectorLength;
  if (p[0] != kTlvTerminator || p[1] != 0) return "terminator TLV: type " + n(p[0]) + " length " + n(p[1]);
  if (pdu.actor.system.value == 0) return std::string("actor system MAC is zero");
  return pdu;
}

}  // namespace vpc::lacp
