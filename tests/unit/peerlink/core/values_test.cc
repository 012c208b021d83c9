#include <catch2/catch.hpp>

#include "peerlink/core/interface_id.h"
#include "peerlink/core/values.h"

using namespace vpc;

TEST_CASE("MacAddress: parses the three NX-OS notations and prints dotted and colon forms", "[values][unit]") {
  for (const char* text : {"0050.56aa.0001", "00:50:56:aa:00:01", "00-50-56-AA-00-01"}) {
    auto m = MacAddress::parse(text);
    REQUIRE(m);
    CHECK(m->value == 0x005056aa0001ULL);
    CHECK(m->dotted() == "0050.56aa.0001");
    CHECK(m->colon() == "00:50:56:aa:00:01");
  }
  for (const char* bad : {"", "0050.56aa.00011", "0050:56aa:0001", "00:50:56:aa:00", "zz:50:56:aa:00:01",
                          "0050.56aa.000g"})
    CHECK_FALSE(MacAddress::parse(bad));
  CHECK(MacAddress::parse("0100.5e00.0001")->isMulticast());
}

TEST_CASE("Ipv4: strict dotted quad", "[values][unit]") {
  CHECK(Ipv4::parse("127.0.1.2")->value == 0x7f000102u);
  CHECK(Ipv4::parse("10.10.0.255")->str() == "10.10.0.255");
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "1.2.3.4 ", "a.b.c.d", "1.2.3.0004"})
    CHECK_FALSE(Ipv4::parse(bad));
}

TEST_CASE("VlanSet: NX-OS lists and ranges, printed compactly", "[values][unit]") {
  auto s = VlanSet::parse("1,10-12,20");
  REQUIRE(s);
  CHECK(s->size() == 5);
  CHECK(s->str() == "1,10-12,20");
  CHECK(VlanSet::parse("all")->size() == 4094);
  CHECK(VlanSet::parse("none")->empty());
  CHECK(VlanSet{}.str() == "-");
  std::string err;
  CHECK_FALSE(VlanSet::parse("1,4095", &err));
  CHECK(err == "VLAN '4095' out of range 1-4094");
  CHECK_FALSE(VlanSet::parse("10-5", &err));
  CHECK_FALSE(VlanSet::parse("1,,2", &err));
  CHECK(err == "invalid VLAN ''");
  CHECK((*VlanSet::parse("1-10") & *VlanSet::parse("5-20")).str() == "5-10");
}

TEST_CASE("VlanSet: runs across word boundaries and at both ends", "[values][unit]") {
  CHECK(VlanSet::parse("all")->str() == "1-4094");
  CHECK(VlanSet::parse("63-64,127,128,191-193,4094")->str() == "63-64,127-128,191-193,4094");
  CHECK(VlanSet::parse("1,3,4093")->ids() == std::vector<std::uint16_t>{1, 3, 4093});
  const auto s = *VlanSet::parse("all");
  CHECK(s.minus(*VlanSet::parse("64-4094")).str() == "1-63");
  CHECK((s | VlanSet{}).size() == 4094);
  VlanSet t;
  t.insert(5000);  // beyond any VLAN: ignored, not undefined
  CHECK(t.empty());
  CHECK_FALSE(t.contains(5000));
}

TEST_CASE("InterfaceId: NX-OS names and abbreviations round-trip", "[values][unit]") {
  CHECK(InterfaceId::parse("Ethernet1/5")->shortName() == "Eth1/5");
  CHECK(InterfaceId::parse("eth1/5") == InterfaceId::ethernet(1, 5));
  CHECK(InterfaceId::parse("e1/5") == InterfaceId::ethernet(1, 5));
  CHECK(InterfaceId::parse("port-channel10") == InterfaceId::portChannel(10));
  CHECK(InterfaceId::parse("Po10")->longName() == "port-channel10");
  CHECK(InterfaceId::parse("Vlan10") == InterfaceId::vlan(10));
  CHECK(InterfaceId::parse("mgmt0") == InterfaceId::mgmt());
  CHECK(InterfaceId::peerLink().shortName() == "vPC Peer-Link");
  for (const char* bad : {"", "Ethernet1", "Ethernet0/1", "Po0", "Po4097", "Vlan4095", "p10", "foo1/1", "Eth1/5x"})
    CHECK_FALSE(InterfaceId::parse(bad));
  // Codes from a peer are validated.
  CHECK(InterfaceId::fromCode(InterfaceId::vpc(10).code()) == InterfaceId::vpc(10));
  CHECK_FALSE(InterfaceId::fromCode(0));
  CHECK_FALSE(InterfaceId::fromCode(0xffffffffu));
  CHECK(InterfaceId::ethernet(1, 2) < InterfaceId::ethernet(1, 10));
  CHECK(InterfaceId::ethernet(1, 49) < InterfaceId::portChannel(1));
}
