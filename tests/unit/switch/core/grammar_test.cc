#include <catch2/catch.hpp>

#include "switch/core/grammar.h"

using namespace vpc;
using namespace vpc::grammar;

namespace {
Grammar sample() {
  Grammar g;
  REQUIRE_FALSE(g.add(1, "show vpc"));
  REQUIRE_FALSE(g.add(2, "show vpc brief"));
  REQUIRE_FALSE(g.add(3, "show version"));
  REQUIRE_FALSE(g.add(4, "learn mac <mac:mac> [ count <count:1-1000> ] vlan <vlan:1-4094> interface <if:interface>"));
  REQUIRE_FALSE(g.add(5, "peer-keepalive destination <d:ipv4> { source <s:ipv4> | interval <i:400-10000> }*"));
  REQUIRE_FALSE(g.add(6, "description <text:line>"));
  REQUIRE_FALSE(g.add(7, "clear mac address-table dynamic"));
  REQUIRE_FALSE(g.add(8, "configure"));
  return g;
}
Match ok(const Grammar& g, const std::string& line) {
  auto r = g.match(line);
  INFO(line);
  REQUIRE(std::holds_alternative<Match>(r));
  return std::get<Match>(r);
}
MatchError bad(const Grammar& g, const std::string& line) {
  auto r = g.match(line);
  INFO(line);
  REQUIRE(std::holds_alternative<MatchError>(r));
  return std::get<MatchError>(r);
}
}  // namespace

TEST_CASE("Grammar: unique prefixes abbreviate keywords, as on NX-OS", "[grammar][unit]") {
  auto g = sample();
  CHECK(ok(g, "show vpc").command == 1);
  CHECK(ok(g, "sh vpc br").command == 2);
  CHECK(ok(g, "SHOW VPC BRIEF").command == 2);
  CHECK(ok(g, "show vers").command == 3);
  CHECK(ok(g, "  show   vpc  ").command == 1);
}

TEST_CASE("Grammar: an ambiguous prefix is reported at its column", "[grammar][unit]") {
  auto g = sample();
  auto e = bad(g, "show v");  // vpc or version
  CHECK(e.kind == MatchError::Kind::Ambiguous);
  CHECK(e.column == 6);
  CHECK(bad(g, "c").kind == MatchError::Kind::Ambiguous);  // clear or configure
}

TEST_CASE("Grammar: invalid and incomplete commands point at the right place", "[grammar][unit]") {
  auto g = sample();
  auto e = bad(g, "show vpx");
  CHECK(e.kind == MatchError::Kind::Invalid);
  CHECK(e.column == 6);
  CHECK(e.token == "vpx");
  e = bad(g, "show vpc brief extra");
  CHECK(e.kind == MatchError::Kind::Invalid);
  CHECK(e.column == 16);
  e = bad(g, "learn mac 0050.56aa.0001 vlan 10");
  CHECK(e.kind == MatchError::Kind::Incomplete);
  CHECK(bad(g, "").kind == MatchError::Kind::Empty);
}

TEST_CASE("Grammar: parameters are typed and range-checked", "[grammar][unit]") {
  auto g = sample();
  auto m = ok(g, "learn mac 00:50:56:AA:00:01 count 5 vlan 10 interface port-channel10");
  CHECK(m.command == 4);
  CHECK(m.mac("mac").dotted() == "0050.56aa.0001");
  CHECK(m.number("count") == 5);
  CHECK(m.number("vlan") == 10);
  CHECK(m.interface("if") == InterfaceId::portChannel(10));
  CHECK_FALSE(m.has("static"));

  SECTION("an interface may be written as two words") {
    CHECK(ok(g, "learn mac 0050.56aa.0001 vlan 10 interface port-channel 10").interface("if") ==
          InterfaceId::portChannel(10));
    CHECK(ok(g, "learn mac 0050.56aa.0001 vlan 10 int Eth 1/5").interface("if") == InterfaceId::ethernet(1, 5));
  }
  SECTION("out of range") {
    auto e = bad(g, "learn mac 0050.56aa.0001 vlan 4095 interface Po10");
    CHECK(e.kind == MatchError::Kind::BadValue);
    CHECK(e.column == 31);
    CHECK(e.message == "value 4095 out of range 1-4094");
  }
  SECTION("wrong type") {
    auto e = bad(g, "learn mac 0050.56aa.zzzz vlan 10 interface Po10");
    CHECK(e.kind == MatchError::Kind::BadValue);
    CHECK(e.column == 11);
  }
}

TEST_CASE("Grammar: option groups take any order, the last value wins", "[grammar][unit]") {
  auto g = sample();
  auto m = ok(g, "peer-keepalive destination 10.0.0.2 interval 500 source 10.0.0.1");
  CHECK(m.ipv4("d").str() == "10.0.0.2");
  CHECK(m.ipv4("s").str() == "10.0.0.1");
  CHECK(m.number("i") == 500);
  CHECK(ok(g, "peer-keepalive destination 10.0.0.2").values.size() == 1);
  CHECK(ok(g, "peer-keepalive destination 10.0.0.2 interval 500 interval 600").number("i") == 600);
}

TEST_CASE("Grammar: a line parameter takes the rest of the line verbatim", "[grammar][unit]") {
  auto g = sample();
  CHECK(ok(g, "description  Link to  host A ").text("text") == "Link to  host A");
}

TEST_CASE("Grammar: completion lists what may come next", "[grammar][unit]") {
  auto g = sample();
  std::vector<std::string> words;
  for (const auto& c : g.complete("show ")) words.push_back(c.word);
  CHECK(words == std::vector<std::string>{"version", "vpc"});
  words.clear();
  for (const auto& c : g.complete("show vpc ")) words.push_back(c.word);
  CHECK(words == std::vector<std::string>{"brief", "<cr>"});
  words.clear();
  for (const auto& c : g.complete("sh v")) words.push_back(c.word);
  CHECK(words == std::vector<std::string>{"version", "vpc"});
}

TEST_CASE("Grammar: malformed specs are refused", "[grammar][unit]") {
  Grammar g;
  CHECK(g.add(1, "show [ vpc"));
  CHECK(g.add(1, "show <x:nonsense>"));
  CHECK(g.add(1, "show <x>"));
  CHECK(g.add(1, "show }"));
  CHECK_FALSE(g.add(1, "show { a | b }*"));
  CHECK_FALSE(g.add(2, "port type { edge [ bpduguard | bpdufilter ] | network } default"));
  CHECK(std::holds_alternative<Match>(g.match("port type edge default")));
  CHECK(std::holds_alternative<Match>(g.match("port type edge bpduguard default")));
  CHECK(std::holds_alternative<Match>(g.match("port type network default")));
  CHECK(std::holds_alternative<MatchError>(g.match("port type network bpduguard default")));
}
