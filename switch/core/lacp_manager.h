// LACP as a part of the switch: the machines of switch/core/lacp.h on every member of an LACP
// port-channel (channel-group N mode active|passive) that is bound to a real link. Members that are
// not on a link (no partner can exist) and `mode on` members speak no LACP and behave as before.
//
// Identity (docs/behaviour.md, "LACP"): a vPC port-channel's members speak as the vPC system (the
// domain's system MAC and system-priority) with key 0x8000 + vPC number, the same on both switches;
// other port-channels as this switch (its own MAC, priority 32768) with key 0x8000 + port-channel
// number. Port numbers are slot << 8 | port; on vPC port-channels the switch that the configuration
// makes secondary (higher role-priority, then higher MAC: the election's ranking, not the role it has
// now) adds 0x4000, as a captured NX-OS secondary does, so the two switches' numbers never collide
// (once it has heard its peer; the offset then stays).
//
// vPC's decisions reach the partner through holdOut(): a held port-channel's members leave the
// bundle (out of sync, not collecting or distributing) while their links stay up.
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "peerlink/core/cause.h"
#include "peerlink/core/effects.h"
#include "switch/core/config.h"
#include "switch/core/lacp.h"
#include "switch/core/vpc_status.h"

namespace vpc {

class LacpManager {
 public:
  struct Counters {
    std::uint64_t malformed = 0;       // Slow Protocols frames that were not sound LACPDUs
    std::uint64_t not_lacp_member = 0;  // LACPDUs on a port that speaks no LACP (dropped)
  };
  struct MemberView {
    InterfaceId port, pc;
    lacp::Member member = lacp::Member::Down;
    std::string reason;
    lacp::Info actor, partner;
    lacp::RxState rx = lacp::RxState::PortDisabled;
    lacp::MuxState mux = lacp::MuxState::Detached;
    lacp::Counters counters;
    bool active = true, fast = false;
    bool link_up = false;
    std::optional<TimePoint> last_rx;  // when its partner last spoke
  };

  // How a switch ranks in the role election by configuration: (role-priority, local MAC).
  using Rank = std::pair<std::uint32_t, std::uint64_t>;
  // (Re)reads the configuration; a member whose identity is unchanged keeps its machines. `peer`: the
  // peer switch's rank once known.
  void configure(const SwitchConfig& config, const NoCarrier& no_carrier, std::optional<Rank> peer, TimeScale scale,
                 TimePoint now);
  bool speaks(InterfaceId port) const { return where_.contains(port); }
  void link(InterfaceId port, bool up, TimePoint now);
  // A Slow Protocols frame that arrived on `port`.
  void frame(InterfaceId port, const std::uint8_t* bytes, std::size_t size, TimePoint now);
  void tick(TimePoint now);
  std::optional<TimePoint> nextDeadline() const;
  // vPC holds port-channel `pc` out of its bundle (why), or lets it back (nullopt).
  void holdOut(InterfaceId pc, const std::optional<Causes>& why);
  // Selection and the mux; member events (subject "lacp Eth1/1") and the LACPDUs due go to `out`.
  // True when the members LACP keeps out of their port-channel changed (the status must be derived again).
  bool settle(TimePoint now, MacAddress local_mac, Effects& out);
  // Members not bundled for LACP's own reasons (no partner, another partner, not yet in sync), with
  // why: for the vPC view they are down. Members held out by vPC are not listed (vPC knows why).
  const std::map<InterfaceId, Causes>& out() const { return out_; }

  std::vector<MemberView> members() const;
  const Counters& counters() const { return counters_; }
  // The system identity members of `pc` speak with.
  std::optional<lacp::Info> identity(InterfaceId pc) const;

 private:
  struct Channel {
    lacp::Group group;
    std::vector<InterfaceId> ports;
    bool held = false;
  };
  std::map<std::uint32_t, Channel> channels_;    // by port-channel number
  std::map<InterfaceId, std::pair<std::uint32_t, std::size_t>> where_;  // member -> (channel, index)
  std::map<InterfaceId, Causes> out_;
  struct Reported {  // what the events last said of a member: its flag and the reason for it
    lacp::Member flag = lacp::Member::Down;
    std::string reason;
  };
  std::map<InterfaceId, Reported> reported_;
  bool offset_ = false;  // sticky: the port-number offset never flips back
  Counters counters_;
};

}  // namespace vpc
