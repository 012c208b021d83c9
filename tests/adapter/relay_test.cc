// The fault-injecting relays on loopback, port 0.
#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "labs/relay/relay.h"
#include "tests/adapter/io_thread.h"

using namespace vpc;
using namespace std::chrono_literals;
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
// A blocking echo server on its own thread.
struct EchoServer {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::thread thread;
  EchoServer() {
    thread = std::thread([this] {
      boost::system::error_code ec;
      tcp::socket s(io);
      acceptor.accept(s, ec);
      if (ec) return;
      char buf[256];
      for (;;) {
        const auto n = s.read_some(asio::buffer(buf), ec);
        if (ec) return;
        asio::write(s, asio::buffer(buf, n), ec);
        if (ec) return;
      }
    });
  }
  ~EchoServer() {
    boost::system::error_code ec;
    acceptor.close(ec);
    if (thread.joinable()) thread.join();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()); }
};

// Reads with a deadline: returns what arrived ("" on timeout), or "EOF".
std::string readFor(tcp::socket& s, std::chrono::milliseconds limit) {
  s.non_blocking(true);
  const auto end = std::chrono::steady_clock::now() + limit;
  char buf[256];
  while (std::chrono::steady_clock::now() < end) {
    boost::system::error_code ec;
    const auto n = s.read_some(asio::buffer(buf), ec);
    if (!ec) return std::string(buf, n);
    if (ec == asio::error::eof || ec == asio::error::connection_reset) return "EOF";
    std::this_thread::sleep_for(2ms);
  }
  return "";
}
}  // namespace

TEST_CASE("TcpRelay: passes, stalls silently when cut, delivers on restore, closes when shut", "[adapter][relay]") {
  EchoServer echo;
  test::IoThread io;
  labs::TcpRelay relay(io.io(), "127.0.0.1:0", echo.address());
  REQUIRE(io.run([&] { return relay.start(); }));
  const auto addr = io.run([&] { return relay.address(); });
  asio::io_context local;
  tcp::socket client(local);
  const auto colon = addr.rfind(':');
  client.connect(tcp::endpoint(asio::ip::make_address(addr.substr(0, colon)),
                               static_cast<unsigned short>(std::stoi(addr.substr(colon + 1)))));
  asio::write(client, asio::buffer(std::string("hello")));
  CHECK(readFor(client, 2000ms) == "hello");

  io.run([&] {
    relay.setMode(labs::PathMode::Cut);
    return 0;
  });
  asio::write(client, asio::buffer(std::string("during cut")));
  CHECK(readFor(client, 300ms).empty());  // nothing, and no EOF: a silent cut
  io.run([&] {
    relay.setMode(labs::PathMode::Pass);
    return 0;
  });
  CHECK(readFor(client, 2000ms) == "during cut");  // held, not lost

  io.run([&] {
    relay.setMode(labs::PathMode::Shut);
    return 0;
  });
  CHECK(readFor(client, 2000ms) == "EOF");
  CHECK(io.run([&] { return relay.stats().closed; }) == 1);
}

TEST_CASE("UdpRelay: forwards between its two sides and drops when cut", "[adapter][relay]") {
  test::IoThread io;
  asio::io_context local;
  using asio::ip::udp;
  udp::socket a(local, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  udp::socket b(local, udp::endpoint(asio::ip::make_address("127.0.0.2"), 0));
  labs::UdpRelay relay(io.io(), "127.0.0.3:0", "127.0.0.1:" + std::to_string(a.local_endpoint().port()),
                       "127.0.0.4:0", "127.0.0.2:" + std::to_string(b.local_endpoint().port()));
  REQUIRE(io.run([&] { return relay.start(); }));
  const auto [pa, pb] = io.run([&] { return std::make_pair(relay.aPort(), relay.bPort()); });
  auto recv = [](udp::socket& s, std::chrono::milliseconds limit, udp::endpoint& from) {
    s.non_blocking(true);
    const auto end = std::chrono::steady_clock::now() + limit;
    char buf[64];
    while (std::chrono::steady_clock::now() < end) {
      boost::system::error_code ec;
      const auto n = s.receive_from(asio::buffer(buf), from, 0, ec);
      if (!ec) return std::string(buf, n);
      std::this_thread::sleep_for(2ms);
    }
    return std::string();
  };
  a.send_to(asio::buffer(std::string("ka-1")), udp::endpoint(asio::ip::make_address("127.0.0.3"), pa));
  udp::endpoint from;
  CHECK(recv(b, 2000ms, from) == "ka-1");
  CHECK(from.address().to_string() == "127.0.0.4");  // B sees it from B's side of the relay
  b.send_to(asio::buffer(std::string("ka-2")), udp::endpoint(asio::ip::make_address("127.0.0.4"), pb));
  CHECK(recv(a, 2000ms, from) == "ka-2");
  io.run([&] {
    relay.setMode(labs::PathMode::Cut);
    return 0;
  });
  a.send_to(asio::buffer(std::string("ka-3")), udp::endpoint(asio::ip::make_address("127.0.0.3"), pa));
  CHECK(recv(b, 200ms, from).empty());
  CHECK(io.run([&] { return relay.stats().dropped; }) == 1);
}

TEST_CASE("TcpRelay: a delay with jitter holds every chunk but keeps the byte order", "[adapter][relay]") {
  EchoServer echo;
  test::IoThread io;
  labs::TcpRelay relay(io.io(), "127.0.0.1:0", echo.address());
  REQUIRE(io.run([&] { return relay.start(); }));
  io.run([&] {
    relay.setImpairment({50, 20, 0, 7});
    return 0;
  });
  const auto addr = io.run([&] { return relay.address(); });
  asio::io_context local;
  tcp::socket client(local);
  const auto colon = addr.rfind(':');
  client.connect(tcp::endpoint(asio::ip::make_address(addr.substr(0, colon)),
                               static_cast<unsigned short>(std::stoi(addr.substr(colon + 1)))));
  std::string sent;
  for (int i = 0; i < 2000; ++i) sent += std::to_string(i) + ",";
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t at = 0; at < sent.size(); at += 100)  // many small writes: many chunks, many draws
    asio::write(client, asio::buffer(sent.substr(at, 100)));
  std::string got;
  const auto end = t0 + 10s;
  while (got.size() < sent.size() && std::chrono::steady_clock::now() < end) {
    const auto part = readFor(client, 100ms);
    if (part == "EOF") break;
    got += part;
  }
  CHECK(got == sent);  // echoed through the relay both ways, in order
  // Each direction holds a chunk at least delay - jitter = 30 ms (a lower bound only).
  CHECK(std::chrono::steady_clock::now() - t0 >= 60ms);
  CHECK(io.run([&] { return relay.stats().delayed; }) > 0);
}

TEST_CASE("UdpRelay: seeded loss drops the same datagrams every run, delay holds them", "[adapter][relay]") {
  using asio::ip::udp;
  auto lossRun = [](std::uint64_t seed) {
    test::IoThread io;
    asio::io_context local;
    udp::socket a(local, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    udp::socket b(local, udp::endpoint(asio::ip::make_address("127.0.0.2"), 0));
    labs::UdpRelay relay(io.io(), "127.0.0.3:0", "127.0.0.1:" + std::to_string(a.local_endpoint().port()),
                         "127.0.0.4:0", "127.0.0.2:" + std::to_string(b.local_endpoint().port()));
    REQUIRE(io.run([&] { return relay.start(); }));
    io.run([&] {
      relay.setImpairment({0, 0, 50, seed});
      return 0;
    });
    const auto pa = io.run([&] { return relay.aPort(); });
    for (int i = 0; i < 200; ++i)
      a.send_to(asio::buffer(std::to_string(i)), udp::endpoint(asio::ip::make_address("127.0.0.3"), pa));
    // Every datagram is either forwarded or dropped; wait until all 200 are accounted for.
    const auto end = std::chrono::steady_clock::now() + 5s;
    labs::RelayStats st;
    do {
      st = io.run([&] { return relay.stats(); });
      if (st.datagrams + st.dropped == 200) break;
      std::this_thread::sleep_for(5ms);
    } while (std::chrono::steady_clock::now() < end);
    CHECK(st.datagrams + st.dropped == 200);
    std::vector<int> got;
    b.non_blocking(true);
    char buf[16];
    udp::endpoint from;
    boost::system::error_code ec;
    for (;;) {
      const auto n = b.receive_from(asio::buffer(buf), from, 0, ec);
      if (ec) break;
      got.push_back(std::stoi(std::string(buf, n)));
    }
    CHECK(got.size() == st.datagrams);
    return got;
  };
  const auto first = lossRun(42);
  CHECK(first.size() > 60);
  CHECK(first.size() < 140);
  CHECK(lossRun(42) == first);  // the same seed drops the same ones
  CHECK(lossRun(43) != first);

  test::IoThread io;
  asio::io_context local;
  udp::socket a(local, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  udp::socket b(local, udp::endpoint(asio::ip::make_address("127.0.0.2"), 0));
  labs::UdpRelay relay(io.io(), "127.0.0.3:0", "127.0.0.1:" + std::to_string(a.local_endpoint().port()),
                       "127.0.0.4:0", "127.0.0.2:" + std::to_string(b.local_endpoint().port()));
  REQUIRE(io.run([&] { return relay.start(); }));
  io.run([&] {
    relay.setImpairment({80, 0, 0, 0});
    return 0;
  });
  const auto pa = io.run([&] { return relay.aPort(); });
  const auto t0 = std::chrono::steady_clock::now();
  a.send_to(asio::buffer(std::string("late")), udp::endpoint(asio::ip::make_address("127.0.0.3"), pa));
  b.non_blocking(true);
  std::string got;
  char buf[16];
  udp::endpoint from;
  while (got.empty() && std::chrono::steady_clock::now() < t0 + 5s) {
    boost::system::error_code ec;
    const auto n = b.receive_from(asio::buffer(buf), from, 0, ec);
    if (!ec) got.assign(buf, n);
    else std::this_thread::sleep_for(1ms);
  }
  CHECK(got == "late");
  CHECK(std::chrono::steady_clock::now() - t0 >= 80ms);
}
