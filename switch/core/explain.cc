#include "switch/core/explain.h"

#include <algorithm>

namespace vpc {

namespace {
struct Rule {
  const char* cue;  // a phrase that appears in the cause chain
  const char* rule;
};

// Ordered: the first cue found in a chain entry gives that entry's rule.
const Rule kRules[] = {
    {"secondary suspends",
     "Peer-link loss: the operational secondary suspends every vPC, every `vpc orphan-port suspend` port and "
     "every vPC-VLAN SVI at once; it ignores keepalives for hold-timeout, then listens for timeout: peer alive "
     "-> it stays suspended (Dual Active Detection Status 1), peer dead -> it becomes operational primary "
     "(sticky) and restores them."},
    {"primary keeps", "Peer-link loss: the primary changes nothing and keeps forwarding."},
    {"took over", "Peer declared dead: the secondary became operational primary and keeps the role (sticky bit) "
                  "when the peer returns, whatever the priorities."},
    {"delay restore",
     "Delay restore: a switch whose vPCs come up while the peer already forwards waits `delay restore` for its "
     "vPC legs, `delay restore interface-vlan` for its SVIs and `delay restore orphan-port` for its orphan "
     "ports, counted from the peer adjacency."},
    {"type-1 configuration incompatible",
     "Type-1 consistency: a mismatch suspends the vPC (a global one: every vPC); with graceful "
     "consistency-check only the operational secondary suspends."},
    {"graceful consistency-check is off", "Without graceful consistency-check both switches suspend on a Type-1 mismatch."},
    {"not configured on the peer", "A vPC forwards only when it is configured on both switches."},
    {"waiting for the peer's vPC state", "The consistency check runs once the peer's parameters arrive over the peer-link."},
    {"Consistency Check Not Performed", "No consistency check without the peer: the vPC waits."},
    {"no member port up", "A port-channel with no member up is down; a vPC whose local leg is down shows down* "
                          "and its traffic crosses the peer-link to the peer's leg (loop-avoidance exception)."},
    {"is down (shutdown)", "An administratively shut port-channel is down; a vPC whose local leg is down shows "
                           "down* and its traffic crosses the peer-link to the peer's leg."},
    {"never alive", "The peer-link forms only after the peer-keepalive has seen the peer at least once."},
    {"system priority mismatch", "Hello checks: the domain id, vPC system MAC and system priority must match on "
                                 "both switches, or the peer-link stays down."},
    {"no heartbeat", "A peer-link silent for the heartbeat timeout is down (a cut cable sends no FIN)."},
    {"peer closed the peer-link", "The peer closed the peer-link cleanly (Goodbye)."},
    {"connection reset", "The peer's process died: its peer-link connection was reset."},
    {"shut down", "Administratively shut down."},
    {"per-VLAN consistency", "Per-VLAN consistency: a VLAN with STP enabled on one switch only is suspended on "
                             "every vPC; the other VLANs and the vPC stay up."},
    {"so it is no vPC VLAN", "vPC VLANs are the VLANs the peer-link carries; only they are synchronised and "
                             "checked."},
    {"suspended (not allowed or inconsistent", "Per-VLAN consistency: VLANs not allowed on the peer, or with STP "
                                              "enabled on one switch only, are suspended; the vPC stays up."},
    {"waits for the peer adjacency",
     "Before the first peer adjacency a switch keeps its vPCs, vPC-VLAN SVIs and orphan-suspend ports down."},
    {"no vPC role yet", "Before the first peer adjacency a switch keeps its vPCs down."},
    {"auto-recovery", "Auto-recovery: a switch alone for reload-delay becomes primary (sticky) and brings its "
                      "vPCs up without a consistency check; a secondary that found the peer alive takes over "
                      "after 3 missed keepalives."},
    {"shutdown", "Administratively shut down."},
    {"Peer-link is down", "A vPC needs the peer-link: with it down only an operational primary forwards."},
    {"configured on both switches", "Up: the peer adjacency is formed and the vPC is configured consistently on "
                                    "both switches."},
    {"role priority", "Role election: the lower role priority becomes primary, on a tie the lower switch MAC; "
                      "a switch that took over keeps the role (sticky) until `vpc role preempt` or a reload."},
    {"Hello checks passed",
     "Peer adjacency: after the keepalive has seen the peer, the peer-link's Hello checks (domain id, system MAC, "
     "system priority, protocol version) pass and the roles are decided: lower role priority, then lower system "
     "MAC, becomes primary."},
};
}  // namespace

std::vector<std::string> rulesFor(const std::vector<std::string>& chain) {
  std::vector<std::string> out;
  for (const auto& cause : chain) {
    for (const auto& r : kRules) {
      if (cause.find(r.cue) == std::string::npos) continue;
      if (std::find(out.begin(), out.end(), r.rule) == out.end()) out.push_back(r.rule);
      break;
    }
  }
  return out;
}

}  // namespace vpc
