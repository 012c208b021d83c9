// LACPDUs as bytes: built as 802.1AX lays them out, parsed back, and bad ones refused with a reason.
#include <catch2/catch.hpp>

#include "switch/core/lacp_pdu.h"

using namespace vpc;
using namespace vpc::lacp;
using Catch::Matchers::Contains;

namespace {
Pdu sample() {
  Pdu p;
  p.actor = {0x8000, MacAddress{0x5254001a2a4bULL}, 1, 0x8000, 1, kActivity | kAggregation | kDefaulted};
  p.partner = {};
  return p;
}
std::string err(const std::variant<Pdu, std::string>& r) { return std::get<std::string>(r); }
}  // namespace

TEST_CASE("LACPDU: built as 802.1AX lays it out", "[lacp][unit]") {
  const auto f = build(sample(), MacAddress{0x525400000001ULL});
  REQUIRE(f.size() == 124);
  // Destination: the Slow Protocols multicast; ethertype 0x8809; subtype 1, version 1.
  CHECK(f[0] == 0x01);
  CHECK(f[5] == 0x02);
  CHECK(f[12] == 0x88);
  CHECK(f[13] == 0x09);
  CHECK(f[14] == 1);
  CHECK(f[15] == 1);
  // The actor TLV as a capture of a Linux bond shows it: type 1, length 20, then
  // 8000 5254 001a 2a4b 0001 8000 0001 45 (priority, system, key, port priority, port, state).
  const std::uint8_t actor[] = {1, 20, 0x80, 0x00, 0x52, 0x54, 0x00, 0x1a, 0x2a, 0x4b, 0x00, 0x01, 0x80, 0x00, 0x00, 0x01, 0x45};
  for (std::size_t i = 0; i < sizeof actor; ++i) CHECK(f[16 + i] == actor[i]);
  CHECK(f[36] == 2);   // partner TLV
  CHECK(f[56] == 3);   // collector TLV
  CHECK(f[57] == 16);
  CHECK(f[72] == 0);   // terminator
  CHECK(f[73] == 0);
}

TEST_CASE("LACPDU: what is built parses back the same", "[lacp][unit]") {
  Pdu p = sample();
  p.partner = {0x7f9b, MacAddress{0x002304eebe0aULL}, 0x800a, 0x8000, 0x4101,
               kActivity | kTimeout | kAggregation | kSynchronization | kCollecting | kDistributing};
  p.collector_max_delay = 10;
  const auto f = build(p, MacAddress{0x525400000001ULL});
  const auto r = parse(f.data(), f.size());
  REQUIRE(std::holds_alternative<Pdu>(r));
  CHECK(std::get<Pdu>(r) == p);
  CHECK(isSlowProtocols(f.data(), f.size()));
  CHECK(stateText(p.partner.state) == "Activity, Timeout, Aggregation, Synchronization, Collecting, Distributing");
  // A sender that trims the padding is still understood.
  const auto trimmed = parse(f.data(), 14 + 60);
  CHECK(std::holds_alternative<Pdu>(trimmed));
}

TEST_CASE("LACPDU: a bad one is refused with why, never read past its end", "[lacp][unit]") {
  const auto good = build(sample(), MacAddress{0x525400000001ULL});
  CHECK_THAT(err(parse(good.data(), 10)), Contains("shorter than an Ethernet header"));
  CHECK_THAT(err(parse(good.data(), 40)), Contains("an LACPDU needs"));
  auto other = good;
  other[14] = 2;  // a Marker PDU
  CHECK_THAT(err(parse(other.data(), other.size())), Contains("subtype 2, not LACP"));
  auto notslow = good;
  notslow[13] = 0x00;
  CHECK_THAT(err(parse(notslow.data(), notslow.size())), Contains("not Slow Protocols"));
  auto badlen = good;
  badlen[17] = 19;
  CHECK_THAT(err(parse(badlen.data(), badlen.size())), Contains("actor TLV"));
  auto zero = good;
  for (int i = 20; i < 26; ++i) zero[static_cast<std::size_t>(i)] = 0;
  CHECK_THAT(err(parse(zero.data(), zero.size())), Contains("actor system MAC is zero"));
  // Every truncation of a good PDU is either a PDU or a reason: never a crash.
  for (std::size_t n = 0; n <= good.size(); ++n) (void)parse(good.data(), n);
}
