// LACP's machines in virtual time: two vPC switches (one member each, the same vPC system identity)
// and a server whose bond has a link to each, wired port to port; every 10 ms each port's timers run
// and what it sends reaches the other end.
#include <algorithm>

#include <catch2/catch.hpp>

#include "switch/core/lacp.h"

using namespace vpc;
using namespace vpc::lacp;
using namespace std::chrono_literals;

namespace {

const MacAddress kVpcSystem{0x002304eebe0aULL}, kServer{0x525400aa0001ULL};

PortConfig switchPort(MacAddress system, std::uint16_t port, bool fast = false, bool active = true) {
  return PortConfig{active, fast, Info{0x7f9b, system, 0x800a, 0x8000, port, 0}, {}};
}
PortConfig serverPort(std::uint16_t port, bool fast = false) {
  return PortConfig{true, fast, Info{0xffff, kServer, 9, 0xff, port, 0}, {}};
}

struct Lab {
  Group leaf[2];
  Group server;
  bool wire_up[2] = {true, true};     // the cable carries PDUs
  bool server_speaks[2] = {true, true};  // the server's end sends LACPDUs
  TimePoint now{};
  std::vector<MemberChange> changes[3];

  explicit Lab(MacAddress sys1 = kVpcSystem, MacAddress sys2 = kVpcSystem, bool fast = false) {
    leaf[0].ports().emplace_back(switchPort(sys1, 0x0101, fast));
    leaf[1].ports().emplace_back(switchPort(sys2, 0x4101, fast));
    server.ports().emplace_back(serverPort(1, fast));
    server.ports().emplace_back(serverPort(2, fast));
    for (int i = 0; i < 2; ++i) {
      leaf[i].ports()[0].link(true, now);
      server.ports()[static_cast<std::size_t>(i)].link(true, now);
    }
  }
  void step() {
    for (int i = 0; i < 2; ++i) {
      auto& sw = leaf[i].ports()[0];
      auto& host = server.ports()[static_cast<std::size_t>(i)];
      sw.tick(now);
      host.tick(now);
      if (auto pdu = sw.transmit(now); pdu && wire_up[i]) host.received(*pdu, now);
      if (auto pdu = host.transmit(now); pdu && wire_up[i] && server_speaks[i]) sw.received(*pdu, now);
    }
    for (int i = 0; i < 2; ++i)
      for (auto& c : leaf[i].update(now)) changes[i].push_back(c);
    for (auto& c : server.update(now)) changes[2].push_back(c);
    now += 10ms;
  }
  void runFor(Duration d) {
    const auto end = now + d;
    while (now < end) step();
  }
  Member sw(int i) const { return leaf[i].member(0); }
  Member host(int i) const { return server.member(static_cast<std::size_t>(i)); }
};

}  // namespace

TEST_CASE("LACP: both vPC switches speak as one system, the server bundles a link to each",
          "[lacp][unit]") {
  Lab lab;
  lab.runFor(5s);
  CHECK(lab.sw(0) == Member::Bundled);
  CHECK(lab.sw(1) == Member::Bundled);
  CHECK(lab.host(0) == Member::Bundled);
  CHECK(lab.host(1) == Member::Bundled);
  // The server sees one partner: the vPC system, one key; each switch sees the server.
  REQUIRE(lab.server.partner());
  CHECK(lab.server.partner()->system == kVpcSystem);
  CHECK(lab.server.ports()[0].partner().port != lab.server.ports()[1].partner().port);
  CHECK(lab.leaf[0].ports()[0].partner().system == kServer);
  CHECK(lab.leaf[0].ports()[0].rx() == RxState::Current);
  // The events say why.
  REQUIRE_FALSE(lab.changes[0].empty());
  CHECK(lab.changes[0].back().to == Member::Bundled);
  CHECK(lab.changes[0].back().reason.find("collecting and distributing") != std::string::npos);
}

TEST_CASE("LACP: two different system identities (vPC domains differ) - the server bundles one link only",
          "[lacp][unit]") {
  Lab lab(kVpcSystem, MacAddress{0x002304eebe0bULL});
  lab.runFor(5s);
  CHECK(lab.host(0) == Member::Bundled);
  CHECK(lab.host(1) == Member::Suspended);
  CHECK(lab.sw(1) != Member::Bundled);  // its partner never gets in sync with it
  bool said = false;
  for (const auto& c : lab.changes[2]) said = said || c.reason.find("is not the port-channel's") != std::string::npos;
  CHECK(said);
}

TEST_CASE("LACP: a partner that never speaks - suspended (suspend-individual) or individual", "[lacp][unit]") {
  Lab lab;
  lab.server_speaks[1] = false;
  lab.runFor(2900ms);
  CHECK(lab.sw(1) == Member::Suspended);  // waiting, not yet defaulted
  CHECK(lab.leaf[1].ports()[0].rx() == RxState::Expired);
  lab.runFor(200ms);  // 3 s without an LACPDU
  CHECK(lab.leaf[1].ports()[0].rx() == RxState::Defaulted);
  CHECK(lab.sw(1) == Member::Suspended);
  CHECK(lab.changes[1].back().reason.find("no LACPDU from the partner") != std::string::npos);
  CHECK(lab.changes[1].back().reason.find("suspend-individual") != std::string::npos);
  lab.leaf[1].configure(GroupConfig{false});
  lab.step();
  CHECK(lab.sw(1) == Member::Individual);
}

TEST_CASE("LACP: a partner that goes silent times out - 3 s at the fast rate, 90 s at the slow one",
          "[lacp][unit]") {
  SECTION("fast") {
    // The partner sends every second (we asked: our Timeout bit); the last one came at most 1 s
    // before it went silent, and we wait 3 s after the last one.
    Lab lab(kVpcSystem, kVpcSystem, true);
    lab.runFor(5s);
    REQUIRE(lab.sw(1) == Member::Bundled);
    lab.server_speaks[1] = false;
    lab.runFor(1900ms);
    CHECK(lab.sw(1) == Member::Bundled);
    lab.runFor(1200ms);
    CHECK(lab.leaf[1].ports()[0].rx() == RxState::Expired);
    CHECK(lab.sw(1) != Member::Bundled);
    CHECK(lab.changes[1].back().reason.find("within 3 s") != std::string::npos);
  }
  SECTION("slow") {
    // Every 30 s, 90 s of patience: silence shows between 60 and 90 s after the last word.
    Lab lab;
    lab.runFor(5s);
    REQUIRE(lab.sw(1) == Member::Bundled);
    lab.server_speaks[1] = false;
    lab.runFor(59s);
    CHECK(lab.sw(1) == Member::Bundled);
    lab.runFor(32s);
    CHECK(lab.leaf[1].ports()[0].rx() != RxState::Current);
    CHECK(lab.sw(1) != Member::Bundled);
    CHECK(lab.changes[1].back().reason.find("within 90 s") != std::string::npos);
  }
}

TEST_CASE("LACP: a leg held out by vPC leaves the server's bundle, and comes back after the aggregate wait",
          "[lacp][unit]") {
  Lab lab;
  lab.runFor(5s);
  REQUIRE(lab.host(1) == Member::Bundled);
  lab.leaf[1].holdOut(true, "vPC 10 suspended: peer-link down on the secondary");
  lab.runFor(100ms);
  CHECK(lab.sw(1) == Member::Suspended);
  CHECK(lab.changes[1].back().reason == "vPC 10 suspended: peer-link down on the secondary");
  CHECK_FALSE(lab.leaf[1].ports()[0].actor().state & kSynchronization);
  CHECK(lab.host(1) != Member::Bundled);  // the server saw it go out of sync
  CHECK(lab.host(0) == Member::Bundled);
  lab.leaf[1].holdOut(false, "");
  lab.runFor(1500ms);
  CHECK(lab.sw(1) != Member::Bundled);  // the aggregate wait (2 s)
  lab.runFor(1500ms);
  CHECK(lab.sw(1) == Member::Bundled);
  CHECK(lab.host(1) == Member::Bundled);
}

TEST_CASE("LACP: a link down is D and back up it bundles again, and two passive ends never talk", "[lacp][unit]") {
  Lab lab;
  lab.runFor(5s);
  lab.leaf[0].ports()[0].link(false, lab.now);
  lab.server.ports()[0].link(false, lab.now);
  lab.step();
  CHECK(lab.sw(0) == Member::Down);
  CHECK(lab.host(0) == Member::Down);
  CHECK(lab.host(1) == Member::Bundled);
  lab.leaf[0].ports()[0].link(true, lab.now);
  lab.server.ports()[0].link(true, lab.now);
  lab.runFor(3s);
  CHECK(lab.sw(0) == Member::Bundled);

  Group a, b;
  a.ports().emplace_back(switchPort(kVpcSystem, 1, false, false));
  b.ports().emplace_back(PortConfig{false, false, Info{0xffff, kServer, 9, 0xff, 1, 0}, {}});
  TimePoint t{};
  a.ports()[0].link(true, t);
  b.ports()[0].link(true, t);
  std::uint64_t sent = 0;
  for (int i = 0; i < 500; ++i, t += 10ms) {
    a.ports()[0].tick(t);
    b.ports()[0].tick(t);
    sent += a.ports()[0].transmit(t).has_value() + b.ports()[0].transmit(t).has_value();
    a.update(t);
    b.update(t);
  }
  CHECK(sent == 0);
  CHECK(a.member(0) == Member::Suspended);
}

TEST_CASE("LACP: never more than 3 LACPDUs a second from a port", "[lacp][unit]") {
  Port p(switchPort(kVpcSystem, 1));
  TimePoint t{};
  p.link(true, t);
  int sent = 0;
  for (int i = 0; i < 100; ++i) {
    p.configure(switchPort(kVpcSystem, static_cast<std::uint16_t>(i + 2)));  // a change each time: NTT
    sent += p.transmit(t + std::chrono::milliseconds(i)).has_value();
  }
  CHECK(sent == 3);
}

TEST_CASE("LACP: lacp max-bundle - members beyond it wait in hot-standby (H) and replace one that fails",
          "[lacp][unit]") {
  // One switch port-channel of three members to a server bond of three links; the switch (the lower
  // system ID) decides which ports come first: its lowest port numbers.
  Group sw(GroupConfig{true, 2});
  Group server;
  for (std::uint16_t i = 0; i < 3; ++i) {
    sw.ports().emplace_back(switchPort(kVpcSystem, static_cast<std::uint16_t>(0x0101 + i)));
    server.ports().emplace_back(serverPort(static_cast<std::uint16_t>(i + 1)));
  }
  TimePoint now{};
  bool wired[3] = {true, true, true};
  for (std::size_t i = 0; i < 3; ++i) {
    sw.ports()[i].link(true, now);
    server.ports()[i].link(true, now);
  }
  std::vector<MemberChange> changes;
  auto runFor = [&](Duration d) {
    for (const auto end = now + d; now < end; now += 10ms) {
      for (std::size_t i = 0; i < 3; ++i) {
        auto& a = sw.ports()[i];
        auto& b = server.ports()[i];
        a.tick(now);
        b.tick(now);
        if (auto pdu = a.transmit(now); pdu && wired[i]) b.received(*pdu, now);
        if (auto pdu = b.transmit(now); pdu && wired[i]) a.received(*pdu, now);
      }
      for (auto& c : sw.update(now)) changes.push_back(c);
      server.update(now);
    }
  };
  runFor(5s);
  CHECK(sw.member(0) == Member::Bundled);
  CHECK(sw.member(1) == Member::Bundled);
  CHECK(sw.member(2) == Member::Standby);
  CHECK(flag(sw.member(2)) == 'H');
  CHECK(server.member(2) != Member::Bundled);  // the server sees it out of sync: not collecting
  const auto standby = std::find_if(changes.begin(), changes.end(), [](const auto& c) { return c.to == Member::Standby; });
  REQUIRE(standby != changes.end());
  CHECK(standby->reason == "hot-standby: the port-channel bundles at most 2 members (lacp max-bundle)");
  // A bundled link fails: the standby member takes its place.
  wired[0] = false;
  sw.ports()[0].link(false, now);
  server.ports()[0].link(false, now);
  runFor(5s);
  CHECK(sw.member(0) == Member::Down);
  CHECK(sw.member(1) == Member::Bundled);
  CHECK(sw.member(2) == Member::Bundled);
}
