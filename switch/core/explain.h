// `vpcctl explain`: why something is the way it is - its status, the cause chain, the vPC rules behind
// the causes (looked up by cause kind, never by wording), and the events that led there. Pure: a
// function of a snapshot and the journal.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "peerlink/core/journal.h"
#include "peerlink/core/result.h"
#include "switch/core/snapshot.h"

namespace vpc {

struct ExplainQuery {
  enum class Kind { Vpc, Interface, PeerLink, Role, Vlan };
  Kind kind = Kind::Vpc;
  std::uint32_t vpc = 0;
  std::uint16_t vlan = 0;
  InterfaceId iface;
};

struct Explanation {
  std::string subject;  // "vPC 10 (Po10)", "interface Eth1/5", "peer-link", "role", "VLAN 10"
  std::string status;   // its state in NX-OS words
  std::string reason;   // the NX-OS reason, if any
  Causes chain;         // most immediate first
  std::vector<std::string> rules;
  std::vector<Event> events;  // oldest first
};

Result<Explanation> explain(const NodeSnapshot& s, const Journal& journal, const ExplainQuery& q);

// The vPC rules behind the causes in `chain`, in our words, without repeats, the most immediate
// cause's rule first.
std::vector<std::string> rulesFor(const Causes& chain);

}  // namespace vpc
