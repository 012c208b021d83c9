#include "switch/core/role_election.h"

namespace vpc {

namespace {
bool holdsSticky(const RoleCandidate& c) { return c.sticky && c.current_role == Role::Primary; }
Role opposite(bool wins) { return wins ? Role::Primary : Role::Secondary; }
}  // namespace

Election electRole(const RoleCandidate& self, const RoleCandidate& peer) {
  Election e;
  bool self_wins_config;
  if (self.role_priority != peer.role_priority) {
    self_wins_config = self.role_priority < peer.role_priority;
    e.why = cause(CauseKind::RolePriority,
                  {arg(self.role_priority), self_wins_config ? "<" : ">", arg(peer.role_priority)});
  } else {
    self_wins_config = self.local_mac < peer.local_mac;
    e.why = cause(CauseKind::RoleMacTieBreak, {arg(self.role_priority), self_wins_config ? "lower" : "higher",
                                               self.local_mac.colon(), peer.local_mac.colon()});
  }
  e.configured = opposite(self_wins_config);
  e.operational = e.configured;
  if (holdsSticky(self) != holdsSticky(peer)) {
    const bool self_wins = holdsSticky(self);
    e.operational = opposite(self_wins);
    if (e.operational != e.configured) e.why = cause(CauseKind::StickyKeeps, {self_wins ? "this switch" : "peer"});
  }
  return e;
}

std::string roleDisplay(Role configured, Role operational) {
  if (operational == Role::None) return "none established";
  if (configured == operational || configured == Role::None) return std::string(toString(operational));
  return std::string(toString(configured)) + ", operational " + std::string(toString(operational));
}

}  // namespace vpc
