#include <catch2/catch.hpp>

#include "switch/core/role_election.h"

using namespace vpc;

namespace {
MacAddress mac(std::uint64_t v) { return MacAddress{v}; }
}  // namespace

TEST_CASE("electRole: lower priority wins, the lower local MAC breaks ties, sticky beats both", "[role][unit]") {
  using R = Role;
  // self {prio, mac, sticky, current}, peer {...}, expected configured, expected operational
  auto [self, peer, configured, operational] = GENERATE(table<RoleCandidate, RoleCandidate, Role, Role>({
      {{100, mac(2), false, R::None}, {200, mac(1), false, R::None}, R::Primary, R::Primary},
      {{200, mac(1), false, R::None}, {100, mac(2), false, R::None}, R::Secondary, R::Secondary},
      {{100, mac(1), false, R::None}, {100, mac(2), false, R::None}, R::Primary, R::Primary},
      {{100, mac(2), false, R::None}, {100, mac(1), false, R::None}, R::Secondary, R::Secondary},
      {{32667, mac(0x0ce900001b08), false, R::None}, {32667, mac(0x0cd200001b08), false, R::None}, R::Secondary,
       R::Secondary},
      // A rejoining switch with the better priority meets a peer that stayed up as operational primary.
      {{100, mac(1), false, R::None}, {200, mac(2), true, R::Primary}, R::Primary, R::Secondary},
      {{200, mac(2), true, R::Primary}, {100, mac(1), false, R::None}, R::Secondary, R::Primary},
      // Sticky only counts while the switch actually holds the primary role.
      {{200, mac(2), true, R::Secondary}, {100, mac(1), false, R::None}, R::Secondary, R::Secondary},
      // Both sticky (dual-active recovery with both having taken over): priorities decide.
      {{200, mac(2), true, R::Primary}, {100, mac(1), true, R::Primary}, R::Secondary, R::Secondary},
      // A plain peer-link flap between established roles: the election just repeats (non-preemptive
      // sticky aside, priorities decide and give the same answer).
      {{100, mac(1), false, R::Primary}, {200, mac(2), false, R::Secondary}, R::Primary, R::Primary},
  }));
  const auto e = electRole(self, peer);
  CHECK(e.configured == configured);
  CHECK(e.operational == operational);
  // Both sides compute complementary answers from the same two candidates.
  const auto mirror = electRole(peer, self);
  CHECK(mirror.operational != e.operational);
  CHECK(mirror.configured != e.configured);
  CHECK((e.why.kind == CauseKind::RolePriority || e.why.kind == CauseKind::RoleMacTieBreak || e.why.kind == CauseKind::StickyKeeps));
}

TEST_CASE("roleDisplay: NX-OS wording for configured vs operational role", "[role][unit]") {
  CHECK(roleDisplay(Role::None, Role::None) == "none established");
  CHECK(roleDisplay(Role::Primary, Role::Primary) == "primary");
  CHECK(roleDisplay(Role::Secondary, Role::Secondary) == "secondary");
  CHECK(roleDisplay(Role::Primary, Role::Secondary) == "primary, operational secondary");
  CHECK(roleDisplay(Role::Secondary, Role::Primary) == "secondary, operational primary");
}
