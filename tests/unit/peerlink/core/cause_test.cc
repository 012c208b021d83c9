#include <catch2/catch.hpp>

#include <set>

#include "peerlink/core/cause.h"
#include "switch/core/explain.h"

using namespace vpc;

TEST_CASE("Cause: every kind has its own stable name and words", "[cause][unit]") {
  std::set<std::string> names;
  for (int k = 0; k <= static_cast<int>(CauseKind::SwitchStopped); ++k) {
    const auto kind = static_cast<CauseKind>(k);
    const std::string n(name(kind));
    INFO("kind " << k);
    CHECK(n != "unknown");
    CHECK(names.insert(n).second);  // unique: tools key on it
    CHECK_FALSE(describe(Cause{kind, {"a", "b", "c", "d"}}).empty());
  }
}

TEST_CASE("Cause: the arguments fill the words, the kind alone decides", "[cause][unit]") {
  const auto c = cause(CauseKind::HeartbeatTimeout, {"300"});
  CHECK(describe(c) == "no heartbeat for 300 ms");
  CHECK(describe(cause(CauseKind::Inconsistent, {"1", "MTU"})) ==
        "vPC type-1 configuration incompatible - MTU inconsistent");
  CHECK(c == cause(CauseKind::HeartbeatTimeout, {"300"}));
  CHECK_FALSE(c == cause(CauseKind::HeartbeatTimeout, {"150"}));
  const Causes chain{cause(CauseKind::PeerLinkIsDown), cause(CauseKind::SecondarySuspendsAll), c};
  CHECK(has(chain, CauseKind::SecondarySuspendsAll));
  CHECK_FALSE(has(chain, CauseKind::TookOver));
  CHECK(describe(chain).size() == 3);
}

TEST_CASE("explain: rules are found by cause kind, in chain order, without repeats", "[cause][explain][unit]") {
  const Causes chain{cause(CauseKind::PeerLinkIsDown), cause(CauseKind::SecondarySuspendsAll),
                     cause(CauseKind::PeerLinkDown), cause(CauseKind::HeartbeatTimeout, {"300"}),
                     cause(CauseKind::PeerLinkIsDown)};
  const auto rules = rulesFor(chain);
  REQUIRE(rules.size() == 3);  // PeerLinkDown is a plain fact; the repeat adds nothing
  CHECK(rules[0].rfind("A vPC needs the peer-link", 0) == 0);
  CHECK(rules[1].rfind("Peer-link loss: the operational secondary", 0) == 0);
  CHECK(rules[2].rfind("A peer-link silent for the heartbeat timeout", 0) == 0);
  // The same cause in other words has the same rule: wording never decides.
  CHECK(rulesFor({cause(CauseKind::HeartbeatTimeout, {"150"})}) == rulesFor({cause(CauseKind::HeartbeatTimeout, {"5"})}));
  // A Type-2 mismatch only warns; a Type-1 suspends.
  CHECK(rulesFor({cause(CauseKind::Inconsistent, {"2", "MAC Aging Time"})})[0].rfind("Type-2", 0) == 0);
  CHECK(rulesFor({cause(CauseKind::Inconsistent, {"1", "MTU"})})[0].rfind("Type-1", 0) == 0);
}
