// One switch's state as a value: what every show, the explanations, the labs and the tests read. The
// node takes it on its own thread in microseconds (the configuration is shared, not copied; the tables
// are summarised, not copied - they are read in slices, see DualTable::ScanCursor); views are pure
// functions of it (views.h, and the management views in switch/mgmt/) and may run on any thread.
#pragma once

#include <memory>
#include <optional>

#include "peerlink/core/keepalive_fsm.h"
#include "peerlink/core/session_fsm.h"
#include "switch/core/config.h"
#include "switch/core/consistency.h"
#include "switch/core/failover_fsm.h"
#include "switch/core/forwarding.h"
#include "switch/core/state.h"
#include "switch/core/table_sync.h"
#include "switch/core/vpc_manager.h"

namespace vpc {

struct SessionSnapshot {
  SessionState state = SessionState::Disabled;
  Causes down;  // why the peer-link is not up
  std::optional<Duration> rtt;
  SessionCounters counters;
  Duration handshake_timeout{};
};

struct KeepaliveSnapshot {
  KeepaliveState state = KeepaliveState::Disabled;
  KeepaliveCounters counters;
  std::optional<KeepaliveSettings> settings;
  std::optional<TimePoint> alive_since, last_rx, last_tx;
  std::optional<Duration> average_rx_interval;
};

struct NodeSnapshot {
  TimePoint now{};
  TimeScale scale;
  std::shared_ptr<const SwitchConfig> config;
  SwitchStatus status;  // role, peer status, vPCs, ports: typed, with their cause chains
  RoleInfo role;
  SessionSnapshot session;
  KeepaliveSnapshot keepalive;
  FailoverState failover = FailoverState::Idle;
  std::optional<Duration> boot_wait_left;  // auto-recovery reload-delay still to run (scaled)
  RestoreTimers restore;
  peer::ConsistencyParams local_consistency;
  std::optional<peer::ConsistencyParams> peer_consistency;
  std::optional<peer::VpcState> peer_vpc_state;
  std::optional<ConsistencyResult> consistency;  // both switches' parameters known, peer-link up
  TableTotals tables;
  ForwardingCounters frames;  // the data plane's counters

  bool adjacent() const { return session.state == SessionState::Syncing || session.state == SessionState::Established; }
};

}  // namespace vpc
