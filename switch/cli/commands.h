// The exec commands vpcctl understands, as one grammar (NX-OS abbreviations: "sh vpc br"). Pure: the
// same table serves one-shot commands and the interactive shell, its `?` help and its completion.
#pragma once

#include "switch/core/grammar.h"

namespace vpc::cli {

enum Command : int {
  kShowVpc,
  kShowVpcBrief,
  kShowVpcRole,
  kShowVpcPeerKeepalive,
  kShowVpcSync,
  kShowMac,
  kShowIpArp,
  kShowVersion,
  kEvents,
  kLearnMac,
  kLearnArp,
  kClearMac,
  kClearArp,
  kShowVpcConsistency,
  kShowVpcStatisticsKeepalive,
  kShowInterfaceStatus,
  kVpcRolePreempt,
  kShowVpcOrphanPorts,
  kShowPortChannelSummary,
  kShowRunningConfig,
  kShowVpcHistory,
  kShowPeerLinkMessages,
  kExplain,
  // the interactive shell's own words
  kConfigureTerminal,
  kExit,
  kQuit,
  kEnd,
};

// One-shot commands (vpcctl -s X <command>).
const grammar::Grammar& execGrammar();
// The same, plus the shell's `configure terminal`, `exit`, `quit` and `end`.
const grammar::Grammar& shellExecGrammar();

}  // namespace vpc::cli
