// The UDP keepalive socket on loopback, port 0.
#include <catch2/catch.hpp>

#include <boost/asio/ip/udp.hpp>

#include "peerlink/transport/codec.h"
#include "peerlink/transport/udp_keepalive.h"
#include "tests/adapter/io_thread.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {
struct Seen {
  std::vector<KeepaliveMsg> rx;
  std::vector<std::string> malformed;
  int sent_ok = 0;
  int sent_failed = 0;
};
struct Sink : transport::UdpKeepalive::Sink {
  test::Recorder<Seen> rec;
  void keepaliveReceived(const KeepaliveMsg& m) override { rec.update([&](Seen& s) { s.rx.push_back(m); }); }
  void keepaliveMalformed(const std::string& e) override { rec.update([&](Seen& s) { s.malformed.push_back(e); }); }
  void keepaliveSent(bool ok, const std::string&) override {
    rec.update([&](Seen& s) { ok ? ++s.sent_ok : ++s.sent_failed; });
  }
};
}  // namespace

TEST_CASE("UdpKeepalive: datagrams go from source to destination and decode", "[adapter][keepalive]") {
  test::IoThread io;
  Sink sa, sb;
  transport::UdpKeepalive a(io.io(), sa), b(io.io(), sb);
  const auto [pa, pb] = io.run([&] {
    REQUIRE(a.open("127.0.0.1", 0));
    REQUIRE(b.open("127.0.0.1", 0));
    REQUIRE(a.setDestination("127.0.0.1", b.localPort()));
    REQUIRE(b.setDestination("127.0.0.1", a.localPort()));
    return std::make_pair(a.localPort(), b.localPort());
  });
  CHECK(pa != 0);
  CHECK(pb != 0);
  KeepaliveMsg k;
  k.domain_id = 10;
  k.local_mac = MacAddress{0x0c0000000001};
  k.seq = 9;
  io.run([&] {
    a.send(k);
    return 0;
  });
  REQUIRE(sb.rec.waitFor([](const Seen& s) { return !s.rx.empty(); }));
  CHECK(sb.rec.snapshot().rx[0].seq == 9);
  CHECK(sb.rec.snapshot().rx[0].local_mac == k.local_mac);
  REQUIRE(sa.rec.waitFor([](const Seen& s) { return s.sent_ok == 1; }));

  SECTION("garbage from the peer's address is counted as malformed") {
    boost::asio::io_context local;
    boost::asio::ip::udp::socket raw(local, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    // Sent from another port of the same address: the source address is what counts.
    raw.send_to(boost::asio::buffer(std::string("\xff\xfe garbage")),
                boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), pb));
    REQUIRE(sb.rec.waitFor([](const Seen& s) { return !s.malformed.empty(); }));
  }
  SECTION("datagrams from another address are ignored") {
    boost::asio::io_context local;
    boost::asio::ip::udp::socket raw(local, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.2"), 0));
    const auto bytes = codec::encodeKeepalive(k);
    raw.send_to(boost::asio::buffer(bytes), boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), pb));
    // Then a genuine one: once it arrives, the foreign one (sent first) has been seen and dropped.
    io.run([&] {
      a.send(k);
      return 0;
    });
    REQUIRE(sb.rec.waitFor([](const Seen& s) { return s.rx.size() == 2; }));
    CHECK(io.run([&] { return b.stats().foreign; }) == 1);
    CHECK(sb.rec.snapshot().malformed.empty());
  }
  io.run([&] {
    a.close();
    b.close();
    return 0;
  });
}

TEST_CASE("UdpKeepalive: binding an address this host does not have is a clear error", "[adapter][keepalive]") {
  test::IoThread io;
  Sink s;
  transport::UdpKeepalive a(io.io(), s);
  auto st = io.run([&] { return a.open("192.0.2.1", 3200); });
  REQUIRE_FALSE(st);
  CHECK_THAT(st.error().message, Catch::Matchers::Contains("cannot bind the peer-keepalive socket to 192.0.2.1:3200"));
  CHECK_FALSE(io.run([&] { return a.setDestination("not-an-ip", 1); }));
}

TEST_CASE("UdpKeepalive: with a keepalive-key only datagrams with the right HMAC count", "[adapter][keepalive]") {
  test::IoThread io;
  Sink sa, sb;
  transport::UdpKeepalive a(io.io(), sa), b(io.io(), sb);
  const auto pb = io.run([&] {
    REQUIRE(a.open("127.0.0.1", 0));
    REQUIRE(b.open("127.0.0.1", 0));
    REQUIRE(a.setDestination("127.0.0.1", b.localPort()));
    REQUIRE(b.setDestination("127.0.0.1", a.localPort()));
    a.setKey("a shared secret of the pair");
    b.setKey("a shared secret of the pair");
    return b.localPort();
  });
  KeepaliveMsg k;
  k.domain_id = 10;
  k.local_mac = MacAddress{0x0c0000000001};
  k.seq = 9;
  io.run([&] {
    a.send(k);
    return 0;
  });
  REQUIRE(sb.rec.waitFor([](const Seen& s) { return s.rx.size() == 1; }));
  CHECK(sb.rec.snapshot().rx[0].seq == 9);
  // A forged datagram from the peer's address: a valid keepalive without the key's HMAC, then with a
  // wrong one.
  boost::asio::io_context local;
  boost::asio::ip::udp::socket raw(local, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto bytes = codec::encodeKeepalive(k);
  const boost::asio::ip::udp::endpoint to(boost::asio::ip::make_address("127.0.0.1"), pb);
  raw.send_to(boost::asio::buffer(bytes), to);
  raw.send_to(boost::asio::buffer(bytes + std::string(32, 'x')), to);
  REQUIRE(sb.rec.waitFor([](const Seen& s) { return s.malformed.size() == 2; }));
  CHECK(sb.rec.snapshot().malformed[0] == "authentication failed (keepalive-key)");
  CHECK(sb.rec.snapshot().rx.size() == 1);
  CHECK(io.run([&] { return b.stats().unauthenticated; }) == 2);
  io.run([&] {
    a.close();
    b.close();
    return 0;
  });
}
