#include <catch2/catch.hpp>

#include "peerlink/core/session_fsm.h"
#include "tests/support/effects.h"
#include "tests/support/fake_clock.h"

using namespace vpc;
using namespace std::chrono_literals;

namespace {
peer::Hello hello(std::uint64_t mac, std::uint32_t prio) {
  peer::Hello h;
  h.domain_id = 10;
  h.system_mac = MacAddress{0x002304eebe0a};
  h.system_priority = 32667;
  h.local_mac = MacAddress{mac};
  h.role_priority = prio;
  h.hostname = "sw" + std::to_string(mac);
  return h;
}

// The FSM's mechanics with fast liveness timers (a 100 ms heartbeat, out after 300 ms; the default is
// LACP's fast rate, 1 s / 3 s) and a 2 s handshake.
SessionConfig fastTimers() {
  SessionConfig c;
  c.heartbeat_interval = 100ms;
  c.heartbeat_timeout = 300ms;
  return c;
}

struct Fixture {
  test::FakeClock clock;
  SessionFsm fsm{fastTimers()};
  Effects out;
  explicit Fixture(std::uint64_t self_mac = 1) {
    fsm.setLocalHello(hello(self_mac, 100));
    fsm.enable(clock.now(), out);
  }
};
}  // namespace

TEST_CASE("SessionFsm: waits for the keepalive, then the lower local MAC dials and sends Hello",
          "[session][unit]") {
  Fixture f(1);
  CHECK(f.fsm.state() == SessionState::WaitingForPeer);
  CHECK(f.fsm.downCauses().at(0).kind == CauseKind::PeerNeverAlive);
  CHECK_FALSE(test::contains<fx::ConnectPeer>(f.out));
  f.out.clear();
  f.fsm.peerAlive(MacAddress{2}, f.clock.now(), f.out);
  CHECK(f.fsm.state() == SessionState::Connecting);
  CHECK(f.fsm.dialer());
  const auto dials = test::all<fx::ConnectPeer>(f.out);
  REQUIRE(dials.size() == 1);
  CHECK(test::sent<peer::Hello>(f.out).size() == 1);
  CHECK(test::all<fx::SendPeer>(f.out)[0].conn == dials[0].conn);
}

TEST_CASE("SessionFsm: the higher local MAC waits to be dialed", "[session][unit]") {
  Fixture f(5);
  f.fsm.peerAlive(MacAddress{2}, f.clock.now(), f.out);
  CHECK_FALSE(f.fsm.dialer());
  CHECK_FALSE(test::contains<fx::ConnectPeer>(f.out));
  f.out.clear();
  auto facts = f.fsm.transportUp(kAcceptedConnBit | 1, f.clock.now(), f.out);
  CHECK_FALSE(facts.up);
  CHECK(test::sent<peer::Hello>(f.out).size() == 1);
  facts = f.fsm.onMessage(kAcceptedConnBit | 1, hello(2, 200), f.clock.now(), f.out);
  REQUIRE(facts.up);
  CHECK(facts.up->peer.role_priority == 200);  // the vPC manager elects from it
  CHECK(f.fsm.state() == SessionState::Syncing);
  CHECK(f.fsm.adjacent());
}

TEST_CASE("SessionFsm: a Hello before the keepalive ever saw the peer is refused (peer never alive)",
          "[session][unit]") {
  Fixture f(5);
  f.fsm.transportUp(kAcceptedConnBit | 1, f.clock.now(), f.out);
  f.out.clear();
  auto facts = f.fsm.onMessage(kAcceptedConnBit | 1, hello(2, 200), f.clock.now(), f.out);
  CHECK_FALSE(facts.up);
  CHECK(f.fsm.state() == SessionState::WaitingForPeer);
  REQUIRE(test::sent<peer::Goodbye>(f.out).size() == 1);
  CHECK(test::sent<peer::Goodbye>(f.out)[0].reason == "peer-keepalive not operational, peer never alive");
  CHECK(test::contains<fx::ClosePeer>(f.out));
  CHECK(f.fsm.counters().rejections == 1);
}

TEST_CASE("SessionFsm: Hello checks refuse a mismatch with the NX-OS reason and back off", "[session][unit]") {
  Fixture f(1);
  f.fsm.peerAlive(MacAddress{2}, f.clock.now(), f.out);
  const ConnId conn = f.fsm.conn();
  auto bad = hello(2, 200);
  SECTION("domain id") { bad.domain_id = 11; }
  SECTION("system priority") { bad.system_priority = 1; }
  SECTION("system MAC") { bad.system_mac = MacAddress{0x002304eebe0b}; }
  f.out.clear();
  auto facts = f.fsm.onMessage(conn, bad, f.clock.now(), f.out);
  CHECK_FALSE(facts.up);
  CHECK(f.fsm.state() == SessionState::Rejected);
  CHECK(f.fsm.downCauses().at(0).kind == CauseKind::HelloMismatch);
  CHECK(test::sent<peer::Goodbye>(f.out).at(0).reason == "vPC domain/system id /system priority mismatch");
  // Retries with backoff, and the rejection stands until a Hello passes.
  const auto first = *f.fsm.nextDeadline();
  f.clock.set(first);
  f.out.clear();
  f.fsm.tick(f.clock.now(), f.out);
  CHECK(test::contains<fx::ConnectPeer>(f.out));
  CHECK(f.fsm.state() == SessionState::Rejected);
  f.fsm.onMessage(f.fsm.conn(), bad, f.clock.now(), f.out);
  CHECK(*f.fsm.nextDeadline() - f.clock.now() > first - TimePoint(std::chrono::hours(1)));
}

TEST_CASE("SessionFsm: the same local MAC on both sides is refused", "[session][unit]") {
  CHECK(checkHello(hello(1, 100), hello(1, 200))->at(0).kind == CauseKind::SameLocalMac);
  CHECK_FALSE(checkHello(hello(1, 100), hello(2, 100)));
  auto v = hello(2, 100);
  v.protocol_version = 9;
  const auto version = checkHello(hello(1, 100), v);
  REQUIRE(version);
  CHECK(version->at(0).kind == CauseKind::ProtocolVersionMismatch);
  CHECK(version->at(0).args.at(0) == "9");
}

TEST_CASE("SessionFsm: silence past the heartbeat timeout brings the session down", "[session][unit]") {
  Fixture f(1);
  f.fsm.peerAlive(MacAddress{2}, f.clock.now(), f.out);
  const ConnId conn = f.fsm.conn();
  REQUIRE(f.fsm.onMessage(conn, hello(2, 200), f.clock.now(), f.out).up);
  f.clock.advance(250ms);
  f.fsm.onMessage(conn, peer::Heartbeat{1, 0, 0, 0}, f.clock.now(), f.out);
  SessionFacts facts;
  int heartbeats = 0;
  while (!facts.down) {
    f.clock.set(*f.fsm.nextDeadline());
    f.out.clear();
    facts = f.fsm.tick(f.clock.now(), f.out);
    heartbeats += static_cast<int>(test::sent<peer::Heartbeat>(f.out).size());
  }
  CHECK(f.clock.now() == TimePoint(std::chrono::hours(1)) + 250ms + 300ms);
  REQUIRE(facts.down->why.size() == 1);
  CHECK(facts.down->why[0] == cause(CauseKind::HeartbeatTimeout, {"300"}));
  CHECK(describe(facts.down->why[0]) == "no heartbeat for 300 ms");
  CHECK(heartbeats >= 2);
  CHECK(test::contains<fx::ClosePeer>(f.out));
  CHECK(f.fsm.state() == SessionState::Connecting);
  CHECK(f.fsm.counters().heartbeat_timeouts == 1);
}

TEST_CASE("SessionFsm: Goodbye, transport loss and messages on old connections", "[session][unit]") {
  Fixture f(1);
  f.fsm.peerAlive(MacAddress{2}, f.clock.now(), f.out);
  const ConnId conn = f.fsm.conn();
  REQUIRE(f.fsm.onMessage(conn, hello(2, 200), f.clock.now(), f.out).up);
  SECTION("Goodbye") {
    auto facts = f.fsm.onMessage(conn, peer::Goodbye{"vpcd stopped (SIGTERM)"}, f.clock.now(), f.out);
    REQUIRE(facts.down);
    CHECK(facts.down->why.at(0) == cause(CauseKind::PeerGoodbye, {"vpcd stopped (SIGTERM)"}));
  }
  SECTION("transport down") {
    auto facts = f.fsm.transportDown(conn, "connection reset by peer", f.clock.now(), f.out);
    REQUIRE(facts.down);
    CHECK(f.fsm.downCauses().at(0) == cause(CauseKind::TransportClosed, {"connection reset by peer"}));
    // It redials after the backoff.
    f.clock.set(*f.fsm.nextDeadline());
    f.out.clear();
    f.fsm.tick(f.clock.now(), f.out);
    CHECK(test::contains<fx::ConnectPeer>(f.out));
    // A message still in flight on the old connection is counted and ignored.
    const auto stale = f.fsm.counters().stale_messages;
    CHECK_FALSE(f.fsm.onMessage(conn, peer::Heartbeat{}, f.clock.now(), f.out).route);
    CHECK(f.fsm.counters().stale_messages == stale + 1);
  }
  SECTION("a sync message before the handshake is unexpected, not routed") {
    Fixture g(1);
    g.fsm.peerAlive(MacAddress{2}, g.clock.now(), g.out);
    CHECK_FALSE(g.fsm.onMessage(g.fsm.conn(), peer::MacBatch{1, {}}, g.clock.now(), g.out).route);
    CHECK(g.fsm.counters().unexpected_messages == 1);
  }
  SECTION("sync messages on an adjacent session are routed to the node") {
    CHECK(f.fsm.onMessage(conn, peer::MacBatch{1, {}}, f.clock.now(), f.out).route);
  }
}

namespace {
// An adjacent session on accepted connection 1 (this switch: MAC 5, the peer: MAC 2).
Fixture adjacent() {
  Fixture f(5);
  f.fsm.peerAlive(MacAddress{2}, f.clock.now(), f.out);
  f.fsm.transportUp(kAcceptedConnBit | 1, f.clock.now(), f.out);
  REQUIRE(f.fsm.onMessage(kAcceptedConnBit | 1, hello(2, 200), f.clock.now(), f.out).up);
  f.out.clear();
  return f;
}
constexpr ConnId kSession = kAcceptedConnBit | 1, kNew = kAcceptedConnBit | 2;
}  // namespace

TEST_CASE("SessionFsm: a new connection from the peer supersedes the session once its Hello passed",
          "[session][unit]") {
  auto f = adjacent();
  auto facts = f.fsm.transportUp(kNew, f.clock.now(), f.out);
  CHECK_FALSE(facts.down);  // nothing yet: anyone can connect
  CHECK(f.fsm.adjacent());
  CHECK(f.fsm.conn() == kSession);
  CHECK(test::all<fx::SendPeer>(f.out).at(0).conn == kNew);  // our Hello, so a real peer can go on
  f.out.clear();
  facts = f.fsm.onMessage(kNew, hello(2, 200), f.clock.now(), f.out);
  REQUIRE(facts.down);
  CHECK(facts.down->why.at(0).kind == CauseKind::Superseded);
  REQUIRE(facts.up);
  CHECK(test::all<fx::ClosePeer>(f.out).at(0).conn == kSession);
  CHECK(f.fsm.conn() == kNew);
  CHECK(f.fsm.adjacent());
  CHECK(f.fsm.counters().superseded == 1);
}

TEST_CASE("SessionFsm: a connection that cannot replace the session is refused and the session never notices",
          "[session][unit]") {
  auto f = adjacent();
  f.fsm.transportUp(kNew, f.clock.now(), f.out);
  f.out.clear();
  SessionFacts facts;
  std::uint64_t SessionCounters::*counter = nullptr;
  SECTION("a Hello that fails the checks (another domain)") {
    auto h = hello(2, 200);
    h.domain_id = 20;
    facts = f.fsm.onMessage(kNew, h, f.clock.now(), f.out);
    counter = &SessionCounters::refused_bad_hello;
  }
  SECTION("a Hello with this switch's own local MAC") {
    facts = f.fsm.onMessage(kNew, hello(5, 200), f.clock.now(), f.out);
    counter = &SessionCounters::refused_bad_hello;
  }
  SECTION("a sync message before any Hello") {
    facts = f.fsm.onMessage(kNew, peer::MacBatch{1, {}}, f.clock.now(), f.out);
    counter = &SessionCounters::refused_early;
  }
  SECTION("undecodable bytes") {
    CHECK(f.fsm.malformed(kNew, f.out));
    counter = &SessionCounters::refused_early;
  }
  SECTION("nothing at all within the handshake timeout") {
    // (the peer keeps the session alive meanwhile)
    for (int i = 0; i < 20; ++i) {
      f.clock.advance(f.fsm.handshakeTimeout() / 19);
      (void)f.fsm.onMessage(kSession, peer::Heartbeat{}, f.clock.now(), f.out);
      const auto t = f.fsm.tick(f.clock.now(), f.out);
      facts.down = facts.down ? facts.down : t.down;
    }
    counter = &SessionCounters::refused_silent;
  }
  CHECK_FALSE(facts.down);
  CHECK_FALSE(facts.up);
  CHECK(f.fsm.adjacent());
  CHECK(f.fsm.conn() == kSession);
  CHECK(f.fsm.counters().*counter == 1);
  CHECK(f.fsm.counters().refused_candidates == 1);
  CHECK(f.fsm.counters().downs == 0);
  const auto closed = test::all<fx::ClosePeer>(f.out);
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].conn == kNew);
  CHECK_FALSE(test::sent<peer::Goodbye>(f.out).empty());  // told why
  CHECK(test::events(f.out).empty());                       // not the session's business
  // The session carries on: its messages are still routed, its heartbeats keep it up.
  CHECK(f.fsm.onMessage(kSession, peer::MacBatch{1, {}}, f.clock.now(), f.out).route);
  CHECK_FALSE(f.fsm.malformed(kSession, f.out));  // the current connection's bytes are the node's business
}

TEST_CASE("SessionFsm: a new peer boot id on the keepalive alone never ends a live session", "[session][unit]") {
  auto f = adjacent();
  const auto facts = f.fsm.peerRestarted(f.clock.now(), f.out);
  CHECK_FALSE(facts.down);
  CHECK(f.fsm.adjacent());
  CHECK(f.fsm.counters().restart_hints == 1);
  CHECK(test::all<fx::ClosePeer>(f.out).empty());
}

TEST_CASE("SessionFsm: when the session ends, a connection waiting to replace it is the next attempt",
          "[session][unit]") {
  auto f = adjacent();
  f.fsm.transportUp(kNew, f.clock.now(), f.out);
  const auto facts = f.fsm.transportDown(kSession, "stream ended", f.clock.now(), f.out);
  REQUIRE(facts.down);
  CHECK(f.fsm.conn() == kNew);
  CHECK(f.fsm.onMessage(kNew, hello(2, 200), f.clock.now(), f.out).up);
}

TEST_CASE("SessionFsm: every failed attempt is an event with its cause, the connect timeout follows the handshake "
          "timeout",
          "[session][unit]") {
  Fixture f(1);
  f.fsm.peerAlive(MacAddress{2}, f.clock.now(), f.out);
  const auto dial = test::all<fx::ConnectPeer>(f.out).at(0);
  CHECK(dial.timeout == 2000ms);  // the configured hello timeout, not a transport default
  f.out.clear();

  SECTION("a transport that fails reports gRPC's reason, and the next dial follows the backoff") {
    (void)f.fsm.transportDown(dial.conn, "peer-link stream ended: UNAVAILABLE: connection refused", f.clock.now(),
                              f.out);
    const auto ev = test::events(f.out);
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].subject == Subject::of(SubjectKind::PeerLink));
    CHECK(ev[0].to == "attempt failed");
    CHECK(ev[0].causes.at(0) == cause(CauseKind::TransportClosed, {"peer-link stream ended: UNAVAILABLE: connection refused"}));
    CHECK(ev[0].causes.at(1) == cause(CauseKind::NextDial, {"100"}));
    f.out.clear();
    f.clock.advance(100ms);
    (void)f.fsm.tick(f.clock.now(), f.out);
    CHECK(test::all<fx::ConnectPeer>(f.out).size() == 1);
  }
  SECTION("no Hello within the handshake timeout: an attempt failed, the timeout stays (a cut path looks the same)") {
    f.clock.advance(2000ms);
    (void)f.fsm.tick(f.clock.now(), f.out);
    CHECK(test::hasEvent(f.out, Subject::of(SubjectKind::PeerLink), "attempt failed"));
    CHECK(f.fsm.handshakeTimeout() == 2000ms);
    CHECK(f.fsm.counters().failed_attempts == 1);
  }
  SECTION("Hellos exchanged but the peer's next message late: the path is slow, the timeout doubles") {
    const auto facts = f.fsm.onMessage(dial.conn, hello(2, 200), f.clock.now(), f.out);
    REQUIRE(facts.up);
    f.clock.advance(1500ms);  // past the 300 ms heartbeat timeout, inside the handshake's 2 s
    CHECK_FALSE(f.fsm.tick(f.clock.now(), f.out).down);
    f.clock.advance(500ms);
    const auto down = f.fsm.tick(f.clock.now(), f.out);
    REQUIRE(down.down);
    CHECK(down.down->why.at(0) == cause(CauseKind::HandshakeSilence, {"2000"}));
    CHECK(f.fsm.handshakeTimeout() == 4000ms);
    f.out.clear();
    f.clock.advance(1s);
    (void)f.fsm.tick(f.clock.now(), f.out);
    REQUIRE(test::all<fx::ConnectPeer>(f.out).size() == 1);
    CHECK(test::all<fx::ConnectPeer>(f.out)[0].timeout == 4000ms);
  }
}
