// A two-switch simulator in virtual time (STYLE.md §2.12): two SwitchNodes, one fake clock, and the
// two paths between them (peer-link transport, keepalive datagrams) modelled as queues of timed
// deliveries with a global sequence number breaking ties deterministically. No sockets, threads or
// sleeps: runFor(10s) takes milliseconds of real time.
//
// Faults model what the switches would see:
//   cutPeerLink()  - silent: every message and every close on the path is lost (no FIN reaches anyone)
//   shutPeerLink() - clean: both ends see their connection close now
//   cutKeepalive() - keepalive datagrams are lost
//   kill(i)        - the process dies: its peer sees its connection reset (the kernel sends a RST)
//   restart(i)     - a new process with the same config (a new boot id, empty tables)
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>

#include "peerlink/core/time.h"
#include "switch/core/config.h"
#include "switch/core/lacp.h"
#include "switch/core/switch_node.h"
#include "tests/support/fake_clock.h"

namespace vpc::sim {

// Parses a sample config from labs/ (tests fail loudly if it does not parse).
SwitchConfig loadConfig(const std::string& relative_path);
SwitchConfig parseOrDie(const std::string& text);
// leaf1/leaf2 from labs/topologies/pair.
std::array<SwitchConfig, 2> defaultPairConfigs();

class Pair {
 public:
  explicit Pair(std::array<SwitchConfig, 2> configs, NodeOptions options = {});
  static Pair startConverged(std::array<SwitchConfig, 2> configs = defaultPairConfigs(), NodeOptions options = {});

  void start();            // both switches boot now
  void start(int i);       // only switch i boots
  void runFor(Duration d);
  // Runs until pred() holds (checked after every step) or `limit` passes; returns whether it held.
  bool runUntil(const std::function<bool()>& pred, Duration limit);

  SwitchNode& sw(int i) { return *nodes_[i]; }
  bool alive(int i) const { return alive_[i]; }
  TimePoint now() const { return clock_.now(); }

  void cutPeerLink() { peer_link_up_ = false; }
  void restorePeerLink() { peer_link_up_ = true; }
  void shutPeerLink();
  void cutKeepalive() { keepalive_up_ = false; }
  void restoreKeepalive() { keepalive_up_ = true; }
  // One way only: switch i stops hearing its peer's keepalives (true) or hears them again (false).
  void deafenKeepalive(int i, bool deaf = true) { keepalive_deaf_[static_cast<std::size_t>(i)] = deaf; }
  void setDelay(Duration d) { delay_ = d; }
  // Loses the next `count` peer-link messages sent by switch `from` that match `pred`, while the stream
  // itself stays up (a bug or corruption the sequence numbers must catch; a real TCP stream never
  // does this on its own).
  void losePeerMessages(int from, std::function<bool(const peer::Message&)> pred, int count = 1) {
    loss_ = Loss{from, std::move(pred), count};
  }
  // The carrier of switch i's port `port` (bound to a link in its config) comes or goes, now.
  void link(int i, const std::string& port, bool up);
  // A frame arrives on switch i's port now. Frames the switches send over the peer-link reach the other
  // switch (after the link's delay, while the peer-link path is up); frames they send out of their
  // ports are kept here, in order, for the test to read.
  void frame(int i, const std::string& port, std::vector<std::uint8_t> bytes);
  struct SentFrame {
    TimePoint at;
    InterfaceId port;
    std::vector<std::uint8_t> bytes;
  };
  const std::vector<SentFrame>& sent(int i) const { return sent_[i]; }
  void clearSent() { sent_[0].clear(), sent_[1].clear(); }
  std::uint64_t peerLinkFrames() const { return peer_link_frames_; }
  // A device below the pair that bonds links to the switches' bound ports and speaks LACP (a server's
  // bond, mode active): what the switches send on those ports reaches it, what it sends arrives on
  // them; its timers run with the simulation. Returns its index. `speaks(b, link, false)` silences one
  // of its ports (its LACPDUs are lost) without taking the link down.
  std::size_t lacpBond(const std::vector<std::pair<int, std::string>>& links, std::uint64_t system = 0x525400aa0001ULL,
                       bool fast = false);
  const lacp::Group& bond(std::size_t b) const { return bonds_[b].group; }
  void speaks(std::size_t b, std::size_t link, bool on) { bonds_[b].speaks[link] = on; }
  // Whether switch i keeps port `port`'s link lit (the last SetPortLight; lit until one says otherwise).
  bool lit(int i, const std::string& port) const {
    const auto it = dark_[i].find(*InterfaceId::parse(port));
    return it == dark_[i].end() || !it->second;
  }
  void kill(int i);
  void restart(int i);
  void stopGracefully(int i);  // SIGTERM: Goodbye, then exit

  // Management commands on switch i, executing their effects.
  Result<LearnResult> learnMac(int i, const LearnMacCmd& cmd);
  Result<LearnResult> learnArp(int i, const LearnArpCmd& cmd);
  std::uint64_t clearMac(int i);
  Result<ConfigureResult> configure(int i, const std::vector<std::string>& lines);
  Result<std::string> rolePreempt(int i);
  // When switch i last recorded a state change of `subject` to `to` (nullopt: never).
  std::optional<TimePoint> lastEvent(int i, const Subject& subject, const std::string& to) const;
  // Switch i's state now.
  NodeSnapshot snap(int i) const { return nodes_[i]->snapshot(now()); }

  bool converged() const;  // both adjacent and established, identical logical views, nothing pending
  const std::vector<Event>& events(int i) const { return events_[i]; }
  std::uint64_t deliveredPeerMessages() const { return delivered_; }

 private:
  struct Delivery {
    TimePoint at;
    std::uint64_t seq;
    int target;
    std::uint64_t generation;
    Input input;
  };
  struct Later {
    bool operator()(const Delivery& a, const Delivery& b) const {
      return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
  };
  struct ConnEnd {
    int node;
    ConnId conn;
  };

  void boot(int i);
  void execute(int i, const Effects& effects);
  void deliver(int target, Input input, Duration delay);
  std::optional<ConnEnd> otherEnd(int i, ConnId conn) const;
  void dropConnectionsOf(int i, bool notify_peer, const std::string& reason);

  std::array<SwitchConfig, 2> configs_;
  NodeOptions options_;
  test::FakeClock clock_;
  std::array<std::unique_ptr<SwitchNode>, 2> nodes_;
  std::array<std::vector<SentFrame>, 2> sent_;
  std::map<InterfaceId, bool> dark_[2];
  struct Bond {
    lacp::Group group;
    std::vector<std::pair<int, InterfaceId>> links;
    std::vector<bool> speaks;
  };
  std::vector<Bond> bonds_;
  void runBonds();
  void toBond(int i, InterfaceId port, const std::vector<std::uint8_t>& bytes);
  std::optional<TimePoint> bondDeadline() const;
  std::uint64_t peer_link_frames_ = 0;
  std::array<bool, 2> alive_{false, false};
  std::array<std::uint64_t, 2> generation_{0, 0};
  std::array<std::vector<Event>, 2> events_;
  std::priority_queue<Delivery, std::vector<Delivery>, Later> queue_;
  std::uint64_t seq_ = 0;
  std::uint64_t next_accept_ = 1;
  std::uint64_t delivered_ = 0;
  std::map<std::pair<int, ConnId>, ConnEnd> conns_;  // both directions
  struct Loss {
    int from = -1;
    std::function<bool(const peer::Message&)> pred;
    int count = 0;
  };
  Loss loss_;
  bool peer_link_up_ = true;
  bool keepalive_up_ = true;
  std::array<bool, 2> keepalive_deaf_{false, false};
  Duration delay_ = std::chrono::microseconds(100);
};

}  // namespace vpc::sim
