#include "switch/core/syslog.h"

#include <optional>

#include "peerlink/core/keepalive_fsm.h"
#include "switch/core/failover_fsm.h"
#include "switch/core/state.h"

namespace vpc {

std::string SyslogMessage::tag() const {
  return "%" + facility + "-" + std::to_string(severity) + "-" + mnemonic;
}

namespace {

// Events carry their states as words: compare with the words the states are written in, never copies.
const std::string_view kAlive = keepaliveStatusText(KeepaliveState::Alive);
const std::string_view kNotReachable = keepaliveStatusText(KeepaliveState::NotReachable);
const std::string_view kAdjacencyOk = toString(PeerStatus::AdjacencyFormed);
const std::string_view kPeerLinkDown = toString(PeerStatus::LinkDown);
bool is(const std::string& words, PortState s) { return words == toString(s); }
bool is(const std::string& words, VpcStatus s) { return words == toString(s); }

std::optional<VlanSet> activeVlans(std::string_view words) {
  constexpr std::string_view prefix = "active vlans ";
  if (words.substr(0, prefix.size()) != prefix) return std::nullopt;
  words.remove_prefix(prefix.size());
  if (words.empty() || words == "-") return VlanSet{};
  return VlanSet::parse(words);
}

class Writer {
 public:
  Writer(const SwitchConfig& config) : config_(config), domain_(config.vpc_domain ? config.vpc_domain->id : 0) {}

  void event(const Event& e) {
    if (!held_.empty() && held_.front().at != e.at) flush();
    switch (e.subject.kind) {
      case SubjectKind::Keepalive: return keepalive(e);
      case SubjectKind::PeerLink: return peerLink(e);
      case SubjectKind::PeerStatus: return peerStatus(e);
      case SubjectKind::Role: return role(e);
      case SubjectKind::Failover: return failover(e);
      case SubjectKind::Vpc: return vpc(e);
      case SubjectKind::Interface: return interface(e);
      default: return;
    }
  }
  std::vector<SyslogMessage> take() {
    flush();
    return std::move(out_);
  }

 private:
  void add(const Event& e, const char* facility, int severity, const char* mnemonic, std::string text) {
    out_.push_back(SyslogMessage{e.at, e.seq, facility, severity, mnemonic, std::move(text)});
  }
  std::string inDomain() const { return "In domain " + std::to_string(domain_) + ", "; }
  static std::string firstCause(const Event& e) { return e.causes.empty() ? std::string() : describe(e.causes.front()); }

  void keepalive(const Event& e) {
    if (e.kind != EventKind::StateChanged) return;
    if (e.to == kAlive) {
      add(e, "VPC", 5, "PEER_KEEP_ALIVE_RECV_SUCCESS", inDomain() + "vPC peer keep-alive receive is successful");
    } else if (e.from == kAlive) {
      add(e, "VPC", 2, "PEER_KEEP_ALIVE_RECV_FAIL", inDomain() + "VPC peer keep-alive receive has failed");
      if (e.to != kNotReachable)
        add(e, "VPC", 6, "PEER_KEEP_ALIVE_STATUS", inDomain() + "peer keep-alive status changed to " + e.to);
    } else if (!e.from.empty()) {
      add(e, "VPC", 6, "PEER_KEEP_ALIVE_STATUS", inDomain() + "peer keep-alive status changed to " + e.to);
    }
  }

  void peerLink(const Event& e) {
    if (has(e.causes, CauseKind::BringupFailedNeverAlive))
      add(e, "VPC", 3, "VPC_PEER_LINK_BRINGUP_FAILED",
          "vPC peer-link bringup failed (peer-keepalive not operational, peer never alive)");
  }

  void peerStatus(const Event& e) {
    if (e.kind != EventKind::StateChanged) return;
    if (e.from == kAdjacencyOk && e.to == kPeerLinkDown) {
      // NX-OS logs it after what the loss did to the vPCs at that moment (the journal has it first).
      held_.push_back(SyslogMessage{e.at, e.seq, "VPC", 3, "VPC_PEER_LINK_DOWN", "VPC Peer-link is down"});
    } else if (e.to == kAdjacencyOk) {
      add(e, "VPC", 5, "VPC_PEER_LINK_UP", "VPC Peer-link is up");
    }
  }

  void role(const Event& e) {
    if (e.kind != EventKind::StateChanged || e.from == e.to) return;
    std::string to;
    if (e.to.find("primary") != std::string::npos) to = "Primary";
    else if (e.to.find("secondary") != std::string::npos) to = "Secondary";
    else return;
    if (e.to.find("operational") != std::string::npos) to = "Operational " + to;
    add(e, "VPC", 5, "ROLE_CHANGE", inDomain() + "VPC role status has changed to " + to);
  }

  void failover(const Event& e) {
    if (e.kind == EventKind::StateChanged && e.to == toString(FailoverState::PeerAlive))
      add(e, "VPC", 2, "DUAL_ACTIVE_DETECTED",
          inDomain() + "vPC dual-active detected: the peer-link is down and the peer is alive on the peer-keepalive");
  }

  std::optional<InterfaceId> portChannelOf(std::uint32_t vpc_id) const {
    for (const auto& [id, ic] : config_.interfaces)
      if (ic.vpc_id && *ic.vpc_id == vpc_id) return id;
    return std::nullopt;
  }

  void vpc(const Event& e) {
    const auto id = e.subject.id;
    const auto before = activeVlans(e.from), after = activeVlans(e.to);
    if (before && after) {  // the vPC stayed up and its active VLANs changed
      const auto suspended = before->minus(*after);
      const auto po = portChannelOf(id);
      if (suspended.empty() || !po) return;
      // The reason in NX-OS's style (our words; only the peer-unreachable one is from a capture).
      std::string why = "vPC type-1 configuration incompatible";
      for (const auto& c : e.causes) {
        if (c.kind == CauseKind::StpVlansSuspended || c.kind == CauseKind::VlanStpMismatch) {
          why = "STP is not enabled for the VLAN on both vPC peers";
          break;
        }
        if (c.kind == CauseKind::VlansSuspended || c.kind == CauseKind::VlanMissing ||
            c.kind == CauseKind::VlanNotOnPeer) {
          why = "Vlan is not allowed or not consistent on the vPC peer";
          break;
        }
        if (c.kind == CauseKind::PeerLinkIsDown) {
          why = "vPC peer is not reachable over cfs";
          break;
        }
      }
      add(e, "ETHPORT", 3, "IF_ERROR_VLANS_SUSPENDED",
          "VLANs " + suspended.str() + " on Interface " + po->longName() + " are being suspended. (Reason: " + why +
              ")");
      return;
    }
    if (e.kind == EventKind::ReasonChanged) {
      // The vPC kept its state and found an inconsistency (the primary keeps a vPC up under graceful
      // consistency check): NX-OS logs the failed check all the same.
      if (has(e.causes, CauseKind::Inconsistent)) notConsistent(e, firstCause(e));
      return;
    }
    if (is(e.to, VpcStatus::Up)) {
      add(e, "VPC", 5, "VPC_UP", "vPC " + std::to_string(id) + " is up");
      return;
    }
    if (!is(e.to, VpcStatus::Down)) return;
    if (has(e.causes, CauseKind::SecondarySuspendsAll)) {
      if (!suspended_all_at_ || *suspended_all_at_ != e.at) {
        suspended_all_at_ = e.at;
        add(e, "VPC", 2, "VPC_SUSP_ALL_VPC",
            "Peer-link going down, suspending all vPCs on secondary. If vfc is bound to vPC, then only ethernet "
            "vlans of that VPC shall be down.");
      }
      notConsistent(e, "Peer-link is down");
    } else if (has(e.causes, CauseKind::Inconsistent) || has(e.causes, CauseKind::PeerLinkIsDown) ||
               has(e.causes, CauseKind::NotConfiguredOnPeer)) {
      notConsistent(e, firstCause(e));
    }
  }
  void notConsistent(const Event& e, const std::string& why) {
    add(e, "VPC", 3, "INTF_CONSISTENCY_FAILED",
        inDomain() + "VPC " + std::to_string(e.subject.id) + " configuration is not consistent (" + why + ")");
  }

  void interface(const Event& e) {
    if (e.kind != EventKind::StateChanged) return;
    const auto id = InterfaceId::fromCode(e.subject.id);
    if (!id || (id->kind() != IfKind::Ethernet && id->kind() != IfKind::PortChannel)) return;
    // NX-OS names the description with the interface when there is one (captures: "Interface
    // Ethernet1/38 (description:SRV-01) is up in mode access").
    const auto* own = config_.interface(*id);
    const std::string name = "Interface " + id->longName() +
                             (own && !own->description.empty() ? " (description:" + own->description + ")" : "");
    if (is(e.to, PortState::Suspended) && !e.from.empty() && id->kind() == IfKind::Ethernet) {
      add(e, "ETH_PORT_CHANNEL", 5, "PORT_SUSPENDED", id->longName() + ": " + id->longName() + " is suspended");
    } else if (is(e.to, PortState::Connected)) {
      const auto* ic = config_.switchportOf(*id);  // a member runs in its port-channel's mode
      const bool trunk = ic && ic->mode == PortMode::Trunk;
      add(e, "ETHPORT", 5, "IF_UP", name + " is up in mode " + (trunk ? "trunk" : "access"));
    } else if (is(e.to, PortState::Disabled) && !e.from.empty()) {
      add(e, "ETHPORT", 5, "IF_DOWN_ADMIN_DOWN", name + " is down (Administratively down)");
    } else if (is(e.to, PortState::NotConnected) && !e.from.empty()) {
      add(e, "ETHPORT", 5, "IF_DOWN_LINK_FAILURE", name + " is down (Link failure)");
    } else if (is(e.to, PortState::NoOperMembers) && !e.from.empty()) {
      add(e, "ETHPORT", 5, "IF_DOWN_PORT_CHANNEL_MEMBERS_DOWN", name + " is down (No operational members)");
    }
  }

  void flush() {
    out_.insert(out_.end(), held_.begin(), held_.end());
    held_.clear();
  }

  const SwitchConfig& config_;
  std::uint32_t domain_;
  std::vector<SyslogMessage> held_;  // logged after the other messages of their moment
  std::optional<TimePoint> suspended_all_at_;
  std::vector<SyslogMessage> out_;
};

}  // namespace

std::vector<SyslogMessage> syslogMessages(const std::deque<Event>& events, const SwitchConfig& config) {
  Writer w(config);
  for (const auto& e : events) w.event(e);
  return w.take();
}

}  // namespace vpc
