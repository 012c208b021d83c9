// Ethernet frames as bytes: the header the data plane decides on, tags on and off, the replies an SVI
// builds.
#include <catch2/catch.hpp>

#include <set>

#include "switch/core/frame.h"
#include "tests/support/frames.h"

using namespace vpc;
using namespace vpc::test;

TEST_CASE("Frame: headers of tagged and untagged frames, and too-short ones", "[frame][unit]") {
  const auto plain = udp(mac("0050.5600.0001"), mac("0050.5600.0002"), ip("10.0.0.1"), ip("10.0.0.2"));
  const auto h = frame::parse(plain);
  REQUIRE(h);
  CHECK(h->src.value == mac("0050.5600.0001"));
  CHECK(h->dst.value == mac("0050.5600.0002"));
  CHECK_FALSE(h->vid);
  CHECK(h->ethertype == frame::kEtherTypeIpv4);
  CHECK(h->payload == 14);

  const auto tagged = udp(1, 2, 3, 4, 0, 1, 2, 300);
  const auto t = frame::parse(tagged);
  REQUIRE(t);
  CHECK(t->vid == 300);
  CHECK(t->ethertype == frame::kEtherTypeIpv4);
  CHECK(t->payload == 18);

  CHECK_FALSE(frame::parse(Bytes(13, 0)));
  Bytes short_tag(16, 0);
  short_tag[12] = 0x81;
  CHECK_FALSE(frame::parse(short_tag));
}

TEST_CASE("Frame: a tag put on and taken off leaves the frame as it was", "[frame][unit]") {
  const auto plain = udp(mac("0050.5600.0001"), mac("0050.5600.0002"), ip("10.0.0.1"), ip("10.0.0.2"), 42);
  Bytes tagged, again;
  frame::egress(plain, *frame::parse(plain), 10, tagged);
  CHECK(tagged.size() == plain.size() + 4);
  CHECK(frame::parse(tagged)->vid == 10);
  CHECK(udpSeq(tagged) == 42u);
  frame::egress(tagged, *frame::parse(tagged), std::nullopt, again);
  CHECK(again == plain);
}

TEST_CASE("Frame: one flow hashes the same, other flows spread", "[frame][unit]") {
  const auto a = udp(1, 2, ip("10.0.0.1"), ip("10.0.0.2"), 0, 1000, 2000);
  const auto a_again = udp(1, 2, ip("10.0.0.1"), ip("10.0.0.2"), 99, 1000, 2000);
  CHECK(frame::flowHash(a, *frame::parse(a)) == frame::flowHash(a_again, *frame::parse(a_again)));
  std::set<std::uint32_t> buckets;
  for (std::uint16_t port = 0; port < 32; ++port) {
    const auto f = udp(1, 2, ip("10.0.0.1"), ip("10.0.0.2"), 0, static_cast<std::uint16_t>(1000 + port), 2000);
    buckets.insert(frame::flowHash(f, *frame::parse(f)) % 4);
  }
  CHECK(buckets.size() == 4);
}

TEST_CASE("Frame: an SVI's ARP and echo replies are well-formed", "[frame][unit]") {
  const auto req = arpRequest(mac("0050.5600.0001"), ip("10.0.0.1"), ip("10.0.0.254"));
  const auto rh = frame::parse(req);
  const auto arp = frame::parseArp(req, *rh);
  REQUIRE(arp);
  CHECK(arp->op == 1);
  CHECK(arp->target_ip.value == ip("10.0.0.254"));
  const auto reply = frame::arpReply(MacAddress{mac("0c00.0000.0001")}, Ipv4{ip("10.0.0.254")}, *arp);
  const auto h = frame::parse(reply);
  REQUIRE(h);
  CHECK(h->dst.value == mac("0050.5600.0001"));
  const auto back = frame::parseArp(reply, *h);
  REQUIRE(back);
  CHECK(back->op == 2);
  CHECK(back->sender_ip.value == ip("10.0.0.254"));
  CHECK(back->target_ip.value == ip("10.0.0.1"));

  const auto ping = echoRequest(mac("0050.5600.0001"), mac("0c00.0000.0001"), ip("10.0.0.1"), ip("10.0.0.254"));
  const auto ph = frame::parse(ping);
  CHECK_FALSE(frame::echoReply(ping, *ph, MacAddress{mac("0c00.0000.0001")}, Ipv4{ip("10.0.0.253")}));  // not ours
  const auto pong = frame::echoReply(ping, *ph, MacAddress{mac("0c00.0000.0001")}, Ipv4{ip("10.0.0.254")});
  REQUIRE(pong);
  const auto pp = frame::parse(*pong);
  CHECK(pp->dst.value == mac("0050.5600.0001"));
  CHECK(frame::checksum(frame::View(*pong).subspan(14, 20)) == 0);  // IPv4 header checksum holds
  CHECK(frame::checksum(frame::View(*pong).subspan(34, 16)) == 0);  // ICMP checksum holds
  CHECK((*pong)[34] == 0);                                           // echo reply
  CHECK((*pong)[14 + 12] == 10);                                     // source is now the SVI: 10.0.0.254
  CHECK((*pong)[14 + 15] == 254);
}
