// The peer-link codec: everything round-trips, and anything malformed is rejected whole.
#include <catch2/catch.hpp>

#include "peerlink/core/interface_id.h"
#include "peerlink/transport/codec.h"

using namespace vpc;

namespace {
peer::Message roundTrip(const peer::Message& m) {
  v1::PeerMessage p;
  codec::toProto(m, &p);
  // Through the wire format too.
  v1::PeerMessage q;
  REQUIRE(q.ParseFromString(p.SerializeAsString()));
  auto back = codec::fromProto(q);
  if (!back) FAIL(back.error().message);
  return *back;
}
}  // namespace

TEST_CASE("codec: every peer message survives the round trip", "[codec][unit]") {
  peer::Hello h;
  h.domain_id = 10;
  h.system_mac = MacAddress{0x002304eebe0a};
  h.system_priority = 32667;
  h.local_mac = MacAddress{0x0c0000000001};
  h.role_priority = 100;
  h.operational_role_priority = 100;
  h.sticky = true;
  h.operational_role = Role::Primary;
  h.boot_id = 0xdeadbeefcafef00dULL;
  h.hostname = "leaf1";
  h.capabilities = kCapabilityArpSync;
  const auto h2 = std::get<peer::Hello>(roundTrip(h));
  CHECK(h2.domain_id == 10);
  CHECK(h2.local_mac == h.local_mac);
  CHECK(h2.sticky);
  CHECK(h2.operational_role == Role::Primary);
  CHECK(h2.boot_id == h.boot_id);
  CHECK(h2.hostname == "leaf1");

  peer::MacBatch b;
  b.seq = 42;
  b.records = {{macKey(10, 0x005056aa0001), InterfaceId::vpc(10).code(), 0},
               {macKey(20, 0x005056aa0002), InterfaceId::ethernet(1, 5).code(), kRecordStatic},
               {macKey(4094, 0xfeffffffffff), 0, kRecordDelete}};
  const auto b2 = std::get<peer::MacBatch>(roundTrip(b));
  REQUIRE(b2.records.size() == 3);
  CHECK(b2.seq == 42);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(b2.records[i].key == b.records[i].key);
    CHECK(b2.records[i].port == b.records[i].port);
    CHECK(b2.records[i].flags == b.records[i].flags);
  }

  peer::ArpBatch a;
  a.seq = 7;
  a.records = {{0x0a0a0032, 0x005056aa0001, 10, 0}, {0x0a0a0033, 0, 0, kRecordDelete}};
  const auto a2 = std::get<peer::ArpBatch>(roundTrip(a));
  CHECK(a2.records[0].ip == 0x0a0a0032);
  CHECK(a2.records[1].flags == kRecordDelete);

  peer::VpcState s;
  s.vpcs = {{10, "Po10", true, false, VlanSet::of({10, 20})}};
  s.vlans = VlanSet::of({1, 10, 20});
  const auto s2 = std::get<peer::VpcState>(roundTrip(s));
  CHECK(s2 == s);

  CHECK(std::get<peer::SyncBegin>(roundTrip(peer::SyncBegin{3, 100, 5, 6})).next_seq == 100);
  CHECK(std::get<peer::SyncEnd>(roundTrip(peer::SyncEnd{3})).epoch == 3);
  CHECK(std::get<peer::Ack>(roundTrip(peer::Ack{99})).seq == 99);
  CHECK(std::get<peer::Goodbye>(roundTrip(peer::Goodbye{"bye"})).reason == "bye");
  CHECK(std::get<peer::ResyncRequest>(roundTrip(peer::ResyncRequest{"gap"})).reason == "gap");
  CHECK(std::get<peer::Heartbeat>(roundTrip(peer::Heartbeat{1, 2, 3, 4})).echo_hold_ns == 4);
}

TEST_CASE("codec: malformed batches are rejected as a whole with a reason", "[codec][unit]") {
  auto valid = [] {
    v1::PeerMessage p;
    auto* b = p.mutable_mac_batch();
    b->set_seq(5);
    for (int i = 0; i < 3; ++i) {
      b->add_mac(0x005056aa0001ULL + static_cast<unsigned>(i));
      b->add_vlan(10);
      b->add_port(InterfaceId::vpc(10).code());
      b->add_flags(0);
    }
    return p;
  };
  REQUIRE(codec::fromProto(valid()));
  auto check = [](const v1::PeerMessage& p, const std::string& fragment) {
    auto r = codec::fromProto(p);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Matchers::Contains(fragment));
  };
  auto p = valid();
  p.mutable_mac_batch()->add_mac(1);
  check(p, "columns of different lengths");
  p = valid();
  p.mutable_mac_batch()->set_vlan(1, 4095);
  check(p, "record 1: invalid MAC, VLAN or flags");
  p = valid();
  p.mutable_mac_batch()->set_mac(2, 1ULL << 48);
  check(p, "record 2");
  p = valid();
  p.mutable_mac_batch()->set_port(0, 0xffffffffu);
  check(p, "invalid port code");
  p = valid();
  p.mutable_mac_batch()->set_port(0, InterfaceId::vlan(10).code());  // not a port a MAC is learned on
  check(p, "invalid port code");
  // Port codes are checked once per run of the same code: a bad one after good ones is still caught,
  // and a deletion's port (unused) does not count as checked.
  p = valid();
  p.mutable_mac_batch()->set_port(2, InterfaceId::vlan(10).code());
  check(p, "record 2: invalid port code");
  p = valid();
  p.mutable_mac_batch()->set_flags(0, 1);  // a deletion: its port is not read
  p.mutable_mac_batch()->set_port(0, InterfaceId::vlan(10).code());
  p.mutable_mac_batch()->set_port(1, InterfaceId::vlan(10).code());
  check(p, "record 1: invalid port code");
  p = valid();
  p.mutable_mac_batch()->set_flags(0, 8);
  check(p, "flags");
  check(v1::PeerMessage{}, "no body");
  v1::PeerMessage hello;
  hello.mutable_hello()->set_domain_id(0);
  check(hello, "domain id 0 out of range");
  v1::PeerMessage arp;
  arp.mutable_arp_batch()->add_ip(1);
  check(arp, "columns of different lengths");
}

TEST_CASE("codec: keepalive datagrams round-trip, garbage is refused", "[codec][unit]") {
  KeepaliveMsg k;
  k.domain_id = 10;
  k.system_mac = MacAddress{0x002304eebe0a};
  k.local_mac = MacAddress{0x0c0000000001};
  k.role = Role::Secondary;
  k.seq = 77;
  k.peer_link_up = true;
  k.boot_id = 5;
  const auto bytes = codec::encodeKeepalive(k);
  auto back = codec::decodeKeepalive(bytes.data(), bytes.size());
  REQUIRE(back);
  CHECK(back->seq == 77);
  CHECK(back->role == Role::Secondary);
  CHECK(back->peer_link_up);
  const char garbage[] = "\xff\xff\xff\xff not a protobuf";
  CHECK_FALSE(codec::decodeKeepalive(garbage, sizeof garbage));
  CHECK_FALSE(codec::decodeKeepalive("", 0));  // no local MAC: not a keepalive of ours
}
