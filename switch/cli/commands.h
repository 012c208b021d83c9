// The exec commands vpcctl understands, as one grammar (NX-OS abbreviations: "sh vpc br"). Pure: the
// same table serves one-shot commands and, later, the interactive shell and its completion.
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
};

const grammar::Grammar& execGrammar();

}  // namespace vpc::cli
