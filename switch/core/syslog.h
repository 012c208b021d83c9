// The switch's syslog: the NX-OS messages (`%FACILITY-SEVERITY-MNEMONIC: text`) a Nexus writes for
// what the event journal records, for `show logging`. A pure function of the journal: the journal
// stays the one record, and a message is its NX-OS wording. Which mnemonics, their texts and their
// sources: docs/behaviour.md ("Syslog messages").
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "peerlink/core/effects.h"
#include "switch/core/config.h"

namespace vpc {

struct SyslogMessage {
  TimePoint at{};
  std::uint64_t event_seq = 0;  // the journal event it words
  std::string facility;         // "VPC", "ETHPORT"
  int severity = 5;             // 0 emergency ... 7 debugging
  std::string mnemonic;         // "VPC_PEER_LINK_DOWN"
  std::string text;             // "VPC Peer-link is down"

  std::string tag() const;  // "%VPC-3-VPC_PEER_LINK_DOWN"
};

// The messages for `events` (oldest first), oldest first; `config` names the domain and the ports'
// modes. Several events of one moment may make one message (the secondary's "suspending all vPCs").
std::vector<SyslogMessage> syslogMessages(const std::deque<Event>& events, const SwitchConfig& config);

}  // namespace vpc
