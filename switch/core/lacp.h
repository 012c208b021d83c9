// LACP on one member port (IEEE 802.1AX): the receive, periodic-transmit, selection and mux machines
// as data and pure steps, time passed in. The switch owns one Port per member of an LACP
// port-channel; a Group picks which ports join the channel's aggregator. What a port must send comes
// out as a PDU to transmit; every change of what NX-OS shows for the member (P, I, s, D) comes out as
// a change with its reason.
//
// Timers (802.1AX 6.4.4): fast periodic 1 s, slow periodic 30 s, short timeout 3 s, long timeout 90 s,
// aggregate wait 2 s. Under --time-scale the periodic rates and the aggregate wait shrink; the
// timeouts do not (PortConfig::scale). The rate a port sends at is the partner's wish (its Timeout bit); how long a
// port waits for the partner is its own (`lacp rate fast`: 3 s, else 90 s).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "peerlink/core/time.h"
#include "switch/core/lacp_pdu.h"

namespace vpc::lacp {

constexpr Duration kFastPeriodic = Millis(1000);
constexpr Duration kSlowPeriodic = Millis(30000);
constexpr Duration kShortTimeout = Millis(3000);
constexpr Duration kLongTimeout = Millis(90000);
constexpr Duration kAggregateWait = Millis(2000);

struct PortConfig {
  bool active = true;              // channel-group N mode active (else passive)
  bool fast = false;               // lacp rate fast
  Info actor;                      // system priority/MAC, key, port priority/number (state is computed)
  // --time-scale: shrinks what this side decides alone (the aggregate wait, how often it sends), not
  // how long it waits for the partner: a real partner sends at the unscaled rates.
  TimeScale scale;
};

enum class RxState { PortDisabled, Expired, Defaulted, Current };
enum class MuxState { Detached, Waiting, Attached, Collecting, CollectingDistributing };
std::string_view toString(RxState s);
std::string_view toString(MuxState s);

// What NX-OS shows for a member in `show port-channel summary`.
enum class Member : std::uint8_t {
  Down,        // D: the link is down
  Bundled,     // P: up in the port-channel, collecting and distributing
  Individual,  // I: no LACP partner, forwarding as an individual port (no lacp suspend-individual)
  Suspended,   // s: not in the bundle (no partner with suspend-individual, another partner, held out)
  Waiting,     // selected, not yet collecting and distributing (shown as s until it is)
  Standby,     // H: could join, but the port-channel already bundles its maximum (lacp max-bundle)
};
char flag(Member m);

struct Counters {
  std::uint64_t sent = 0, received = 0, errors = 0;
};

class Port {
 public:
  explicit Port(PortConfig c) : config_(std::move(c)) { actor_ = config_.actor; }
  void configure(PortConfig c);

  // The link came up or went down.
  void link(bool up, TimePoint now);
  // An LACPDU arrived on this port.
  void received(const Pdu& pdu, TimePoint now);
  // A frame on this port that claimed to be an LACPDU but was not one.
  void malformed() { ++counters_.errors; }
  // Timers due at `now`.
  void tick(TimePoint now);
  std::optional<TimePoint> nextDeadline() const;

  // Selection, decided by the port's Group (or by vPC: held out of the bundle).
  void select(bool selected, TimePoint now);
  // A PDU to send now, if the machines want one (NTT or the periodic timer); at most 3 a second.
  std::optional<Pdu> transmit(TimePoint now);

  RxState rx() const { return rx_; }
  MuxState mux() const { return mux_; }
  bool linkUp() const { return up_; }
  bool selected() const { return selected_; }
  const Info& actor() const { return actor_; }
  const Info& partner() const { return partner_; }
  bool partnerHeard() const { return rx_ == RxState::Current || rx_ == RxState::Expired; }
  // When the last LACPDU arrived (for the partner's age in `show lacp neighbor`).
  std::optional<TimePoint> lastReceived() const { return last_rx_; }
  const PortConfig& config() const { return config_; }
  const Counters& counters() const { return counters_; }
  // The receive machine's reason for its last change ("no LACPDU from the partner within 3 s").
  const std::string& rxReason() const { return rx_reason_; }

 private:
  void enterRx(RxState s, TimePoint now, std::string reason);
  void runMux(TimePoint now);
  void setActorBit(std::uint8_t bit, bool on);
  Duration ownTimeout() const { return config_.fast ? kShortTimeout : kLongTimeout; }

  PortConfig config_;
  Info actor_, partner_;
  bool up_ = false;
  RxState rx_ = RxState::PortDisabled;
  MuxState mux_ = MuxState::Detached;
  bool selected_ = false;
  bool ntt_ = false;
  std::optional<TimePoint> current_while_, wait_while_, periodic_, last_rx_;
  std::vector<TimePoint> recent_tx_;  // for the 3-a-second limit
  std::string rx_reason_;
  Counters counters_;
};

// The members of one LACP port-channel and their aggregator: the ports whose partner is the
// aggregator's partner (the first port that heard one decides) are selected, unless held out.
struct GroupConfig {
  bool suspend_individual = true;  // lacp suspend-individual (the NX-OS default)
  std::uint32_t max_bundle = 32;   // lacp max-bundle: members bundled at most; the others hot-standby
};

struct MemberChange {
  std::size_t index = 0;
  Member from = Member::Down, to = Member::Down;
  std::string reason;
};

class Group {
 public:
  explicit Group(GroupConfig c = {}) : config_(c) {}
  std::vector<Port>& ports() { return ports_; }
  const std::vector<Port>& ports() const { return ports_; }
  void configure(GroupConfig c) { config_ = c; }
  // Held out of the bundle (vPC suspended the leg, delay restore): every port unselected.
  void holdOut(bool held, std::string why) {
    held_ = held;
    held_reason_ = std::move(why);
  }
  // Reselects after any input, and reports what changed in the members' NX-OS view (a new reason for
  // the same flag too: from == to).
  std::vector<MemberChange> update(TimePoint now);
  Member member(std::size_t i) const { return members_.size() > i ? members_[i] : Member::Down; }
  // The aggregator's partner (system priority, system, key), when one was chosen.
  std::optional<Info> partner() const { return partner_; }

 private:
  Member view(std::size_t i) const;
  GroupConfig config_;
  std::vector<Port> ports_;
  std::vector<Member> members_;
  std::vector<bool> standby_;
  std::vector<std::string> reasons_;
  std::optional<Info> partner_;
  bool held_ = false;
  std::string held_reason_;
};

}  // namespace vpc::lacp
