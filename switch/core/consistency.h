// vPC consistency parameters (vpc-behaviour.md §5). Each switch announces its own, with NX-OS names and
// display values; these pure functions build the announcement from a config and compare two of them.
//   Type 1: a mismatch suspends (global: every vPC; per vPC: that vPC). With graceful consistency-check
//           (the default, effective only when both switches have it) only the secondary suspends.
//   Type 2: a mismatch only warns.
//   Per VLAN: "STP Disabled" differing for a VLAN suspends that VLAN only; allowed VLANs that differ
//           leave only the common ones active (the rest are "Local suspended VLANs").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "peerlink/core/messages.h"
#include "switch/core/config.h"
#include "switch/core/state.h"

namespace vpc {

constexpr std::uint32_t kTypeInfo = 0;  // shown as "-": compared by other rules (VLAN sets)

peer::ConsistencyParams localConsistency(const SwitchConfig& config);

struct ConsistencyResult {
  std::vector<Mismatch> global;  // Type 1 and 2 (not the per-VLAN ones); peer value "-" when it lacks one
  std::map<std::uint32_t, std::vector<Mismatch>> vpcs;
  VlanSet stp_vlan_mismatch;     // per-VLAN Type-1: suspended VLANs
  bool graceful = true;          // effective: both switches have it

  const Mismatch* firstGlobal(std::uint32_t type) const;
  const Mismatch* firstVpc(std::uint32_t vpc, std::uint32_t type) const;
};

ConsistencyResult checkConsistency(const peer::ConsistencyParams& local, const peer::ConsistencyParams& peer);

// The value a parameter has in an announcement ("-" if absent).
std::string paramValue(const std::vector<peer::ConsistencyParam>& params, const std::string& name);

}  // namespace vpc
