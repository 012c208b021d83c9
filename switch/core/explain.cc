#include "switch/core/explain.h"

#include <algorithm>

#include "switch/core/vpc_status.h"

namespace vpc {

namespace {

// The rule behind one cause, or null when the cause is a plain fact with no rule of its own.
const char* ruleFor(const Cause& c) {
  using K = CauseKind;
  switch (c.kind) {
    case K::SecondarySuspendsAll:
      return "Peer-link loss: the operational secondary suspends every vPC, every `vpc orphan-port suspend` port and "
             "every vPC-VLAN SVI at once; it ignores keepalives for hold-timeout, then listens for timeout: peer alive "
             "-> it stays suspended (Dual Active Detection Status 1), peer dead -> it becomes operational primary "
             "(sticky) and restores them.";
    case K::PrimaryKeeps: return "Peer-link loss: the primary changes nothing and keeps forwarding.";
    case K::TookOver:
    case K::PeerDeclaredDead:
      return "Peer declared dead: the secondary became operational primary and keeps the role (sticky bit) when the "
             "peer returns, whatever the priorities.";
    case K::DelayRestoreRunning:
    case K::DelayRestoreSviRunning:
    case K::DelayRestoreOrphanRunning:
    case K::DelayRestoreStarted:
      return "Delay restore: a switch whose vPCs come up while the peer already forwards waits `delay restore` for "
             "its vPC legs, `delay restore interface-vlan` for its SVIs and `delay restore orphan-port` for its "
             "orphan ports, counted from the peer adjacency.";
    case K::Inconsistent:
      if (!c.args.empty() && c.args[0] == "2")
        return "Type-2 consistency: a mismatch is only a warning; the vPC stays up.";
      return "Type-1 consistency: a mismatch suspends the vPC (a global one: every vPC); with graceful "
             "consistency-check only the operational secondary suspends.";
    case K::GracefulOffBothSuspend:
      return "Without graceful consistency-check both switches suspend on a Type-1 mismatch.";
    case K::NotConfiguredOnPeer: return "A vPC forwards only when it is configured on both switches.";
    case K::WaitingForPeerState:
    case K::WaitingForPeerParameters:
      return "The consistency check runs once the peer's parameters arrive over the peer-link.";
    case K::CheckNotPerformed: return "No consistency check without the peer: the vPC waits.";
    case K::LocalLegDown:
    case K::NoMemberUp:
      return "A port-channel with no member up is down; a vPC whose local leg is down shows down* and its traffic "
             "crosses the peer-link to the peer's leg (loop-avoidance exception).";
    case K::LocalLegShut:
      return "An administratively shut port-channel is down; a vPC whose local leg is down shows down* and its "
             "traffic crosses the peer-link to the peer's leg.";
    case K::PeerNeverAlive:
    case K::BringupFailedNeverAlive:
      return "The peer-link forms only after the peer-keepalive has seen the peer at least once.";
    case K::HelloMismatch:
    case K::ProtocolVersionMismatch:
      return "Hello checks: the domain id, vPC system MAC and system priority must match on both switches, or the "
             "peer-link stays down.";
    case K::HeartbeatTimeout: return "A peer-link silent for the heartbeat timeout is down (a cut cable sends no FIN).";
    case K::HelloTimeout:
    case K::HandshakeSilence:
      return "A peer-link attempt that does not complete its Hello exchange within the handshake timeout is given "
             "up and retried; a path that answers, but slowly, lengthens the timeout for the next attempt.";
    case K::PeerGoodbye: return "The peer closed the peer-link cleanly (Goodbye).";
    case K::TransportClosed:
      return "The peer-link's connection ended under it: the peer's process died or restarted, or the path broke.";
    case K::AdminShutdown:
    case K::PeerLinkShut: return "Administratively shut down.";
    case K::VlanStpMismatch:
    case K::StpVlansSuspended:
      return "Per-VLAN consistency: a VLAN with STP enabled on one switch only is suspended on every vPC; the other "
             "VLANs and the vPC stay up.";
    case K::VlanNotOnPeerLink:
      return "vPC VLANs are the VLANs the peer-link carries; only they are synchronised and checked.";
    case K::VlansSuspended:
    case K::VlanNotOnPeer:
      return "Per-VLAN consistency: VLANs not allowed on the peer, or with STP enabled on one switch only, are "
             "suspended; the vPC stays up.";
    case K::SviWaitsForAdjacency:
      return "Before the first peer adjacency a switch keeps its vPCs, vPC-VLAN SVIs and orphan-suspend ports down.";
    case K::NoRoleYet: return "Before the first peer adjacency a switch keeps its vPCs down.";
    case K::AutoRecoveryAlone:
    case K::AutoRecoveryMissed:
    case K::AutoRecoveryWaiting:
      return "Auto-recovery: a switch alone for reload-delay becomes primary (sticky) and brings its vPCs up without "
             "a consistency check; a secondary that found the peer alive takes over after 3 missed keepalives.";
    case K::PeerLinkIsDown: return "A vPC needs the peer-link: with it down only an operational primary forwards.";
    case K::ConfiguredOnBoth:
      return "Up: the peer adjacency is formed and the vPC is configured consistently on both switches.";
    case K::RolePriority:
    case K::RoleMacTieBreak:
    case K::StickyKeeps:
      return "Role election: the lower role priority becomes primary, on a tie the lower switch MAC; a switch that "
             "took over keeps the role (sticky) until `vpc role preempt` or a reload.";
    case K::HelloChecksPassed:
      return "Peer adjacency: after the keepalive has seen the peer, the peer-link's Hello checks (domain id, system "
             "MAC, system priority, protocol version) pass and the roles are decided: lower role priority, then "
             "lower system MAC, becomes primary.";
    case K::PeerLinkMemberDown:
    case K::PeerLinkPortDown:
      return "The peer-link's port-channel and its member ports are up only while the peer-link is: with it down "
             "the port-channel shows noOperMem and its members suspended, on both switches.";
    default: return nullptr;
  }
}

bool isSubject(const std::vector<Subject>& subjects, const Subject& s) {
  return std::find(subjects.begin(), subjects.end(), s) != subjects.end();
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& p : v) out += (out.empty() ? "" : ", ") + p;
  return out;
}

}  // namespace

std::vector<std::string> rulesFor(const Causes& chain) {
  std::vector<std::string> out;
  for (const auto& c : chain) {
    const char* rule = ruleFor(c);
    if (rule && std::find(out.begin(), out.end(), rule) == out.end()) out.push_back(rule);
  }
  return out;
}

Result<Explanation> explain(const NodeSnapshot& s, const Journal& journal, const ExplainQuery& q) {
  const auto& cfg = *s.config;
  Explanation x;
  std::vector<Subject> subjects;  // events worth showing: the subject and its usual causes
  switch (q.kind) {
    case ExplainQuery::Kind::Vpc: {
      const auto* row = s.status.vpc(q.vpc);
      if (!row) return notFound("vPC " + std::to_string(q.vpc) + " is not configured");
      x.subject = "vPC " + std::to_string(q.vpc) + " (" + row->port.shortName() + ")";
      x.status = std::string(toString(row->status)) +
                 (row->status == VpcStatus::Up ? " (active vlans " + row->active.str() + ")" : "");
      x.reason = reasonText(*row);
      x.chain = row->chain;
      subjects = {Subject::vpc(q.vpc), Subject::interface(row->port)};
      break;
    }
    case ExplainQuery::Kind::Interface: {
      const auto* port = s.status.port(q.iface);
      if (!port) return notFound("interface " + q.iface.longName() + " does not exist");
      x.subject = "interface " + q.iface.shortName();
      x.status = std::string(toString(port->state));
      x.chain = port->chain;
      subjects = {Subject::interface(q.iface)};
      if (const auto* ic = cfg.interface(q.iface); ic && ic->channel_group)
        subjects.push_back(Subject::interface(InterfaceId::portChannel(*ic->channel_group)));
      break;
    }
    case ExplainQuery::Kind::PeerLink: {
      x.subject = "peer-link";
      x.status = std::string(toString(s.status.peer));
      // While it is down, what keeps it down now (the last attempt's cause) comes first.
      if (s.adjacent()) x.chain = {cause(CauseKind::HelloChecksPassed)};
      else x.chain = s.session.down;
      if (!s.adjacent() && !x.chain.empty()) x.reason = describe(x.chain.front());
      subjects = {Subject::of(SubjectKind::PeerStatus), Subject::of(SubjectKind::PeerLink)};
      break;
    }
    case ExplainQuery::Kind::Vlan: {
      const std::uint16_t vlan = q.vlan;
      const std::string name = "VLAN " + std::to_string(vlan);
      if (!cfg.vlans.contains(vlan)) return notFound(name + " does not exist");
      x.subject = name;
      std::vector<std::string> forwarding, suspended;
      for (const auto& row : s.status.vpcs) {
        const auto* ic = cfg.vpcPort(row.id);
        if (!ic || !ic->carriedVlans().contains(vlan)) continue;
        subjects.push_back(Subject::vpc(row.id));
        const std::string port = row.port.shortName();
        if (row.status == VpcStatus::Up && row.active.contains(vlan)) {
          forwarding.push_back(port);
          continue;
        }
        suspended.push_back(port);
        if (row.status != VpcStatus::Up)
          x.chain.push_back(cause(CauseKind::VpcDownForVlan,
                                  {arg(row.id), port, std::string(toString(row.status)), reasonText(row)}));
        else if (s.consistency && s.consistency->stp_vlan_mismatch.contains(vlan))
          x.chain.push_back(cause(CauseKind::VlanStpMismatch, {arg(vlan), port}));
        else
          x.chain.push_back(cause(CauseKind::VlanNotOnPeer, {arg(vlan), port, arg(row.id)}));
      }
      const VlanSet vpc_vlans = vpcVlans(cfg);
      if (forwarding.empty() && suspended.empty()) x.status = vpc_vlans.contains(vlan) ? "on no vPC" : "not a vPC VLAN";
      if (!forwarding.empty()) x.status = "active on " + join(forwarding);
      if (!suspended.empty()) x.status += (x.status.empty() ? "" : "; ") + std::string("suspended on ") + join(suspended);
      if (!vpc_vlans.contains(vlan) && cfg.peerLink()) x.chain.push_back(cause(CauseKind::VlanNotOnPeerLink, {arg(vlan)}));
      subjects.push_back(Subject::interface(InterfaceId::vlan(vlan)));
      break;
    }
    case ExplainQuery::Kind::Role: {
      x.subject = "role";
      x.status = toString(s.status.role) + (s.role.sticky ? " (sticky)" : "");
      x.chain = s.role.why;
      subjects = {Subject::of(SubjectKind::Role), Subject::of(SubjectKind::Sticky)};
      break;
    }
  }
  x.rules = rulesFor(x.chain);
  // The causes that usually sit under a status change, then the subject's own events.
  for (auto kind : {SubjectKind::PeerLink, SubjectKind::Failover, SubjectKind::DelayRestore, SubjectKind::Config,
                    SubjectKind::Keepalive, SubjectKind::Role})
    if (!isSubject(subjects, Subject::of(kind))) subjects.push_back(Subject::of(kind));
  constexpr std::size_t kMaxEvents = 40;
  const auto& events = journal.events();
  for (auto it = events.rbegin(); it != events.rend() && x.events.size() < kMaxEvents; ++it)
    if (isSubject(subjects, it->subject)) x.events.push_back(*it);
  std::reverse(x.events.begin(), x.events.end());
  return x;
}

}  // namespace vpc
