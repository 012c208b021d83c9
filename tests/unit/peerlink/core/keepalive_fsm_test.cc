#include <catch2/catch.hpp>

#include "peerlink/core/keepalive_fsm.h"
#include "tests/support/effects.h"
#include "tests/support/fake_clock.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {
KeepaliveMsg local() {
  KeepaliveMsg m;
  m.domain_id = 10;
  m.local_mac = MacAddress{1};
  m.boot_id = 11;
  return m;
}
KeepaliveMsg fromPeer(std::uint32_t domain = 10, std::uint64_t boot = 22) {
  KeepaliveMsg m;
  m.domain_id = domain;
  m.local_mac = MacAddress{2};
  m.boot_id = boot;
  return m;
}
}  // namespace

TEST_CASE("KeepaliveFsm: sends every interval and declares the peer alive on the first datagram",
          "[keepalive][unit]") {
  test::FakeClock clock;
  KeepaliveFsm fsm(KeepaliveConfig{1000ms, 5s, 3s});
  Effects out;
  fsm.enable(local(), clock.now(), out);
  CHECK(test::all<fx::SendKeepalive>(out).size() == 1);
  CHECK(fsm.state() == KeepaliveState::NeverAlive);
  CHECK(keepaliveStatusText(fsm.state()) == "peer is not reachable through peer-keepalive");
  CHECK(*fsm.nextDeadline() == clock.now() + 1000ms);

  out.clear();
  clock.advance(1000ms);
  fsm.tick(clock.now(), out);
  CHECK(test::all<fx::SendKeepalive>(out).size() == 1);
  CHECK(test::all<fx::SendKeepalive>(out)[0].msg.seq == 2);

  out.clear();
  clock.advance(10ms);
  fsm.datagramReceived(fromPeer(), clock.now(), out);
  CHECK(fsm.state() == KeepaliveState::Alive);
  CHECK(fsm.peerEverAlive());
  CHECK(keepaliveStatusText(fsm.state()) == "peer is alive");
  // Answered at once so that a peer which just started learns of us without waiting an interval.
  CHECK(test::all<fx::SendKeepalive>(out).size() == 1);
  CHECK(test::hasEvent(out, Subject::of(SubjectKind::Keepalive), "peer is alive"));
  CHECK(fsm.counters().rx == 1);
  CHECK(fsm.counters().transitions == 2);
}

TEST_CASE("KeepaliveFsm: declares the peer not reachable after `timeout` of silence, exactly once",
          "[keepalive][unit]") {
  test::FakeClock clock;
  KeepaliveFsm fsm(KeepaliveConfig{1000ms, 5s, 3s});
  Effects out;
  fsm.enable(local(), clock.now(), out);
  fsm.datagramReceived(fromPeer(), clock.now(), out);
  SECTION("a datagram inside the window keeps it alive") {
    clock.advance(4900ms);
    fsm.datagramReceived(fromPeer(), clock.now(), out);
    clock.advance(4900ms);
    out.clear();
    fsm.tick(clock.now(), out);
    CHECK(fsm.state() == KeepaliveState::Alive);
    CHECK_FALSE(test::hasEvent(out, Subject::of(SubjectKind::Keepalive), "peer is not reachable through peer-keepalive"));
  }
  SECTION("silence for the whole timeout") {
    while (clock.now() < TimePoint(std::chrono::hours(1)) + 5s) {
      clock.set(*fsm.nextDeadline());
      out.clear();
      fsm.tick(clock.now(), out);
    }
    CHECK(fsm.state() == KeepaliveState::NotReachable);
    CHECK(fsm.peerEverAlive());
    const auto transitions = fsm.counters().transitions;
    clock.advance(10s);
    fsm.tick(clock.now(), out);
    CHECK(fsm.counters().transitions == transitions);
  }
}

TEST_CASE("KeepaliveFsm: a datagram from another domain is not the peer", "[keepalive][unit]") {
  test::FakeClock clock;
  KeepaliveFsm fsm(KeepaliveConfig{});
  Effects out;
  fsm.enable(local(), clock.now(), out);
  fsm.datagramReceived(fromPeer(20), clock.now(), out);
  CHECK(fsm.state() == KeepaliveState::DomainMismatch);
  CHECK(keepaliveStatusText(fsm.state()) == "peer is alive, but domain IDs do not match");
  CHECK_FALSE(fsm.peerEverAlive());
  CHECK(fsm.counters().domain_mismatches == 1);
  fsm.datagramReceived(fromPeer(10), clock.now(), out);
  CHECK(fsm.state() == KeepaliveState::Alive);
}

TEST_CASE("KeepaliveFsm: a new boot id is a restarted peer, answered at once", "[keepalive][unit]") {
  test::FakeClock clock;
  KeepaliveFsm fsm(KeepaliveConfig{});
  Effects out;
  fsm.enable(local(), clock.now(), out);
  CHECK_FALSE(fsm.datagramReceived(fromPeer(10, 22), clock.now(), out));
  out.clear();
  CHECK_FALSE(fsm.datagramReceived(fromPeer(10, 22), clock.now(), out));
  CHECK(out.empty());
  CHECK(fsm.datagramReceived(fromPeer(10, 23), clock.now(), out));
  CHECK(test::all<fx::SendKeepalive>(out).size() == 1);
}

TEST_CASE("KeepaliveFsm: send failures read as NX-OS 'Suspended (Destination IP not reachable)'",
          "[keepalive][unit]") {
  test::FakeClock clock;
  KeepaliveFsm fsm(KeepaliveConfig{});
  Effects out;
  fsm.enable(local(), clock.now(), out);
  fsm.sendResult(false, clock.now(), out);
  CHECK(keepaliveStatusText(fsm.state()) == "Suspended (Destination IP not reachable)");
  fsm.sendResult(true, clock.now(), out);
  CHECK(fsm.state() == KeepaliveState::NeverAlive);
}

TEST_CASE("KeepaliveFsm: disabled ignores everything and has no deadline", "[keepalive][unit]") {
  test::FakeClock clock;
  KeepaliveFsm fsm(KeepaliveConfig{});
  Effects out;
  fsm.datagramReceived(fromPeer(), clock.now(), out);
  fsm.tick(clock.now(), out);
  CHECK(out.empty());
  CHECK_FALSE(fsm.nextDeadline());
  CHECK(keepaliveStatusText(fsm.state()) == "Disabled");
}

TEST_CASE("KeepaliveFsm: while the peer is alive, a datagram of another domain is counted and changes nothing",
          "[keepalive][unit]") {
  test::FakeClock clock;
  KeepaliveFsm fsm(KeepaliveConfig{1000ms, 5s, 3s});
  Effects out;
  fsm.enable(local(), clock.now(), out);
  fsm.datagramReceived(fromPeer(), clock.now(), out);
  REQUIRE(fsm.state() == KeepaliveState::Alive);
  out.clear();
  clock.advance(100ms);
  fsm.datagramReceived(fromPeer(20), clock.now(), out);  // a stray or a spoof from the peer's address
  CHECK(fsm.state() == KeepaliveState::Alive);
  CHECK(fsm.counters().domain_mismatches == 1);
  CHECK(fsm.counters().rx == 1);
  CHECK(test::events(out).empty());
  CHECK(fsm.lastFromPeer()->domain_id == 10);
  // Once the matching datagrams stop, the mismatch shows.
  clock.advance(5s);
  fsm.tick(clock.now(), out);
  fsm.datagramReceived(fromPeer(20), clock.now(), out);
  CHECK(fsm.state() == KeepaliveState::DomainMismatch);
  // Datagrams from other addresses are counted.
  fsm.datagramForeign();
  CHECK(fsm.counters().foreign == 1);
}
